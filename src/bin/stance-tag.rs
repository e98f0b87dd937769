//! `stance-tag`: tag actors' stances toward events in news articles, or
//! classify sentences with a model from `stance-train`, in batch.

use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use clap::{Args as ClapArgs, Parser, Subcommand};
use stance::batch::{
    check_batch_size, expand_inputs, parse_stream, run, thread_count, ArticleProcessor, BatchOptions, BatchSummary,
    CountingWriter, ParseFormat, ParseOptions, Processor, ResumableOutput, RunSignature, SentenceClassifier,
    ARTICLE_COLUMNS, LINK_COLUMNS, SENTENCE_COLUMNS,
};
use stance::benchmark::BenchSetup;
use stance::container::fnv1a64;
use stance::data::{read_all, Columns, Format, RecordReader};
use stance::features::Doc;
use stance::model::{file::from_bytes, load, Classifier, PredictScratch};
use stance::news::{
    parse_actors, ArticleTagger, DeclaredTarget, Gazetteer, Salience, TaggerConfig, SHIPPED_STANCE_MODEL,
};
use stance::output::{sink, OutputFormat};
use stance::outputs::{check_no_aliases, check_writable, resolve_output, OutputTarget};
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
    /// Syntax model (default: the shipped models/syntax-en-ewt.syntax).
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
    /// Stance model for articles (default: the shipped models/news-stance.stance).
    #[arg(long)]
    stance_model: Option<PathBuf>,
    /// Extra or overriding actors (TSV: alias, actor, sector, kind, role).
    #[arg(long)]
    actors: Option<PathBuf>,
    /// Declare a target: NAME=ALIAS,ALIAS (repeatable).
    #[arg(long = "target")]
    targets: Vec<String>,
    /// Input format when the extension does not say: lines, csv, tsv, jsonl.
    #[arg(long, value_parser = parse_input)]
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
    /// Output format: table, jsonl, csv, json.
    #[arg(long, default_value = "table", value_parser = parse_output)]
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
    #[arg(long, default_value_t = 0.3)]
    min_evidence: f32,
    /// Article mode: ask no more evidence of rows about events the article is not about than of the others
    /// (more rows, less precise).
    #[arg(long)]
    all_events: bool,
    /// Article mode: least summed evidence for a row about an event the article is not about.
    #[arg(long, default_value_t = Salience::default().min_mass_other)]
    min_evidence_other: f32,
    /// Article mode: an event mentioned this many times is one the article is about.
    #[arg(long, default_value_t = Salience::default().min_mentions)]
    salient_mentions: usize,
    /// Article mode: an event first mentioned in this many opening sentences (headline, dateline, lead) is one
    /// the article is about.
    #[arg(long, default_value_t = Salience::default().lead_sentences)]
    salient_lead: usize,
    /// Article mode: evidence sentences per row (0: all).
    #[arg(long, default_value_t = 3)]
    max_evidence: usize,
    /// Write to this file (through FILE.partial, renamed when complete).
    #[arg(long, short)]
    output: Option<PathBuf>,
    /// Continue an interrupted run from FILE.partial.
    #[arg(long, requires = "output")]
    resume: bool,
    /// Items per parallel batch.
    #[arg(long, default_value_t = 1024)]
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

fn parse_output(s: &str) -> Result<OutputFormat, String> {
    OutputFormat::parse(s).ok_or_else(|| format!("unknown format {s:?}: use table, jsonl, csv or json"))
}

fn parse_input(s: &str) -> Result<Format, String> {
    Format::parse(s).ok_or_else(|| format!("unknown input format {s:?}: use lines, csv, tsv or jsonl"))
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

/// Hex FNV-1a 64 of a file's bytes, for the progress record of a resumable run.
fn file_digest(path: &Path) -> Result<String> {
    let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    Ok(format!("{:016x}", fnv1a64(0, &bytes)))
}

/// What a tagging run is started with, so a resume with other settings is refused.
fn signature(args: &TagArgs, opts: &BatchOptions) -> Result<RunSignature> {
    let c = &args.common;
    let names: Vec<String> = opts.inputs.iter().map(|p| p.display().to_string()).collect();
    let mut model = Vec::new();
    for (what, path) in [("model", &c.model), ("stance-model", &c.stance_model), ("actors", &c.actors)] {
        if let Some(p) = path {
            model.push(format!("{what}:{}", file_digest(p)?));
        }
    }
    if model.is_empty() {
        model.push("shipped".into());
    }
    let settings = format!(
        "{:?} {} {:?} {:?} {:?} {:?} {} {} {} {} {} {} {} {} {} {} {}",
        c.input_format,
        c.text_col,
        c.targets,
        args.target_col,
        args.holder_col,
        args.id_col,
        args.top_k,
        args.with_text,
        args.per_sentence,
        args.no_object_targets,
        args.min_evidence,
        args.max_evidence,
        args.max_record_bytes,
        args.all_events,
        args.min_evidence_other,
        args.salient_mentions,
        args.salient_lead
    );
    Ok(vec![
        ("format".into(), format!("{:?}", args.format).to_lowercase()),
        ("inputs".into(), format!("{}-files-{:016x}", names.len(), fnv1a64(0, names.join("\n").as_bytes()))),
        ("model".into(), model.join(",")),
        ("settings".into(), format!("{:016x}", fnv1a64(0, settings.as_bytes()))),
    ])
}

fn tagger(
    c: &Common,
    object_targets: bool,
    max_evidence: usize,
    min_evidence: f32,
    per_sentence: bool,
    salience: Option<Salience>,
) -> Result<ArticleTagger> {
    let model = match &c.stance_model {
        Some(p) => load(p)?,
        None => from_bytes(Path::new("models/news-stance.stance"), SHIPPED_STANCE_MODEL)?,
    };
    let extra = match &c.actors {
        Some(p) => {
            let text = std::fs::read_to_string(p).with_context(|| format!("reading {}", p.display()))?;
            parse_actors(&p.display().to_string(), &text)?
        }
        None => Vec::new(),
    };
    let targets = c
        .targets
        .iter()
        .map(|t| DeclaredTarget::parse(t))
        .collect::<Result<Vec<_>, _>>()
        .map_err(anyhow::Error::msg)?;
    let aggregate = stance::news::AggregateParams { min_mass: min_evidence, ..Default::default() };
    let config =
        TaggerConfig { targets, max_evidence, object_targets, aggregate, sentence_fallback: per_sentence, salience };
    Ok(ArticleTagger::new(Gazetteer::new(extra)?, model, config)?)
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

fn execute<P: Processor>(
    processor: &P,
    args: &TagArgs,
    opts: &BatchOptions,
    columns: &[&'static str],
) -> Result<BatchSummary> {
    let bar = progress_bar(args.quiet, &opts.inputs);
    let start = Instant::now();
    let report = |s: &BatchSummary| {
        let rate = s.items as f64 / start.elapsed().as_secs_f64().max(1e-9);
        bar.set_message(format!("{} items ({rate:.0}/s, {} errors)", s.items, s.errors));
        bar.set_position(s.bytes);
    };
    let mut warn = |w: &str| {
        if !args.quiet {
            bar.suspend(|| say!("stance-tag: warning: {w}"));
        }
    };
    let summary = match &args.output {
        None => {
            let stdout = BufWriter::with_capacity(1 << 16, io::stdout().lock());
            let mut out = sink(args.format, Box::new(stdout), columns, true);
            let s = run(
                processor,
                opts,
                out.as_mut(),
                0,
                &mut |s| {
                    report(s);
                    Ok(())
                },
                &mut warn,
            )?;
            out.finish()?;
            s
        }
        Some(path) => {
            if args.resume && args.format == OutputFormat::Json {
                bail!("--resume needs --format jsonl, csv or table");
            }
            match resolve_output(path).with_context(|| format!("--output {}", path.display()))? {
                OutputTarget::Special(p) => {
                    if args.resume {
                        bail!("--resume needs a regular file as --output; {} is a device, FIFO or socket", p.display());
                    }
                    // A device, FIFO or socket is written through, never replaced.
                    let file = std::fs::OpenOptions::new()
                        .write(true)
                        .open(&p)
                        .with_context(|| format!("opening {}", p.display()))?;
                    let mut out = sink(args.format, Box::new(BufWriter::with_capacity(1 << 16, file)), columns, true);
                    let s = run(
                        processor,
                        opts,
                        out.as_mut(),
                        0,
                        &mut |s| {
                            report(s);
                            Ok(())
                        },
                        &mut warn,
                    )
                    .with_context(|| format!("writing {}", p.display()))?;
                    out.finish().with_context(|| format!("writing {}", p.display()))?;
                    s
                }
                OutputTarget::Regular(path) => {
                    let partial_path = ResumableOutput::partial_for(&path);
                    let progress_path = ResumableOutput::progress_for(&path);
                    let c = &args.common;
                    let mut inputs: Vec<&Path> = opts.inputs.iter().map(PathBuf::as_path).collect();
                    inputs.extend([&c.model, &c.stance_model, &c.actors].into_iter().flatten().map(PathBuf::as_path));
                    check_no_aliases(&inputs, &[&path, &partial_path, &progress_path])?;
                    let (partial, file) = ResumableOutput::open(&path, args.resume, &signature(args, opts)?)
                        .with_context(|| format!("opening {}", path.display()))?;
                    let counting = CountingWriter::new(file, partial.bytes);
                    let written = counting.written.clone();
                    let header = partial.bytes == 0;
                    let mut out =
                        sink(args.format, Box::new(BufWriter::with_capacity(1 << 16, counting)), columns, header);
                    let (skip, prior_errors) = (partial.done, partial.errors);
                    let mut s = run(
                        processor,
                        opts,
                        out.as_mut(),
                        skip,
                        &mut |s| {
                            report(s);
                            partial.save_progress(
                                skip + s.items,
                                written.load(Ordering::Relaxed),
                                prior_errors + s.errors,
                            )
                        },
                        &mut warn,
                    )
                    .with_context(|| format!("writing {}", partial.partial_path().display()))?;
                    out.finish().with_context(|| format!("writing {}", partial.partial_path().display()))?;
                    drop(out);
                    partial.commit().with_context(|| format!("renaming output to {}", path.display()))?;
                    // Error records written before an interruption still count.
                    s.errors += prior_errors;
                    s
                }
            }
        }
    };
    bar.finish_and_clear();
    if !args.quiet {
        say!(
            "stance-tag: {} items, {} records ({} errors{}) in {:.2}s",
            summary.items,
            summary.rows,
            summary.errors,
            if summary.skipped > 0 { format!(", {} already done", summary.skipped) } else { String::new() },
            start.elapsed().as_secs_f64()
        );
    }
    Ok(summary)
}

fn tag(args: TagArgs) -> Result<u64> {
    let c = &args.common;
    let opts = BatchOptions {
        inputs: expand_inputs(&args.inputs).context("listing inputs")?,
        format: c.input_format,
        columns: Columns {
            text: c.text_col.clone(),
            label: None,
            target: args.target_col.clone(),
            spans: None,
            holder: args.holder_col.clone(),
            id: args.id_col.clone(),
        },
        documents: c.model.is_none(),
        threads: threads(c.threads, args.quiet)?,
        batch_size: check_batch_size(args.batch_size).map_err(anyhow::Error::msg)?,
        max_record_bytes: args.max_record_bytes,
    };
    let summary = match &c.model {
        Some(path) => {
            let classifier = load(path)?;
            let p = SentenceClassifier::new(&classifier, args.top_k, args.with_text);
            execute(&p, &args, &opts, &SENTENCE_COLUMNS)?
        }
        None => {
            let tagger = tagger(
                c,
                !args.no_object_targets,
                args.max_evidence,
                args.min_evidence,
                args.per_sentence,
                (!args.all_events).then_some(Salience {
                    min_mentions: args.salient_mentions,
                    lead_sentences: args.salient_lead,
                    min_mass_other: args.min_evidence_other,
                }),
            )?;
            let p = ArticleProcessor { tagger: &tagger, per_sentence: args.per_sentence };
            let columns: &[&'static str] = if args.per_sentence { &LINK_COLUMNS } else { &ARTICLE_COLUMNS };
            execute(&p, &args, &opts, columns)?
        }
    };
    Ok(summary.errors)
}

fn bench(args: BenchArgs) -> Result<u64> {
    let c = &args.common;
    let inputs = expand_inputs(&args.data).context("listing inputs")?;
    let columns = Columns { text: c.text_col.clone(), ..Columns::default() };
    let mut texts = Vec::new();
    for path in &inputs {
        texts.extend(read_all(path, c.input_format, &columns)?.into_iter().map(|e| e.text.to_string()));
    }
    if let Some(n) = args.limit {
        texts.truncate(n);
    }
    if texts.is_empty() {
        bail!("no benchmark data");
    }
    let warmup = Duration::from_secs_f64(args.warmup.max(0.0));
    let tokens = count_tokens(&texts);
    let threads = threads(c.threads, args.json)?;
    let setup = |unit, load_seconds| BenchSetup { unit, texts: &texts, tokens, threads, warmup, load_seconds };
    let t0 = Instant::now();
    let report = if args.articles {
        let tagger = tagger(c, true, 3, 0.3, false, Some(Salience::default()))?;
        let load = t0.elapsed().as_secs_f64();
        let sentences: u64 = texts.iter().map(|t| stance::text::split_sentences(t).len() as u64).sum();
        let mut r =
            stance::benchmark::run(&setup("articles", load), PredictScratch::default, |s, t| tagger.tag(t, s).len());
        r.sentences = Some(sentences);
        r
    } else {
        let path = c.model.as_ref().context("sentence benchmarks need --model (or use --articles)")?;
        let classifier: Classifier = load(path)?;
        let load = t0.elapsed().as_secs_f64();
        stance::benchmark::run(&setup("sentences", load), PredictScratch::default, |s, t| {
            let mut probs = vec![0f32; classifier.labels.len()];
            classifier.predict_into(Doc::plain(t), s, &mut probs)
        })
    };
    // A closed stdout is an error (a broken pipe a quiet exit), never a panic.
    let mut stdout = io::stdout().lock();
    if args.json {
        writeln!(stdout, "{}", serde_json::to_string_pretty(&report)?)?;
    } else {
        write!(stdout, "{}", report.table())?;
    }
    stdout.flush()?;
    Ok(0)
}

fn count_tokens(texts: &[String]) -> u64 {
    let pipeline = stance::text::TextPipeline::new(stance::text::TextConfig::default());
    texts.iter().map(|t| pipeline.analyze(t).len() as u64).sum()
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
    if let Some(p) = &a.metrics_json {
        check_writable(p).with_context(|| format!("cannot write --metrics-json {}", p.display()))?;
    }
    let mut report = |e: &str| say!("stance-tag: skipped: {e}");
    let summary = match &a.output {
        Some(out) => match resolve_output(out).with_context(|| format!("--output {}", out.display()))? {
            OutputTarget::Special(p) => {
                let file = std::fs::OpenOptions::new()
                    .write(true)
                    .open(&p)
                    .with_context(|| format!("opening {}", p.display()))?;
                let mut w = BufWriter::new(file);
                let summary = parse_stream(&model, &inputs, &options, &mut w, &mut report)?;
                w.flush().with_context(|| format!("writing {}", p.display()))?;
                summary
            }
            OutputTarget::Regular(out) => {
                let partial_path = ResumableOutput::partial_for(&out);
                let mut ins: Vec<&Path> = inputs.iter().map(PathBuf::as_path).collect();
                ins.push(&path);
                let mut outs: Vec<&Path> = vec![&out, &partial_path];
                outs.extend(a.metrics_json.as_deref());
                check_no_aliases(&ins, &outs)?;
                let (partial, file) = ResumableOutput::open(&out, false, &Vec::new())
                    .with_context(|| format!("opening {}", out.display()))?;
                let mut w = BufWriter::new(file);
                let summary = parse_stream(&model, &inputs, &options, &mut w, &mut report)?;
                w.flush().with_context(|| format!("writing {}", partial_path.display()))?;
                drop(w);
                partial.commit().with_context(|| format!("renaming {}", partial_path.display()))?;
                summary
            }
        },
        None => {
            let mut w = BufWriter::new(io::stdout().lock());
            let summary = parse_stream(&model, &inputs, &options, &mut w, &mut report)?;
            w.flush()?;
            summary
        }
    };
    if !a.quiet {
        say!("stance-tag: {} sentences, {} words", summary.sentences, summary.words);
    }
    if let Some(scores) = summary.scores {
        say!("{}", scores.summary());
        if let Some(p) = &a.metrics_json {
            let json = serde_json::json!({ "parse": scores.to_json() });
            stance::outputs::write_atomic(p, format!("{json:#}\n").as_bytes())
                .with_context(|| format!("writing {}", p.display()))?;
        }
    }
    Ok(summary.errors)
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| c.downcast_ref::<io::Error>().is_some_and(|io| io.kind() == io::ErrorKind::BrokenPipe))
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Some(Command::Bench(b)) => bench(b),
        Some(Command::Parse(p)) => parse(p),
        None => tag(cli.tag),
    };
    match result {
        Ok(0) => ExitCode::SUCCESS,
        Ok(errors) => {
            say!("stance-tag: {errors} records could not be processed (see their error fields)");
            ExitCode::from(2)
        }
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            let _ = io::stderr().flush();
            say!("stance-tag: error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
