//! `stance-tag`'s arguments (clap derive) and their mapping to the
//! library's option types.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::Result;
use clap::{Args as ClapArgs, Parser, Subcommand};
use stance::batch::{
    default_thread_count, ArticleOptions, ModelOptions, ParseFormat, ParseOptions, TagOptions, DEFAULT_BATCH_SIZE,
};
use stance::benchmark::{BenchOptions, DEFAULT_WARMUP};
use stance::data::{Columns, Encoding, Format, RecordReader, DEFAULT_TEXT_COLUMN};
use stance::news::{Salience, DEFAULT_MIN_EVIDENCE};
use stance::output::OutputFormat;
use stance::train::TrainOptions;

pub(crate) const EXAMPLES: &str = "\
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
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Option<Command>,
    #[command(flatten)]
    pub(crate) tag: TagArgs,
}

#[derive(Subcommand, Debug)]
pub(crate) enum Command {
    /// Measure a model's speed: warm-up, then items/s, tokens/s and MB/s on one
    /// and all threads, latency p50/p99, model load time and peak memory.
    Bench(BenchArgs),
    /// Part-of-speech tags, lemmas and dependency trees (CoNLL-U) for raw text
    /// or CoNLL-U input; --score measures them against CoNLL-U gold.
    Parse(ParseArgs),
}

#[derive(ClapArgs, Debug)]
pub(crate) struct ParseArgs {
    /// Inputs: text files (each one document), CSV/TSV/JSONL files (each record's text one
    /// document), CoNLL-U files with --input-format conllu, directories, or - for stdin.
    pub(crate) inputs: Vec<PathBuf>,
    /// Column (or JSONL key) with the text of CSV/TSV/JSONL inputs.
    #[arg(long, default_value = DEFAULT_TEXT_COLUMN)]
    pub(crate) text_col: String,
    /// Column with a document id for CSV/TSV/JSONL inputs (default: FILE:LINE).
    #[arg(long)]
    pub(crate) id_col: Option<String>,
    /// Syntax model (default: the shipped one).
    #[arg(long)]
    pub(crate) syntax_model: Option<PathBuf>,
    /// What the inputs hold: raw text, or CoNLL-U whose words are kept and re-analysed.
    #[arg(long, value_enum, default_value_t = ParseFormat::Text)]
    pub(crate) input_format: ParseFormat,
    /// Score the CoNLL-U input's gold tags and trees (UPOS, XPOS, lemma, UAS, LAS) on stderr.
    #[arg(long)]
    pub(crate) score: bool,
    /// Write the scores as JSON to this file.
    #[arg(long, requires = "score")]
    pub(crate) metrics_json: Option<PathBuf>,
    /// Worker threads (default: one per core).
    #[arg(long, default_value_t = default_thread_count())]
    pub(crate) threads: usize,
    /// Write to this file (through FILE.partial, renamed when complete).
    #[arg(long, short)]
    pub(crate) output: Option<PathBuf>,
    /// No messages on stderr but errors.
    #[arg(long, short)]
    pub(crate) quiet: bool,
}

#[derive(ClapArgs, Debug)]
pub(crate) struct Common {
    /// Sentence classification with this model file from stance-train (default: tag articles).
    #[arg(long, short)]
    pub(crate) model: Option<PathBuf>,
    /// Stance model for articles (default: the shipped one).
    #[arg(long)]
    pub(crate) stance_model: Option<PathBuf>,
    /// Extra or overriding actors (TSV: alias, actor, sector, kind, role).
    #[arg(long)]
    pub(crate) actors: Option<PathBuf>,
    /// Syntax model whose dependency trees the article tagger reads (default: the shipped one).
    #[arg(long)]
    pub(crate) syntax_model: Option<PathBuf>,
    /// Declare a target: NAME=ALIAS,ALIAS (repeatable).
    #[arg(long = "target")]
    pub(crate) targets: Vec<String>,
    /// Input format when the extension does not say.
    #[arg(long, value_enum)]
    pub(crate) input_format: Option<Format>,
    /// Column (or JSONL key) with the text.
    #[arg(long, default_value = DEFAULT_TEXT_COLUMN)]
    pub(crate) text_col: String,
    /// Worker threads (default: one per core).
    #[arg(long, default_value_t = default_thread_count())]
    pub(crate) threads: usize,
}

#[derive(ClapArgs, Debug)]
pub(crate) struct TagArgs {
    /// Inputs: files (a .txt file is one article, or one sentence per line with --model),
    /// .csv/.tsv/.jsonl files, directories, or - for stdin.
    pub(crate) inputs: Vec<PathBuf>,
    #[command(flatten)]
    pub(crate) common: Common,
    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Table)]
    pub(crate) format: OutputFormat,
    /// Column with the stance target, for target-aware sentence models.
    #[arg(long)]
    pub(crate) target_col: Option<String>,
    /// Column naming the stance holder, for holder-aware sentence models.
    #[arg(long)]
    pub(crate) holder_col: Option<String>,
    /// Column with a record or article id, copied to the output.
    #[arg(long)]
    pub(crate) id_col: Option<String>,
    /// CSV/TSV without a header row: columns are then given by 1-based position (--text-col 2).
    #[arg(long)]
    pub(crate) no_header: bool,
    /// Text encoding of the input files.
    #[arg(long, value_enum, default_value_t = Encoding::default())]
    pub(crate) encoding: Encoding,
    /// Sentence mode: copy these input columns (or JSONL keys) into each output record, after `id`
    /// (named input_NAME when NAME is an output column, e.g. label).
    #[arg(long, value_delimiter = ',', value_name = "COLS")]
    pub(crate) keep_cols: Vec<String>,
    /// Score one labelled input instead of writing predictions: the column with the true label. Prints the
    /// report `stance-train --evaluate` prints (needs --model).
    #[arg(long, requires = "model")]
    pub(crate) label_col: Option<String>,
    /// With --label-col: write the scores as JSON to this file.
    #[arg(long, requires = "label_col")]
    pub(crate) metrics_json: Option<PathBuf>,
    /// Sentence mode: report this many labels with probabilities (0: all).
    #[arg(long, default_value_t = TagOptions::default().top_k)]
    pub(crate) top_k: usize,
    /// Sentence mode: copy each text into its output record.
    #[arg(long)]
    pub(crate) with_text: bool,
    /// Article mode: one record per scored holder–target link in each sentence.
    #[arg(long)]
    pub(crate) per_sentence: bool,
    /// Article mode: do not take the words after a stance cue as a target.
    #[arg(long)]
    pub(crate) no_object_targets: bool,
    /// Article mode: least summed evidence for a row (lower finds more, less precisely).
    #[arg(long, default_value_t = DEFAULT_MIN_EVIDENCE)]
    pub(crate) min_evidence: f32,
    /// Article mode: evidence sentences per row (0: all).
    #[arg(long, default_value_t = ArticleOptions::default().max_evidence)]
    pub(crate) max_evidence: usize,
    /// Article mode: ask no more evidence of rows about events the article is not about than of the others
    /// (more rows, less precise).
    #[arg(long)]
    pub(crate) all_events: bool,
    /// Article mode: least summed evidence for a row about an event the article is not about.
    #[arg(long, default_value_t = Salience::default().min_mass_other)]
    pub(crate) min_evidence_other: f32,
    /// Article mode: an event mentioned this many times is one the article is about.
    #[arg(long, default_value_t = Salience::default().min_mentions)]
    pub(crate) salient_mentions: usize,
    /// Article mode: an event first mentioned in this many opening sentences (headline, dateline, lead) is one
    /// the article is about.
    #[arg(long, default_value_t = Salience::default().lead_sentences)]
    pub(crate) salient_lead: usize,
    /// Article mode: least summed evidence for a row whose holder has no state (a name the gazetteer does not
    /// know, in sentences that name no state).
    #[arg(long, default_value_t = ArticleOptions::default().min_evidence_unplaced)]
    pub(crate) min_evidence_unplaced: f32,
    /// Article mode: link weight factor for a holder link that only the dependency tree finds, not the word
    /// patterns (0: the tree only confirms links and gives their cue).
    #[arg(long, default_value_t = ArticleOptions::default().tree_only_weight)]
    pub(crate) tree_only_weight: f32,
    /// Write to this file (through FILE.partial, renamed when complete).
    #[arg(long, short)]
    pub(crate) output: Option<PathBuf>,
    /// Continue an interrupted run from FILE.partial.
    #[arg(long, requires = "output")]
    pub(crate) resume: bool,
    /// Items per parallel batch.
    #[arg(long, default_value_t = DEFAULT_BATCH_SIZE)]
    pub(crate) batch_size: usize,
    /// Largest record or article accepted, in bytes; larger ones become error records.
    #[arg(long, default_value_t = RecordReader::DEFAULT_MAX_BYTES)]
    pub(crate) max_record_bytes: usize,
    /// No progress bar or summary on stderr.
    #[arg(long, short)]
    pub(crate) quiet: bool,
    /// Column with each record's date (YYYY-MM-DD…), copied to article rows; the HTML report draws a timeline
    /// from it.
    #[arg(long)]
    pub(crate) date_col: Option<String>,
}

#[derive(ClapArgs, Debug)]
pub(crate) struct BenchArgs {
    /// Data: a text file (one sentence or one article per line), .csv/.tsv/.jsonl, or -.
    pub(crate) data: Vec<PathBuf>,
    #[command(flatten)]
    pub(crate) common: Common,
    /// Benchmark article tagging (each item an article) instead of sentence classification.
    #[arg(long)]
    pub(crate) articles: bool,
    /// Seconds of warm-up.
    #[arg(long, default_value_t = DEFAULT_WARMUP.as_secs_f64())]
    pub(crate) warmup: f64,
    /// Use at most this many items.
    #[arg(long)]
    pub(crate) limit: Option<usize>,
    /// Print JSON instead of a table.
    #[arg(long)]
    pub(crate) json: bool,
}

impl Common {
    fn models(&self) -> ModelOptions {
        let (model, stance_model, actors) = (self.model.clone(), self.stance_model.clone(), self.actors.clone());
        let (targets, syntax_model) = (self.targets.clone(), self.syntax_model.clone());
        ModelOptions { model, stance_model, actors, targets, syntax_model }
    }
}

impl TagArgs {
    /// The library's options for this run, with `threads` worker threads.
    pub(crate) fn options(self, threads: usize) -> TagOptions {
        let c = &self.common;
        TagOptions {
            models: c.models(),
            articles: ArticleOptions {
                per_sentence: self.per_sentence,
                object_targets: !self.no_object_targets,
                min_evidence: self.min_evidence,
                max_evidence: self.max_evidence,
                salience: (!self.all_events).then_some(Salience {
                    min_mentions: self.salient_mentions,
                    lead_sentences: self.salient_lead,
                    min_mass_other: self.min_evidence_other,
                }),
                min_evidence_unplaced: self.min_evidence_unplaced,
                tree_only_weight: self.tree_only_weight,
            },
            input_format: c.input_format,
            columns: Columns {
                text: c.text_col.clone(),
                target: self.target_col,
                holder: self.holder_col,
                id: self.id_col,
                no_header: self.no_header,
                encoding: self.encoding,
                keep: self.keep_cols,
                date: self.date_col,
                ..Columns::default()
            },
            format: self.format,
            top_k: self.top_k,
            with_text: self.with_text,
            output: self.output,
            resume: self.resume,
            threads,
            batch_size: self.batch_size,
            max_record_bytes: self.max_record_bytes,
            inputs: self.inputs,
        }
    }
}

impl TagArgs {
    /// With `--label-col`: the model and the options that score the one input against it.
    pub(crate) fn scoring(&self, threads: usize) -> Option<Result<(PathBuf, TrainOptions)>> {
        let label = self.label_col.as_deref()?;
        let model = self.common.model.clone()?;
        let [input] = &self.inputs[..] else {
            return Some(Err(anyhow::anyhow!("--label-col scores one labelled input, got {}", self.inputs.len())));
        };
        let mut o = TrainOptions::new(Vec::new(), &self.common.text_col, label);
        o.test = Some(input.clone());
        o.format = self.common.input_format;
        o.columns.target = self.target_col.clone();
        o.columns.holder = self.holder_col.clone();
        o.columns.no_header = self.no_header;
        o.columns.encoding = self.encoding;
        o.threads = threads;
        Some(Ok((model, o)))
    }
}

impl ParseArgs {
    /// The library's options for this run, with `threads` worker threads.
    pub(crate) fn options(&self, threads: usize) -> ParseOptions {
        ParseOptions {
            format: self.input_format,
            threads,
            score: self.score,
            columns: Columns { text: self.text_col.clone(), id: self.id_col.clone(), ..Columns::default() },
            ..ParseOptions::default()
        }
    }
}

impl BenchArgs {
    /// The library's options for this benchmark, with `threads` worker threads.
    pub(crate) fn options(&self, threads: usize) -> BenchOptions {
        let c = &self.common;
        BenchOptions {
            data: self.data.clone(),
            input_format: c.input_format,
            text_col: c.text_col.clone(),
            models: c.models(),
            articles: self.articles,
            warmup: Duration::from_secs_f64(self.warmup.max(0.0)),
            limit: self.limit,
            threads,
        }
    }
}
