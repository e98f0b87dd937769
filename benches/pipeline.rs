//! Criterion benchmarks of every stage on data shipped in the repository:
//! tokenising, featurising, prediction, training and article tagging. Each
//! benchmark checks its output, so a fast wrong result cannot pass.

use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use linfa::traits::Fit;
use linfa::{DatasetBase, ParamGuard};
use ndarray::Array1;
use stance::data::{read_all, Columns};
use stance::features::{Doc, FeatureConfig, Featurizer, Scratch};
use stance::model::{load, LinearParams, ModelKind, PredictScratch};
use stance::news::{ArticleScratch, ArticleTagger, Gazetteer, TaggerConfig};
use stance::syntax::{shipped_model_path, SyntaxModel};
use stance::text::{StemCache, TextConfig, TextPipeline};

fn sentences() -> (Vec<String>, Vec<usize>) {
    let columns = Columns { text: "text".into(), label: Some("stance".into()), ..Columns::default() };
    let rows = read_all(Path::new("datasets/news-stance/part-a.csv"), None, &columns).expect("shipped data");
    let labels = ["neutral", "skeptical", "supportive"];
    let y = rows.iter().map(|r| labels.iter().position(|l| Some(*l) == r.label.as_deref()).expect("label")).collect();
    (rows.into_iter().map(|r| r.text.to_string()).collect(), y)
}

fn text_and_features(c: &mut Criterion) {
    let (texts, y) = sentences();
    let pipeline = TextPipeline::new(TextConfig::default());
    let expected_tokens: usize = texts.iter().map(|t| pipeline.analyze(t).len()).sum();
    let mut g = c.benchmark_group("text");
    g.throughput(Throughput::Elements(texts.len() as u64));
    g.bench_function("tokenize+negation+stem", |b| {
        let (mut out, mut cache) = (Vec::new(), StemCache::default());
        b.iter(|| {
            let mut n = 0;
            for t in &texts {
                pipeline.analyze_into(t, &mut out, &mut cache);
                n += out.len();
            }
            assert_eq!(n, expected_tokens);
            black_box(n)
        })
    });
    g.finish();

    let docs: Vec<Doc<'_>> = texts.iter().map(|t| Doc::plain(t)).collect();
    let config = FeatureConfig { char_ngrams: Some((2, 5)), ..FeatureConfig::default() };
    let config = config.check().expect("valid config");
    let (featurizer, x) = Featurizer::fit(TextConfig::default(), config, &docs, &y, 3, 1);
    let mut g = c.benchmark_group("features");
    g.throughput(Throughput::Elements(texts.len() as u64));
    g.bench_function("words+chars tf-idf", |b| {
        let (mut scratch, mut row) = (Scratch::default(), Vec::new());
        b.iter(|| {
            let mut nnz = 0;
            for d in &docs {
                featurizer.transform_one(*d, &mut scratch, &mut row);
                nnz += row.len();
            }
            assert_eq!(nnz, x.nnz());
            black_box(nnz)
        })
    });
    g.finish();

    let mut g = c.benchmark_group("train");
    g.throughput(Throughput::Elements(texts.len() as u64));
    g.sample_size(10);
    let words = FeatureConfig::default().check().expect("valid config");
    g.bench_function("featurize+logreg", |b| {
        b.iter(|| {
            let (f, x) = Featurizer::fit(TextConfig::default(), words.clone(), &docs, &y, 3, 1);
            let params = LinearParams::new(ModelKind::LogReg).check().expect("valid params");
            let model = params.fit(&DatasetBase::new(x.clone(), Array1::from(y.clone()))).expect("fits");
            let mut wrong = 0;
            let mut s = vec![0f32; 3];
            for (i, row) in x.rows().enumerate() {
                model.scores(row, &mut s);
                wrong += usize::from(stance::model::argmax(&s) != y[i]);
            }
            assert!(wrong * 10 < y.len(), "training accuracy below 0.9: {wrong} wrong");
            black_box(f.known_features())
        })
    });
    g.finish();
}

fn prediction(c: &mut Criterion) {
    let (texts, _) = sentences();
    let model = load(Path::new("models/sentiment-news.stance")).expect("shipped model");
    let docs: Vec<Doc<'_>> = texts.iter().map(|t| Doc::plain(t)).collect();
    let expected: Vec<usize> = model.predict_labels(&docs, 1).to_vec();
    let mut g = c.benchmark_group("predict");
    g.throughput(Throughput::Elements(texts.len() as u64));
    g.bench_function("sentiment-news one thread", |b| {
        let mut scratch = PredictScratch::default();
        let mut probs = vec![0f32; model.labels().len()];
        b.iter(|| {
            let mut same = 0;
            for (d, &e) in docs.iter().zip(&expected) {
                same += usize::from(model.predict_into(*d, &mut scratch, &mut probs) == e);
            }
            assert_eq!(same, docs.len());
            black_box(same)
        })
    });
    g.finish();
}

fn articles(c: &mut Criterion) {
    let mut texts = Vec::new();
    for entry in std::fs::read_dir("datasets/articles").expect("shipped articles") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e == "txt") {
            texts.push(std::fs::read_to_string(&path).expect("readable"));
        }
    }
    texts.sort();
    let tagger = ArticleTagger::new(
        Gazetteer::new(Vec::new()).expect("shipped gazetteer"),
        stance::model::file::from_bytes(Path::new("news-stance"), stance::news::SHIPPED_STANCE_MODEL).expect("model"),
        TaggerConfig::default(),
    )
    .expect("tagger")
    .with_syntax(SyntaxModel::load(&shipped_model_path()).expect("shipped syntax model"));
    let mut scratch = ArticleScratch::default();
    let expected: Vec<usize> = texts.iter().map(|t| tagger.tag(t, &mut scratch).len()).collect();
    assert!(expected.iter().all(|&n| n > 0), "every example article has stance rows");
    let sentences: usize = texts.iter().map(|t| stance::text::split_sentences(t).len()).sum();
    let mut g = c.benchmark_group("news");
    g.throughput(Throughput::Elements(sentences as u64));
    g.bench_function("tag example articles (per sentence)", |b| {
        b.iter(|| {
            let rows: Vec<usize> = texts.iter().map(|t| tagger.tag(t, &mut scratch).len()).collect();
            assert_eq!(rows, expected);
            black_box(rows)
        })
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(3)).sample_size(20);
    targets = text_and_features, prediction, articles
}
criterion_main!(benches);
