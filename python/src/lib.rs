//! `stance._stance`: the PyO3 extension module behind the `stance` Python package.
//!
//! Thin wrappers over the library's entry points: [`stance::model::load`] and
//! [`Classifier::predict`], [`stance::train::train`], and
//! [`ArticleProcessor::tag_texts`]. Arguments are mapped to the library's option
//! types here, as `src/bin/*/args.rs` maps the command lines; nothing is computed here.
//! Every library error becomes `stance.StanceError` with the message `stance-tag`
//! or `stance-train` prints (the error and its causes, joined by ": ").

use std::error::Error;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

use clap::ValueEnum;
use numpy::{PyArray1, PyArray2, PyArrayMethods};
use pyo3::create_exception;
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyString};
use stance::batch::{default_thread_count, thread_count, ArticleOptions, ArticleProcessor, ModelOptions};
use stance::data::{Encoding, Format, DEFAULT_LABEL_COLUMN, DEFAULT_TEXT_COLUMN};
use stance::eval::Metric;
use stance::features::{parse_char_ngrams, Doc, FeatureConfig, Lexicon, TargetMode, TargetRef};
use stance::model::file::{from_bytes, to_bytes};
use stance::model::{load, Classifier, ModelKind, PredictScratch};
use stance::news::{ArticleTagger, Salience};
use stance::output::{JsonlSink, Sink};
use stance::outputs::check_outputs;
use stance::text::{StemLanguage, TextConfig};
use stance::train::{
    parse_label_map, train as train_model, ClassWeightSpec, LabelOrder, Quiet, TrainOptions, REPORT_FEATURES,
};

create_exception!(
    _stance,
    StanceError,
    PyValueError,
    "A model, option or input the library refused; the message is the one the command-line tools print."
);

/// The error and its causes, as the command-line tools print them (anyhow's `{:#}`).
fn message(e: &dyn Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        text += ": ";
        text += &s.to_string();
        source = s.source();
    }
    text
}

/// A library error as `StanceError`.
fn stance_error(e: impl Error) -> PyErr {
    StanceError::new_err(message(&e))
}

/// A refused option value as `StanceError`.
fn option_error(what: &str, e: impl std::fmt::Display) -> PyErr {
    StanceError::new_err(format!("{what}: {e}"))
}

/// Worker threads: the given count checked as the tools check `--threads`, else one per core.
fn threads(n: Option<usize>) -> PyResult<usize> {
    match n {
        Some(n) => thread_count(n).map(|(n, _)| n).map_err(stance_error),
        None => Ok(default_thread_count()),
    }
}

/// The items of any iterable, each checked to be a `str` (the first that is not is named).
fn str_objects<'py>(items: &Bound<'py, PyAny>, what: &str) -> PyResult<Vec<Bound<'py, PyString>>> {
    if items.is_instance_of::<PyString>() {
        return Err(PyTypeError::new_err(format!("{what} must be a sequence of str, not a single str")));
    }
    let iter = items
        .try_iter()
        .map_err(|_| PyTypeError::new_err(format!("{what} must be a sequence of str, not {}", type_name(items))))?;
    let mut out = Vec::with_capacity(items.len().unwrap_or(0));
    for (i, item) in iter.enumerate() {
        let item = item?;
        let name = type_name(&item);
        out.push(
            item.downcast_into::<PyString>()
                .map_err(|_| PyTypeError::new_err(format!("{what}[{i}] must be str, not {name}")))?,
        );
    }
    Ok(out)
}

/// The strings' UTF-8 text, borrowed from the objects (no copy); it stays valid while they live,
/// with or without the GIL, as Python strings are immutable.
fn as_strs<'a>(objects: &'a [Bound<'_, PyString>]) -> PyResult<Vec<&'a str>> {
    objects.iter().map(|s| s.to_str()).collect()
}

fn type_name(o: &Bound<'_, PyAny>) -> String {
    o.get_type().name().map_or_else(|_| "?".into(), |n| n.to_string())
}

/// Predicted class indices and the probability of every class, as NumPy arrays.
type Predictions<'py> = (Bound<'py, PyArray1<i64>>, Bound<'py, PyArray2<f64>>);

/// A classifier trained by `stance-train` (or `stance.train`).
#[pyclass(module = "stance._stance", frozen)]
struct Model {
    classifier: Classifier,
    threads: usize,
    /// One scratch state per thread, kept across calls so that word caches stay warm (calls on
    /// one model from several Python threads take turns).
    scratches: Mutex<Vec<PredictScratch>>,
}

impl Model {
    fn new(classifier: Classifier, threads: usize) -> Self {
        let scratches = Mutex::new((0..threads).map(|_| PredictScratch::default()).collect());
        Self { classifier, threads, scratches }
    }
}

#[pymethods]
impl Model {
    /// Loads a model file; predictions run on `threads` threads (default: one per core).
    #[staticmethod]
    #[pyo3(signature = (path, threads = None))]
    fn load(path: PathBuf, threads: Option<usize>) -> PyResult<Self> {
        let threads = self::threads(threads)?;
        Ok(Self::new(load(&path).map_err(stance_error)?, threads))
    }

    /// A model from the bytes of a model file (`name` names it in errors).
    #[staticmethod]
    #[pyo3(signature = (data, name = "<bytes>".to_string(), threads = None))]
    fn from_bytes(data: &[u8], name: String, threads: Option<usize>) -> PyResult<Self> {
        let threads = self::threads(threads)?;
        Ok(Self::new(from_bytes(Path::new(&name), data).map_err(stance_error)?, threads))
    }

    /// The model file's bytes (what `stance-train` writes), for pickling and shipping to workers.
    fn to_bytes<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &to_bytes(&self.classifier))
    }

    /// The label names, by class index.
    #[getter]
    fn classes(&self) -> Vec<String> {
        self.classifier.labels().to_vec()
    }

    /// The worker thread count.
    #[getter]
    fn threads(&self) -> usize {
        self.threads
    }

    /// The stance target mode the model was trained with (`none` when it takes no targets).
    #[getter]
    fn target_mode(&self) -> String {
        let mode = self.classifier.featurizer().config().target;
        mode.to_possible_value().map_or_else(|| format!("{mode:?}"), |v| v.get_name().to_string())
    }

    /// Predicted class indices (int64) and probabilities (float64, one column per class) for
    /// `texts`, each with its target from `targets` when given; the GIL is released meanwhile.
    #[pyo3(signature = (texts, targets = None))]
    fn predict_arrays<'py>(
        &self,
        py: Python<'py>,
        texts: &Bound<'py, PyAny>,
        targets: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Predictions<'py>> {
        let text_objects = str_objects(texts, "texts")?;
        let target_objects = targets.map(|t| str_objects(t, "targets")).transpose()?;
        let texts = as_strs(&text_objects)?;
        let targets = target_objects.as_deref().map(as_strs).transpose()?;
        if let Some(t) = &targets {
            if t.len() != texts.len() {
                return Err(PyValueError::new_err(format!("targets has {} items, texts has {}", t.len(), texts.len())));
            }
        }
        let k = self.classifier.labels().len();
        let (labels, probs) = py.allow_threads(|| {
            let docs: Vec<Doc<'_>> = match &targets {
                Some(t) => texts
                    .iter()
                    .zip(t)
                    .map(|(&text, &name)| Doc { text, target: Some(TargetRef { name, span: None }), holder: None })
                    .collect(),
                None => texts.iter().map(|&t| Doc::plain(t)).collect(),
            };
            let mut scratches = self.scratches.lock().unwrap_or_else(PoisonError::into_inner);
            let predictions = self.classifier.predict_with(&docs, &mut scratches);
            let labels: Vec<i64> = predictions.iter().map(|p| p.label as i64).collect();
            let probs: Vec<f64> = predictions.iter().flat_map(|p| p.probs.iter().map(|&x| f64::from(x))).collect();
            (labels, probs)
        });
        let probs = PyArray1::from_vec(py, probs).reshape([texts.len(), k])?;
        Ok((PyArray1::from_vec(py, labels), probs))
    }
}

/// The article tagger: the news pipeline with a stance model, actors and declared targets.
#[pyclass(module = "stance._stance", frozen)]
struct Tagger {
    tagger: ArticleTagger,
    per_sentence: bool,
    threads: usize,
}

#[pymethods]
impl Tagger {
    /// Builds the tagger as `stance-tag` does from its options (the shipped models by default).
    #[new]
    #[pyo3(signature = (
        stance_model = None, actors = None, targets = None, per_sentence = false, object_targets = true,
        min_evidence = None, max_evidence = None, all_events = false, min_evidence_other = None,
        salient_mentions = None, salient_lead = None, min_evidence_unplaced = None, tree_only_weight = None,
        syntax_model = None, threads = None
    ))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        stance_model: Option<PathBuf>,
        actors: Option<PathBuf>,
        targets: Option<Vec<String>>,
        per_sentence: bool,
        object_targets: bool,
        min_evidence: Option<f32>,
        max_evidence: Option<usize>,
        all_events: bool,
        min_evidence_other: Option<f32>,
        salient_mentions: Option<usize>,
        salient_lead: Option<usize>,
        min_evidence_unplaced: Option<f32>,
        tree_only_weight: Option<f32>,
        syntax_model: Option<PathBuf>,
        threads: Option<usize>,
    ) -> PyResult<Self> {
        let defaults = ArticleOptions::default();
        let salience = Salience::default();
        let articles = ArticleOptions {
            per_sentence,
            object_targets,
            min_evidence: min_evidence.unwrap_or(defaults.min_evidence),
            max_evidence: max_evidence.unwrap_or(defaults.max_evidence),
            salience: (!all_events).then_some(Salience {
                min_mentions: salient_mentions.unwrap_or(salience.min_mentions),
                lead_sentences: salient_lead.unwrap_or(salience.lead_sentences),
                min_mass_other: min_evidence_other.unwrap_or(salience.min_mass_other),
            }),
            min_evidence_unplaced: min_evidence_unplaced.unwrap_or(defaults.min_evidence_unplaced),
            tree_only_weight: tree_only_weight.unwrap_or(defaults.tree_only_weight),
        };
        let targets = targets.unwrap_or_default();
        let models = ModelOptions { model: None, stance_model, actors, targets, syntax_model };
        let tagger = models.tagger(&articles).map_err(stance_error)?;
        Ok(Self { tagger, per_sentence, threads: self::threads(threads)? })
    }

    /// The records of each `(name, text)` article as JSON objects, one string per record, in
    /// input order, as `stance-tag --format jsonl` writes them; the GIL is released meanwhile.
    fn tag_json(&self, py: Python<'_>, names: &Bound<'_, PyAny>, texts: &Bound<'_, PyAny>) -> PyResult<Vec<String>> {
        let (names, texts) = (str_objects(names, "ids")?, str_objects(texts, "texts")?);
        let (names, texts) = (as_strs(&names)?, as_strs(&texts)?);
        if names.len() != texts.len() {
            return Err(PyValueError::new_err(format!("ids has {} items, texts has {}", names.len(), texts.len())));
        }
        py.allow_threads(|| {
            let articles: Vec<(&str, &str)> = names.iter().copied().zip(texts.iter().copied()).collect();
            let processor = ArticleProcessor { tagger: &self.tagger, per_sentence: self.per_sentence };
            let mut lines = Vec::new();
            for record in processor.tag_texts(&articles, self.threads).iter().flatten() {
                let mut buf = Vec::new();
                let mut sink = JsonlSink::new(Box::new(&mut buf));
                sink.write(record).map_err(stance_error)?;
                drop(sink);
                buf.pop(); // the newline
                lines.push(String::from_utf8(buf).expect("JSON is UTF-8"));
            }
            Ok(lines)
        })
    }
}

/// The value of a `clap::ValueEnum` option by its command-line name.
fn choice<T: ValueEnum>(what: &str, value: &str) -> PyResult<T> {
    T::from_str(value, false).map_err(|_| {
        let names: Vec<String> = T::value_variants()
            .iter()
            .filter_map(|v| v.to_possible_value())
            .map(|v| v.get_name().to_string())
            .collect();
        StanceError::new_err(format!("{what}: invalid value {value:?} (possible values: {})", names.join(", ")))
    })
}

/// Trains a classifier as `stance-train` does with the same options, writes the model file (and
/// the metrics file), and returns the metrics report as JSON text.
#[pyfunction]
#[pyo3(signature = (
    train, output, *, dev = None, test = None, format = None, text_col = DEFAULT_TEXT_COLUMN.to_string(),
    label_col = DEFAULT_LABEL_COLUMN.to_string(), target_col = None, holder_col = None, spans_col = None,
    label_map = None, metrics_json = None, model = "logreg".to_string(), c = None, class_weight = None, cv = None,
    select_metric = None, favg_labels = None, word_ngrams = None, char_ngrams = None, hash_bits = None,
    sublinear_tf = true, idf = true, nb = false, lexicon = None, target_mode = None, context_window = None,
    stem = StemLanguage::name_or_none(TextConfig::default().stem).to_string(), negation = true, social = true,
    lowercase = true, search_features = true,
    epochs = None, seed = stance::train::DEFAULT_SEED, threads = None, c_grid = None, labels = None,
    no_header = false, encoding = None, report = None, group_col = None, refit = false, time_budget = None
))]
#[allow(clippy::too_many_arguments)]
fn train(
    py: Python<'_>,
    train: Vec<PathBuf>,
    output: PathBuf,
    dev: Option<PathBuf>,
    test: Option<PathBuf>,
    format: Option<String>,
    text_col: String,
    label_col: String,
    target_col: Option<String>,
    holder_col: Option<String>,
    spans_col: Option<String>,
    label_map: Option<String>,
    metrics_json: Option<PathBuf>,
    model: String,
    c: Option<f32>,
    class_weight: Option<String>,
    cv: Option<usize>,
    select_metric: Option<String>,
    favg_labels: Option<Vec<String>>,
    word_ngrams: Option<usize>,
    char_ngrams: Option<String>,
    hash_bits: Option<u8>,
    sublinear_tf: bool,
    idf: bool,
    nb: bool,
    lexicon: Option<PathBuf>,
    target_mode: Option<String>,
    context_window: Option<usize>,
    stem: String,
    negation: bool,
    social: bool,
    lowercase: bool,
    search_features: bool,
    epochs: Option<usize>,
    seed: u64,
    threads: Option<usize>,
    c_grid: Option<Vec<f32>>,
    labels: Option<String>,
    no_header: bool,
    encoding: Option<String>,
    report: Option<PathBuf>,
    group_col: Option<String>,
    refit: bool,
    time_budget: Option<f64>,
) -> PyResult<String> {
    if train.is_empty() {
        return Err(StanceError::new_err("train: give at least one training file"));
    }
    let mut inputs: Vec<&Path> = train.iter().map(PathBuf::as_path).collect();
    inputs.extend([&dev, &test, &lexicon].into_iter().flatten().map(PathBuf::as_path));
    let mut outputs = vec![("--output", output.as_path())];
    outputs.extend(metrics_json.as_deref().map(|p| ("--metrics-json", p)));
    outputs.extend(report.as_deref().map(|p| ("--report", p)));
    check_outputs(&inputs, &outputs).map_err(stance_error)?;

    let mut o = TrainOptions::new(train.clone(), &text_col, &label_col);
    o.dev = dev.clone();
    o.test = test.clone();
    o.format = format.as_deref().map(|f| choice::<Format>("format", f)).transpose()?;
    o.columns.target = target_col;
    o.columns.spans = spans_col;
    o.columns.holder = holder_col;
    o.columns.no_header = no_header;
    o.columns.encoding =
        encoding.as_deref().map(|e| choice::<Encoding>("encoding", e)).transpose()?.unwrap_or_default();
    o.label_order = labels
        .as_deref()
        .map(str::parse::<LabelOrder>)
        .transpose()
        .map_err(|e| option_error("labels", e))?
        .unwrap_or_default();
    o.c_grid = c_grid;
    if report.is_some() {
        o.report_features = REPORT_FEATURES;
    }
    o.label_map = label_map
        .as_deref()
        .map(parse_label_map)
        .transpose()
        .map_err(|e| option_error("label_map", e))?
        .unwrap_or_default();
    o.kind = choice::<ModelKind>("model", &model)?;
    o.text = TextConfig {
        unicode: true,
        lowercase,
        social,
        negation,
        stem: StemLanguage::parse_or_none(&stem).map_err(|e| option_error("stem", e))?,
    };
    let defaults = FeatureConfig::default();
    o.features = FeatureConfig {
        word_ngrams: word_ngrams.unwrap_or(defaults.word_ngrams),
        char_ngrams: match char_ngrams.as_deref() {
            Some(orders) => parse_char_ngrams(orders).map_err(|e| option_error("char_ngrams", e))?,
            None => defaults.char_ngrams,
        },
        hash_bits: hash_bits.unwrap_or(defaults.hash_bits),
        sublinear_tf,
        idf,
        nb_weighting: nb,
        target: match target_mode.as_deref() {
            Some(m) => choice::<TargetMode>("target_mode", m)?,
            None => defaults.target,
        },
        context_window: context_window.unwrap_or(defaults.context_window),
        lexicon: lexicon.as_deref().map(Lexicon::read_tsv).transpose().map_err(stance_error)?,
        ..FeatureConfig::default()
    };
    o.c = c;
    o.class_weight = class_weight
        .as_deref()
        .map(str::parse::<ClassWeightSpec>)
        .transpose()
        .map_err(|e| option_error("class_weight", e))?;
    o.search_features = search_features;
    o.cv = cv;
    o.group_col = group_col;
    o.refit = refit;
    o.time_budget = time_budget
        .map(|t| stance::train::parse_time_budget(&t.to_string()))
        .transpose()
        .map_err(|e| option_error("time_budget", e))?;
    o.favg_labels = favg_labels.unwrap_or_default();
    o.select_metric = select_metric.as_deref().map(|m| choice::<Metric>("select_metric", m)).transpose()?;
    o.epochs = epochs;
    o.seed = seed;
    o.threads = self::threads(threads)?;
    py.allow_threads(|| {
        let outcome = train_model(&o, &Quiet).map_err(stance_error)?;
        outcome.save(Some(&output), metrics_json.as_deref()).map_err(stance_error)?;
        if let Some(report) = &report {
            outcome.save_report(report, Some(&output)).map_err(stance_error)?;
        }
        Ok(outcome.report_json().to_string())
    })
}

/// The extension module.
#[pymodule]
fn _stance(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("StanceError", m.py().get_type::<StanceError>())?;
    m.add_class::<Model>()?;
    m.add_class::<Tagger>()?;
    m.add_function(wrap_pyfunction!(train, m)?)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
