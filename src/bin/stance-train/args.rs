//! `stance-train`'s arguments (clap derive) and their mapping to the
//! library's option types.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Result;
use clap::Parser;
use stance::batch::default_thread_count;
use stance::data::{Encoding, Format, DEFAULT_LABEL_COLUMN, DEFAULT_TEXT_COLUMN};
use stance::eval::Metric;
use stance::features::{char_ngrams_name, parse_char_ngrams, FeatureConfig, Lexicon, TargetMode};
use stance::model::ModelKind;
use stance::syntax::{ParserParams, SyntaxParams, TaggerParams};
use stance::text::{StemLanguage, TextConfig};
use stance::train::{
    default_c_grid, parse_label_map, parse_time_budget, ClassWeightSpec, LabelOrder, TrainOptions, DEFAULT_SEED,
    REPORT_FEATURES,
};

pub(crate) const EXAMPLES: &str = "\
Examples:
  # Sentiment from a CSV with columns text,label; select on val, score on test:
  stance-train --train train.csv --dev val.csv --test test.csv \\
      --text-col text --label-col label --output sentiment.stance

  # Stance toward a target named in its own column, scored by F_avg:
  stance-train --train train.csv --dev val.csv --test test.csv --target-col target \\
      --favg-labels favor,against --select-metric favg --output stance.stance

  # Target mentions with character offsets in JSONL (NewsMTSC style), numeric labels renamed:
  stance-train --train train.jsonl --test dev-rw.jsonl --text-col sentence_normalized \\
      --spans-col targets --label-col polarity \\
      --label-map 2.0=negative,4.0=neutral,6.0=positive --cv 5 --output news.stance

  # A headerless label<TAB>text file in Windows-1252, columns by position:
  stance-train --train rt.tsv --no-header --label-col 1 --text-col 2 --encoding cp1252 --cv 5 -o rt.stance

  # Score a saved model on a labelled file, no training (the same report and JSON):
  stance-train --evaluate sentiment.stance --test test.csv --metrics-json scores.json

  # A linear SVM with fixed settings, TSV input, 5-fold cross-validation:
  stance-train --train data.tsv --text-col sentence --label-col y --model svm --cv 5 --output m.stance

The report goes to stdout; progress to stderr. --metrics-json writes
{\"dev\": {...}, \"test\": {\"accuracy\", \"macro_f1\", \"macro_recall\", \"favg\", \"per_label\"}, ...}.";

/// Fit a stance or sentiment classifier on labelled text (CSV, TSV or JSONL).
#[derive(Parser, Debug)]
#[command(version, about, after_help = EXAMPLES, args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Option<Command>,
    #[command(flatten)]
    pub(crate) args: Option<Args>,
}

#[derive(clap::Subcommand, Debug)]
pub(crate) enum Command {
    /// Train a part-of-speech tagger, lemmatiser and dependency parser on a
    /// Universal Dependencies treebank (CoNLL-U), e.g. UD English EWT.
    Syntax(SyntaxArgs),
}

#[derive(clap::Args, Debug)]
pub(crate) struct SyntaxArgs {
    /// Training treebank (CoNLL-U with gold tags and trees).
    #[arg(long)]
    pub(crate) train: PathBuf,
    /// Development treebank: scored after training.
    #[arg(long)]
    pub(crate) dev: Option<PathBuf>,
    /// Test treebank: scored after training.
    #[arg(long)]
    pub(crate) test: Option<PathBuf>,
    /// Syntax model file to write.
    #[arg(long, short)]
    pub(crate) output: PathBuf,
    /// Write the scores as JSON to this file.
    #[arg(long)]
    pub(crate) metrics_json: Option<PathBuf>,
    /// Tagger passes over the training data.
    #[arg(long, default_value_t = TaggerParams::default().epochs)]
    pub(crate) tagger_epochs: usize,
    /// Parser passes over the training data.
    #[arg(long, default_value_t = ParserParams::default().epochs)]
    pub(crate) parser_epochs: usize,
    /// Random seed (the same data and seed give the same model).
    #[arg(long, default_value_t = ParserParams::default().seed)]
    pub(crate) seed: u64,
    /// No progress on stderr.
    #[arg(long, short)]
    pub(crate) quiet: bool,
}

#[derive(clap::Args, Debug)]
pub(crate) struct Args {
    /// Training data (.csv, .tsv or .jsonl); repeat to concatenate files.
    #[arg(long, required_unless_present = "evaluate")]
    pub(crate) train: Vec<PathBuf>,
    /// Evaluate this model file on --test (and --dev) without training: the same report and --metrics-json.
    #[arg(long, value_name = "MODEL", conflicts_with_all = ["train", "output", "cv", "group_col", "refit"])]
    pub(crate) evaluate: Option<PathBuf>,
    /// Development data: selects C, class weighting and feature options.
    #[arg(long)]
    pub(crate) dev: Option<PathBuf>,
    /// After selecting on --dev, fit the chosen settings again on --train and --dev together and write
    /// that model (--test scores it; the dev set, then training data, is not scored).
    #[arg(long)]
    pub(crate) refit: bool,
    /// Test data: scored once with the chosen model.
    #[arg(long)]
    pub(crate) test: Option<PathBuf>,
    /// Input format when the extension does not say.
    #[arg(long, value_enum)]
    pub(crate) format: Option<Format>,
    /// Column (or JSONL key) holding the text.
    #[arg(long, default_value = DEFAULT_TEXT_COLUMN)]
    pub(crate) text_col: String,
    /// Column (or JSONL key) holding the label.
    #[arg(long, default_value = DEFAULT_LABEL_COLUMN)]
    pub(crate) label_col: String,
    /// Column naming the stance target (topic or entity).
    #[arg(long)]
    pub(crate) target_col: Option<String>,
    /// Column naming the stance holder (masked like the target; news stance).
    #[arg(long)]
    pub(crate) holder_col: Option<String>,
    /// JSONL key of an array of target mentions ({from, to, mention, LABEL_COL}), one example each.
    #[arg(long)]
    pub(crate) spans_col: Option<String>,
    /// CSV/TSV without a header row: columns are then given by 1-based position (--text-col 2 --label-col 1).
    #[arg(long)]
    pub(crate) no_header: bool,
    /// Text encoding of the input files.
    #[arg(long, value_enum, default_value_t = Encoding::default())]
    pub(crate) encoding: Encoding,
    /// Class order in the model and reports: sorted, first-seen (as in the training data), or a list
    /// naming every label once, e.g. very_negative,negative,neutral,positive,very_positive.
    #[arg(long, default_value_t = LabelOrder::default(), value_name = "ORDER")]
    pub(crate) labels: LabelOrder,
    /// Rename labels: FROM=TO,FROM=TO.
    #[arg(long, value_parser = parse_label_map)]
    pub(crate) label_map: Option<LabelMap>,
    /// Model file to write (without it, only the report is written).
    #[arg(long, short)]
    pub(crate) output: Option<PathBuf>,
    /// Write the metrics report as JSON to this file.
    #[arg(long)]
    pub(crate) metrics_json: Option<PathBuf>,
    /// Model: multinomial logistic regression or linear SVM.
    #[arg(long, value_enum, default_value_t = ModelKind::LogReg)]
    pub(crate) model: ModelKind,
    #[arg(long, value_delimiter = ',', value_name = "C[,C...]", help = c_help())]
    pub(crate) c: Vec<f32>,
    /// balanced, uniform, or per label LABEL=W,LABEL=W; searched when not given.
    #[arg(long)]
    pub(crate) class_weight: Option<ClassWeightSpec>,
    /// K-fold cross-validation on the training data for selection (without --dev).
    #[arg(long)]
    pub(crate) cv: Option<usize>,
    /// With --cv: the training column (or JSONL key) whose value groups the rows, e.g. an author or a
    /// source; every row of a group lands in the same fold, so no fold is scored on groups it trained on.
    #[arg(long, value_name = "COL")]
    pub(crate) group_col: Option<String>,
    /// Bound selection to about this many seconds: no fit starts once they are spent, and the best of the
    /// candidates scored so far is chosen (the model then depends on the machine's speed).
    #[arg(long, value_name = "SECONDS", value_parser = parse_time_budget)]
    pub(crate) time_budget: Option<Duration>,
    /// Selection metric (default: favg with --favg-labels, else macro_f1).
    #[arg(long, value_enum)]
    pub(crate) select_metric: Option<Metric>,
    /// Labels averaged by F_avg, e.g. favor,against.
    #[arg(long, value_delimiter = ',')]
    pub(crate) favg_labels: Vec<String>,
    /// Word n-grams of orders 1..=N (0: none).
    #[arg(long, default_value_t = FeatureConfig::default().word_ngrams)]
    pub(crate) word_ngrams: usize,
    /// Character n-gram orders MIN-MAX within words (e.g. 2-5), or "none".
    #[arg(long, default_value = static_str(char_ngrams_name(FeatureConfig::default().char_ngrams)), value_parser = parse_char_ngrams)]
    pub(crate) char_ngrams: CharNgrams,
    /// Feature space of 2^BITS hashed dimensions.
    #[arg(long, default_value_t = FeatureConfig::default().hash_bits)]
    pub(crate) hash_bits: u8,
    /// Raw term counts instead of 1 + ln(tf).
    #[arg(long)]
    pub(crate) no_sublinear_tf: bool,
    /// No inverse document frequency weighting.
    #[arg(long)]
    pub(crate) no_idf: bool,
    /// Scale features by naive Bayes log-count ratios (NBSVM).
    #[arg(long)]
    pub(crate) nb: bool,
    /// Lexicon TSV (term, class, strength) whose per-class matches become features.
    #[arg(long)]
    pub(crate) lexicon: Option<PathBuf>,
    /// Target features.
    #[arg(long, value_enum, default_value_t = FeatureConfig::default().target)]
    pub(crate) target_mode: TargetMode,
    /// Words each side of a masked target with positional features.
    #[arg(long, default_value_t = FeatureConfig::default().context_window)]
    pub(crate) context_window: usize,
    /// Snowball stemming language, or "none".
    #[arg(long, default_value = StemLanguage::name_or_none(TextConfig::default().stem), value_parser = StemLanguage::parse_or_none)]
    pub(crate) stem: Stem,
    /// Do not mark negation scope.
    #[arg(long)]
    pub(crate) no_negation: bool,
    /// Do not treat URLs, @mentions, #hashtags and emoticons as tokens.
    #[arg(long)]
    pub(crate) no_social: bool,
    /// Keep case.
    #[arg(long)]
    pub(crate) no_lowercase: bool,
    /// Do not try feature variants (character n-grams, NB weighting) during selection.
    #[arg(long)]
    pub(crate) no_search_features: bool,
    /// Maximum training epochs (default: logistic regression 150k steps' worth, 4 to 20; SVM 40).
    #[arg(long)]
    pub(crate) epochs: Option<usize>,
    /// Random seed (the same data and seed give the same model).
    #[arg(long, default_value_t = DEFAULT_SEED)]
    pub(crate) seed: u64,
    /// Worker threads (default: one per core).
    #[arg(long, default_value_t = default_thread_count())]
    pub(crate) threads: usize,
    /// No progress bar.
    #[arg(long, short)]
    pub(crate) quiet: bool,
    /// Write an HTML training report to this file: scores, confusion matrix, per-label bars, reliability
    /// diagram, the largest-weighted features per class and the selection grid.
    #[arg(long)]
    pub(crate) report: Option<PathBuf>,
}

// Aliases, so clap takes these values as given ("none" included) rather than as optional arguments.
type LabelMap = Vec<(String, String)>;
type CharNgrams = Option<(usize, usize)>;
type Stem = Option<StemLanguage>;

impl Args {
    /// The library's options for this run, with `threads` worker threads.
    pub(crate) fn options(&self, threads: usize) -> Result<TrainOptions> {
        let mut o = TrainOptions::new(self.train.clone(), &self.text_col, &self.label_col);
        o.dev = self.dev.clone();
        o.test = self.test.clone();
        o.format = self.format;
        o.columns.target = self.target_col.clone();
        o.columns.spans = self.spans_col.clone();
        o.columns.holder = self.holder_col.clone();
        o.columns.no_header = self.no_header;
        o.columns.encoding = self.encoding;
        o.label_map = self.label_map.clone().unwrap_or_default();
        o.label_order = self.labels.clone();
        o.kind = self.model;
        o.text = TextConfig {
            lowercase: !self.no_lowercase,
            social: !self.no_social,
            negation: !self.no_negation,
            stem: self.stem,
            ..TextConfig::default()
        };
        o.features = FeatureConfig {
            word_ngrams: self.word_ngrams,
            char_ngrams: self.char_ngrams,
            hash_bits: self.hash_bits,
            sublinear_tf: !self.no_sublinear_tf,
            idf: !self.no_idf,
            nb_weighting: self.nb,
            target: self.target_mode,
            context_window: self.context_window,
            lexicon: self.lexicon.as_deref().map(Lexicon::read_tsv).transpose()?,
            ..FeatureConfig::default()
        };
        match self.c[..] {
            [] => {}
            [c] => o.c = Some(c),
            _ => o.c_grid = Some(self.c.clone()),
        }
        o.class_weight = self.class_weight.clone();
        o.search_features = !self.no_search_features;
        o.cv = self.cv;
        o.group_col = self.group_col.clone();
        o.refit = self.refit;
        o.time_budget = self.time_budget;
        o.favg_labels = self.favg_labels.clone();
        o.select_metric = self.select_metric;
        o.epochs = self.epochs;
        o.seed = self.seed;
        o.threads = threads;
        if self.report.is_some() {
            o.report_features = REPORT_FEATURES;
        }
        Ok(o)
    }
}

/// A default's text for clap, which keeps it for the program's life (built once).
fn static_str(s: String) -> &'static str {
    s.leak()
}

/// `--c`'s help, naming the library's default grids.
fn c_help() -> String {
    let grid = |kind| default_c_grid(kind).iter().map(f32::to_string).collect::<Vec<_>>().join(",");
    format!(
        "Inverse regularisation strength: one value, or a grid searched on --dev/--cv, e.g. 0.01,0.1,1,10,100 \
         (default grid: logreg {}, svm {})",
        grid(ModelKind::LogReg),
        grid(ModelKind::Svm)
    )
}

/// The inputs and the `(option, path)` outputs of a run, for `check_outputs`.
type Files<'a> = (Vec<&'a Path>, Vec<(&'static str, &'a Path)>);

fn files<'a>(inputs: impl Iterator<Item = &'a Path>, output: Option<&'a Path>, metrics: Option<&'a Path>) -> Files<'a> {
    let mut outputs: Vec<_> = output.map(|p| ("--output", p)).into_iter().collect();
    outputs.extend(metrics.map(|p| ("--metrics-json", p)));
    (inputs.collect(), outputs)
}

impl Args {
    /// The files the run reads and writes.
    pub(crate) fn files(&self) -> Files<'_> {
        let more = [&self.dev, &self.test, &self.lexicon, &self.evaluate].into_iter().flatten();
        let inputs = self.train.iter().chain(more).map(PathBuf::as_path);
        files(inputs, self.output.as_deref(), self.metrics_json.as_deref())
    }
}

impl SyntaxArgs {
    /// The files the run reads and writes.
    pub(crate) fn files(&self) -> Files<'_> {
        let inputs = [Some(&self.train), self.dev.as_ref(), self.test.as_ref()].into_iter().flatten();
        files(inputs.map(PathBuf::as_path), Some(&self.output), self.metrics_json.as_deref())
    }

    /// The training parameters.
    pub(crate) fn params(&self) -> SyntaxParams {
        SyntaxParams {
            tagger: TaggerParams { epochs: self.tagger_epochs, seed: self.seed, ..TaggerParams::default() },
            parser: ParserParams { epochs: self.parser_epochs, seed: self.seed, ..ParserParams::default() },
        }
    }
}
