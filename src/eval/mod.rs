//! Evaluation: confusion matrix, per-label precision/recall/F1, macro and
//! weighted averages, accuracy, macro-recall and the stance score F_avg;
//! calibration (reliability bins and ECE); reports as a table or JSON. Knows
//! only label indices and names.

mod calibration;
mod metrics;
mod report;

pub use calibration::{Calibration, CalibrationBin};
pub use metrics::{ConfusionMatrix, LabelMetrics, Metric, Metrics, MetricsError};
pub use report::{format_table, SplitReport};
