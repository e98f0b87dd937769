//! The fitted featurizer: text pipeline, feature settings and learnt weights,
//! turning documents into sparse rows exactly as at training time.

use std::collections::{HashMap, HashSet};

use linfa::ParamGuard;
use serde::{Deserialize, Serialize};

use super::config::{FeatureConfig, FeatureError, TargetMode, ValidFeatureConfig};
use super::extract::{raw_counts, Scratch};
use super::lexicon::LexiconMatcher;
use super::names::{lexicon_feature_name, name_features, FeatureName, NameCounts};
use super::parallel::map_chunks;
use super::sparse::{SparseBuilder, SparseRecords};
use super::target::Doc;
use super::weighting::Weights;
use super::words::{next_id, WordStages};
use crate::text::{TextConfig, TextPipeline};

/// Text and feature stages with their fitted weights.
#[derive(Debug)]
pub struct Featurizer {
    pipeline: TextPipeline,
    config: ValidFeatureConfig,
    weights: Weights,
    lexicon: Option<LexiconMatcher>,
    /// Identity for per-thread word caches (see `words`).
    id: u64,
}

/// The serialisable form of a [`Featurizer`]: settings plus the weights of the
/// features seen in training, stored sparsely.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FeaturizerState {
    /// Text stage settings.
    pub text: TextConfig,
    /// Feature settings, with the target mode resolved.
    pub features: FeatureConfig,
    /// Sorted indices of the features seen in training.
    pub known: Vec<u32>,
    /// IDF of each known feature.
    pub idf: Vec<f32>,
    /// NB scale of each known feature, when enabled.
    pub nb: Option<Vec<f32>>,
}

/// Sorted `(index, value)` pairs of one document.
type Pairs = [(u32, f32)];

/// The raw counts and extra features of many documents, concatenated.
#[derive(Default)]
struct RawRows {
    counts: Vec<(u32, f32)>,
    extra: Vec<(u32, f32)>,
    /// Per document: where its counts and its extra features end.
    ends: Vec<(usize, usize)>,
}

impl RawRows {
    fn push(&mut self, counts: &Pairs, extra: &Pairs) {
        self.counts.extend_from_slice(counts);
        self.extra.extend_from_slice(extra);
        self.ends.push((self.counts.len(), self.extra.len()));
    }

    /// Each document's raw counts and extra features, in order.
    fn rows(&self) -> impl Iterator<Item = (&Pairs, &Pairs)> {
        let mut start = (0, 0);
        self.ends.iter().map(move |&(c, e)| {
            let row = (&self.counts[start.0..c], &self.extra[start.1..e]);
            start = (c, e);
            row
        })
    }
}

impl Featurizer {
    /// Fits weights on `docs` and returns the featurizer with the training matrix.
    /// Takes checked settings only (`FeatureConfig::check`, from [`linfa::ParamGuard`]).
    /// `TargetMode::Auto` resolves to `Mask` when most targets occur in their text.
    pub fn fit(
        text: TextConfig,
        mut config: ValidFeatureConfig,
        docs: &[Doc<'_>],
        labels: &[usize],
        n_classes: usize,
        threads: usize,
    ) -> (Self, SparseRecords) {
        // A resolved target mode is as valid as `Auto`.
        config.0.target = resolve_target_mode(config.target, docs);
        let pipeline = TextPipeline::new(text);
        let lexicon = config.lexicon.as_ref().map(|l| LexiconMatcher::new(l, &pipeline));
        let id = next_id();
        let stages = WordStages { id, pipeline: &pipeline, lexicon: lexicon.as_ref(), config: &config };
        // One part per thread, each extracted into flat buffers rather than a vector per document.
        let parts: Vec<&[Doc<'_>]> = docs.chunks(docs.len().div_ceil(threads.max(1)).max(1)).collect();
        let raw = map_chunks(&parts, threads, Scratch::default, |s, part| {
            let mut rows = RawRows::default();
            let mut counts = Vec::new();
            for d in *part {
                raw_counts(&stages, d, s, &mut counts, |_| {});
                rows.push(&counts, s.extra());
            }
            rows
        });
        let rows: Vec<_> = raw.iter().flat_map(RawRows::rows).collect();
        let counts: Vec<&Pairs> = rows.iter().map(|r| r.0).collect();
        let weights = Weights::fit(&config, &counts, labels, n_classes);
        // Weight each row and append it to the matrix (cheap next to extraction).
        let nnz = raw.iter().map(|r| r.counts.len() + r.extra.len()).sum();
        let mut records = SparseBuilder::with_capacity(rows.len(), nnz);
        let mut row = Vec::new();
        for (counts, extra) in rows {
            row.clear();
            row.extend_from_slice(counts);
            weights.apply(&config, &mut row);
            row.extend_from_slice(extra);
            records.push_row(&row);
        }
        let records = records.finish(config.dim());
        (Self { pipeline, config, weights, lexicon, id }, records)
    }

    /// The feature settings (target mode resolved).
    pub fn config(&self) -> &ValidFeatureConfig {
        &self.config
    }

    /// The text pipeline.
    pub fn pipeline(&self) -> &TextPipeline {
        &self.pipeline
    }

    /// Number of feature dimensions.
    pub fn dim(&self) -> usize {
        self.config.dim()
    }

    /// Number of distinct features seen in training.
    pub fn known_features(&self) -> usize {
        self.weights.idf.iter().filter(|&&w| w > 0.0).count()
    }

    /// Featurises one document into `out` (sorted `(index, value)` pairs).
    pub fn transform_one(&self, doc: Doc<'_>, scratch: &mut Scratch, out: &mut Vec<(u32, f32)>) {
        self.raw_one(doc, scratch, out);
        self.weights.apply(&self.config, out);
        out.extend_from_slice(scratch.extra());
    }

    /// The parts of [`Featurizer::transform_one`] before weighting: raw counts of
    /// the hashed features (sorted) into `counts`, for [`Weights::apply`], and the
    /// extra (lexicon) features, which are final, into [`Scratch::extra`].
    pub fn raw_one(&self, doc: Doc<'_>, scratch: &mut Scratch, counts: &mut Vec<(u32, f32)>) {
        self.raw_one_with(doc, scratch, counts, |_| {});
    }

    /// [`Featurizer::raw_one`], calling `on_indices` with the document's hashed feature
    /// indices (unsorted, with repeats) as soon as they are known: the caller may drop
    /// those it has no use for (they are then not counted) and start fetching what it
    /// needs for the rest.
    pub fn raw_one_with(
        &self,
        doc: Doc<'_>,
        scratch: &mut Scratch,
        counts: &mut Vec<(u32, f32)>,
        on_indices: impl Fn(&mut Vec<u32>),
    ) {
        let stages =
            WordStages { id: self.id, pipeline: &self.pipeline, lexicon: self.lexicon.as_ref(), config: &self.config };
        raw_counts(&stages, &doc, scratch, counts, on_indices);
    }

    /// Readable names of the `wanted` feature indices (word and character n-grams,
    /// target context, conjunctions, lexicon features), found by featurising `docs`
    /// again while keeping strings: call it with the training documents for the few
    /// indices a report shows. Hashed indices no document produces get no name.
    pub fn feature_names(&self, docs: &[Doc<'_>], wanted: &[u32]) -> HashMap<u32, FeatureName> {
        let wanted: HashSet<u32> = wanted.iter().copied().collect();
        let hash_dim = self.config.hash_dim() as u32;
        let mut counts = NameCounts::default();
        if wanted.iter().any(|&i| i < hash_dim) {
            for doc in docs {
                name_features(&self.pipeline, &self.config, doc, &|i| wanted.contains(&i), &mut counts);
            }
        }
        let mut names = counts.finish();
        for &i in wanted.iter().filter(|&&i| i >= hash_dim) {
            if let Some(name) = lexicon_feature_name(&self.config, i) {
                names.insert(i, FeatureName { name, others: 0 });
            }
        }
        names
    }

    /// The fitted feature weights.
    pub fn weights(&self) -> &Weights {
        &self.weights
    }

    /// Featurises many documents on up to `threads` threads.
    pub fn transform(&self, docs: &[Doc<'_>], threads: usize) -> SparseRecords {
        let rows = map_chunks(docs, threads, Scratch::default, |s, d| {
            let mut out = Vec::new();
            self.transform_one(*d, s, &mut out);
            out
        });
        SparseRecords::from_rows(self.dim(), &rows)
    }

    /// The serialisable state.
    pub fn state(&self) -> FeaturizerState {
        let known: Vec<u32> = (0..self.dim() as u32).filter(|&i| self.weights.idf[i as usize] > 0.0).collect();
        let pick = |v: &[f32]| known.iter().map(|&i| v[i as usize]).collect::<Vec<f32>>();
        FeaturizerState {
            text: self.pipeline.config().clone(),
            features: self.config.0.clone(),
            idf: pick(&self.weights.idf),
            nb: self.weights.nb.as_deref().map(pick),
            known,
        }
    }

    /// Rebuilds a featurizer from its state, checking every invariant.
    pub fn from_state(state: FeaturizerState) -> Result<Self, FeatureError> {
        let FeaturizerState { text, features, known, idf, nb } = state;
        let features = features.check()?;
        let bad = |what| Err(FeatureError::State(what));
        if features.target == TargetMode::Auto {
            return bad("unresolved target mode");
        }
        let dim = features.dim();
        if idf.len() != known.len() || nb.as_ref().is_some_and(|nb| nb.len() != known.len()) {
            return bad("feature weight lengths disagree");
        }
        if known.windows(2).any(|w| w[0] >= w[1]) || known.last().is_some_and(|&i| i as usize >= dim) {
            return bad("feature indices are not sorted or exceed the feature space");
        }
        if idf.iter().chain(nb.iter().flatten()).any(|v| !v.is_finite()) || idf.iter().any(|&v| v <= 0.0) {
            return bad("feature weights are not finite and positive");
        }
        let spread = |v: &[f32]| {
            let mut dense = vec![0f32; dim];
            for (&i, &w) in known.iter().zip(v) {
                dense[i as usize] = w;
            }
            dense
        };
        let weights = Weights { idf: spread(&idf), nb: nb.as_deref().map(spread) };
        let pipeline = TextPipeline::new(text);
        let lexicon = features.lexicon.as_ref().map(|l| LexiconMatcher::new(l, &pipeline));
        Ok(Self { pipeline, config: features, weights, lexicon, id: next_id() })
    }
}

fn resolve_target_mode(mode: TargetMode, docs: &[Doc<'_>]) -> TargetMode {
    if mode != TargetMode::Auto {
        return mode;
    }
    let with_target: Vec<_> = docs.iter().filter_map(|d| d.target.map(|t| (d.text, t))).collect();
    if with_target.is_empty() {
        return TargetMode::None;
    }
    let found = with_target.iter().filter(|(text, t)| t.locate(text).is_some()).count();
    if found * 2 >= with_target.len() {
        TargetMode::Mask
    } else {
        TargetMode::Conjoin
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::features::TargetRef;

    fn docs<'a>(texts: &[&'a str], target: Option<&'a str>) -> Vec<Doc<'a>> {
        texts
            .iter()
            .map(|t| Doc { text: t, target: target.map(|name| TargetRef { name, span: None }), holder: None })
            .collect()
    }

    #[test]
    fn fit_transform_matches_transform_and_state_round_trips() {
        let texts = ["Russia praised the ceasefire", "Turkey questioned the ceasefire", "talks resumed"];
        let d = docs(&texts, None);
        let config = FeatureConfig { hash_bits: 16, nb_weighting: true, ..FeatureConfig::default() };
        let (f, train) = Featurizer::fit(TextConfig::default(), config.check().unwrap(), &d, &[0, 1, 2], 3, 2);
        assert_eq!(f.config().target, TargetMode::None);
        let again = f.transform(&d, 1);
        for i in 0..3 {
            assert_eq!(train.row(i).indices, again.row(i).indices);
            assert_eq!(train.row(i).values, again.row(i).values);
            let norm: f32 = again.row(i).values.iter().map(|v| v * v).sum();
            assert!((norm - 1.0).abs() < 1e-5);
        }
        let restored = Featurizer::from_state(f.state()).unwrap();
        assert_eq!(restored.transform(&d, 1).row(1).values, again.row(1).values);
    }

    #[test]
    fn lexicon_features_sit_past_the_hashed_space_and_survive_saving() {
        let lexicon = crate::features::Lexicon::parse_tsv("l", "great\tpos\t1\nawful\tneg\t1\n").unwrap();
        let config = FeatureConfig { hash_bits: 10, lexicon: Some(lexicon), ..FeatureConfig::default() };
        let d = docs(&["great great day", "awful day"], None);
        let (f, x) = Featurizer::fit(TextConfig::default(), config.check().unwrap(), &d, &[0, 1], 2, 1);
        assert_eq!(f.dim(), 1024 + 8);
        let row = x.row(0);
        assert!(row.indices.contains(&1024), "positive sum feature");
        assert!(!x.row(1).indices.contains(&1024));
        let restored = Featurizer::from_state(f.state()).unwrap();
        assert_eq!(restored.transform(&d, 1).row(0).values, row.values);
    }

    #[test]
    fn auto_mode_picks_mask_or_conjoin() {
        let named = docs(&["Clinton spoke", "vote Clinton"], Some("Clinton"));
        assert_eq!(resolve_target_mode(TargetMode::Auto, &named), TargetMode::Mask);
        let topic = docs(&["#SemST so true", "love this"], Some("Atheism"));
        assert_eq!(resolve_target_mode(TargetMode::Auto, &topic), TargetMode::Conjoin);
    }

    #[test]
    fn corrupt_state_is_rejected() {
        let d = docs(&["a b c", "c d e"], None);
        let config = FeatureConfig { hash_bits: 12, ..FeatureConfig::default() };
        let (f, _) = Featurizer::fit(TextConfig::default(), config.check().unwrap(), &d, &[0, 1], 2, 1);
        let mut s = f.state();
        s.idf.pop();
        assert!(Featurizer::from_state(s).is_err());
        let mut s = f.state();
        s.known.reverse();
        assert!(Featurizer::from_state(s).is_err());
        let mut s = f.state();
        s.idf[0] = f32::NAN;
        assert!(Featurizer::from_state(s).is_err());
    }
}
