//! The prediction table: for each feature, its fitted weighting (IDF, NB scale)
//! next to its class weights in one row, so scoring a feature touches one cache
//! line instead of three arrays, and one bit per feature saying whether training
//! saw it, so unseen features are dropped before they are sorted or looked up. It
//! repeats `Weights::apply` and `LinearModel::scores` operation for operation, so
//! scores are bit-identical.

use crate::features::{prefetch_l2, Featurizer};

use super::linear::LinearModel;

/// Largest table built, in floats (256 MB); larger models score through the separate arrays.
const MAX_FLOATS: usize = 1 << 26;

/// Per-feature rows `[idf, nb?, w_0 .. w_k-1]`.
#[derive(Debug)]
pub(crate) struct PredictTable {
    rows: Vec<f32>,
    /// One bit per feature: set when its row can count (IDF above zero).
    live: Vec<u64>,
    stride: usize,
    /// Offset of the class weights in a row (1, or 2 with NB scales).
    weights_at: usize,
    k: usize,
    sublinear_tf: bool,
    l2_normalize: bool,
}

impl PredictTable {
    /// The table for `featurizer` and `model`, or `None` when it would exceed the size cap
    /// or the two disagree on the feature space.
    pub fn build(featurizer: &Featurizer, model: &LinearModel) -> Option<Self> {
        let (k, dim) = (model.n_classes(), featurizer.dim());
        let w = featurizer.weights();
        let nb = w.nb.as_deref();
        let weights_at = 1 + usize::from(nb.is_some());
        let stride = weights_at + k;
        let weights = model.weights.as_slice()?;
        if model.n_features() != dim || w.idf.len() != dim || dim.checked_mul(stride)? > MAX_FLOATS {
            return None;
        }
        let mut rows = Vec::with_capacity(dim * stride);
        for j in 0..dim {
            rows.push(w.idf[j]);
            if let Some(nb) = nb {
                rows.push(nb[j]);
            }
            rows.extend_from_slice(&weights[j * k..j * k + k]);
        }
        let mut live = vec![0u64; dim.div_ceil(64)];
        for j in (0..dim).filter(|&j| w.idf[j] > 0.0) {
            live[j / 64] |= 1 << (j % 64);
        }
        let config = featurizer.config();
        let (sublinear_tf, l2_normalize) = (config.sublinear_tf, config.l2_normalize);
        Some(Self { rows, live, stride, weights_at, k, sublinear_tf, l2_normalize })
    }

    /// Drops from `indices` the features never seen in training (their IDF is zero, so
    /// scoring would drop them), and asks the processor to start loading the rows of the
    /// rest into its second-level cache (which takes more misses in flight than the
    /// first), so that [`PredictTable::scores`] finds them near. The bits are a small,
    /// cache-resident array; the filter has no branch, since seen and unseen features
    /// come in no predictable order.
    pub fn keep_seen(&self, indices: &mut Vec<u32>) {
        let mut kept = 0;
        for n in 0..indices.len() {
            let i = indices[n];
            let seen = self.live.get(i as usize / 64).is_some_and(|b| b >> (i % 64) & 1 == 1);
            indices[kept] = i;
            kept += usize::from(seen);
        }
        indices.truncate(kept);
        for &i in indices.iter() {
            if let Some(row) = self.rows.get(i as usize * self.stride) {
                prefetch_l2(row);
            }
        }
    }

    /// Scores raw `counts` (sorted hashed features) and final `extra` features into
    /// `out`, starting from `bias`; `buf` is scratch space.
    pub fn scores(
        &self,
        counts: &[(u32, f32)],
        extra: &[(u32, f32)],
        bias: &[f32],
        buf: &mut Vec<(usize, f32)>,
        out: &mut [f32],
    ) {
        // First gather every row's IDF, a loop without branches on the loaded values,
        // so the (random, mostly cache-missing) loads all go out at once.
        buf.clear();
        buf.extend(counts.iter().map(|&(i, _)| {
            let r = i as usize * self.stride;
            (r, self.rows[r])
        }));
        let mut kept = 0;
        for (n, &(_, c)) in counts.iter().enumerate() {
            let (r, idf) = buf[n];
            let tf = if self.sublinear_tf && c != 1.0 { 1.0 + c.ln() } else { c };
            let v = tf * idf * if self.weights_at == 2 { self.rows[r + 1] } else { 1.0 };
            // Drop features without a value (IDF 0, unless `keep_seen` already dropped
            // them, or an NB scale of 0) without a branch, which would be mispredicted often.
            buf[kept] = (r, v);
            kept += usize::from((idf > 0.0) & (v != 0.0));
        }
        buf.truncate(kept);
        if self.l2_normalize {
            let norm = buf.iter().map(|&(_, v)| v * v).sum::<f32>().sqrt();
            if norm > 0.0 {
                buf.iter_mut().for_each(|(_, v)| *v /= norm);
            }
        }
        buf.extend(extra.iter().map(|&(j, v)| (j as usize * self.stride, v)));
        match self.k {
            2 => self.accumulate::<2>(buf, bias, out),
            3 => self.accumulate::<3>(buf, bias, out),
            4 => self.accumulate::<4>(buf, bias, out),
            _ => {
                out.copy_from_slice(bias);
                for &(r, x) in buf.iter() {
                    let w = &self.rows[r + self.weights_at..r + self.weights_at + self.k];
                    for (o, &wv) in out.iter_mut().zip(w) {
                        *o += x * wv;
                    }
                }
            }
        }
    }

    /// `out = bias + Σ x·w` over the rows in `buf`, for `K` classes: the same additions
    /// in the same order as the general loop, but with the sums kept in registers
    /// instead of going through memory once per feature.
    fn accumulate<const K: usize>(&self, buf: &[(usize, f32)], bias: &[f32], out: &mut [f32]) {
        let mut acc = [0f32; K];
        acc.copy_from_slice(bias);
        for &(r, x) in buf {
            let w = &self.rows[r + self.weights_at..r + self.weights_at + K];
            for c in 0..K {
                acc[c] += x * w[c];
            }
        }
        out.copy_from_slice(&acc);
    }
}

#[cfg(test)]
mod tests {
    use linfa::traits::Fit;
    use linfa::{DatasetBase, ParamGuard};

    use super::*;
    use crate::features::{Doc, FeatureConfig, Lexicon, Scratch};
    use crate::model::{LinearParams, ModelKind};
    use crate::text::TextConfig;

    #[test]
    fn table_scores_are_bit_identical_to_transform_then_score() {
        let texts = [
            "I love this great deal :)",
            "awful, awful news and not good at all",
            "the talks resumed on Monday",
            "never again!!! sooooo bad",
            "good good good",
        ];
        let docs: Vec<Doc<'_>> = texts.iter().map(|t| Doc::plain(t)).collect();
        let lexicon = Lexicon::parse_tsv("l", "love\tpos\t1\nawful\tneg\t1\ngood\tpos\t0.5\n").unwrap();
        let variants = [(false, None), (true, Some(lexicon.clone())), (true, None), (false, Some(lexicon))];
        // Three classes, two (binary) and five (the general loop), with and without NB and a lexicon.
        for ((nb, lex), y) in
            variants.into_iter().zip([[0, 1, 2, 1, 0], [0, 1, 1, 0, 1], [0, 1, 2, 3, 4], [0, 1, 2, 1, 0]])
        {
            let config = FeatureConfig { hash_bits: 12, nb_weighting: nb, lexicon: lex, ..FeatureConfig::default() };
            let k = y.iter().max().unwrap() + 1;
            let (f, x) = Featurizer::fit(TextConfig::default(), config.check().unwrap(), &docs, &y, k, 1);
            let model = LinearParams::new(ModelKind::LogReg)
                .check()
                .unwrap()
                .fit(&DatasetBase::new(x, ndarray::Array1::from(y.to_vec())))
                .unwrap();
            let table = PredictTable::build(&f, &model).expect("small tables are built");
            let bias = model.bias.as_slice().unwrap();
            let (mut s, mut row, mut buf) = (Scratch::default(), Vec::new(), Vec::new());
            for d in &docs {
                let (mut fused, mut plain) = (vec![0f32; k], vec![0f32; k]);
                f.raw_one_with(*d, &mut s, &mut row, |idx| table.keep_seen(idx));
                table.scores(&row, s.extra(), bias, &mut buf, &mut fused);
                f.transform_one(*d, &mut s, &mut row);
                model.scores_of(row.iter().copied(), &mut plain);
                let bits = |v: &[f32]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
                assert_eq!(bits(&fused), bits(&plain), "{}", d.text);
                assert!(plain.iter().any(|&v| v != bias[0]), "the document has features");
            }
        }
    }
}
