//! HTML reports: each one self-contained page (inline CSS, SVG and script;
//! nothing is fetched, and the page's content security policy forbids it).
//! Text from data is escaped by `maud` in markup, and by [`script_json`]
//! in the one JSON block a page's script reads; the scripts put text into the
//! page only as text (`textContent`), never as markup.
//!
//! - [`corpus`]: the aggregation of `stance-tag`'s article rows into actor ×
//!   event cells ([`CorpusBuilder`]); `corpus_page.rs` draws the interactive
//!   corpus page from it ([`CorpusReport::to_html`]).
//! - [`training`]: the training report of `stance-train --report`.
//!
//! Charts are SVG written here rather than by a plotting crate: the pages need
//! attributes, titles and click targets on the chart's own shapes, and the
//! shapes are few (rectangles, lines and text).

pub mod corpus;
mod corpus_page;
mod page;
mod svg;
pub mod training;

pub use corpus::{CorpusBuilder, CorpusLimits, CorpusMeta, CorpusReport, EvidenceRow, StanceRow};
pub use page::script_json;
pub use training::{ClassFeatures, TopFeature, TrainingReport, TrainingSplit};
