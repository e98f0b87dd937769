//! Model selection: a grid over feature variants, C and class weighting,
//! scored on the dev set or by K-fold cross-validation on the training set.

use linfa::traits::Fit;
use linfa::{DatasetBase, ParamGuard};
use ndarray::Array1;
use rand::seq::SliceRandom;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde::Serialize;
use std::time::Instant;

use super::dataset::{LabeledSet, Splits};
use super::options::{TrainError, TrainOptions};
use super::Progress;
use crate::eval::{Metric, Metrics};
use crate::features::{FeatureConfig, FeatureError, Featurizer, ValidFeatureConfig};
use crate::model::{argmax, ClassWeight, LinearModel, LinearParams, ModelKind};

/// One point of the grid, with its score once evaluated.
#[derive(Debug, Clone, Serialize)]
pub struct Candidate {
    /// Name of the feature variant.
    pub variant: String,
    /// Feature settings of the variant.
    #[serde(skip)]
    pub features: ValidFeatureConfig,
    /// Inverse regularisation strength.
    pub c: f32,
    /// Class weighting.
    pub class_weight: ClassWeight,
    /// Mean selection metric (dev, or over folds); `None` when not evaluated.
    pub score: Option<f64>,
}

/// Epochs of averaged SGD when none are given: enough for about 150k steps, 4 to 20.
/// Large sets converge in a few passes; small ones need more.
pub fn auto_epochs(n_train: usize) -> usize {
    150_000usize.div_ceil(n_train.max(1)).clamp(4, 20)
}

impl Candidate {
    /// The model hyper-parameters of this candidate, fitted on `n_train` examples.
    pub fn params(&self, opts: &TrainOptions, n_train: usize) -> LinearParams {
        let mut p = LinearParams::new(opts.kind)
            .c(self.c)
            .class_weight(self.class_weight.clone())
            .seed(opts.seed)
            .threads(opts.threads);
        match (opts.epochs, opts.kind) {
            (Some(e), _) => p = p.max_epochs(e),
            (None, ModelKind::LogReg) => p = p.max_epochs(auto_epochs(n_train)),
            (None, ModelKind::Svm) => {}
        }
        p
    }
}

/// The outcome of model selection.
#[derive(Debug, Clone, Serialize)]
pub struct Selection {
    /// `dev`, `cv<K>`, or `none` (fixed settings).
    pub method: String,
    /// The metric maximised.
    pub metric: Metric,
    /// The chosen candidate.
    pub chosen: Candidate,
    /// Every candidate with its score, in grid order.
    pub candidates: Vec<Candidate>,
    /// With `--cv`, the chosen candidate's score on each fold, in fold order
    /// (in the metrics JSON, not in the model file's stored report).
    #[serde(skip)]
    pub fold_scores: Vec<f64>,
    /// The column whose groups the folds kept whole (`--group-col`), if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group_col: Option<String>,
    /// Seconds the search took: every candidate's fit on every fold, featurising
    /// and scoring included; `None` when nothing was selected. Like every timing,
    /// in the metrics JSON, not in the model file's stored report.
    #[serde(skip)]
    pub seconds: Option<f64>,
    /// Fits the search made: candidates × folds, fewer when the time budget
    /// ran out (0 when nothing was selected).
    #[serde(skip)]
    pub fits: usize,
    /// Fits the grid asks for: candidates × folds.
    #[serde(skip)]
    pub planned_fits: usize,
    /// True when [`TrainOptions::time_budget`] stopped the search early.
    #[serde(skip)]
    pub budget_reached: bool,
}

/// The axes of the grid searched: each value once, in grid order.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Grid {
    /// Feature variants, by name.
    pub variants: Vec<String>,
    /// C values.
    pub c: Vec<f32>,
    /// Class weightings.
    pub class_weight: Vec<ClassWeight>,
}

impl Selection {
    /// How the settings were chosen, for people: `none (fixed settings)`, or the
    /// method and metric, e.g. `cv5 by macro_f1 (folds grouped by author)`.
    pub fn describe(&self) -> String {
        if self.method == "none" {
            return "none (fixed settings)".into();
        }
        let grouped = self.group_col.as_ref().map(|c| format!(" (folds grouped by {c})")).unwrap_or_default();
        format!("{} by {}{grouped}", self.method, self.metric)
    }

    /// For reports: ` (time budget reached: 7 of 24 fits)` when the budget cut
    /// the search short, else nothing.
    pub fn budget_note(&self) -> String {
        if self.budget_reached {
            format!(" (time budget reached: {} of {} fits)", self.fits, self.planned_fits)
        } else {
            String::new()
        }
    }

    /// The axes of the grid [`Selection::candidates`] spans.
    pub fn grid(&self) -> Grid {
        fn push_new<T: PartialEq>(list: &mut Vec<T>, value: T) {
            if !list.contains(&value) {
                list.push(value);
            }
        }
        let mut grid = Grid { variants: Vec::new(), c: Vec::new(), class_weight: Vec::new() };
        for candidate in &self.candidates {
            push_new(&mut grid.variants, candidate.variant.clone());
            push_new(&mut grid.c, candidate.c);
            push_new(&mut grid.class_weight, candidate.class_weight.clone());
        }
        grid
    }
}

/// The C values searched when selecting and none are given.
pub fn default_c_grid(kind: ModelKind) -> &'static [f32] {
    match kind {
        ModelKind::LogReg => &[0.3, 1.0, 3.0, 10.0],
        ModelKind::Svm => &[0.03, 0.1, 0.3, 1.0],
    }
}

fn variants(opts: &TrainOptions, selecting: bool) -> Result<Vec<(String, ValidFeatureConfig)>, FeatureError> {
    let base = opts.features.clone();
    let mut out = vec![("configured".to_string(), base.clone())];
    if selecting && opts.search_features {
        if base.char_ngrams.is_some() && base.word_ngrams > 0 {
            out.push(("words only".into(), FeatureConfig { char_ngrams: None, ..base.clone() }));
        } else if base.char_ngrams.is_none() {
            out.push(("char 2-5".into(), FeatureConfig { char_ngrams: Some((2, 5)), ..base.clone() }));
        }
        if !base.nb_weighting {
            out.push(("nb weighting".into(), FeatureConfig { nb_weighting: true, ..base }));
        }
    }
    out.into_iter().map(|(name, features)| Ok((name, features.check()?))).collect()
}

fn grid(opts: &TrainOptions, labels: &[String], selecting: bool) -> Result<Vec<(f32, ClassWeight)>, TrainError> {
    let cs: Vec<f32> = match (opts.c, &opts.c_grid, selecting) {
        (Some(c), _, _) => vec![c],
        (None, Some(_), false) => return Err(TrainError::Options("a C grid (--c A,B,...) needs --dev or --cv".into())),
        (None, Some(grid), true) => grid.clone(),
        (None, None, false) => vec![LinearParams::default_c(opts.kind)],
        (None, None, true) => default_c_grid(opts.kind).to_vec(),
    };
    let weights = match (&opts.class_weight, selecting) {
        (Some(w), _) => vec![w.resolve(labels)?],
        (None, false) => vec![ClassWeight::Balanced],
        (None, true) => vec![ClassWeight::Balanced, ClassWeight::Uniform],
    };
    Ok(cs.iter().flat_map(|&c| weights.iter().map(move |w| (c, w.clone()))).collect())
}

/// A candidate's featurizer and model fitted on the whole training set, kept
/// from selection so the final fit need not repeat it.
#[derive(Debug)]
pub struct Fitted {
    /// The fitted featurizer.
    pub featurizer: Featurizer,
    /// The fitted model.
    pub model: LinearModel,
    /// Seconds spent featurising and fitting.
    pub seconds: f64,
}

/// (train, held-out) pairs: the dev set, or K folds of the training set (by
/// group with [`TrainOptions::group_col`]).
fn folds(opts: &TrainOptions, splits: &Splits) -> Result<Vec<(LabeledSet, LabeledSet)>, TrainError> {
    if let Some(dev) = &splits.dev {
        return Ok(vec![(splits.train.clone(), dev.clone())]);
    }
    let k = opts.cv.unwrap_or(0);
    let n = splits.train.len();
    if k < 2 || k > n {
        return Err(TrainError::Options(format!("--cv must be between 2 and the number of examples ({n}), got {k}")));
    }
    let held_out = match (&splits.groups, &opts.group_col) {
        (Some(groups), Some(col)) => group_folds(groups, k).map_err(|groups| {
            TrainError::Options(format!("--group-col {col}: {groups} groups, fewer than the {k} folds of --cv"))
        })?,
        _ => shuffled_folds(n, k, opts.seed),
    };
    Ok(held_out
        .into_iter()
        .map(|held| {
            let mut in_held = vec![false; n];
            held.iter().for_each(|&i| in_held[i] = true);
            let keep: Vec<usize> = (0..n).filter(|&i| !in_held[i]).collect();
            (splits.train.subset(&keep), splits.train.subset(&held))
        })
        .collect())
}

/// The held-out rows of each of `k` folds of `n` rows: a seeded shuffle dealt
/// round the folds.
fn shuffled_folds(n: usize, k: usize, seed: u64) -> Vec<Vec<usize>> {
    let mut order: Vec<usize> = (0..n).collect();
    order.shuffle(&mut ChaCha8Rng::seed_from_u64(seed));
    (0..k).map(|f| order.iter().copied().skip(f).step_by(k).collect()).collect()
}

/// The held-out rows of each of `k` folds when row `i` belongs to group
/// `groups[i]`: whole groups, the largest first (equal sizes by name), each to
/// the fold with the fewest rows so far (the first of equals), so folds are
/// balanced, no group is split, and the same groups always give the same folds.
/// Rows are in ascending order. Fails with the number of groups when there are
/// fewer than `k`.
fn group_folds(groups: &[String], k: usize) -> Result<Vec<Vec<usize>>, usize> {
    let mut rows: std::collections::BTreeMap<&str, Vec<usize>> = std::collections::BTreeMap::new();
    for (i, g) in groups.iter().enumerate() {
        rows.entry(g.as_str()).or_default().push(i);
    }
    if rows.len() < k {
        return Err(rows.len());
    }
    let mut by_size: Vec<(&str, Vec<usize>)> = rows.into_iter().collect();
    // Stable: groups of equal size stay in name order.
    by_size.sort_by_key(|g| std::cmp::Reverse(g.1.len()));
    let mut folds = vec![Vec::new(); k];
    for (_, group) in by_size {
        let smallest = (0..k).min_by_key(|&f| folds[f].len()).expect("k >= 2 folds");
        folds[smallest].extend(group);
    }
    folds.iter_mut().for_each(|f: &mut Vec<usize>| f.sort_unstable());
    Ok(folds)
}

/// Chooses features and hyper-parameters. With a dev set every candidate is fitted
/// on the whole training set, so the chosen one's fit comes back too.
pub fn select(
    opts: &TrainOptions,
    splits: &Splits,
    progress: &dyn Progress,
) -> Result<(Selection, Option<Fitted>), TrainError> {
    let selecting = splits.dev.is_some() || opts.cv.is_some();
    let metric = opts.metric();
    if metric == Metric::Favg && opts.favg_labels.is_empty() {
        return Err(TrainError::Options("selecting by favg needs --favg-labels".into()));
    }
    if let Some(bad) = opts.favg_labels.iter().find(|l| !splits.labels.contains(l)) {
        return Err(TrainError::Options(format!(
            "F_avg label {bad:?} is not a label of the data (labels: {})",
            splits.labels.join(", ")
        )));
    }
    let grid = grid(opts, &splits.labels, selecting)?;
    let mut candidates: Vec<Candidate> = variants(opts, selecting)?
        .into_iter()
        .flat_map(|(variant, features)| {
            grid.iter().cloned().map(move |(c, class_weight)| Candidate {
                variant: variant.clone(),
                features: features.clone(),
                c,
                class_weight,
                score: None,
            })
        })
        .collect();
    if !selecting {
        let chosen = candidates.remove(0);
        let selection = Selection {
            method: "none".into(),
            metric,
            chosen: chosen.clone(),
            candidates: vec![chosen],
            fold_scores: Vec::new(),
            group_col: None,
            seconds: None,
            fits: 0,
            planned_fits: 0,
            budget_reached: false,
        };
        return Ok((selection, None));
    }
    let search_start = Instant::now();
    let folds = folds(opts, splits)?;
    let k = splits.labels.len();
    progress.stage("model selection", Some((candidates.len() * folds.len()) as u64));
    // Each candidate's score on each fold.
    let mut scores = vec![Vec::with_capacity(folds.len()); candidates.len()];
    let whole_train = splits.dev.is_some();
    // The best fit so far on the whole training set (dev selection only): score, candidate, the fit.
    let mut best_fit: Option<(f64, usize, Fitted)> = None;
    // With a time budget, no fit starts once it is spent (the first always runs).
    let spent = || opts.time_budget.is_some_and(|b| search_start.elapsed() >= b);
    let mut fits = 0;
    let mut budget_reached = false;
    'folds: for (train, held) in &folds {
        let mut i = 0;
        while i < candidates.len() {
            if fits > 0 && spent() {
                budget_reached = true;
                break 'folds;
            }
            let variant = candidates[i].variant.clone();
            let start = Instant::now();
            let (featurizer, x) = Featurizer::fit(
                opts.text.clone(),
                candidates[i].features.clone(),
                &train.docs(),
                &train.y,
                k,
                opts.threads,
            );
            let featurize_seconds = start.elapsed().as_secs_f64();
            let x_held = featurizer.transform(&held.docs(), opts.threads);
            let ds = DatasetBase::new(x, Array1::from(train.y.clone()));
            // The best model of this variant that beats every earlier fit, with its index.
            let mut variant_best: Option<(f64, usize, LinearModel, f64)> = None;
            while i < candidates.len() && candidates[i].variant == variant {
                if fits > 0 && spent() {
                    budget_reached = true;
                    break;
                }
                let start = Instant::now();
                let model = candidates[i].params(opts, train.len()).check()?.fit(&ds)?;
                let seconds = featurize_seconds + start.elapsed().as_secs_f64();
                let pred: Vec<usize> = x_held
                    .rows()
                    .map(|row| {
                        let mut s = vec![0f32; k];
                        model.scores(row, &mut s);
                        argmax(&s)
                    })
                    .collect();
                let m =
                    Metrics::compute(&splits.labels, &held.y, &pred, &opts.favg_labels).map_err(TrainError::from)?;
                let score =
                    m.get(metric).ok_or_else(|| TrainError::Options(format!("no {metric} without its labels")))?;
                scores[i].push(score);
                // Keep the first of equal scores, as the choice below does.
                let to_beat = variant_best.as_ref().map(|b| b.0).or(best_fit.as_ref().map(|b| b.0));
                if whole_train && to_beat.is_none_or(|b| score > b) {
                    variant_best = Some((score, i, model, seconds));
                }
                progress.step();
                fits += 1;
                i += 1;
            }
            if let Some((score, at, model, seconds)) = variant_best {
                best_fit = Some((score, at, Fitted { featurizer, model, seconds }));
            }
            if budget_reached {
                break 'folds;
            }
        }
    }
    // Candidates are compared on the folds every scored one completed (all of them without a budget).
    let full = scores.iter().map(Vec::len).filter(|&n| n > 0).min().unwrap_or(0);
    for (c, s) in candidates.iter_mut().zip(&scores) {
        c.score = (s.len() >= full && full > 0).then(|| s[..full].iter().sum::<f64>() / full as f64);
    }
    let best = candidates.iter().enumerate().fold(0, |b, (i, c)| if c.score > candidates[b].score { i } else { b });
    let method = if splits.dev.is_some() { "dev".to_string() } else { format!("cv{}", folds.len()) };
    let fitted = best_fit.filter(|b| b.1 == best).map(|b| b.2);
    let fold_scores = if splits.dev.is_some() { Vec::new() } else { scores[best][..full].to_vec() };
    let planned_fits = candidates.len() * folds.len();
    let seconds = Some(search_start.elapsed().as_secs_f64());
    let chosen = candidates[best].clone();
    let group_col = opts.group_col.clone();
    let selection = Selection {
        method,
        metric,
        chosen,
        candidates,
        fold_scores,
        group_col,
        seconds,
        fits,
        planned_fits,
        budget_reached,
    };
    Ok((selection, fitted))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn group_folds_keep_groups_whole_and_balance_the_folds() {
        // Groups a to f and z of 5, 4, 3, 2, 2, 1 and 1 rows, interleaved.
        let names = ["e", "a", "b", "a", "c", "a", "d", "b", "a", "c", "b", "f", "a", "d", "b", "e", "c", "z"];
        let groups: Vec<String> = names.iter().map(|g| g.to_string()).collect();
        let folds = group_folds(&groups, 3).unwrap();
        assert_eq!(folds.len(), 3);
        let mut seen: Vec<usize> = folds.concat();
        seen.sort_unstable();
        assert_eq!(seen, (0..groups.len()).collect::<Vec<_>>(), "every row held out exactly once");
        for (f, fold) in folds.iter().enumerate() {
            assert!(fold.windows(2).all(|w| w[0] < w[1]), "rows in order");
            for other in folds.iter().skip(f + 1) {
                assert!(
                    fold.iter().all(|&i| other.iter().all(|&j| groups[i] != groups[j])),
                    "no group is split across folds: {folds:?}"
                );
            }
        }
        let sizes: Vec<usize> = folds.iter().map(Vec::len).collect();
        assert_eq!(sizes, [6, 6, 6], "a (5) + f (1), b (4) + e (2), c (3) + d (2) + z (1)");
        assert_eq!(group_folds(&groups, 3).unwrap(), folds, "the same groups give the same folds");
        assert_eq!(group_folds(&groups, 8), Err(7), "fewer groups than folds");
        assert_eq!(group_folds(&groups, 7).unwrap().iter().filter(|f| f.is_empty()).count(), 0);
    }
}
