//! `stance-tag`: tag actors' stances toward events in news articles, or
//! classify sentences with a model from `stance-train`, in batch. The work is
//! the library's ([`stance::batch::TagRun`], [`stance::batch::parse_to`], [`stance::train::evaluate`],
//! [`stance::benchmark::bench`]); [`args`] maps the arguments to its options.

mod args;

use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Result;
use clap::Parser;
use stance::batch::{is_broken_pipe, parse_to, thread_count, BatchSummary, ParseOutputs, TagRun};
use stance::benchmark::bench;
use stance::outputs::check_outputs;
use stance::train::evaluate;

use args::{BenchArgs, Cli, Command, ParseArgs, TagArgs};

/// Writes a line to stderr; a closed or full stderr is ignored, never a panic.
macro_rules! say {
    ($($arg:tt)*) => {{
        let _ = writeln!(io::stderr(), $($arg)*);
    }};
}

/// The worker thread count: zero is refused, too many are capped (with a note unless `quiet`).
fn threads(requested: usize, quiet: bool) -> Result<usize> {
    let (n, note) = thread_count(requested)?;
    if let (Some(note), false) = (note, quiet) {
        say!("stance-tag: {note}");
    }
    Ok(n)
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
    let quiet = a.quiet;
    let threads = threads(a.common.threads, quiet)?;
    if let Some(scoring) = a.scoring(threads) {
        let (model, opts) = scoring?;
        let inputs: Vec<&std::path::Path> = opts.test.iter().chain([&model]).map(PathBuf::as_path).collect();
        let outputs: Vec<_> = a.metrics_json.iter().map(|p| ("--metrics-json", p.as_path())).collect();
        check_outputs(&inputs, &outputs)?;
        let evaluation = evaluate(&model, &opts)?;
        if let Some(path) = &a.metrics_json {
            evaluation.save_metrics(path)?;
        }
        let mut out = std::io::stdout().lock();
        out.write_all(evaluation.summary().as_bytes())?;
        out.flush()?;
        return Ok(0);
    }
    let run = TagRun::new(a.options(threads))?;
    if !quiet {
        for note in run.notes() {
            say!("stance-tag: note: {note}");
        }
    }
    let bar = progress_bar(quiet, run.inputs());
    let start = Instant::now();
    let mut progress = |s: &BatchSummary| {
        let rate = s.items as f64 / start.elapsed().as_secs_f64().max(1e-9);
        bar.set_message(format!("{} items ({rate:.0}/s, {} errors)", s.items, s.errors));
        bar.set_position(s.bytes);
    };
    let mut warn = |w: &str| {
        if !quiet {
            bar.suspend(|| say!("stance-tag: warning: {w}"));
        }
    };
    let summary = run.run(&mut progress, &mut warn)?;
    bar.finish_and_clear();
    if !quiet {
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
    let report = bench(&a.options(threads(a.common.threads, a.json)?))?;
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
    let options = a.options(threads(a.threads, a.quiet)?);
    let outputs = ParseOutputs { conllu: a.output.as_deref(), metrics_json: a.metrics_json.as_deref() };
    let on_error = &mut |e: &str| say!("stance-tag: skipped: {e}");
    let summary = parse_to(a.syntax_model.as_deref(), &a.inputs, &options, outputs, on_error)?;
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
