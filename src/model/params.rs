//! Checked hyper-parameters for the sparse linear models (linfa's `ParamGuard`).

use linfa::ParamGuard;
use serde::{Deserialize, Serialize};

use super::error::ModelError;

/// Which linear model to fit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
#[value(rename_all = "lowercase")]
pub enum ModelKind {
    /// Multinomial logistic regression: calibrated class probabilities.
    LogReg,
    /// Linear SVM (squared hinge loss, one-vs-rest): scores, softmax-normalised.
    Svm,
}

/// How classes are weighted in the loss.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum ClassWeight {
    /// Every example counts once.
    Uniform,
    /// Weights inversely proportional to class frequency: `n / (k * n_c)`.
    Balanced,
    /// A given weight per class index.
    Given(Vec<f32>),
}

impl ClassWeight {
    /// The weight of each class given the training labels.
    pub fn per_class(&self, labels: &[usize], n_classes: usize) -> Vec<f32> {
        match self {
            Self::Uniform => vec![1.0; n_classes],
            Self::Given(w) => w.clone(),
            Self::Balanced => {
                let mut counts = vec![0usize; n_classes];
                labels.iter().for_each(|&y| counts[y] += 1);
                let n = labels.len() as f32;
                counts.iter().map(|&c| if c == 0 { 0.0 } else { n / (n_classes as f32 * c as f32) }).collect()
            }
        }
    }
}

/// Hyper-parameter values. Built through [`LinearParams`], which checks them
/// (linfa's `ParamGuard` pattern); only checked values reach a solver, and they
/// are read through methods, so a checked value cannot be changed afterwards.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LinearValidParams {
    pub(crate) kind: ModelKind,
    pub(crate) c: f32,
    pub(crate) class_weight: ClassWeight,
    pub(crate) max_epochs: usize,
    pub(crate) tol: f32,
    pub(crate) seed: u64,
    /// Not stored with a model: results do not depend on it.
    #[serde(skip, default = "one")]
    pub(crate) threads: usize,
}

impl LinearValidParams {
    /// Model type.
    pub fn kind(&self) -> ModelKind {
        self.kind
    }

    /// Inverse regularisation strength (larger fits the data more closely).
    pub fn c(&self) -> f32 {
        self.c
    }

    /// Class weighting.
    pub fn class_weight(&self) -> &ClassWeight {
        &self.class_weight
    }

    /// Maximum passes over the data.
    pub fn max_epochs(&self) -> usize {
        self.max_epochs
    }

    /// Stopping tolerance (SVM: projected-gradient gap; logistic: relative loss change).
    pub fn tol(&self) -> f32 {
        self.tol
    }

    /// Seed for the example order.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// Threads for one-vs-rest training.
    pub fn threads(&self) -> usize {
        self.threads
    }
}

fn one() -> usize {
    1
}

/// The random seed of a fit (and of a training run) unless told otherwise.
pub const DEFAULT_SEED: u64 = 42;

/// Unchecked hyper-parameters with a builder; [`ParamGuard::check`] validates them.
#[derive(Debug, Clone, PartialEq)]
pub struct LinearParams(LinearValidParams);

impl LinearParams {
    /// The default C for `kind`.
    pub fn default_c(kind: ModelKind) -> f32 {
        match kind {
            ModelKind::LogReg => 1.0,
            ModelKind::Svm => 0.1,
        }
    }

    /// Defaults for `kind`.
    pub fn new(kind: ModelKind) -> Self {
        Self(LinearValidParams {
            kind,
            c: Self::default_c(kind),
            class_weight: ClassWeight::Balanced,
            max_epochs: match kind {
                ModelKind::LogReg => 10,
                ModelKind::Svm => 40,
            },
            tol: match kind {
                ModelKind::LogReg => 1e-4,
                ModelKind::Svm => 0.1,
            },
            seed: DEFAULT_SEED,
            threads: 1,
        })
    }

    /// Sets C.
    pub fn c(mut self, c: f32) -> Self {
        self.0.c = c;
        self
    }

    /// Sets the class weighting.
    pub fn class_weight(mut self, w: ClassWeight) -> Self {
        self.0.class_weight = w;
        self
    }

    /// Sets the seed.
    pub fn seed(mut self, seed: u64) -> Self {
        self.0.seed = seed;
        self
    }

    /// Sets the thread count.
    pub fn threads(mut self, threads: usize) -> Self {
        self.0.threads = threads;
        self
    }

    /// Sets the maximum number of epochs.
    pub fn max_epochs(mut self, epochs: usize) -> Self {
        self.0.max_epochs = epochs;
        self
    }

    /// Sets the stopping tolerance.
    pub fn tol(mut self, tol: f32) -> Self {
        self.0.tol = tol;
        self
    }
}

impl ParamGuard for LinearParams {
    type Checked = LinearValidParams;
    type Error = ModelError;

    fn check_ref(&self) -> Result<&Self::Checked, Self::Error> {
        let p = &self.0;
        if !(p.c.is_finite() && p.c > 0.0) {
            return Err(ModelError::Params(format!("C must be positive and finite, got {}", p.c)));
        }
        if p.max_epochs == 0 || p.max_epochs > 10_000 {
            return Err(ModelError::Params(format!("epochs must be in 1..=10000, got {}", p.max_epochs)));
        }
        if !(p.tol.is_finite() && p.tol > 0.0) {
            return Err(ModelError::Params(format!("tolerance must be positive, got {}", p.tol)));
        }
        if let ClassWeight::Given(w) = &p.class_weight {
            if w.iter().any(|x| !(x.is_finite() && *x >= 0.0)) || w.iter().all(|&x| x == 0.0) {
                return Err(ModelError::Params("class weights must be finite, non-negative, not all zero".into()));
            }
        }
        if p.threads == 0 {
            return Err(ModelError::Params("threads must be at least 1".into()));
        }
        Ok(p)
    }

    fn check(self) -> Result<Self::Checked, Self::Error> {
        self.check_ref()?;
        Ok(self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checks_values() {
        assert!(LinearParams::new(ModelKind::LogReg).check().is_ok());
        assert!(LinearParams::new(ModelKind::Svm).c(0.0).check().is_err());
        assert!(LinearParams::new(ModelKind::Svm).c(f32::NAN).check().is_err());
        assert!(LinearParams::new(ModelKind::Svm).max_epochs(0).check().is_err());
        assert!(LinearParams::new(ModelKind::Svm).class_weight(ClassWeight::Given(vec![0.0, 0.0])).check().is_err());
    }

    #[test]
    fn balanced_weights() {
        let w = ClassWeight::Balanced.per_class(&[0, 0, 0, 1], 2);
        assert!((w[0] - 4.0 / 6.0).abs() < 1e-6 && (w[1] - 2.0).abs() < 1e-6);
    }
}
