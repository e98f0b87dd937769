//! Calibration: how far a classifier's confidence (the probability of the label
//! it predicts) is from how often it is right. A reliability diagram's bins and
//! the expected calibration error (ECE, Guo et al. 2017).

use serde::Serialize;

/// One confidence bin of a reliability diagram.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct CalibrationBin {
    /// Lower edge of the bin (inclusive).
    pub lo: f64,
    /// Upper edge of the bin (exclusive, but the last bin holds 1.0).
    pub hi: f64,
    /// Predictions whose confidence falls in the bin.
    pub count: u64,
    /// Their mean confidence (0 when the bin is empty).
    pub confidence: f64,
    /// The fraction of them that are right (0 when the bin is empty).
    pub accuracy: f64,
}

/// A reliability diagram's bins and the expected calibration error.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Calibration {
    /// Equal-width bins over [0, 1], lowest first.
    pub bins: Vec<CalibrationBin>,
    /// Σ over bins of (count / n) · |accuracy − confidence|.
    pub ece: f64,
    /// Number of predictions.
    pub n: u64,
}

impl Calibration {
    /// Bins the predictions' `confidence` (each in [0, 1]; values outside are
    /// clamped) with whether each was `correct`, into `n_bins` equal-width bins:
    /// bin `i` holds confidences in `[i/n_bins, (i+1)/n_bins)`, and 1.0 falls in the last.
    pub fn compute(confidence: &[f64], correct: &[bool], n_bins: usize) -> Self {
        assert_eq!(confidence.len(), correct.len(), "one outcome per prediction");
        let n_bins = n_bins.max(1);
        let mut sums = vec![(0u64, 0f64, 0u64); n_bins];
        for (&c, &ok) in confidence.iter().zip(correct) {
            let c = if c.is_nan() { 0.0 } else { c.clamp(0.0, 1.0) };
            let b = ((c * n_bins as f64) as usize).min(n_bins - 1);
            sums[b].0 += 1;
            sums[b].1 += c;
            sums[b].2 += u64::from(ok);
        }
        let n = confidence.len() as u64;
        let mut ece = 0.0;
        let bins = sums
            .iter()
            .enumerate()
            .map(|(i, &(count, conf_sum, right))| {
                let (confidence, accuracy) =
                    if count == 0 { (0.0, 0.0) } else { (conf_sum / count as f64, right as f64 / count as f64) };
                if count > 0 {
                    ece += count as f64 / n as f64 * (accuracy - confidence).abs();
                }
                CalibrationBin {
                    lo: i as f64 / n_bins as f64,
                    hi: (i + 1) as f64 / n_bins as f64,
                    count,
                    confidence,
                    accuracy,
                }
            })
            .collect();
        Self { bins, ece, n }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ece_matches_a_hand_computed_value() {
        // Five bins of width 0.2. Bin [0.4, 0.6): 0.55 wrong → |0 − 0.55| · 1/5 = 0.11.
        // Bin [0.6, 0.8): 0.75 wrong, 0.65 right → |0.5 − 0.7| · 2/5 = 0.08.
        // Bin [0.8, 1]: 0.95 and 0.85 right → |1 − 0.9| · 2/5 = 0.04. ECE = 0.23.
        let c = Calibration::compute(&[0.95, 0.85, 0.75, 0.65, 0.55], &[true, true, false, true, false], 5);
        assert!((c.ece - 0.23).abs() < 1e-12, "{}", c.ece);
        assert_eq!(c.n, 5);
        assert_eq!(c.bins.iter().map(|b| b.count).collect::<Vec<_>>(), [0, 0, 1, 2, 2]);
        assert!((c.bins[3].confidence - 0.7).abs() < 1e-12 && (c.bins[3].accuracy - 0.5).abs() < 1e-12);
        assert!((c.bins[4].lo - 0.8).abs() < 1e-12 && c.bins[4].hi == 1.0);
    }

    #[test]
    fn edges_and_perfect_calibration() {
        // 1.0 falls in the last bin, 0.0 in the first; a bin right half the time at 0.5 is calibrated.
        let c = Calibration::compute(&[1.0, 0.0, 0.5, 0.5], &[true, false, true, false], 2);
        assert_eq!(c.bins[0].count, 1);
        assert_eq!(c.bins[1].count, 3);
        // Bin 0: conf 0, acc 0 → 0. Bin 1: conf 2/3, acc 2/3 → 0.
        assert!(c.ece.abs() < 1e-12, "{}", c.ece);
        let empty = Calibration::compute(&[], &[], 10);
        assert_eq!((empty.n, empty.ece, empty.bins.len()), (0, 0.0, 10));
    }
}
