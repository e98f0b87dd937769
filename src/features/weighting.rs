//! Feature weighting fitted on training data: IDF, NB log-count ratios; and
//! its application: sublinear TF, IDF, NB scaling, unknown-feature removal, L2.

use super::config::FeatureConfig;

/// Per-feature weights learnt at training time. A feature with zero IDF was
/// never seen in training and is dropped, as with a vocabulary.
#[derive(Debug, Clone, PartialEq)]
pub struct Weights {
    /// IDF per dimension (1 for seen features when IDF is off; 0 when unseen).
    pub idf: Vec<f32>,
    /// NB log-count-ratio scale per dimension, when enabled.
    pub nb: Option<Vec<f32>>,
}

impl Weights {
    /// Fits weights on raw counts of `docs` labelled `labels` (class indices < `n_classes`).
    pub fn fit<D: AsRef<[(u32, f32)]>>(config: &FeatureConfig, docs: &[D], labels: &[usize], n_classes: usize) -> Self {
        let dim = config.dim();
        let mut df = vec![0u32; dim];
        for doc in docs {
            for &(i, _) in doc.as_ref() {
                df[i as usize] += 1;
            }
        }
        let n = docs.len() as f64;
        let idf: Vec<f32> = df
            .iter()
            .map(|&d| match (d, config.idf) {
                (0, _) => 0.0,
                (_, true) => (((1.0 + n) / (1.0 + f64::from(d))).ln() + 1.0) as f32,
                (_, false) => 1.0,
            })
            .collect();
        let mut weights = Self { idf, nb: None };
        // Dimensions past the hashed space hold dense extra features: always kept, unscaled.
        let extra = config.hash_dim()..dim;
        weights.idf[extra.clone()].fill(1.0);
        if config.nb_weighting && n_classes >= 2 {
            let mut nb = nb_ratios(config, &weights, docs, labels, n_classes);
            nb[extra].fill(1.0);
            weights.nb = Some(nb);
        }
        weights
    }

    /// Turns raw counts into final feature values, in place.
    pub fn apply(&self, config: &FeatureConfig, row: &mut Vec<(u32, f32)>) {
        row.retain_mut(|(i, v)| {
            let idf = self.idf[*i as usize];
            // 1 + ln(1) is exactly 1: most counts are 1, so skip the logarithm for them.
            let tf = if config.sublinear_tf && *v != 1.0 { 1.0 + v.ln() } else { *v };
            *v = tf * idf * self.nb.as_ref().map_or(1.0, |nb| nb[*i as usize]);
            idf > 0.0 && *v != 0.0
        });
        if config.l2_normalize {
            let norm = row.iter().map(|&(_, v)| v * v).sum::<f32>().sqrt();
            if norm > 0.0 {
                row.iter_mut().for_each(|(_, v)| *v /= norm);
            }
        }
    }
}

/// NBSVM's log-count ratio, for many classes: for each feature the largest
/// one-vs-rest ratio magnitude, `max_k |ln(p_k/|p_k|) - ln(q_k/|q_k|)|`, with
/// add-one smoothing; the binary case reduces to Wang & Manning's `|r|`.
fn nb_ratios<D: AsRef<[(u32, f32)]>>(
    config: &FeatureConfig,
    weights: &Weights,
    docs: &[D],
    labels: &[usize],
    n_classes: usize,
) -> Vec<f32> {
    let dim = config.dim();
    let mut per_class = vec![0f32; dim * n_classes];
    let mut total = vec![0f32; dim];
    let tfidf = Weights { idf: weights.idf.clone(), nb: None };
    let plain = FeatureConfig { l2_normalize: false, ..config.clone() };
    for (doc, &y) in docs.iter().zip(labels) {
        let mut row = doc.as_ref().to_vec();
        tfidf.apply(&plain, &mut row);
        for (i, v) in row {
            per_class[i as usize * n_classes + y] += v;
            total[i as usize] += v;
        }
    }
    let seen: Vec<usize> = (0..dim).filter(|&i| weights.idf[i] > 0.0).collect();
    let alpha = 1.0f64;
    let class_sums: Vec<f64> =
        (0..n_classes).map(|k| seen.iter().map(|&i| f64::from(per_class[i * n_classes + k]) + alpha).sum()).collect();
    let all_sum: f64 = seen.iter().map(|&i| f64::from(total[i]) + alpha).sum();
    let mut nb = vec![0f32; dim];
    for &i in &seen {
        let mut best = 0f64;
        for (k, &class_sum) in class_sums.iter().enumerate() {
            let p = f64::from(per_class[i * n_classes + k]) + alpha;
            let q = f64::from(total[i] - per_class[i * n_classes + k]) + alpha;
            let rest_sum = all_sum - class_sum + alpha * seen.len() as f64;
            best = best.max(((p / class_sum).ln() - (q / rest_sum).ln()).abs());
        }
        nb[i] = best as f32;
    }
    nb
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(bits: u8) -> FeatureConfig {
        FeatureConfig { hash_bits: bits, ..FeatureConfig::default() }
    }

    #[test]
    fn idf_matches_smoothed_formula_and_drops_unseen() {
        let c = config(8);
        let docs = vec![vec![(1, 1.0), (2, 2.0)], vec![(1, 1.0)]];
        let w = Weights::fit(&c, &docs, &[0, 1], 2);
        // idf = ln((1+n)/(1+df)) + 1 with n = 2.
        assert!((w.idf[1] - 1.0).abs() < 1e-6);
        assert!((w.idf[2] - ((3.0f32 / 2.0).ln() + 1.0)).abs() < 1e-6);
        assert_eq!(w.idf[3], 0.0);
        let mut row = vec![(1, 1.0), (2, 4.0), (3, 9.0)];
        w.apply(&c, &mut row);
        assert_eq!(row.len(), 2, "unseen feature 3 dropped");
        let a = 1.0f32;
        let b = (1.0 + 4.0f32.ln()) * w.idf[2];
        let norm = (a * a + b * b).sqrt();
        assert!((row[0].1 - a / norm).abs() < 1e-6 && (row[1].1 - b / norm).abs() < 1e-6);
    }

    #[test]
    fn nb_ratio_favours_discriminative_features() {
        let c = FeatureConfig { nb_weighting: true, idf: false, ..config(8) };
        let docs = vec![
            vec![(1, 1.0), (9, 1.0)],
            vec![(1, 1.0), (9, 1.0)],
            vec![(2, 1.0), (9, 1.0)],
            vec![(2, 1.0), (9, 1.0)],
        ];
        let w = Weights::fit(&c, &docs, &[0, 0, 1, 1], 2);
        let nb = w.nb.unwrap();
        assert!(nb[1] > 0.5 && nb[2] > 0.5, "{} {}", nb[1], nb[2]);
        assert!(nb[9] < 0.05, "feature 9 is in every document: {}", nb[9]);
    }
}
