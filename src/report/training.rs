//! The training report of `stance-train --report`: scores per split, a
//! confusion matrix heat map, per-label precision/recall/F1 bars, a reliability
//! diagram with its expected calibration error, the features with the largest
//! weights per class, and the selection grid's scores. A static page (SVG
//! charts, no script).

use maud::{html, Markup};

use super::page::{fixed, page};
use super::svg::{blue, ink_on_blue, unit_y_axis};
use crate::eval::{Calibration, Metrics};

/// One evaluated split.
#[derive(Debug, Clone, Copy)]
pub struct TrainingSplit<'a> {
    /// Its name (`dev`, `test`).
    pub name: &'a str,
    /// Its metrics.
    pub metrics: &'a Metrics,
    /// Its calibration, when probabilities were kept.
    pub calibration: Option<&'a Calibration>,
}

/// A feature with a large weight.
#[derive(Debug, Clone, PartialEq)]
pub struct TopFeature {
    /// Its readable name (the n-gram, …), or its index when no training text produced it.
    pub name: String,
    /// Its weight for the class.
    pub weight: f64,
    /// Other strings seen with the same hashed index (collisions).
    pub others: usize,
}

/// The features with the largest weights for one class.
#[derive(Debug, Clone, PartialEq)]
pub struct ClassFeatures {
    /// The class label.
    pub label: String,
    /// Its features, largest weight first.
    pub features: Vec<TopFeature>,
}

/// One candidate of the selection grid.
#[derive(Debug, Clone, PartialEq)]
pub struct GridRow {
    /// Feature variant.
    pub variant: String,
    /// Inverse regularisation strength.
    pub c: f64,
    /// Class weighting, as text.
    pub class_weight: String,
    /// Its selection score.
    pub score: Option<f64>,
    /// Whether it was chosen.
    pub chosen: bool,
}

/// Everything the training report shows.
#[derive(Debug, Clone, Default)]
pub struct TrainingReport<'a> {
    /// The page title.
    pub title: String,
    /// Facts about the run, as (name, value) pairs.
    pub facts: Vec<(String, String)>,
    /// The evaluated splits.
    pub splits: Vec<TrainingSplit<'a>>,
    /// Top features per class.
    pub features: Vec<ClassFeatures>,
    /// How the settings were selected (`dev`, `cv5`, `none`) and by which metric.
    pub selection: (String, String),
    /// The selection grid.
    pub grid: Vec<GridRow>,
}

/// Precision, recall and F1 bar colours.
const PRF: [(&str, &str); 3] = [("precision", "#4575b4"), ("recall", "#91bfdb"), ("F1", "#fc8d59")];

fn confusion(split: &TrainingSplit<'_>) -> Markup {
    let cm = &split.metrics.confusion;
    let k = cm.labels.len();
    let size = (360.0 / k.max(1) as f64).clamp(22.0, 64.0);
    let label_w = 8.0 + 7.0 * cm.labels.iter().map(|l| l.chars().count()).max().unwrap_or(1).min(24) as f64;
    let (left, top) = (label_w + 24.0, label_w + 10.0);
    let (w, h) = (left + size * k as f64 + 10.0, top + size * k as f64 + 10.0);
    html! {
        svg class="chart confusion" data-split=(split.name) width=(fixed(w, 0)) height=(fixed(h, 0))
            viewBox=(format!("0 0 {} {}", fixed(w, 0), fixed(h, 0))) role="img" {
            title { "Confusion matrix (" (split.name) "): rows true, columns predicted; colour: share of the row" }
            text x=(fixed(left + size * k as f64 / 2.0, 1)) y="12" text-anchor="middle" { "predicted" }
            text x="12" y=(fixed(top + size * k as f64 / 2.0, 1)) text-anchor="middle"
                transform=(format!("rotate(-90 12 {})", fixed(top + size * k as f64 / 2.0, 1))) { "true" }
            @for (j, l) in cm.labels.iter().enumerate() {
                @let x = left + size * (j as f64 + 0.5);
                text class="pred-label" x=(fixed(x, 1)) y=(fixed(top - 6.0, 1)) text-anchor="start"
                    transform=(format!("rotate(-60 {} {})", fixed(x, 1), fixed(top - 6.0, 1))) { (l) }
            }
            @for (i, (l, row)) in cm.labels.iter().zip(&cm.matrix).enumerate() {
                @let y = top + size * i as f64;
                @let total: u64 = row.iter().sum();
                text class="true-label" x=(fixed(left - 6.0, 1)) y=(fixed(y + size / 2.0 + 4.0, 1)) text-anchor="end" { (l) }
                @for (j, &n) in row.iter().enumerate() {
                    @let t = if total == 0 { 0.0 } else { n as f64 / total as f64 };
                    @let x = left + size * j as f64;
                    g class="cm" data-true=(l) data-pred=(cm.labels[j]) data-count=(n) {
                        rect x=(fixed(x, 1)) y=(fixed(y, 1)) width=(fixed(size - 2.0, 1)) height=(fixed(size - 2.0, 1))
                            fill=(blue(t)) rx="2" {
                            title { "true " (l) ", predicted " (cm.labels[j]) ": " (n) " (" (fixed(100.0 * t, 1)) "% of the row)" }
                        }
                        text x=(fixed(x + size / 2.0 - 1.0, 1)) y=(fixed(y + size / 2.0 + 3.0, 1)) text-anchor="middle"
                            style=(format!("fill:{}", ink_on_blue(t))) { (n) }
                    }
                }
            }
        }
    }
}

fn prf_bars(split: &TrainingSplit<'_>) -> Markup {
    let labels = &split.metrics.confusion.labels;
    let k = labels.len();
    let bar = (54.0 / k.max(1) as f64 * 3.0).clamp(5.0, 16.0);
    let group = bar * 3.0 + 14.0;
    let (left, top, plot_h) = (48.0, 10.0, 160.0);
    let label_h = 8.0 + 6.0 * labels.iter().map(|l| l.chars().count()).max().unwrap_or(1).min(24) as f64;
    let w = left + group * k as f64 + 10.0;
    let h = top + plot_h + label_h + 24.0;
    html! {
        svg class="chart prf" data-split=(split.name) width=(fixed(w.max(260.0), 0)) height=(fixed(h, 0))
            viewBox=(format!("0 0 {} {}", fixed(w.max(260.0), 0), fixed(h, 0))) role="img" {
            title { "Precision, recall and F1 per label (" (split.name) ")" }
            g class="grid" { @for i in 1..=5 {
                @let y = top + plot_h * (1.0 - f64::from(i) / 5.0);
                line x1=(fixed(left, 1)) y1=(fixed(y, 1)) x2=(fixed(left + group * k as f64, 1)) y2=(fixed(y, 1)) {}
            } }
            (unit_y_axis(left, top, plot_h, "score"))
            @for (i, l) in labels.iter().enumerate() {
                @let m = split.metrics.per_label.get(l);
                @let values = m.map_or([0.0; 3], |m| [m.precision, m.recall, m.f1]);
                @let x0 = left + 7.0 + group * i as f64;
                @for (j, ((what, colour), v)) in PRF.iter().zip(values).enumerate() {
                    rect class="prf-bar" data-label=(l) data-metric=(what) data-value=(fixed(v, 4))
                        x=(fixed(x0 + bar * j as f64, 1)) y=(fixed(top + plot_h * (1.0 - v), 1))
                        width=(fixed(bar - 1.0, 1)) height=(fixed(plot_h * v, 1)) fill=(colour) {
                        title { (l) " " (what) " " (fixed(v, 3)) }
                    }
                }
                @let lx = x0 + bar * 1.5;
                @let ly = top + plot_h + 12.0;
                text x=(fixed(lx, 1)) y=(fixed(ly, 1)) text-anchor="end"
                    transform=(format!("rotate(-40 {} {})", fixed(lx, 1), fixed(ly, 1))) { (l) }
            }
            @for (j, (what, colour)) in PRF.iter().enumerate() {
                @let x = left + 70.0 * j as f64;
                rect x=(fixed(x, 1)) y=(fixed(h - 12.0, 1)) width="10" height="10" fill=(colour) {}
                text x=(fixed(x + 14.0, 1)) y=(fixed(h - 3.0, 1)) { (what) }
            }
        }
    }
}

fn reliability(split: &TrainingSplit<'_>, c: &Calibration) -> Markup {
    let (left, top, size) = (48.0, 10.0, 200.0);
    let (w, h) = (left + size + 20.0, top + size + 40.0);
    let x = |v: f64| left + size * v;
    let y = |v: f64| top + size * (1.0 - v);
    html! {
        svg class="chart reliability" data-split=(split.name) data-ece=(fixed(c.ece, 4)) width=(fixed(w, 0))
            height=(fixed(h, 0)) viewBox=(format!("0 0 {} {}", fixed(w, 0), fixed(h, 0))) role="img" {
            title { "Reliability diagram (" (split.name) "): accuracy per confidence bin; ECE " (fixed(c.ece, 4)) }
            (unit_y_axis(left, top, size, "accuracy"))
            g class="axis" {
                line x1=(fixed(left, 1)) y1=(fixed(top + size, 1)) x2=(fixed(left + size, 1)) y2=(fixed(top + size, 1)) {}
                @for i in 0..=5 {
                    @let v = f64::from(i) / 5.0;
                    text x=(fixed(x(v), 1)) y=(fixed(top + size + 14.0, 1)) text-anchor="middle" { (fixed(v, 1)) }
                }
                text x=(fixed(left + size / 2.0, 1)) y=(fixed(top + size + 30.0, 1)) text-anchor="middle" { "confidence" }
            }
            @for b in c.bins.iter().filter(|b| b.count > 0) {
                rect class="bin" data-count=(b.count) data-accuracy=(fixed(b.accuracy, 4))
                    x=(fixed(x(b.lo) + 1.0, 1)) y=(fixed(y(b.accuracy), 1)) width=(fixed(size * (b.hi - b.lo) - 2.0, 1))
                    height=(fixed(size * b.accuracy, 1)) fill="#4575b4" fill-opacity="0.8" {
                    title { (fixed(b.lo, 1)) "–" (fixed(b.hi, 1)) ": " (b.count) " predictions, accuracy " (fixed(b.accuracy, 3))
                        ", mean confidence " (fixed(b.confidence, 3)) }
                }
                circle cx=(fixed(x(b.confidence), 1)) cy=(fixed(y(b.confidence), 1)) r="2.5" fill="#e66101" {}
            }
            line x1=(fixed(x(0.0), 1)) y1=(fixed(y(0.0), 1)) x2=(fixed(x(1.0), 1)) y2=(fixed(y(1.0), 1))
                stroke="#666" stroke-dasharray="4 3" {}
            text x=(fixed(left + 8.0, 1)) y=(fixed(top + 14.0, 1)) { "ECE " (fixed(c.ece, 3)) }
        }
    }
}

fn split_section(split: &TrainingSplit<'_>) -> Markup {
    html! {
        section class="split" id=(format!("split-{}", split.name)) {
            h2 { (split.name) " (" (split.metrics.n) " examples)" }
            div class="charts" {
                div { h3 { "Confusion matrix" } (confusion(split)) }
                div { h3 { "Precision, recall, F1" } (prf_bars(split)) }
                @if let Some(c) = split.calibration {
                    div { h3 { "Reliability" } (reliability(split, c))
                        p class="hint" { "Bars: accuracy per confidence bin (10 bins); dots: their mean confidence; "
                            "dashed: perfect calibration. Expected calibration error " b class="ece" { (fixed(c.ece, 4)) } "." } }
                }
            }
        }
    }
}

/// A score of a split, if it has one.
type Score = fn(&Metrics) -> Option<f64>;

fn scores(splits: &[TrainingSplit<'_>]) -> Markup {
    let rows: [(&str, Score); 6] = [
        ("accuracy", |m| Some(m.accuracy)),
        ("macro precision", |m| Some(m.macro_precision)),
        ("macro recall", |m| Some(m.macro_recall)),
        ("macro F1", |m| Some(m.macro_f1)),
        ("weighted F1", |m| Some(m.weighted_f1)),
        ("F_avg", |m| m.favg),
    ];
    html! {
        table class="scores" id="scores" {
            thead { tr { th {} @for s in splits { th { (s.name) } } } }
            tbody {
                @for (name, get) in rows {
                    @if splits.iter().any(|s| get(s.metrics).is_some()) {
                        tr { th { (name) } @for s in splits { td { (get(s.metrics).map(|v| fixed(v, 4)).unwrap_or_default()) } } }
                    }
                }
                @if splits.iter().any(|s| s.calibration.is_some()) {
                    tr { th { "ECE" } @for s in splits { td { (s.calibration.map(|c| fixed(c.ece, 4)).unwrap_or_default()) } } }
                }
            }
        }
    }
}

fn features(classes: &[ClassFeatures]) -> Markup {
    html! {
        section id="features" {
            h2 { "Features with the largest weights" }
            p class="hint" { "Per class, the model's largest weights and the training text behind each hashed feature "
                "(stems; not: marks a negated word; <target> and <holder> stand for the masked mentions). "
                "A + marks a feature index other strings share." }
            div class="featuresets" {
                @for class in classes {
                    @let max = class.features.iter().map(|f| f.weight.abs()).fold(0.0, f64::max);
                    div {
                        h3 { (class.label) }
                        table class="features" data-label=(class.label) {
                            @for f in &class.features {
                                tr {
                                    td class="l" { (f.name) @if f.others > 0 { " +" } }
                                    td class="w" { span class="wbar" style=(format!("width:{}px", fixed(80.0 * f.weight.abs() / max.max(1e-12), 0))) {} }
                                    td { (fixed(f.weight, 3)) }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn grid(report: &TrainingReport<'_>) -> Markup {
    let (method, metric) = &report.selection;
    let best = report.grid.iter().filter_map(|g| g.score).fold(0.0, f64::max);
    html! {
        section id="selection" {
            h2 { "Selection" }
            @if method == "none" {
                p { "Fixed settings: no selection grid was searched." }
            } @else {
                p { "Candidates scored by " b { (metric) } " on " (if method == "dev" { "the dev set".to_string() } else { format!("{}-fold cross-validation", method.trim_start_matches("cv")) }) "; the chosen one is in bold." }
            }
            table class="grid" {
                thead { tr { th class="l" { "features" } th { "C" } th class="l" { "class weight" } th { "score" } th {} } }
                tbody {
                    @for g in &report.grid {
                        tr class=[g.chosen.then_some("chosen")] {
                            td class="l" { (g.variant) }
                            td { (g.c) }
                            td class="l" { (g.class_weight) }
                            td { (g.score.map(|s| fixed(s, 4)).unwrap_or_else(|| "–".into())) }
                            td class="w" { @if let Some(s) = g.score {
                                span class="wbar" style=(format!("display:inline-block;width:{}px", fixed(120.0 * s / best.max(1e-12), 0))) {}
                            } }
                        }
                    }
                }
            }
        }
    }
}

impl TrainingReport<'_> {
    /// The whole page.
    pub fn to_html(&self) -> String {
        let title = if self.title.is_empty() { "Training report" } else { &self.title };
        let body = html! {
            header {
                h1 { (title) }
                table class="scores" id="facts" {
                    @for (k, v) in &self.facts { tr { th { (k) } td style="text-align:left" { (v) } } }
                }
            }
            @if !self.splits.is_empty() {
                h2 { "Scores" }
                (scores(&self.splits))
            }
            @for s in &self.splits { (split_section(s)) }
            @if !self.features.is_empty() { (features(&self.features)) }
            (grid(self))
        };
        page(title, body, None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_shows_every_part_and_escapes_names() {
        let labels: Vec<String> = ["<b>neg</b>", "pos"].map(String::from).to_vec();
        let m = Metrics::compute(&labels, &[0, 1, 1, 0], &[0, 1, 0, 0], &[]).unwrap();
        let c = Calibration::compute(&[0.9, 0.8, 0.6, 0.7], &[true, true, false, true], 10);
        let report = TrainingReport {
            title: "t".into(),
            facts: vec![("model".into(), "<i>x</i>".into())],
            splits: vec![TrainingSplit { name: "test", metrics: &m, calibration: Some(&c) }],
            features: vec![ClassFeatures {
                label: "pos".into(),
                features: vec![TopFeature { name: "<script>".into(), weight: 1.5, others: 1 }],
            }],
            selection: ("dev".into(), "macro_f1".into()),
            grid: vec![GridRow {
                variant: "configured".into(),
                c: 1.0,
                class_weight: "balanced".into(),
                score: Some(0.5),
                chosen: true,
            }],
        };
        let html = report.to_html();
        for bad in ["<b>neg", "<i>x", "<script>"] {
            assert!(!html.contains(bad), "{bad}");
        }
        // Confusion cells: true <b>neg</b> predicted as itself twice; true pos predicted <b>neg</b> once.
        assert!(
            html.contains(r#"data-true="&lt;b&gt;neg&lt;/b&gt;" data-pred="&lt;b&gt;neg&lt;/b&gt;" data-count="2""#),
            "{html}"
        );
        assert!(html.contains(r#"data-true="pos" data-pred="&lt;b&gt;neg&lt;/b&gt;" data-count="1""#));
        assert!(html.contains(r#"data-ece=""#) && html.contains("class=\"chosen\""));
        assert_eq!(html.matches("class=\"prf-bar\"").count(), 6);
    }
}
