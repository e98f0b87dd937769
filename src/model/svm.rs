//! Linear SVM (L2-regularised squared hinge loss) by dual coordinate descent
//! (Hsieh et al., 2008, as in LIBLINEAR), one-vs-rest, classes in parallel.

use ndarray::{Array1, Array2};
use rand::seq::SliceRandom;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use super::linear::LinearModel;
use super::params::{LinearValidParams, ModelKind};
use crate::features::{map_chunks, SparseRecords};

/// Fits one binary SVM per class; `sample_weight[i]` scales example `i`'s C.
pub fn fit(
    params: &LinearValidParams,
    x: &SparseRecords,
    y: &[usize],
    sample_weight: &[f32],
    n_classes: usize,
) -> LinearModel {
    let dim = x.matrix().cols();
    let classes: Vec<usize> = (0..n_classes).collect();
    let per_class = map_chunks(&classes, params.threads, || (), |_, &class| binary(params, x, y, sample_weight, class));
    let mut weights = Array2::zeros((dim, n_classes));
    let mut bias = Array1::zeros(n_classes);
    for (class, (w, b)) in per_class.into_iter().enumerate() {
        weights.column_mut(class).assign(&Array1::from(w));
        bias[class] = b;
    }
    LinearModel { kind: ModelKind::Svm, weights, bias }
}

/// One-vs-rest problem for `class`; returns weights and bias (a unit bias feature).
fn binary(params: &LinearValidParams, x: &SparseRecords, y: &[usize], sw: &[f32], class: usize) -> (Vec<f32>, f32) {
    let n = y.len();
    let mut w = vec![0f32; x.matrix().cols()];
    let mut b = 0f32;
    let sign: Vec<f32> = y.iter().map(|&l| if l == class { 1.0 } else { -1.0 }).collect();
    let diag: Vec<f32> = sw.iter().map(|&s| 0.5 / (params.c * s).max(1e-12)).collect();
    let qd: Vec<f32> = (0..n).map(|i| x.row(i).values.iter().map(|v| v * v).sum::<f32>() + 1.0 + diag[i]).collect();
    let mut alpha = vec![0f32; n];
    let mut order: Vec<usize> = (0..n).collect();
    let mut rng = ChaCha8Rng::seed_from_u64(params.seed ^ (class as u64).wrapping_mul(0x9e37_79b9));
    for _ in 0..params.max_epochs {
        order.shuffle(&mut rng);
        let (mut max_pg, mut min_pg) = (f32::NEG_INFINITY, f32::INFINITY);
        for &i in &order {
            let row = x.row(i);
            let dot: f32 = row.indices.iter().zip(row.values).map(|(&j, &v)| w[j as usize] * v).sum::<f32>() + b;
            let g = sign[i] * dot - 1.0 + diag[i] * alpha[i];
            let pg = if alpha[i] == 0.0 { g.min(0.0) } else { g };
            max_pg = max_pg.max(pg);
            min_pg = min_pg.min(pg);
            if pg.abs() > 1e-12 {
                let old = alpha[i];
                alpha[i] = (old - g / qd[i]).max(0.0);
                let d = (alpha[i] - old) * sign[i];
                for (&j, &v) in row.indices.iter().zip(row.values) {
                    w[j as usize] += d * v;
                }
                b += d;
            }
        }
        if max_pg - min_pg < params.tol {
            break;
        }
    }
    (w, b)
}
