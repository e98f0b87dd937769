//! `stance-tag`: tag actors' stances toward events in news articles, or
//! classify sentences with a model from `stance-train`, in batch. The work is
//! the library's ([`stance::batch::TagRun`], [`stance::batch::parse_to`],
//! [`stance::benchmark::bench`]); this maps arguments to its options.

use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use clap::{Args as ClapArgs, Parser, Subcommand};
use stance::batch::{
    expand_inputs, is_broken_pipe, parse_to, thread_count, ArticleOptions, BatchSummary, ModelOptions, ParseFormat,
    ParseOptions, ParseOutputs, TagOptions, TagRun, DEFAULT_BATCH_SIZE,
};
use stance::benchmark::{bench, BenchOptions};
use stance::data::{Columns, Format, RecordReader};
use stance::news::DEFAULT_MIN_EVIDENCE;
use stance::output::OutputFormat;
use stance::syntax::{shipped_model_path, SyntaxModel};

const EXAMPLES: &str = "\
Examples:
  # Who holds which stance toward which event in an article (readable table):
  stance-tag datasets/articles/black-sea-pipeline.txt

  # Many articles, JSON Lines, a CSV of articles with id and text columns:
  stance-tag --format jsonl --text-col body --id-col id articles.csv

  # Declare a target and its aliases; add or override actors:
  stance-tag --target 'ceasefire=ceasefire,truce,cessation of hostilities' --actors mine.tsv article.txt

  # Sentence classification with a stance-train model, top-3 labels:
  stance-tag --model models/sentiment-news.stance --top-k 3 --format jsonl sentences.txt

  # Benchmark a model (sentences/s, tokens/s, MB/s, latency, memory):
  stance-tag bench --model models/sentiment-news.stance sentences.txt

Every input record yields its output records or an error record naming source
and line. Exit status: 0 when everything was processed, 2 when some records
were errors (the rest are still written), 1 on a fatal error.";

/// Tag actors' stances toward events in news, or classify sentences.
#[derive(Parser, Debug)]
#[command(version, about, after_help = EXAMPLES, args_conflicts_with_subcommands = true)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    tag: TagArgs,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Measure a model's speed: warm-up, then items/s, tokens/s and MB/s on one
    /// and all threads, latency p50/p99, model load time and peak memory.
    Bench(BenchArgs),
    /// Part-of-speech tags, lemmas and dependency trees (CoNLL-U) for raw text
    /// or CoNLL-U input; --score measures them against CoNLL-U gold.
    Parse(ParseArgs),
}

#[derive(ClapArgs, Debug)]
struct ParseArgs {
    /// Inputs: text files (each one document), CSV/TSV/JSONL files (each record's text one
    /// document), CoNLL-U files with --input-format conllu, directories, or - for stdin.
    inputs: Vec<PathBuf>,
    /// Column (or JSONL key) with the text of CSV/TSV/JSONL inputs.
    #[arg(long, default_value = "text")]
    text_col: String,
    /// Column with a document id for CSV/TSV/JSONL inputs (default: FILE:LINE).
    #[arg(long)]
    id_col: Option<String>,
    /// Syntax model (default: the shipped one).
    #[arg(long)]
    syntax_model: Option<PathBuf>,
    /// What the inputs hold: raw text, or CoNLL-U whose words are kept and re-analysed.
    #[arg(long, value_enum, default_value_t = ParseFormat::Text)]
    input_format: ParseFormat,
    /// Score the CoNLL-U input's gold tags and trees (UPOS, XPOS, lemma, UAS, LAS) on stderr.
    #[arg(long)]
    score: bool,
    /// Write the scores as JSON to this file.
    #[arg(long, requires = "score")]
    metrics_json: Option<PathBuf>,
    /// Worker threads (default: all cores).
    #[arg(long)]
    threads: Option<usize>,
    /// Write to this file (through FILE.partial, renamed when complete).
    #[arg(long, short)]
    output: Option<PathBuf>,
    /// No messages on stderr but errors.
    #[arg(long, short)]
    quiet: bool,
}

#[derive(ClapArgs, Debug)]
struct Common {
    /// Sentence classification with this model file from stance-train (default: tag articles).
    #[arg(long, short)]
    model: Option<PathBuf>,
    /// Stance model for articles (default: the shipped one).
    #[arg(long)]
    stance_model: Option<PathBuf>,
    /// Extra or overriding actors (TSV: alias, actor, sector, kind, role).
    #[arg(long)]
    actors: Option<PathBuf>,
    /// Declare a target: NAME=ALIAS,ALIAS (repeatable).
    #[arg(long = "target")]
    targets: Vec<String>,
    /// Input format when the extension does not say.
    #[arg(long, value_enum)]
    input_format: Option<Format>,
    /// Column (or JSONL key) with the text.
    #[arg(long, default_value = "text")]
    text_col: String,
    /// Worker threads (default: all cores).
    #[arg(long)]
    threads: Option<usize>,
}

#[derive(ClapArgs, Debug)]
struct TagArgs {
    /// Inputs: files (a .txt file is one article, or one sentence per line with --model),
    /// .csv/.tsv/.jsonl files, directories, or - for stdin.
    inputs: Vec<PathBuf>,
    #[command(flatten)]
    common: Common,
    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Table)]
    format: OutputFormat,
    /// Column with the stance target, for target-aware sentence models.
    #[arg(long)]
    target_col: Option<String>,
    /// Column naming the stance holder, for holder-aware sentence models.
    #[arg(long)]
    holder_col: Option<String>,
    /// Column with a record or article id, copied to the output.
    #[arg(long)]
    id_col: Option<String>,
    /// Sentence mode: report this many labels with probabilities.
    #[arg(long, default_value_t = 1)]
    top_k: usize,
    /// Sentence mode: copy each text into its output record.
    #[arg(long)]
    with_text: bool,
    /// Article mode: one record per scored holder–target link in each sentence.
    #[arg(long)]
    per_sentence: bool,
    /// Article mode: do not take the words after a stance cue as a target.
    #[arg(long)]
    no_object_targets: bool,
    /// Article mode: least summed evidence for a row (lower finds more, less precisely).
    #[arg(long, default_value_t = DEFAULT_MIN_EVIDENCE)]
    min_evidence: f32,
    /// Article mode: evidence sentences per row (0: all).
    #[arg(long, default_value_t = ArticleOptions::default().max_evidence)]
    max_evidence: usize,
    /// Write to this file (through FILE.partial, renamed when complete).
    #[arg(long, short)]
    output: Option<PathBuf>,
    /// Continue an interrupted run from FILE.partial.
    #[arg(long, requires = "output")]
    resume: bool,
    /// Items per parallel batch.
    #[arg(long, default_value_t = DEFAULT_BATCH_SIZE)]
    batch_size: usize,
    /// Largest record or article accepted, in bytes; larger ones become error records.
    #[arg(long, default_value_t = RecordReader::DEFAULT_MAX_BYTES)]
    max_record_bytes: usize,
    /// No progress bar or summary on stderr.
    #[arg(long, short)]
    quiet: bool,
}

#[derive(ClapArgs, Debug)]
struct BenchArgs {
    /// Data: a text file (one sentence or one article per line), .csv/.tsv/.jsonl, or -.
    data: Vec<PathBuf>,
    #[command(flatten)]
    common: Common,
    /// Benchmark article tagging (each item an article) instead of sentence classification.
    #[arg(long)]
    articles: bool,
    /// Seconds of warm-up.
    #[arg(long, default_value_t = 1.0)]
    warmup: f64,
    /// Use at most this many items.
    #[arg(long)]
    limit: Option<usize>,
    /// Print JSON instead of a table.
    #[arg(long)]
    json: bool,
}

/// Writes a line to stderr; a closed or full stderr is ignored, never a panic.
macro_rules! say {
    ($($arg:tt)*) => {{
        let _ = writeln!(io::stderr(), $($arg)*);
    }};
}

/// The worker thread count: zero is refused, too many are capped (with a note unless `quiet`).
fn threads(requested: Option<usize>, quiet: bool) -> Result<usize> {
    let (n, note) = thread_count(requested).map_err(anyhow::Error::msg)?;
    if let (Some(note), false) = (note, quiet) {
        say!("stance-tag: {note}");
    }
    Ok(n)
}

impl Common {
    fn models(&self) -> ModelOptions {
        let (model, stance_model, actors) = (self.model.clone(), self.stance_model.clone(), self.actors.clone());
        ModelOptions { model, stance_model, actors, targets: self.targets.clone() }
    }
}

fn progress_bar(quiet: bool, inputs: &[PathBuf]) -> indicatif::ProgressBar {
    if quiet {
        return indicatif::ProgressBar::hidden();
    }
    let total: u64 = inputs.iter().filter_map(|p| std::fs::metadata(p).ok()).map(|m| m.len()).sum();
    let bar = indicatif::ProgressBar::with_draw_target(Some(total), indicatif::ProgressDrawTarget::stderr());
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{msg} [{bar:30}] {binary_bytes}/{binary_total_bytes} {binary_bytes_per_sec} ETA {eta}",
        )
        .expect("valid template")
        .progress_chars("=> "),
    );
    bar
}

fn tag(a: TagArgs) -> Result<u64> {
    let c = &a.common;
    let options = TagOptions {
        inputs: a.inputs.clone(),
        models: c.models(),
        articles: ArticleOptions {
            per_sentence: a.per_sentence,
            object_targets: !a.no_object_targets,
            min_evidence: a.min_evidence,
            max_evidence: a.max_evidence,
        },
        input_format: c.input_format,
        columns: Columns {
            text: c.text_col.clone(),
            target: a.target_col,
            holder: a.holder_col,
            id: a.id_col,
            ..Columns::default()
        },
        format: a.format,
        top_k: a.top_k,
        with_text: a.with_text,
        output: a.output,
        resume: a.resume,
        threads: threads(c.threads, a.quiet)?,
        batch_size: a.batch_size,
        max_record_bytes: a.max_record_bytes,
    };
    let run = TagRun::new(options)?;
    let bar = progress_bar(a.quiet, run.inputs());
    let start = Instant::now();
    let summary = run.run(&mut |s: &BatchSummary| {
        let rate = s.items as f64 / start.elapsed().as_secs_f64().max(1e-9);
        bar.set_message(format!("{} items ({rate:.0}/s, {} errors)", s.items, s.errors));
        bar.set_position(s.bytes);
    })?;
    bar.finish_and_clear();
    if !a.quiet {
        let skipped = if summary.skipped > 0 { format!(", {} already done", summary.skipped) } else { String::new() };
        say!(
            "stance-tag: {} items, {} records ({} errors{skipped}) in {:.2}s",
            summary.items,
            summary.rows,
            summary.errors,
            start.elapsed().as_secs_f64()
        );
    }
    Ok(summary.errors)
}

fn bench_models(a: BenchArgs) -> Result<u64> {
    let c = &a.common;
    let report = bench(&BenchOptions {
        data: a.data.clone(),
        input_format: c.input_format,
        text_col: c.text_col.clone(),
        models: c.models(),
        articles: a.articles,
        warmup: Duration::from_secs_f64(a.warmup.max(0.0)),
        limit: a.limit,
        threads: threads(c.threads, a.json)?,
    })?;
    // A closed stdout is an error (a broken pipe a quiet exit), never a panic.
    let mut stdout = io::stdout().lock();
    if a.json {
        writeln!(stdout, "{}", serde_json::to_string_pretty(&report)?)?;
    } else {
        write!(stdout, "{}", report.table())?;
    }
    stdout.flush()?;
    Ok(0)
}

fn parse(a: ParseArgs) -> Result<u64> {
    let path = a.syntax_model.clone().unwrap_or_else(shipped_model_path);
    let model = SyntaxModel::load(&path)?;
    let inputs = expand_inputs(&a.inputs).context("listing inputs")?;
    let options = ParseOptions {
        format: a.input_format,
        threads: threads(a.threads, a.quiet)?,
        score: a.score,
        columns: Columns { text: a.text_col.clone(), id: a.id_col.clone(), ..Columns::default() },
        ..ParseOptions::default()
    };
    let outputs = ParseOutputs { conllu: a.output.as_deref(), metrics_json: a.metrics_json.as_deref() };
    let summary = parse_to(&model, &path, &inputs, &options, outputs, &mut |e| say!("stance-tag: skipped: {e}"))?;
    if !a.quiet {
        say!("stance-tag: {} sentences, {} words", summary.sentences, summary.words);
    }
    if let Some(scores) = summary.scores {
        say!("{}", scores.summary());
    }
    Ok(summary.errors)
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Some(Command::Bench(b)) => bench_models(b),
        Some(Command::Parse(p)) => parse(p),
        None => tag(cli.tag),
    };
    match result {
        Ok(0) => ExitCode::SUCCESS,
        Ok(errors) => {
            say!("stance-tag: {errors} records could not be processed (see their error fields)");
            ExitCode::from(2)
        }
        Err(e) if e.chain().any(is_broken_pipe) => ExitCode::SUCCESS,
        Err(e) => {
            let _ = io::stderr().flush();
            say!("stance-tag: error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
