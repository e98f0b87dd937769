//! Multinomial logistic regression on sparse rows, fitted by averaged SGD
//! (Bottou's `1/(λ(t + t0))` schedule, a scaled weight vector for sparse L2
//! decay, and Polyak–Ruppert averaging of every step over the second half of
//! training, kept sparse with Xu's (2011) accumulator trick).

use ndarray::{Array1, Array2};
use rand::seq::SliceRandom;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use super::linear::{softmax, LinearModel};
use super::params::{LinearValidParams, ModelKind};
use crate::features::{prefetch_l1, SparseRecords};

/// Initial step size; rows are L2-normalised, so a step near 1 is stable.
const ETA0: f64 = 0.5;

/// The training rows with their columns renumbered densely (only columns that
/// occur), so the weights SGD touches are small enough to stay in cache.
/// Row offsets and values are the matrix's own; only the column numbers are new.
struct Compact<'a> {
    /// Original column of each compact column.
    columns: Vec<u32>,
    indptr: &'a [usize],
    indices: Vec<u32>,
    values: &'a [f32],
}

impl<'a> Compact<'a> {
    fn new(x: &'a SparseRecords) -> Self {
        let m = x.matrix();
        let mut id = vec![u32::MAX; m.cols()];
        let mut columns = Vec::new();
        let indices = m
            .indices()
            .iter()
            .map(|&j| {
                let slot = &mut id[j as usize];
                if *slot == u32::MAX {
                    *slot = columns.len() as u32;
                    columns.push(j);
                }
                *slot
            })
            .collect();
        Self { columns, indptr: m.indptr().into_raw_storage(), indices, values: m.data() }
    }

    fn row(&self, i: usize) -> (&[u32], &[f32]) {
        let r = self.indptr[i]..self.indptr[i + 1];
        (&self.indices[r.clone()], &self.values[r])
    }
}

/// Fits a multinomial logistic regression. `sample_weight[i]` scales example `i`'s loss.
pub fn fit(
    params: &LinearValidParams,
    x: &SparseRecords,
    y: &[usize],
    sample_weight: &[f32],
    n_classes: usize,
) -> LinearModel {
    // A constant class count lets the compiler unroll the per-feature loops.
    match n_classes {
        2 => fit_k(params, x, y, sample_weight, 2),
        3 => fit_k(params, x, y, sample_weight, 3),
        4 => fit_k(params, x, y, sample_weight, 4),
        k => fit_k(params, x, y, sample_weight, k),
    }
}

#[inline(always)]
fn fit_k(params: &LinearValidParams, x: &SparseRecords, y: &[usize], sample_weight: &[f32], k: usize) -> LinearModel {
    let (n, dim) = (y.len(), x.matrix().cols());
    let data = Compact::new(x);
    let cols = data.columns.len();
    let lambda = 1.0 / (f64::from(params.c) * n as f64);
    // The weights are `scale * v`; their running sum over averaged steps is `sum_scale * v - u`
    // (`u` stays zero until averaging starts, as `sum_scale` does).
    let mut v = vec![0f32; cols * k];
    let mut b = vec![0f32; k];
    let mut scale = 1.0f64;
    let mut u = vec![0f64; cols * k];
    let mut sum_scale = 0f64;
    let mut sum_b = vec![0f64; k];
    let mut averaged_steps = 0u64;
    let mut order: Vec<usize> = (0..n).collect();
    let mut rng = ChaCha8Rng::seed_from_u64(params.seed);
    let mut z = vec![0f32; k];
    let mut t = 0f64;
    let mut prev_loss = f64::INFINITY;
    let epochs = params.max_epochs;
    for epoch in 0..epochs {
        order.shuffle(&mut rng);
        let averaging = 2 * (epoch + 1) > epochs;
        let mut loss = 0f64;
        for (pos, &i) in order.iter().enumerate() {
            let (indices, values) = data.row(i);
            // The next example's weights are scattered: start loading them now.
            if let Some(&next) = order.get(pos + 1) {
                for &j in data.row(next).0 {
                    prefetch_l1(&v[j as usize * k]);
                    if averaging {
                        prefetch_l1(&u[j as usize * k]);
                    }
                }
            }
            let eta = ETA0 / (1.0 + ETA0 * lambda * t);
            t += 1.0;
            scale *= 1.0 - eta * lambda;
            let s = scale as f32;
            z.copy_from_slice(&b);
            for (&j, &xv) in indices.iter().zip(values) {
                let wj = &v[j as usize * k..j as usize * k + k];
                for (zc, &wv) in z.iter_mut().zip(wj) {
                    *zc += s * xv * wv;
                }
            }
            softmax(&mut z);
            let sw = sample_weight[i];
            loss -= f64::from(sw) * f64::from(z[y[i]].max(1e-12)).ln();
            // z becomes the gradient of the loss w.r.t. the scores.
            z[y[i]] -= 1.0;
            z.iter_mut().for_each(|g| *g *= sw);
            let step = (eta / scale) as f32;
            for (&j, &xv) in indices.iter().zip(values) {
                let at = j as usize * k..j as usize * k + k;
                let wj = &mut v[at.clone()];
                for (wv, &g) in wj.iter_mut().zip(&z) {
                    *wv -= step * g * xv;
                }
                if averaging {
                    // Keeps `sum_scale * v - u` equal to the sum of past weights.
                    for (uv, &g) in u[at].iter_mut().zip(&z) {
                        *uv -= sum_scale * f64::from(step * g * xv);
                    }
                }
            }
            for (bc, &g) in b.iter_mut().zip(&z) {
                *bc -= eta as f32 * g;
            }
            if averaging {
                sum_scale += scale;
                sum_b.iter_mut().zip(&b).for_each(|(a, &bc)| *a += f64::from(bc));
                averaged_steps += 1;
            }
            if scale < 1e-6 {
                // Fold the scale into v; the sum's factor changes by the inverse.
                v.iter_mut().for_each(|w| *w *= scale as f32);
                sum_scale /= scale;
                scale = 1.0;
            }
        }
        let loss = loss / n as f64;
        if (prev_loss - loss).abs() <= f64::from(params.tol) * loss.max(1e-12) && averaged_steps > 0 {
            break;
        }
        prev_loss = loss;
    }
    let div = averaged_steps.max(1) as f64;
    let mut weights = Array2::zeros((dim, k));
    for (c, &col) in data.columns.iter().enumerate() {
        for class in 0..k {
            let at = c * k + class;
            let avg = if averaged_steps == 0 {
                f64::from(v[at]) * scale
            } else {
                (sum_scale * f64::from(v[at]) - u[at]) / div
            };
            weights[[col as usize, class]] = avg as f32;
        }
    }
    let bias = if averaged_steps == 0 {
        Array1::from_iter(b.iter().copied())
    } else {
        Array1::from_iter(sum_b.iter().map(|&bc| (bc / div) as f32))
    };
    LinearModel { kind: ModelKind::LogReg, weights, bias }
}
