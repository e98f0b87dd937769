//! Reports: a readable table, and the JSON shape written by `--metrics-json`.

use serde::Serialize;

use super::metrics::Metrics;

/// Metrics of one split in the JSON report.
#[derive(Debug, Clone, Serialize)]
pub struct SplitReport<'a> {
    /// Fraction correct.
    pub accuracy: f64,
    /// Mean F1 over labels.
    pub macro_f1: f64,
    /// Mean recall over labels.
    pub macro_recall: f64,
    /// Mean precision over labels.
    pub macro_precision: f64,
    /// Support-weighted F1.
    pub weighted_f1: f64,
    /// F_avg over the named labels, or null.
    pub favg: Option<f64>,
    /// Per-label precision, recall, F1, support.
    pub per_label: &'a std::collections::BTreeMap<String, super::LabelMetrics>,
    /// Confusion matrix (rows true, columns predicted).
    pub confusion: &'a super::ConfusionMatrix,
    /// Number of examples.
    pub n: u64,
}

impl<'a> From<&'a Metrics> for SplitReport<'a> {
    fn from(m: &'a Metrics) -> Self {
        Self {
            accuracy: m.accuracy,
            macro_f1: m.macro_f1,
            macro_recall: m.macro_recall,
            macro_precision: m.macro_precision,
            weighted_f1: m.weighted_f1,
            favg: m.favg,
            per_label: &m.per_label,
            confusion: &m.confusion,
            n: m.n,
        }
    }
}

/// Formats metrics as an aligned text table with a title line.
pub fn format_table(title: &str, m: &Metrics) -> String {
    let width = m.per_label.keys().map(String::len).max().unwrap_or(5).max(12);
    let mut out = format!("{title} ({} examples)\n", m.n);
    out += &format!("{:<width$}  {:>9}  {:>6}  {:>6}  {:>7}\n", "label", "precision", "recall", "f1", "support");
    // In class order (the model's), not by name.
    for (name, l) in m.confusion.labels.iter().filter_map(|n| m.per_label.get(n).map(|l| (n, l))) {
        out += &format!("{name:<width$}  {:>9.4}  {:>6.4}  {:>6.4}  {:>7}\n", l.precision, l.recall, l.f1, l.support);
    }
    out += &format!(
        "{:<width$}  {:>9.4}  {:>6.4}  {:>6.4}  {:>7}\n",
        "macro avg", m.macro_precision, m.macro_recall, m.macro_f1, m.n
    );
    out += &format!(
        "{:<width$}  {:>9.4}  {:>6.4}  {:>6.4}  {:>7}\n",
        "weighted avg", m.weighted_precision, m.weighted_recall, m.weighted_f1, m.n
    );
    out += &format!("accuracy {:.4}   macro-recall {:.4}   macro-F1 {:.4}", m.accuracy, m.macro_recall, m.macro_f1);
    if let Some(f) = m.favg {
        out += &format!("   F_avg({}) {:.4}", m.favg_labels.join(","), f);
    }
    out += "\nconfusion (rows true, columns predicted):\n";
    out += &format!("{:<width$}", "");
    // Each column as wide as its label (at least 8), so no header is cut.
    let widths: Vec<usize> = m.confusion.labels.iter().map(|l| l.chars().count().max(8)).collect();
    for (l, w) in m.confusion.labels.iter().zip(&widths) {
        out += &format!("  {l:>w$}");
    }
    out += "\n";
    for (l, row) in m.confusion.labels.iter().zip(&m.confusion.matrix) {
        out += &format!("{l:<width$}");
        for (c, w) in row.iter().zip(&widths) {
            out += &format!("  {c:>w$}");
        }
        out += "\n";
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_and_json_show_every_number() {
        let labels: Vec<String> = ["neg", "pos"].map(String::from).to_vec();
        let m = Metrics::compute(&labels, &[0, 1, 1], &[0, 1, 0], &["pos".into()]).unwrap();
        let t = format_table("test", &m);
        assert!(t.starts_with("test (3 examples)"));
        assert!(t.contains("F_avg(pos) 0.6667"), "{t}");
        assert!(t.contains("accuracy 0.6667"));
        // Long labels are not cut in the confusion matrix's header.
        let long: Vec<String> = ["very_negative", "neutral"].map(String::from).to_vec();
        let t = format_table("dev", &Metrics::compute(&long, &[0, 1], &[0, 0], &[]).unwrap());
        assert!(
            t.contains("\n               very_negative   neutral\nvery_negative              1         0\n"),
            "{t}"
        );
        let json = serde_json::to_value(SplitReport::from(&m)).unwrap();
        assert_eq!(json["per_label"]["pos"]["support"], 2);
        assert!((json["macro_recall"].as_f64().unwrap() - 0.75).abs() < 1e-12);
    }
}
