//! linfa's `Fit` for the sparse linear models: checks the dataset, derives
//! sample weights, and dispatches to the solver.

use linfa::dataset::Records;
use linfa::traits::Fit;
use linfa::DatasetBase;
use ndarray::Array1;

use super::error::ModelError;
use super::linear::LinearModel;
use super::params::{LinearValidParams, ModelKind};
use super::{logreg, svm};
use crate::features::SparseRecords;

impl Fit<SparseRecords, Array1<usize>, ModelError> for LinearValidParams {
    type Object = LinearModel;

    fn fit(&self, ds: &DatasetBase<SparseRecords, Array1<usize>>) -> Result<LinearModel, ModelError> {
        let n = ds.records.nsamples();
        if n != ds.targets.len() {
            return Err(linfa::Error::MismatchedShapes(n, ds.targets.len()).into());
        }
        if n == 0 {
            return Err(linfa::Error::NotEnoughSamples.into());
        }
        let y = ds.targets.to_vec();
        let n_classes = y.iter().max().map_or(0, |m| m + 1);
        let mut present = vec![false; n_classes];
        y.iter().for_each(|&c| present[c] = true);
        if present.iter().filter(|&&p| p).count() < 2 {
            return Err(ModelError::Data("the training data has only one class; at least two are needed".into()));
        }
        let dim = ds.records.nfeatures();
        if dim.saturating_mul(n_classes) > super::file::MAX_WEIGHTS {
            return Err(ModelError::Params(format!(
                "{dim} features × {n_classes} labels need more weights than allowed ({}); use fewer hash bits",
                super::file::MAX_WEIGHTS
            )));
        }
        let class_w = self.class_weight.per_class(&y, n_classes);
        if class_w.len() != n_classes {
            return Err(ModelError::Params(format!("{} class weights given for {n_classes} classes", class_w.len())));
        }
        let given = ds.weights();
        let sample_weight: Vec<f32> =
            y.iter().enumerate().map(|(i, &c)| class_w[c] * given.map_or(1.0, |w| w[i])).collect();
        Ok(match self.kind {
            ModelKind::LogReg => logreg::fit(self, &ds.records, &y, &sample_weight, n_classes),
            ModelKind::Svm => svm::fit(self, &ds.records, &y, &sample_weight, n_classes),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::params::{ClassWeight, LinearParams};
    use super::*;
    use linfa::traits::Predict;

    /// Two noisy, linearly separable clusters of sparse rows over 6 features.
    fn toy() -> DatasetBase<SparseRecords, Array1<usize>> {
        let mut rows = Vec::new();
        let mut y = Vec::new();
        for i in 0..60u32 {
            let c = (i % 3) as usize;
            let noise = 3 + (i % 3);
            let mut row = vec![(c as u32, 0.9), (noise, 0.3)];
            row.sort_by_key(|p| p.0);
            row.dedup_by_key(|p| p.0);
            rows.push(row);
            y.push(c);
        }
        DatasetBase::new(SparseRecords::from_rows(6, &rows), Array1::from(y))
    }

    #[test]
    fn both_models_fit_separable_data_through_linfa() {
        let ds = toy();
        for kind in [ModelKind::LogReg, ModelKind::Svm] {
            let model = LinearParams::new(kind).c(10.0).max_epochs(50).fit(&ds).unwrap();
            let pred: Array1<usize> = model.predict(&ds);
            assert_eq!(pred, ds.targets, "{kind:?}");
        }
    }

    #[test]
    fn same_data_same_model_regardless_of_threads() {
        let ds = toy();
        let a = LinearParams::new(ModelKind::Svm).threads(1).fit(&ds).unwrap();
        let b = LinearParams::new(ModelKind::Svm).threads(3).fit(&ds).unwrap();
        assert_eq!(a, b);
        let c = LinearParams::new(ModelKind::LogReg).fit(&ds).unwrap();
        let d = LinearParams::new(ModelKind::LogReg).fit(&ds).unwrap();
        assert_eq!(c, d);
    }

    #[test]
    fn one_class_and_bad_params_are_errors() {
        let ds = DatasetBase::new(SparseRecords::from_rows(2, &[vec![(0, 1.0)]]), Array1::from(vec![0usize]));
        let err = LinearParams::new(ModelKind::LogReg).fit(&ds).unwrap_err();
        assert!(err.to_string().contains("only one class"), "{err}");
        let err = LinearParams::new(ModelKind::LogReg).c(-1.0).fit(&toy()).unwrap_err();
        assert!(matches!(err, ModelError::Params(_)));
        let err =
            LinearParams::new(ModelKind::Svm).class_weight(ClassWeight::Given(vec![1.0])).fit(&toy()).unwrap_err();
        assert!(err.to_string().contains("1 class weights given for 3 classes"), "{err}");
    }
}
