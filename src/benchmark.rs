//! A built-in speed benchmark for any model file: warm-up, then throughput on
//! one thread and on all threads, per-item latency percentiles, and peak memory.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::batch::{expand_inputs, ArticleOptions, BatchError, ModelOptions};
use crate::data::{read_all, Columns, Format};
use crate::features::{map_chunks, Doc};
use crate::model::PredictScratch;
use crate::news::ArticleScratch;
use crate::text::{split_sentences, TextConfig, TextPipeline};

/// Warm-up time of a benchmark unless told otherwise.
pub const DEFAULT_WARMUP: Duration = Duration::from_secs(1);

/// What `stance-tag bench` measures.
#[derive(Debug, Clone)]
pub struct BenchOptions {
    /// Data files (`-` for stdin), directories expanded.
    pub data: Vec<PathBuf>,
    /// Input format (from each file's extension when `None`).
    pub input_format: Option<Format>,
    /// Column (or JSONL key) with the text.
    pub text_col: String,
    /// The models: a sentence classifier, or the article tagger's.
    pub models: ModelOptions,
    /// Tag articles (each item one) instead of classifying sentences.
    pub articles: bool,
    /// Warm-up time.
    pub warmup: Duration,
    /// Use at most this many items.
    pub limit: Option<usize>,
    /// Threads of the all-threads pass.
    pub threads: usize,
}

/// Reads the data, loads the model (timed) and benchmarks it.
pub fn bench(o: &BenchOptions) -> Result<BenchReport, BatchError> {
    let inputs = expand_inputs(&o.data).map_err(|e| BatchError::io("listing inputs", e))?;
    let columns = Columns { text: o.text_col.clone(), ..Columns::default() };
    let mut texts = Vec::new();
    for path in &inputs {
        texts.extend(read_all(path, o.input_format, &columns)?.into_iter().map(|e| e.text.to_string()));
    }
    texts.truncate(o.limit.unwrap_or(usize::MAX));
    if texts.is_empty() {
        return Err(BatchError::Settings("no benchmark data".into()));
    }
    let pipeline = TextPipeline::new(TextConfig::default());
    let tokens = texts.iter().map(|t| pipeline.analyze(t).len() as u64).sum();
    let setup = |unit, load_seconds| BenchSetup {
        unit,
        texts: &texts,
        tokens,
        threads: o.threads,
        warmup: o.warmup,
        load_seconds,
    };
    let t0 = Instant::now();
    Ok(if o.articles {
        let tagger = o.models.tagger(&ArticleOptions::default())?;
        let load = t0.elapsed().as_secs_f64();
        let sentences = texts.iter().map(|t| split_sentences(t).len() as u64).sum();
        let mut r = run(&setup("articles", load), ArticleScratch::default, |s, t| tagger.tag(t, s).len());
        r.sentences = Some(sentences);
        r
    } else {
        let classifier = o
            .models
            .classifier()?
            .ok_or_else(|| BatchError::Settings("sentence benchmarks need --model (or use --articles)".into()))?;
        let load = t0.elapsed().as_secs_f64();
        run(&setup("sentences", load), PredictScratch::default, |s, t| {
            let mut probs = vec![0f32; classifier.labels().len()];
            classifier.predict_into(Doc::plain(t), s, &mut probs)
        })
    })
}

/// Results of one benchmark.
#[derive(Debug, Clone, Serialize)]
pub struct BenchReport {
    /// `sentences` or `articles`.
    pub unit: String,
    /// Items measured per pass.
    pub items: usize,
    /// Tokens in those items.
    pub tokens: u64,
    /// Bytes of text in those items.
    pub bytes: u64,
    /// Seconds to load the model.
    pub load_seconds: f64,
    /// Throughput on one thread.
    pub one_thread: Throughput,
    /// Throughput on all threads.
    pub all_threads: Throughput,
    /// Threads used for `all_threads`.
    pub threads: usize,
    /// Median latency per item on one thread, in microseconds.
    pub latency_p50_us: f64,
    /// 99th-percentile latency per item on one thread, in microseconds.
    pub latency_p99_us: f64,
    /// Peak resident memory of the process, in MB (VmHWM).
    pub peak_memory_mb: Option<f64>,
    /// Sentences in the items (articles), for sentences per second.
    pub sentences: Option<u64>,
}

/// Items, tokens and bytes per second.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Throughput {
    /// Items per second.
    pub items_per_sec: f64,
    /// Tokens per second.
    pub tokens_per_sec: f64,
    /// Megabytes of text per second.
    pub mb_per_sec: f64,
}

/// Peak resident set size of this process in MB, from `/proc/self/status`.
pub fn peak_memory_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

/// What to benchmark: the items and how to run them.
#[derive(Debug, Clone)]
pub struct BenchSetup<'a> {
    /// `sentences` or `articles`.
    pub unit: &'a str,
    /// The items.
    pub texts: &'a [String],
    /// Tokens in the items.
    pub tokens: u64,
    /// Threads for the all-threads pass.
    pub threads: usize,
    /// Least warm-up time.
    pub warmup: Duration,
    /// Seconds the model took to load.
    pub load_seconds: f64,
}

/// Benchmarks `work` over the items: a warm-up, then a timed single-thread pass
/// (with per-item latency) and an all-threads pass. `work` must return
/// something derived from its result so it is not optimised away.
pub fn run<S: Send, W>(setup: &BenchSetup<'_>, scratch: impl Fn() -> S + Sync, work: W) -> BenchReport
where
    W: Fn(&mut S, &str) -> usize + Sync,
{
    let BenchSetup { unit, texts, tokens, threads, warmup, load_seconds } = *setup;
    let bytes: u64 = texts.iter().map(|t| t.len() as u64).sum();
    let mut s = scratch();
    let start = Instant::now();
    let mut sink = 0usize;
    while start.elapsed() < warmup {
        for t in texts.iter().take(1000) {
            sink = sink.wrapping_add(work(&mut s, t));
        }
    }
    let mut lat: Vec<f64> = Vec::with_capacity(texts.len());
    let t0 = Instant::now();
    for t in texts {
        let t1 = Instant::now();
        sink = sink.wrapping_add(work(&mut s, t));
        lat.push(t1.elapsed().as_secs_f64() * 1e6);
    }
    let one = t0.elapsed().as_secs_f64();
    let t0 = Instant::now();
    let results = map_chunks(texts, threads, &scratch, |s, t| work(s, t));
    let all = t0.elapsed().as_secs_f64();
    std::hint::black_box((sink, results));
    lat.sort_by(f64::total_cmp);
    let pct = |p: f64| lat.get(((lat.len() as f64 - 1.0) * p).round() as usize).copied().unwrap_or(0.0);
    let rate = |secs: f64| {
        let secs = secs.max(1e-9);
        Throughput {
            items_per_sec: texts.len() as f64 / secs,
            tokens_per_sec: tokens as f64 / secs,
            mb_per_sec: bytes as f64 / 1e6 / secs,
        }
    };
    BenchReport {
        unit: unit.to_string(),
        items: texts.len(),
        tokens,
        bytes,
        load_seconds,
        one_thread: rate(one),
        all_threads: rate(all),
        threads,
        latency_p50_us: pct(0.5),
        latency_p99_us: pct(0.99),
        peak_memory_mb: peak_memory_mb(),
        sentences: None,
    }
}

impl BenchReport {
    /// A readable table.
    pub fn table(&self) -> String {
        let row = |name: &str, t: &Throughput| {
            format!("{name:<12} {:>14.0} {:>14.0} {:>10.2}\n", t.items_per_sec, t.tokens_per_sec, t.mb_per_sec)
        };
        let mut out = format!(
            "{} {}, {} tokens, {:.2} MB; model load {:.3}s\n{:<12} {:>14} {:>14} {:>10}\n",
            self.items,
            self.unit,
            self.tokens,
            self.bytes as f64 / 1e6,
            self.load_seconds,
            "threads",
            format!("{}/s", self.unit),
            "tokens/s",
            "MB/s"
        );
        out += &row("1", &self.one_thread);
        out += &row(&self.threads.to_string(), &self.all_threads);
        if let Some(n) = self.sentences {
            let per_item = n as f64 / self.items.max(1) as f64;
            out += &format!(
                "sentences/s: {:.0} (1 thread), {:.0} ({} threads); {n} sentences\n",
                self.one_thread.items_per_sec * per_item,
                self.all_threads.items_per_sec * per_item,
                self.threads
            );
        }
        out += &format!(
            "latency per item (1 thread): p50 {:.1} us, p99 {:.1} us\npeak memory: {}\n",
            self.latency_p50_us,
            self.latency_p99_us,
            self.peak_memory_mb.map_or("unknown".into(), |m| format!("{m:.1} MB"))
        );
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_consistent_numbers() {
        let texts: Vec<String> = (0..200).map(|i| format!("text number {i}")).collect();
        let setup = BenchSetup {
            unit: "sentences",
            texts: &texts,
            tokens: 600,
            threads: 2,
            warmup: Duration::from_millis(5),
            load_seconds: 0.1,
        };
        let r = run(
            &setup,
            || 0usize,
            |calls, t| {
                *calls += 1;
                t.len()
            },
        );
        assert_eq!((r.items, r.tokens), (200, 600));
        assert!(r.one_thread.items_per_sec > 0.0 && r.latency_p99_us >= r.latency_p50_us);
        assert!((r.one_thread.tokens_per_sec / r.one_thread.items_per_sec - 3.0).abs() < 1e-6);
        assert!(r.table().contains("sentences/s"));
        assert!(peak_memory_mb().is_some_and(|m| m > 0.0));
    }
}
