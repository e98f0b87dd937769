//! The fitted linear model: a weight matrix (features × classes) and biases,
//! predicting through linfa's `PredictInplace`.

use linfa::dataset::Records;
use linfa::traits::PredictInplace;
use ndarray::{Array1, Array2};

use super::params::ModelKind;
use crate::features::{SparseRecords, SparseRow};

/// Weights and biases of a sparse linear classifier.
#[derive(Debug, Clone, PartialEq)]
pub struct LinearModel {
    /// Which loss produced the weights (decides how scores become probabilities).
    pub kind: ModelKind,
    /// Weights, shape `(n_features, n_classes)`, one contiguous row per feature.
    pub weights: Array2<f32>,
    /// One bias per class.
    pub bias: Array1<f32>,
}

impl LinearModel {
    /// Number of classes.
    pub fn n_classes(&self) -> usize {
        self.bias.len()
    }

    /// Number of features.
    pub fn n_features(&self) -> usize {
        self.weights.nrows()
    }

    /// Decision scores for one row into `out` (length `n_classes`).
    #[inline]
    pub fn scores(&self, row: SparseRow<'_>, out: &mut [f32]) {
        self.scores_of(row.indices.iter().copied().zip(row.values.iter().copied()), out);
    }

    /// Decision scores for `(feature, value)` pairs into `out` (length `n_classes`).
    #[inline]
    pub fn scores_of(&self, features: impl Iterator<Item = (u32, f32)>, out: &mut [f32]) {
        let k = self.n_classes();
        out.copy_from_slice(self.bias.as_slice().expect("bias is contiguous"));
        let w = self.weights.as_slice().expect("weights are standard layout");
        for (j, x) in features {
            let wj = &w[j as usize * k..j as usize * k + k];
            for (o, &wv) in out.iter_mut().zip(wj) {
                *o += x * wv;
            }
        }
    }

    /// Class probabilities for one row into `out`: softmax of the scores.
    pub fn probabilities(&self, row: SparseRow<'_>, out: &mut [f32]) {
        self.scores(row, out);
        softmax(out);
    }
}

/// In-place softmax. Scores that overflowed (±∞ from huge finite weights) or
/// are NaN are first clamped to finite values, so the result is always a
/// probability distribution.
pub fn softmax(z: &mut [f32]) {
    for v in z.iter_mut() {
        *v = if v.is_nan() { -f32::MAX } else { v.clamp(-f32::MAX, f32::MAX) };
    }
    let max = z.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let mut sum = 0.0;
    for v in z.iter_mut() {
        *v = (*v - max).exp();
        sum += *v;
    }
    z.iter_mut().for_each(|v| *v /= sum);
}

/// Index of the largest value (first on ties).
pub fn argmax(z: &[f32]) -> usize {
    z.iter().enumerate().fold(0, |best, (i, &v)| if v > z[best] { i } else { best })
}

impl PredictInplace<SparseRecords, Array1<usize>> for LinearModel {
    fn predict_inplace(&self, x: &SparseRecords, y: &mut Array1<usize>) {
        assert_eq!(x.nsamples(), y.len(), "one target per sample");
        let mut buf = vec![0f32; self.n_classes()];
        for (i, row) in x.rows().enumerate() {
            self.scores(row, &mut buf);
            y[i] = argmax(&buf);
        }
    }

    fn default_target(&self, x: &SparseRecords) -> Array1<usize> {
        Array1::zeros(x.nsamples())
    }
}

impl PredictInplace<SparseRecords, Array2<f32>> for LinearModel {
    fn predict_inplace(&self, x: &SparseRecords, y: &mut Array2<f32>) {
        assert_eq!(y.dim(), (x.nsamples(), self.n_classes()), "one probability row per sample");
        let mut buf = vec![0f32; self.n_classes()];
        for (i, row) in x.rows().enumerate() {
            self.probabilities(row, &mut buf);
            y.row_mut(i).assign(&ndarray::ArrayView1::from(&buf[..]));
        }
    }

    fn default_target(&self, x: &SparseRecords) -> Array2<f32> {
        Array2::zeros((x.nsamples(), self.n_classes()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use linfa::traits::Predict;
    use linfa::DatasetBase;

    #[test]
    fn predicts_through_linfa_traits() {
        let model = LinearModel {
            kind: ModelKind::LogReg,
            weights: ndarray::array![[1.0, -1.0], [-2.0, 2.0], [0.0, 0.0]],
            bias: ndarray::array![0.0, 0.5],
        };
        let x = SparseRecords::from_rows(3, &[vec![(0, 1.0)], vec![(1, 1.0)], vec![]]);
        let ds = DatasetBase::new(x, ());
        let labels: Array1<usize> = model.predict(&ds);
        assert_eq!(labels.to_vec(), [0, 1, 1]);
        let probs: Array2<f32> = model.predict(&ds);
        let expect = 1.0 / (1.0 + (-1.5f32).exp());
        assert!((probs[[0, 0]] - expect).abs() < 1e-6);
        assert!(probs.rows().into_iter().all(|r| (r.sum() - 1.0).abs() < 1e-6));
    }
}
