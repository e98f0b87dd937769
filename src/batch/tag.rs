//! The tagging run behind `stance-tag`: article tagging with the news
//! pipeline, or sentence classification with a `stance-train` model, from
//! inputs to a (resumable) output file.

use std::path::{Path, PathBuf};

use super::destination::{Destination, OutputSpec};
use super::engine::{check_batch_size, run, BatchOptions, BatchSummary, Processor};
use super::error::BatchError;
use super::resume::RunSignature;
use super::{expand_inputs, ArticleProcessor, SentenceProcessor, ARTICLE_COLUMNS, LINK_COLUMNS};
use crate::data::{Columns, Encoding, Format, RecordReader};
use crate::features::TargetMode;
use crate::hash::fnv1a64;
use crate::model::{load, Classifier};
use crate::news::{
    parse_actors, AggregateParams, ArticleTagger, DeclaredTarget, Gazetteer, Salience, TaggerConfig,
    DEFAULT_MIN_EVIDENCE,
};
use crate::output::{sink, HtmlSink, OutputFormat};
use crate::report::{CorpusLimits, CorpusMeta};
use crate::syntax::{shipped_model_path, SyntaxModel};

/// Items per parallel batch, unless told otherwise.
pub const DEFAULT_BATCH_SIZE: usize = 1024;

/// The models a run uses: a sentence classifier, or the article tagger's
/// stance model, actors and declared targets (the shipped ones by default).
#[derive(Debug, Clone, Default)]
pub struct ModelOptions {
    /// A `stance-train` model: classify sentences instead of tagging articles.
    pub model: Option<PathBuf>,
    /// The article tagger's stance model (default: the shipped one).
    pub stance_model: Option<PathBuf>,
    /// Extra or overriding actors (TSV: alias, actor, sector, kind, role).
    pub actors: Option<PathBuf>,
    /// Declared targets, each `NAME=ALIAS,ALIAS`.
    pub targets: Vec<String>,
    /// The syntax model whose trees the article tagger reads (default: the shipped one).
    pub syntax_model: Option<PathBuf>,
}

/// How articles are tagged and reported.
#[derive(Debug, Clone)]
pub struct ArticleOptions {
    /// One record per scored holder–target link in each sentence, instead of one per actor and event.
    pub per_sentence: bool,
    /// Take the words after a stance cue as a target.
    pub object_targets: bool,
    /// Least summed evidence for a row.
    pub min_evidence: f32,
    /// Evidence sentences per row (0: all).
    pub max_evidence: usize,
    /// Stronger evidence for rows about events the article is not about
    /// (`None`: every event alike).
    pub salience: Option<Salience>,
    /// Least summed evidence for a row whose holder has no state (an unknown name).
    pub min_evidence_unplaced: f32,
    /// Link weight factor for holder links only the dependency tree finds.
    pub tree_only_weight: f32,
}

impl Default for ArticleOptions {
    fn default() -> Self {
        let config = TaggerConfig::default();
        Self {
            per_sentence: config.sentence_fallback,
            object_targets: config.object_targets,
            min_evidence: DEFAULT_MIN_EVIDENCE,
            max_evidence: config.max_evidence,
            salience: config.salience,
            min_evidence_unplaced: config.min_mass_unplaced,
            tree_only_weight: config.tree_only_weight,
        }
    }
}

impl ModelOptions {
    /// Loads the sentence classifier given as [`ModelOptions::model`], if any.
    pub fn classifier(&self) -> Result<Option<Classifier>, BatchError> {
        Ok(self.model.as_deref().map(load).transpose()?)
    }

    /// Builds the article tagger: stance model, gazetteer with the extra
    /// actors, and the declared targets.
    ///
    /// ```
    /// use stance::batch::{ArticleOptions, ModelOptions};
    /// use stance::news::ArticleScratch;
    ///
    /// // The shipped stance model and actors, with one declared target.
    /// let models = ModelOptions { targets: vec!["pipeline=pipeline,gas link".into()], ..ModelOptions::default() };
    /// let tagger = models.tagger(&ArticleOptions::default())?;
    /// let article = std::fs::read_to_string("datasets/articles/black-sea-pipeline.txt").unwrap();
    /// for row in tagger.tag(&article, &mut ArticleScratch::default()) {
    ///     println!("{} on {}: {} ({:.2})", row.actor_name, row.event, row.verdict.as_str(), row.confidence);
    /// }
    /// # Ok::<(), stance::batch::BatchError>(())
    /// ```
    pub fn tagger(&self, articles: &ArticleOptions) -> Result<ArticleTagger, BatchError> {
        let model = match &self.stance_model {
            Some(p) => load(p)?,
            None => ArticleTagger::shipped_model()?,
        };
        let extra = match &self.actors {
            Some(p) => {
                let text =
                    std::fs::read_to_string(p).map_err(|e| BatchError::io(format!("reading {}", p.display()), e))?;
                parse_actors(&p.display().to_string(), &text)?
            }
            None => Vec::new(),
        };
        let targets = self.targets.iter().map(|t| DeclaredTarget::parse(t)).collect::<Result<Vec<_>, _>>()?;
        let config = TaggerConfig {
            targets,
            max_evidence: articles.max_evidence,
            object_targets: articles.object_targets,
            aggregate: AggregateParams { min_mass: articles.min_evidence, ..Default::default() },
            sentence_fallback: articles.per_sentence,
            salience: articles.salience,
            min_mass_unplaced: articles.min_evidence_unplaced,
            tree_only_weight: articles.tree_only_weight,
        };
        let syntax = self.syntax_model.clone().unwrap_or_else(shipped_model_path);
        let syntax = SyntaxModel::load(&syntax)?;
        Ok(ArticleTagger::new(Gazetteer::new(extra)?, model, config)?.with_syntax(syntax))
    }

    /// The model files, for the progress record and the alias check.
    fn files(&self) -> impl Iterator<Item = (&'static str, &Path)> {
        [
            ("model", &self.model),
            ("stance-model", &self.stance_model),
            ("actors", &self.actors),
            ("syntax-model", &self.syntax_model),
        ]
        .into_iter()
        .filter_map(|(what, p)| p.as_deref().map(|p| (what, p)))
    }
}

/// Everything a tagging run is started with.
#[derive(Debug, Clone)]
pub struct TagOptions {
    /// Inputs as given: files, directories, or `-` for stdin (none: stdin).
    pub inputs: Vec<PathBuf>,
    /// The models.
    pub models: ModelOptions,
    /// Article settings (unused with a sentence model).
    pub articles: ArticleOptions,
    /// Input format (from each file's extension when `None`).
    pub input_format: Option<Format>,
    /// Columns read from CSV/TSV/JSONL: text, and optionally target, holder and id.
    pub columns: Columns,
    /// Output format.
    pub format: OutputFormat,
    /// Sentence mode: labels reported with their probabilities.
    pub top_k: usize,
    /// Sentence mode: copy each text into its record.
    pub with_text: bool,
    /// The output file (written through `FILE.partial`); stdout when `None`.
    pub output: Option<PathBuf>,
    /// Continue an interrupted run from `FILE.partial`.
    pub resume: bool,
    /// Worker threads.
    pub threads: usize,
    /// Items per parallel batch.
    pub batch_size: usize,
    /// Largest record or article accepted, in bytes.
    pub max_record_bytes: usize,
}

impl Default for TagOptions {
    fn default() -> Self {
        Self {
            inputs: Vec::new(),
            models: ModelOptions::default(),
            articles: ArticleOptions::default(),
            input_format: None,
            columns: Columns::default(),
            format: OutputFormat::Table,
            top_k: 1,
            with_text: false,
            output: None,
            resume: false,
            threads: 1,
            batch_size: DEFAULT_BATCH_SIZE,
            max_record_bytes: RecordReader::DEFAULT_MAX_BYTES,
        }
    }
}

/// What a run does (boxed: both are large).
enum Job {
    Sentences(Box<Classifier>),
    Articles(Box<ArticleTagger>),
}

/// A tagging run with its inputs listed and its models loaded.
pub struct TagRun {
    options: TagOptions,
    batch: BatchOptions,
    job: Job,
}

impl std::fmt::Debug for TagRun {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TagRun").field("options", &self.options).finish_non_exhaustive()
    }
}

impl TagRun {
    /// Lists the inputs, checks the settings and loads the models.
    pub fn new(options: TagOptions) -> Result<Self, BatchError> {
        let batch = BatchOptions {
            inputs: expand_inputs(&options.inputs).map_err(|e| BatchError::io("listing inputs", e))?,
            format: options.input_format,
            columns: options.columns.clone(),
            documents: options.models.model.is_none(),
            threads: options.threads,
            batch_size: check_batch_size(options.batch_size)?,
            max_record_bytes: options.max_record_bytes,
        };
        let job = match options.models.classifier()? {
            Some(classifier) => Job::Sentences(Box::new(classifier)),
            None if !options.columns.keep.is_empty() => {
                return Err(BatchError::Settings("--keep-cols applies to sentence classification (--model)".into()));
            }
            None => Job::Articles(Box::new(options.models.tagger(&options.articles)?)),
        };
        Ok(Self { options, batch, job })
    }

    /// The input files, directories expanded.
    pub fn inputs(&self) -> &[PathBuf] {
        &self.batch.inputs
    }

    /// Settings that are valid but probably not what was meant, said before the
    /// run: records tagged as articles for want of `--model`, or a model trained
    /// with stance targets run without `--target-col`.
    pub fn notes(&self) -> Vec<String> {
        let o = &self.options;
        match &self.job {
            Job::Sentences(c) if c.featurizer().config().target != TargetMode::None && o.columns.target.is_none() => {
                vec![format!(
                    "the model was trained with stance targets ({:?}); without --target-col every text is classified \
                     with no target",
                    c.featurizer().config().target
                )]
            }
            Job::Articles(_)
                if self
                    .batch
                    .inputs
                    .iter()
                    .any(|p| o.input_format.unwrap_or_else(|| Format::from_path(p)) != Format::Lines) =>
            {
                vec!["no --model: the text of each record is tagged as a news article (give --model FILE to classify \
                      sentences)"
                    .into()]
            }
            _ => Vec::new(),
        }
    }

    /// Tags every input and writes the records; `progress` is called after each
    /// batch, and `warn` with each warning (an over-long sentence cut), in input order.
    pub fn run(
        &self,
        progress: &mut dyn FnMut(&BatchSummary),
        warn: &mut dyn FnMut(&str),
    ) -> Result<BatchSummary, BatchError> {
        if self.options.format == OutputFormat::Html && !self.reports_rows() {
            return Err(BatchError::Settings(
                "--format html reports actors' stances from article rows: it takes neither --model nor --per-sentence"
                    .into(),
            ));
        }
        match &self.job {
            Job::Sentences(classifier) => {
                let o = &self.options;
                let mut p = SentenceProcessor::new(classifier, o.top_k, o.with_text);
                if o.format == OutputFormat::Csv {
                    p = p.probability_columns();
                }
                let p = p.keep(&o.columns.keep);
                let columns = p.columns().to_vec();
                self.run_with(&p, &columns, progress, warn)
            }
            Job::Articles(tagger) => {
                let per_sentence = self.options.articles.per_sentence;
                let p = ArticleProcessor { tagger, per_sentence };
                let columns: &[&'static str] = if per_sentence { &LINK_COLUMNS } else { &ARTICLE_COLUMNS };
                self.run_with(&p, columns, progress, warn)
            }
        }
    }

    fn run_with<P: Processor>(
        &self,
        processor: &P,
        columns: &[&'static str],
        progress: &mut dyn FnMut(&BatchSummary),
        warn: &mut dyn FnMut(&str),
    ) -> Result<BatchSummary, BatchError> {
        let o = &self.options;
        if o.resume && o.output.is_some() && matches!(o.format, OutputFormat::Json | OutputFormat::Html) {
            return Err(BatchError::Settings("--resume needs --format jsonl, csv or table".into()));
        }
        let mut inputs: Vec<&Path> = self.batch.inputs.iter().map(PathBuf::as_path).collect();
        inputs.extend(o.models.files().map(|(_, p)| p));
        let spec = OutputSpec { path: o.output.as_deref(), resume: o.resume, inputs: &inputs, others: &[] };
        let (dest, writer) = Destination::open(&spec, || self.signature())?;
        let mut out = match o.format {
            OutputFormat::Html => Box::new(HtmlSink::new(writer, self.report_meta(), CorpusLimits::default())),
            format => sink(format, writer, columns, dest.is_fresh()),
        };
        let mut checkpoint = |s: &BatchSummary| {
            progress(s);
            dest.checkpoint(s)
        };
        let mut summary = run(processor, &self.batch, out.as_mut(), dest.done(), &mut checkpoint, warn)
            .map_err(|e| dest.writing(e))?;
        out.items(summary.items);
        out.finish().map_err(|e| dest.writing(e))?;
        drop(out);
        // Error records written before an interruption still count.
        summary.errors += dest.prior_errors();
        dest.commit()?;
        Ok(summary)
    }

    /// Whether the run gives article rows (one per actor and event), which the HTML report takes.
    fn reports_rows(&self) -> bool {
        matches!(self.job, Job::Articles(_)) && !self.options.articles.per_sentence
    }

    /// The HTML report's title and inputs.
    fn report_meta(&self) -> CorpusMeta {
        let inputs: Vec<String> = self.batch.inputs.iter().map(|p| p.display().to_string()).collect();
        let name =
            |p: &Path| p.file_name().map_or_else(|| p.display().to_string(), |n| n.to_string_lossy().into_owned());
        let title = match self.batch.inputs.as_slice() {
            [one] => format!("Stance report: {}", name(one)),
            [first, rest @ ..] => format!("Stance report: {} and {} more", name(first), rest.len()),
            [] => "Stance report".to_string(),
        };
        CorpusMeta { title, inputs }
    }

    /// What the run is started with, so a resume with other settings is refused.
    fn signature(&self) -> Result<RunSignature, BatchError> {
        let o = &self.options;
        let names: Vec<String> = self.batch.inputs.iter().map(|p| p.display().to_string()).collect();
        let mut model = Vec::new();
        for (what, path) in o.models.files() {
            let bytes = std::fs::read(path).map_err(|e| BatchError::io(format!("reading {}", path.display()), e))?;
            model.push(format!("{what}:{:016x}", fnv1a64(0, &bytes)));
        }
        if model.is_empty() {
            model.push("shipped".into());
        }
        let (c, a) = (&o.columns, &o.articles);
        let settings = format!(
            "{:?} {} {:?} {:?} {:?} {:?} {} {} {} {} {} {} {} {:?} {}",
            o.input_format,
            c.text,
            o.models.targets,
            c.target,
            c.holder,
            c.id,
            o.top_k,
            o.with_text,
            a.per_sentence,
            !a.object_targets,
            a.min_evidence,
            a.max_evidence,
            o.max_record_bytes,
            a.salience,
            a.min_evidence_unplaced
        );
        // Input settings added later are named only when set, so earlier progress records still match.
        let settings = match (c.no_header, c.encoding, c.keep.is_empty()) {
            (false, Encoding::Utf8, true) => settings,
            (no_header, encoding, _) => format!("{settings} {no_header} {encoding:?} {:?}", c.keep),
        };
        let mut settings = format!("{:016x}", fnv1a64(0, settings.as_bytes()));
        if let Some(date) = &c.date {
            // Only then, so that the signatures of runs without dates are as before.
            settings = format!("{settings} date:{:016x}", fnv1a64(0, date.as_bytes()));
        }
        Ok(vec![
            ("format".into(), format!("{:?}", o.format).to_lowercase()),
            ("inputs".into(), format!("{}-files-{:016x}", names.len(), fnv1a64(0, names.join("\n").as_bytes()))),
            ("model".into(), model.join(",")),
            ("settings".into(), settings),
        ])
    }
}
