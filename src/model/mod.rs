//! Model stage: sparse linear classifiers in linfa's ecosystem (multinomial
//! logistic regression by SGD, linear SVM by dual coordinate descent), the
//! trained classifier, and its model file.

mod classifier;
mod error;
pub mod file;
mod fit;
mod linear;
mod logreg;
mod params;
mod svm;
mod table;

pub use classifier::{Classifier, ModelInfo, PredictScratch, Prediction};
pub use error::{ModelError, ShapeError};
pub use file::{load, save, FORMAT_VERSION, MAGIC};
pub use linear::{argmax, softmax, LinearModel};
pub use params::{ClassWeight, LinearParams, LinearValidParams, ModelKind, DEFAULT_SEED};
