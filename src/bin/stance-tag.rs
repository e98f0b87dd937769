//! `stance-tag`: classify sentences or rows in batch with a model from `stance-train`.

use std::io::{self, BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{bail, Context, Result};
use clap::Parser;
use stance::batch::{classify, expand_inputs, BatchOptions, ResumableOutput, SENTENCE_COLUMNS};
use stance::data::{Columns, Format, RecordReader};
use stance::model::load;
use stance::output::{sink, OutputFormat};

const EXAMPLES: &str = "\
Examples:
  # Classify one sentence per line of a text file with the shipped sentiment model:
  stance-tag --model models/sentiment-news.stance datasets/examples/sentences.txt

  # A CSV column, top-3 labels as JSON Lines, every core:
  stance-tag --model m.stance --text-col body --id-col id --top-k 3 --format jsonl tweets.csv

  # Stdin to a file that a killed run can resume:
  cat big.txt | stance-tag --model m.stance --format jsonl --output out.jsonl --resume

Every input record yields one output record: a prediction or an error naming
source and line. Exit status: 0 when every record was classified, 2 when some
records were errors (the rest are still written), 1 on a fatal error.";

/// Classify sentences or rows with a stance/sentiment model.
#[derive(Parser, Debug)]
#[command(version, about, after_help = EXAMPLES)]
struct Args {
    /// Inputs: text files (one sentence per line), .csv/.tsv/.jsonl files, directories, or - for stdin.
    inputs: Vec<PathBuf>,
    /// Model file written by stance-train.
    #[arg(long, short)]
    model: PathBuf,
    /// Output format: table, jsonl, csv, json.
    #[arg(long, default_value = "table", value_parser = parse_output)]
    format: OutputFormat,
    /// Input format when the extension does not say: lines, csv, tsv, jsonl.
    #[arg(long, value_parser = parse_input)]
    input_format: Option<Format>,
    /// Column (or JSONL key) with the text.
    #[arg(long, default_value = "text")]
    text_col: String,
    /// Column with the stance target, for target-aware models.
    #[arg(long)]
    target_col: Option<String>,
    /// Column naming the stance holder, for holder-aware models.
    #[arg(long)]
    holder_col: Option<String>,
    /// Column with a record id, copied to the output.
    #[arg(long)]
    id_col: Option<String>,
    /// Report this many labels with probabilities.
    #[arg(long, default_value_t = 1)]
    top_k: usize,
    /// Copy each text into its output record.
    #[arg(long)]
    with_text: bool,
    /// Write to this file (through FILE.partial, renamed when complete).
    #[arg(long, short)]
    output: Option<PathBuf>,
    /// Continue an interrupted run from FILE.partial (jsonl or csv output).
    #[arg(long, requires = "output")]
    resume: bool,
    /// Worker threads (default: all cores).
    #[arg(long)]
    threads: Option<usize>,
    /// Records per parallel batch.
    #[arg(long, default_value_t = 4096)]
    batch_size: usize,
    /// Largest record accepted, in bytes; larger ones become error records.
    #[arg(long, default_value_t = RecordReader::DEFAULT_MAX_BYTES)]
    max_record_bytes: usize,
    /// No progress bar.
    #[arg(long, short)]
    quiet: bool,
}

fn parse_output(s: &str) -> Result<OutputFormat, String> {
    OutputFormat::parse(s).ok_or_else(|| format!("unknown format {s:?}: use table, jsonl, csv or json"))
}

fn parse_input(s: &str) -> Result<Format, String> {
    Format::parse(s).ok_or_else(|| format!("unknown input format {s:?}: use lines, csv, tsv or jsonl"))
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

/// Outcome of a run: records written and errors among them.
struct Done {
    errors: u64,
}

fn run(args: Args) -> Result<Done> {
    let threads = args.threads.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get())).max(1);
    if args.batch_size == 0 {
        bail!("--batch-size must be at least 1");
    }
    let classifier = load(&args.model)?;
    let inputs = expand_inputs(&args.inputs).context("listing inputs")?;
    let opts = BatchOptions {
        inputs: inputs.clone(),
        format: args.input_format,
        columns: Columns {
            text: args.text_col.clone(),
            label: None,
            target: args.target_col.clone(),
            spans: None,
            holder: args.holder_col.clone(),
            id: args.id_col.clone(),
        },
        top_k: args.top_k,
        with_text: args.with_text,
        threads,
        batch_size: args.batch_size,
        max_record_bytes: args.max_record_bytes,
    };
    let bar = progress_bar(args.quiet, &inputs);
    let start = Instant::now();
    let mut report = |s: &stance::batch::BatchSummary| {
        let rate = s.records as f64 / start.elapsed().as_secs_f64().max(1e-9);
        bar.set_message(format!("{} records ({rate:.0}/s, {} errors)", s.records, s.errors));
        bar.set_position(s.bytes);
    };
    let summary = match &args.output {
        None => {
            let stdout = io::stdout().lock();
            let mut out =
                sink(args.format, Box::new(BufWriter::with_capacity(1 << 16, stdout)), &SENTENCE_COLUMNS, true);
            let s = classify(&classifier, &opts, out.as_mut(), 0, &mut report)?;
            out.finish()?;
            s
        }
        Some(path) => {
            if args.resume && !args.format.is_line_oriented() {
                bail!("--resume needs --format jsonl or csv");
            }
            let header_lines = u64::from(args.format == OutputFormat::Csv);
            let (partial, file) = ResumableOutput::open(path, args.resume, header_lines)
                .with_context(|| format!("opening {}", path.display()))?;
            let header = !partial.has_header;
            let mut out =
                sink(args.format, Box::new(BufWriter::with_capacity(1 << 16, file)), &SENTENCE_COLUMNS, header);
            let s = classify(&classifier, &opts, out.as_mut(), partial.done, &mut report)
                .with_context(|| format!("writing {}", partial.partial_path().display()))?;
            out.finish()?;
            drop(out);
            partial.commit().with_context(|| format!("renaming output to {}", path.display()))?;
            s
        }
    };
    bar.finish_and_clear();
    if !args.quiet {
        eprintln!(
            "stance-tag: {} records ({} errors{}) in {:.2}s",
            summary.records,
            summary.errors,
            if summary.skipped > 0 { format!(", {} resumed", summary.skipped) } else { String::new() },
            start.elapsed().as_secs_f64()
        );
    }
    Ok(Done { errors: summary.errors })
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| c.downcast_ref::<io::Error>().is_some_and(|io| io.kind() == io::ErrorKind::BrokenPipe))
}

fn main() -> ExitCode {
    match run(Args::parse()) {
        Ok(Done { errors: 0 }) => ExitCode::SUCCESS,
        Ok(Done { errors }) => {
            eprintln!("stance-tag: {errors} records could not be classified (see their error fields)");
            ExitCode::from(2)
        }
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            let _ = io::stderr().flush();
            eprintln!("stance-tag: error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
