//! Evaluation: confusion matrix, per-label precision/recall/F1, macro and
//! weighted averages, accuracy, macro-recall and the stance score F_avg;
//! reports as a table or JSON. Knows only label indices and names.

mod metrics;
mod report;

pub use metrics::{ConfusionMatrix, LabelMetrics, Metric, Metrics, MetricsError};
pub use report::{format_table, SplitReport};
