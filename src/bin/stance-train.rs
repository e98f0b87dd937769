//! `stance-train`: fit a classifier on labelled text and write a model file.
//! The work is the library's ([`stance::train::train`],
//! [`stance::syntax::train_treebank`]); this maps arguments to its options.

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::Parser;
use stance::batch::{is_broken_pipe, thread_count};
use stance::data::Format;
use stance::features::{FeatureConfig, Lexicon, TargetMode};
use stance::model::ModelKind;
use stance::outputs::check_outputs;
use stance::syntax::{train_treebank, ParserParams, SyntaxParams, TaggerParams};
use stance::text::{StemLanguage, TextConfig};
use stance::train::{train, ClassWeightSpec, Progress, TrainOptions, DEFAULT_SEED};

const EXAMPLES: &str = "\
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

  # A linear SVM with fixed settings, TSV input, 5-fold cross-validation:
  stance-train --train data.tsv --text-col sentence --label-col y --model svm --cv 5 --output m.stance

The report goes to stdout; progress to stderr. --metrics-json writes
{\"dev\": {...}, \"test\": {\"accuracy\", \"macro_f1\", \"macro_recall\", \"favg\", \"per_label\"}, ...}.";

/// Fit a stance or sentiment classifier on labelled text (CSV, TSV or JSONL).
#[derive(Parser, Debug)]
#[command(version, about, after_help = EXAMPLES, args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    args: Option<Args>,
}

#[derive(clap::Subcommand, Debug)]
enum Command {
    /// Train a part-of-speech tagger, lemmatiser and dependency parser on a
    /// Universal Dependencies treebank (CoNLL-U), e.g. UD English EWT.
    Syntax(SyntaxArgs),
}

#[derive(clap::Args, Debug)]
struct SyntaxArgs {
    /// Training treebank (CoNLL-U with gold tags and trees).
    #[arg(long)]
    train: PathBuf,
    /// Development treebank: scored after training.
    #[arg(long)]
    dev: Option<PathBuf>,
    /// Test treebank: scored after training.
    #[arg(long)]
    test: Option<PathBuf>,
    /// Syntax model file to write.
    #[arg(long, short)]
    output: PathBuf,
    /// Write the scores as JSON to this file.
    #[arg(long)]
    metrics_json: Option<PathBuf>,
    /// Tagger passes over the training data.
    #[arg(long, default_value_t = TaggerParams::default().epochs)]
    tagger_epochs: usize,
    /// Parser passes over the training data.
    #[arg(long, default_value_t = ParserParams::default().epochs)]
    parser_epochs: usize,
    /// Random seed (the same data and seed give the same model).
    #[arg(long, default_value_t = ParserParams::default().seed)]
    seed: u64,
    /// No progress on stderr.
    #[arg(long, short)]
    quiet: bool,
}

#[derive(clap::Args, Debug)]
struct Args {
    /// Training data (.csv, .tsv or .jsonl); repeat to concatenate files.
    #[arg(long, required = true)]
    train: Vec<PathBuf>,
    /// Development data: selects C, class weighting and feature options.
    #[arg(long)]
    dev: Option<PathBuf>,
    /// Test data: scored once with the chosen model.
    #[arg(long)]
    test: Option<PathBuf>,
    /// Input format when the extension does not say.
    #[arg(long, value_enum)]
    format: Option<Format>,
    /// Column (or JSONL key) holding the text.
    #[arg(long, default_value = "text")]
    text_col: String,
    /// Column (or JSONL key) holding the label.
    #[arg(long, default_value = "label")]
    label_col: String,
    /// Column naming the stance target (topic or entity).
    #[arg(long)]
    target_col: Option<String>,
    /// Column naming the stance holder (masked like the target; news stance).
    #[arg(long)]
    holder_col: Option<String>,
    /// JSONL key of an array of target mentions ({from, to, mention, <label-col>}), one example each.
    #[arg(long)]
    spans_col: Option<String>,
    /// Rename labels: FROM=TO,FROM=TO.
    #[arg(long, value_parser = parse_label_map)]
    label_map: Option<LabelMap>,
    /// Model file to write.
    #[arg(long, short)]
    output: PathBuf,
    /// Write the metrics report as JSON to this file.
    #[arg(long)]
    metrics_json: Option<PathBuf>,
    /// Model: multinomial logistic regression or linear SVM.
    #[arg(long, value_enum, default_value_t = ModelKind::LogReg)]
    model: ModelKind,
    /// Inverse regularisation strength; searched on --dev/--cv when not given.
    #[arg(long)]
    c: Option<f32>,
    /// balanced, uniform, or per label LABEL=W,LABEL=W; searched when not given.
    #[arg(long)]
    class_weight: Option<ClassWeightSpec>,
    /// K-fold cross-validation on the training data for selection (without --dev).
    #[arg(long)]
    cv: Option<usize>,
    /// Selection metric: macro_f1, macro_recall, accuracy, weighted_f1, favg.
    #[arg(long)]
    select_metric: Option<String>,
    /// Labels averaged by F_avg, e.g. favor,against.
    #[arg(long, value_delimiter = ',')]
    favg_labels: Vec<String>,
    /// Word n-grams of orders 1..=N (0: none).
    #[arg(long, default_value_t = FeatureConfig::default().word_ngrams)]
    word_ngrams: usize,
    /// Character n-gram orders MIN-MAX within words (e.g. 2-5), or "none".
    #[arg(long, default_value = "none", value_parser = parse_char_ngrams)]
    char_ngrams: CharNgrams,
    /// Feature space of 2^BITS hashed dimensions.
    #[arg(long, default_value_t = FeatureConfig::default().hash_bits)]
    hash_bits: u8,
    /// Raw term counts instead of 1 + ln(tf).
    #[arg(long)]
    no_sublinear_tf: bool,
    /// No inverse document frequency weighting.
    #[arg(long)]
    no_idf: bool,
    /// Scale features by naive Bayes log-count ratios (NBSVM).
    #[arg(long)]
    nb: bool,
    /// Lexicon TSV (term, class, strength) whose per-class matches become features.
    #[arg(long)]
    lexicon: Option<PathBuf>,
    /// Target features.
    #[arg(long, value_enum, default_value_t = FeatureConfig::default().target)]
    target_mode: TargetMode,
    /// Words each side of a masked target with positional features.
    #[arg(long, default_value_t = FeatureConfig::default().context_window)]
    context_window: usize,
    /// Snowball stemming language, or "none".
    #[arg(long, default_value = "english", value_parser = parse_stem)]
    stem: Stem,
    /// Do not mark negation scope.
    #[arg(long)]
    no_negation: bool,
    /// Do not treat URLs, @mentions, #hashtags and emoticons as tokens.
    #[arg(long)]
    no_social: bool,
    /// Keep case.
    #[arg(long)]
    no_lowercase: bool,
    /// Do not try feature variants (character n-grams, NB weighting) during selection.
    #[arg(long)]
    no_search_features: bool,
    /// Maximum training epochs (default: logistic regression 150k steps' worth, 4 to 20; SVM 40).
    #[arg(long)]
    epochs: Option<usize>,
    /// Random seed (the same data and seed give the same model).
    #[arg(long, default_value_t = DEFAULT_SEED)]
    seed: u64,
    /// Worker threads (default: all cores).
    #[arg(long)]
    threads: Option<usize>,
    /// No progress bar.
    #[arg(long, short)]
    quiet: bool,
}

type LabelMap = Vec<(String, String)>;
type CharNgrams = Option<(usize, usize)>;
type Stem = Option<StemLanguage>;

/// Writes a line to stderr; a closed or full stderr is ignored, never a panic.
macro_rules! say {
    ($($arg:tt)*) => {{
        let _ = writeln!(io::stderr(), $($arg)*);
    }};
}

/// Writes the report to stdout: a write error (a broken pipe included) is
/// returned, never a panic.
fn print_report(text: &str) -> Result<()> {
    let mut out = io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()?;
    Ok(())
}

fn parse_label_map(s: &str) -> Result<LabelMap, String> {
    s.split(',')
        .map(|pair| {
            pair.split_once('=')
                .map(|(a, b)| (a.trim().to_string(), b.trim().to_string()))
                .ok_or_else(|| format!("expected FROM=TO, got {pair:?}"))
        })
        .collect()
}

fn parse_char_ngrams(s: &str) -> Result<CharNgrams, String> {
    if s == "none" {
        return Ok(None);
    }
    let (a, b) = s.split_once('-').unwrap_or((s, s));
    let lo = a.parse().map_err(|_| format!("expected MIN-MAX, got {s:?}"))?;
    let hi = b.parse().map_err(|_| format!("expected MIN-MAX, got {s:?}"))?;
    Ok(Some((lo, hi)))
}

fn parse_stem(s: &str) -> Result<Stem, String> {
    if s == "none" {
        return Ok(None);
    }
    StemLanguage::parse(s).map(Some).ok_or_else(|| {
        let names: Vec<String> = StemLanguage::ALL.iter().map(|l| l.name()).collect();
        format!("unknown language {s:?}: use none or one of {}", names.join(", "))
    })
}

/// A progress bar on stderr, hidden when stderr is not a terminal or with --quiet.
struct Bar(indicatif::ProgressBar);

impl Progress for Bar {
    fn stage(&self, name: &str, total: Option<u64>) {
        self.0.reset();
        self.0.set_length(total.unwrap_or(0));
        let template = if total.is_some() {
            "{msg:>20} [{bar:30}] {pos}/{len} {elapsed_precise} ETA {eta}"
        } else {
            "{spinner} {msg} {elapsed_precise}"
        };
        self.0.set_style(
            indicatif::ProgressStyle::with_template(template).expect("valid template").progress_chars("=> "),
        );
        self.0.set_message(name.to_string());
        self.0.tick();
    }

    fn step(&self) {
        self.0.inc(1);
    }
}

fn options(args: &Args) -> Result<TrainOptions> {
    let mut o = TrainOptions::new(args.train.clone(), &args.text_col, &args.label_col);
    o.dev = args.dev.clone();
    o.test = args.test.clone();
    o.format = args.format;
    o.columns.target = args.target_col.clone();
    o.columns.spans = args.spans_col.clone();
    o.columns.holder = args.holder_col.clone();
    o.label_map = args.label_map.clone().unwrap_or_default();
    o.kind = args.model;
    o.text = TextConfig {
        unicode: true,
        lowercase: !args.no_lowercase,
        social: !args.no_social,
        negation: !args.no_negation,
        stem: args.stem,
    };
    o.features = FeatureConfig {
        word_ngrams: args.word_ngrams,
        char_ngrams: args.char_ngrams,
        hash_bits: args.hash_bits,
        sublinear_tf: !args.no_sublinear_tf,
        idf: !args.no_idf,
        nb_weighting: args.nb,
        target: args.target_mode,
        context_window: args.context_window,
        lexicon: match &args.lexicon {
            Some(path) => {
                let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
                Some(Lexicon::parse_tsv(&path.display().to_string(), &text).map_err(anyhow::Error::msg)?)
            }
            None => None,
        },
        ..FeatureConfig::default()
    };
    o.c = args.c;
    o.class_weight = args.class_weight.clone();
    o.search_features = !args.no_search_features;
    o.cv = args.cv;
    o.favg_labels = args.favg_labels.clone();
    o.select_metric = args
        .select_metric
        .clone()
        .unwrap_or_else(|| if o.favg_labels.is_empty() { "macro_f1" } else { "favg" }.to_string());
    o.epochs = args.epochs;
    o.seed = args.seed;
    let (threads, note) = thread_count(args.threads).map_err(anyhow::Error::msg)?;
    if let (Some(note), false) = (note, args.quiet) {
        say!("stance-train: {note}");
    }
    o.threads = threads;
    Ok(o)
}

/// The inputs and the `(option, path)` outputs of a run, for [`check_outputs`].
fn files<'a>(
    inputs: impl IntoIterator<Item = &'a Option<PathBuf>>,
    output: &'a Path,
    metrics: &'a Option<PathBuf>,
) -> (Vec<&'a Path>, Vec<(&'static str, &'a Path)>) {
    let inputs = inputs.into_iter().flatten().map(PathBuf::as_path).collect();
    let mut outputs = vec![("--output", output)];
    outputs.extend(metrics.as_deref().map(|p| ("--metrics-json", p)));
    (inputs, outputs)
}

fn run(args: Args) -> Result<()> {
    let train_files: Vec<Option<PathBuf>> = args.train.iter().cloned().map(Some).collect();
    let (inputs, outputs) =
        files(train_files.iter().chain([&args.dev, &args.test, &args.lexicon]), &args.output, &args.metrics_json);
    check_outputs(&inputs, &outputs)?;
    let opts = options(&args)?;
    let bar = indicatif::ProgressBar::with_draw_target(None, indicatif::ProgressDrawTarget::stderr());
    if args.quiet {
        bar.set_draw_target(indicatif::ProgressDrawTarget::hidden());
    }
    let progress = Bar(bar);
    let outcome = train(&opts, &progress)?;
    progress.0.finish_and_clear();
    let size = outcome.save(&args.output, args.metrics_json.as_deref())?;
    print_report(&format!("{}model: {} ({:.1} MB)\n", outcome.summary(), args.output.display(), size as f64 / 1e6))
}

fn train_syntax(a: SyntaxArgs) -> Result<()> {
    let params = SyntaxParams {
        tagger: TaggerParams { epochs: a.tagger_epochs, seed: a.seed, ..TaggerParams::default() },
        parser: ParserParams { epochs: a.parser_epochs, seed: a.seed, ..ParserParams::default() },
    };
    let train_file = Some(a.train.clone());
    let (inputs, outputs) = files([&train_file, &a.dev, &a.test], &a.output, &a.metrics_json);
    check_outputs(&inputs, &outputs)?;
    let quiet = a.quiet;
    let report = train_treebank(&a.train, a.dev.as_deref(), a.test.as_deref(), params, |stage| {
        if !quiet {
            say!("stance-train: {stage}");
        }
    })?;
    let size = report.save(&a.output, a.metrics_json.as_deref())?;
    print_report(&format!("{}model: {} ({:.1} MB)\n", report.summary(), a.output.display(), size as f64 / 1e6))
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Some(Command::Syntax(a)) => train_syntax(a),
        None => run(cli.args.expect("clap requires the training arguments without a subcommand")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        // The reader of the report went away (`| head`): the work is done, exit quietly.
        Err(e) if e.chain().any(is_broken_pipe) => ExitCode::SUCCESS,
        Err(e) => {
            say!("stance-train: error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
