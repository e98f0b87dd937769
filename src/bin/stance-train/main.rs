//! `stance-train`: fit a classifier on labelled text and write a model file.
//! The work is the library's ([`stance::train::train`], [`stance::train::evaluate`],
//! [`stance::syntax::train_treebank`]); [`args`] maps the arguments to its options.

mod args;

use std::io::{self, Write};
use std::process::ExitCode;

use anyhow::Result;
use clap::Parser;
use stance::batch::{is_broken_pipe, thread_count};
use stance::outputs::check_outputs;
use stance::syntax::train_treebank;
use stance::train::{evaluate, train, Progress};

use args::{Args, Cli, Command, SyntaxArgs};

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

fn run(args: Args) -> Result<()> {
    let (inputs, mut outputs) = args.files();
    outputs.extend(args.report.as_deref().map(|p| ("--report", p)));
    check_outputs(&inputs, &outputs)?;
    let (threads, note) = thread_count(args.threads)?;
    if let (Some(note), false) = (note, args.quiet) {
        say!("stance-train: {note}");
    }
    let opts = args.options(threads)?;
    if let Some(model) = &args.evaluate {
        let evaluation = evaluate(model, &opts)?;
        if let Some(path) = &args.metrics_json {
            evaluation.save_metrics(path)?;
        }
        return print_report(&evaluation.summary());
    }
    let bar = indicatif::ProgressBar::with_draw_target(None, indicatif::ProgressDrawTarget::stderr());
    if args.quiet {
        bar.set_draw_target(indicatif::ProgressDrawTarget::hidden());
    }
    let progress = Bar(bar);
    let outcome = train(&opts, &progress)?;
    progress.0.finish_and_clear();
    let size = outcome.save(args.output.as_deref(), args.metrics_json.as_deref())?;
    if let Some(report) = &args.report {
        outcome.save_report(report, args.output.as_deref())?;
    }
    let model = match (&args.output, size) {
        (Some(path), Some(size)) => format!("{} ({:.1} MB)", path.display(), size as f64 / 1e6),
        _ => "not written (no --output)".into(),
    };
    print_report(&format!("{}model: {model}\n", outcome.summary()))
}

fn train_syntax(a: SyntaxArgs) -> Result<()> {
    let (inputs, outputs) = a.files();
    check_outputs(&inputs, &outputs)?;
    let quiet = a.quiet;
    let report = train_treebank(&a.train, a.dev.as_deref(), a.test.as_deref(), a.params(), |stage| {
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
