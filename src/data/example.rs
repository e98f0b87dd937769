//! The example type every reader produces, and the column names it reads.

use super::encoding::Encoding;
use crate::features::{Doc, TargetRef};

/// What the text is about: a named target, optionally located in the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// The target's name or mention, e.g. "Hillary Clinton".
    pub name: String,
    /// Byte span of the mention in the text, when the data gives one.
    pub span: Option<(usize, usize)>,
}

/// One labelled (or unlabelled) text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Example {
    /// The text to classify (shared by the examples of one record's target spans).
    pub text: std::sync::Arc<str>,
    /// The label string as the data spells it, if a label column was read.
    pub label: Option<String>,
    /// The target, if a target column or span field was read.
    pub target: Option<Target>,
    /// Who holds the stance (news: the actor), if a holder column was read.
    pub holder: Option<Target>,
    /// The record's identifier, if an id column was read.
    pub id: Option<String>,
    /// The record's date as the data spells it, if a date column was read.
    pub date: Option<String>,
    /// 1-based line where the record starts.
    pub line: u64,
    /// The values of [`Columns::keep`], in its order (`None`: a JSONL key absent or null).
    pub kept: Vec<Option<String>>,
}

impl Target {
    /// The target as the feature stage sees it.
    pub fn target_ref(&self) -> TargetRef<'_> {
        TargetRef { name: &self.name, span: self.span }
    }
}

impl Example {
    /// The example as a document for the feature stage: text, target and holder.
    pub fn doc(&self) -> Doc<'_> {
        Doc {
            text: &self.text,
            target: self.target.as_ref().map(Target::target_ref),
            holder: self.holder.as_ref().map(Target::target_ref),
        }
    }
}

/// The column (or JSONL key) with the text unless told otherwise.
pub const DEFAULT_TEXT_COLUMN: &str = "text";
/// The column (or JSONL key) with the label unless told otherwise.
pub const DEFAULT_LABEL_COLUMN: &str = "label";

/// Which columns (CSV/TSV header names, or JSONL keys) hold what.
#[derive(Debug, Clone, Default)]
pub struct Columns {
    /// Column with the text.
    pub text: String,
    /// Column with the label; required for training and evaluation.
    pub label: Option<String>,
    /// Column naming the target (stance toward a target).
    pub target: Option<String>,
    /// Column naming the stance holder (located in the text by substring).
    pub holder: Option<String>,
    /// Column with a record identifier, copied to the output.
    pub id: Option<String>,
    /// Column with the record's date, copied to the output (the HTML report's timeline reads it).
    pub date: Option<String>,
    /// JSONL only: key of an array of target mentions, each an object with `from`
    /// and `to` character offsets, an optional `mention`, and the label under
    /// the label key. Each element becomes one example.
    pub spans: Option<String>,
    /// CSV/TSV: the file has no header row, and the columns above are named by
    /// their 1-based position (`"1"`, `"2"`, …).
    pub no_header: bool,
    /// The input's text encoding.
    pub encoding: Encoding,
    /// CSV/TSV/JSONL: more columns whose values are carried to the output as read.
    pub keep: Vec<String>,
}
