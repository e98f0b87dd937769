//! Multinomial logistic regression on sparse rows, fitted by SGD (Bottou's
//! `1/(λ(t + t0))` schedule, a scaled weight vector for sparse L2 decay, and
//! averaging of the epoch-end iterates over the second half of training).

use ndarray::{Array1, Array2};
use rand::seq::SliceRandom;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use super::linear::{softmax, LinearModel};
use super::params::{LinearValidParams, ModelKind};
use crate::features::SparseRecords;

/// Initial step size; rows are L2-normalised, so a step near 1 is stable.
const ETA0: f64 = 0.5;

/// Fits a multinomial logistic regression. `sample_weight[i]` scales example `i`'s loss.
pub fn fit(
    params: &LinearValidParams,
    x: &SparseRecords,
    y: &[usize],
    sample_weight: &[f32],
    n_classes: usize,
) -> LinearModel {
    let (n, dim, k) = (y.len(), x.matrix().cols(), n_classes);
    let lambda = 1.0 / (f64::from(params.c) * n as f64);
    let mut v = vec![0f32; dim * k];
    let mut b = vec![0f32; k];
    let mut scale = 1.0f64;
    let mut avg_w = vec![0f64; dim * k];
    let mut avg_b = vec![0f64; k];
    let mut averaged = 0usize;
    let mut order: Vec<usize> = (0..n).collect();
    let mut rng = ChaCha8Rng::seed_from_u64(params.seed);
    let mut z = vec![0f32; k];
    let mut t = 0f64;
    let mut prev_loss = f64::INFINITY;
    let epochs = params.max_epochs;
    for epoch in 0..epochs {
        order.shuffle(&mut rng);
        let mut loss = 0f64;
        for &i in &order {
            let row = x.row(i);
            let eta = ETA0 / (1.0 + ETA0 * lambda * t);
            t += 1.0;
            scale *= 1.0 - eta * lambda;
            let s = scale as f32;
            z.copy_from_slice(&b);
            for (&j, &xv) in row.indices.iter().zip(row.values) {
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
            for (&j, &xv) in row.indices.iter().zip(row.values) {
                let wj = &mut v[j as usize * k..j as usize * k + k];
                for (wv, &g) in wj.iter_mut().zip(&z) {
                    *wv -= step * g * xv;
                }
            }
            for (bc, &g) in b.iter_mut().zip(&z) {
                *bc -= eta as f32 * g;
            }
            if scale < 1e-6 {
                v.iter_mut().for_each(|w| *w *= scale as f32);
                scale = 1.0;
            }
        }
        if 2 * (epoch + 1) > epochs {
            averaged += 1;
            for (a, &w) in avg_w.iter_mut().zip(&v) {
                *a += f64::from(w) * scale;
            }
            for (a, &bc) in avg_b.iter_mut().zip(&b) {
                *a += f64::from(bc);
            }
        }
        let loss = loss / n as f64;
        if (prev_loss - loss).abs() <= f64::from(params.tol) * loss.max(1e-12) && averaged > 0 {
            break;
        }
        prev_loss = loss;
    }
    let div = averaged.max(1) as f64;
    let weights = Array2::from_shape_vec((dim, k), avg_w.iter().map(|&w| (w / div) as f32).collect())
        .expect("shape matches the buffer");
    let bias = Array1::from_iter(avg_b.iter().map(|&bc| (bc / div) as f32));
    LinearModel { kind: ModelKind::LogReg, weights, bias }
}
