//! Training a syntax model from a treebank: the tagger on gold tags, the
//! lemmatiser on gold lemmas, then the parser on the tagger's own predicted tags
//! (as it will see them) against the gold trees made projective.

use std::collections::BTreeSet;
use std::path::Path;
use std::time::Instant;

use super::conllu::read_treebank;
use super::conllu::Sentence;
use super::error::SyntaxError;
use super::eval::{score_raw, treebank_text, RawScores, SyntaxScores};
use super::lemma::Lemmatizer;
use super::model::SyntaxScratch;
use super::model::{fill_input, tag_keys, SyntaxInfo, SyntaxModel};
use super::parser::{projectivize, ParseExample, ParseInput, Parser, ParserParams};
use super::tagger::{TagScratch, Tagger, TaggerParams};
use super::words;
use crate::hash::fnv1a64;

/// Training settings for the whole syntax model.
#[derive(Debug, Clone, Copy, Default)]
pub struct SyntaxParams {
    /// The tagger's settings.
    pub tagger: TaggerParams,
    /// The parser's settings.
    pub parser: ParserParams,
}

/// Trains a model on `train` (every sentence needs heads and relations);
/// `data_hash` identifies the treebank; `progress` hears each stage and epoch.
pub fn train(
    train: &[Sentence],
    data_hash: &str,
    params: SyntaxParams,
    mut progress: impl FnMut(&str),
) -> Result<SyntaxModel, SyntaxError> {
    if train.is_empty() {
        return Err(SyntaxError::Train("no training sentences".into()));
    }
    if let Some(s) = train.iter().find(|s| !s.has_heads() || s.words.iter().any(|w| w.deprel == "_")) {
        return Err(SyntaxError::Train(format!("the sentence at line {} has no gold tree", s.line)));
    }
    let tagger =
        Tagger::train(train, params.tagger, |e| progress(&format!("tagger epoch {e}/{}", params.tagger.epochs)));
    let lemmatizer = Lemmatizer::train(train);
    let labels: Vec<String> =
        train.iter().flat_map(|s| &s.words).map(|w| w.deprel.clone()).collect::<BTreeSet<_>>().into_iter().collect();
    let mut scratch = TagScratch::default();
    let mut tags = Vec::new();
    let keys = tag_keys(&tagger);
    let examples: Vec<ParseExample> = train
        .iter()
        .map(|s| {
            let forms: Vec<&str> = s.words.iter().map(|w| w.form.as_str()).collect();
            tagger.tag(&forms, &mut scratch, &mut tags);
            let mut heads: Vec<u32> = s.words.iter().map(|w| w.head.unwrap_or(0)).collect();
            projectivize(&mut heads);
            let mut input = ParseInput::default();
            fill_input(&keys, &tags, &scratch, &mut input);
            ParseExample {
                input,
                heads,
                labels: s.words.iter().map(|w| labels.binary_search(&w.deprel).expect("collected") as u16).collect(),
            }
        })
        .collect();
    let parser = Parser::train(&examples, labels, params.parser, |e| {
        progress(&format!("parser epoch {e}/{}", params.parser.epochs))
    });
    let info = SyntaxInfo {
        crate_version: env!("CARGO_PKG_VERSION").into(),
        training_data_hash: data_hash.into(),
        n_sentences: train.len(),
        settings: format!(
            "tagger_epochs={} parser_epochs={} static_epochs={} seed={}",
            params.tagger.epochs, params.parser.epochs, params.parser.static_epochs, params.parser.seed
        ),
    };
    Ok(SyntaxModel::new(info, tagger, lemmatizer, parser))
}

/// Scores `model` on gold `sentences` (their words kept, everything else predicted).
pub fn score(model: &SyntaxModel, sentences: &[Sentence]) -> SyntaxScores {
    let mut scores = SyntaxScores::default();
    let mut scratch = SyntaxScratch::default();
    for gold in sentences.iter().filter(|s| s.has_heads()) {
        let mut s = gold.clone();
        model.annotate(&mut s, &mut scratch);
        scores.add(gold, &s).expect("the same words");
    }
    scores
}

/// Scores `model` from the raw text of gold `sentences` (see [`score_raw`]).
pub fn score_text(model: &SyntaxModel, sentences: &[Sentence]) -> RawScores {
    let text = treebank_text(sentences);
    let mut system = words::sentences(&text);
    let mut scratch = SyntaxScratch::default();
    for r in &mut system {
        model.annotate(&mut r.sentence, &mut scratch);
    }
    score_raw(sentences, &text, &system)
}

/// A model trained from treebank files, with its scores.
#[derive(Debug)]
pub struct TreebankReport {
    /// The model.
    pub model: SyntaxModel,
    /// Scores on the development file.
    pub dev: Option<SyntaxScores>,
    /// Scores on the test file.
    pub test: Option<SyntaxScores>,
    /// Scores on the test file's text, through the crate's own sentence splitter and tokeniser.
    pub test_raw: Option<RawScores>,
    /// Training time in seconds.
    pub train_seconds: f64,
}

impl TreebankReport {
    /// The scores as text, one line each: training, dev, test, and test from raw text.
    pub fn summary(&self) -> String {
        let mut text = format!("trained on {} sentences in {:.1}s\n", self.model.info.n_sentences, self.train_seconds);
        for (name, scores) in [("dev", &self.dev), ("test", &self.test)] {
            if let Some(s) = scores {
                text += &format!("{name}: {}\n", s.summary());
            }
        }
        if let Some(r) = &self.test_raw {
            text += &format!(
                "test from raw text: sentences {:.2}  words {:.2}  UPOS {:.2}  UAS {:.2}  LAS {:.2}  (F1)\n",
                r.sentences, r.words, r.upos, r.uas, r.las
            );
        }
        text
    }

    /// The scores as JSON: `{"train_seconds", "dev", "test", "test_raw"}`.
    pub fn to_json(&self) -> serde_json::Value {
        let mut json = serde_json::json!({ "train_seconds": self.train_seconds });
        for (name, scores) in [("dev", &self.dev), ("test", &self.test)] {
            if let Some(s) = scores {
                json[name] = s.to_json();
            }
        }
        if let Some(r) = &self.test_raw {
            json["test_raw"] = serde_json::json!(r);
        }
        json
    }

    /// Writes the model to `model`, then the scores as JSON to `metrics_json`,
    /// each atomically; returns the model file's size.
    pub fn save(&self, model: &Path, metrics_json: Option<&Path>) -> Result<u64, SyntaxError> {
        let size = self.model.save(model)?;
        if let Some(p) = metrics_json {
            crate::outputs::write_atomic(p, format!("{:#}\n", self.to_json()).as_bytes())
                .map_err(|source| SyntaxError::Io { path: p.display().to_string(), cause: source })?;
        }
        Ok(size)
    }
}

/// Trains on the CoNLL-U file `train` and scores on `dev` and `test` when given.
pub fn train_treebank(
    train_path: &Path,
    dev: Option<&Path>,
    test: Option<&Path>,
    params: SyntaxParams,
    progress: impl FnMut(&str),
) -> Result<TreebankReport, SyntaxError> {
    let bytes = std::fs::read(train_path)
        .map_err(|source| SyntaxError::Io { path: train_path.display().to_string(), cause: source })?;
    let hash = format!("{:016x}", fnv1a64(0, &bytes));
    drop(bytes);
    let sentences = read_treebank(train_path)?;
    let start = Instant::now();
    let model = train(&sentences, &hash, params, progress)?;
    let train_seconds = start.elapsed().as_secs_f64();
    let dev = dev.map(|p| read_treebank(p).map(|s| score(&model, &s))).transpose()?;
    let test = test.map(read_treebank).transpose()?;
    Ok(TreebankReport {
        dev,
        test: test.as_deref().map(|t| score(&model, t)),
        test_raw: test.as_deref().map(|t| score_text(&model, t)),
        model,
        train_seconds,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::conllu::ConlluReader;
    use crate::syntax::ReadLimits;
    use proptest::prelude::*;

    const TINY: &str = "\
1\tTurkey\tTurkey\tPROPN\tNNP\t_\t2\tnsubj\t_\t_
2\trejected\treject\tVERB\tVBD\t_\t0\troot\t_\t_
3\tthe\tthe\tDET\tDT\t_\t4\tdet\t_\t_
4\tdeal\tdeal\tNOUN\tNN\t_\t2\tobj\t_\t_
5\t.\t.\tPUNCT\t.\t_\t2\tpunct\t_\t_

1\tRussia\tRussia\tPROPN\tNNP\t_\t2\tnsubj\t_\t_
2\tbacked\tback\tVERB\tVBD\t_\t0\troot\t_\t_
3\tthe\tthe\tDET\tDT\t_\t4\tdet\t_\t_
4\tceasefire\tceasefire\tNOUN\tNN\t_\t2\tobj\t_\t_
5\tin\tin\tADP\tIN\t_\t6\tcase\t_\t_
6\tLibya\tLibya\tPROPN\tNNP\t_\t4\tnmod\t_\t_
7\t.\t.\tPUNCT\t.\t_\t2\tpunct\t_\t_

";

    fn tiny_model() -> SyntaxModel {
        let sentences: Vec<Sentence> =
            ConlluReader::new(TINY.as_bytes(), "tiny", ReadLimits::default()).collect::<Result<_, _>>().unwrap();
        train(&sentences, "0", SyntaxParams::default(), |_| {}).unwrap()
    }

    #[test]
    fn learns_the_training_trees_and_round_trips_through_bytes() {
        let model = tiny_model();
        let gold: Vec<Sentence> =
            ConlluReader::new(TINY.as_bytes(), "tiny", ReadLimits::default()).collect::<Result<_, _>>().unwrap();
        let scores = score(&model, &gold);
        assert_eq!((scores.upos, scores.uas, scores.las), (12, 12, 12), "{}", scores.summary());
        let bytes = model.to_bytes();
        let back = SyntaxModel::from_bytes(Path::new("m"), &bytes).unwrap();
        assert_eq!(back.to_bytes(), bytes, "re-serialising gives the same bytes");
        assert_eq!(score(&back, &gold), scores);
        let again = tiny_model();
        assert_eq!(again.to_bytes(), bytes, "the same data and seed give the same model");
        let mut flipped = bytes.clone();
        let last = flipped.len() - 1;
        flipped[last] ^= 1;
        assert!(SyntaxModel::from_bytes(Path::new("m"), &flipped).unwrap_err().to_string().contains("checksum"));
    }

    #[test]
    fn training_needs_gold_trees() {
        let bare = Sentence { words: vec![crate::syntax::Word::new("x")], line: 7, ..Sentence::default() };
        let e = train(&[bare], "0", SyntaxParams::default(), |_| {}).unwrap_err();
        assert_eq!(e.to_string(), "cannot train: the sentence at line 7 has no gold tree");
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn every_parse_is_one_tree_over_the_input_words(words in proptest::collection::vec("[A-Za-z.,']{1,8}", 1..40)) {
            let model = tiny_model();
            let mut s = Sentence {
                words: words.iter().map(|w| crate::syntax::Word::new(w)).collect(),
                ..Sentence::default()
            };
            model.annotate(&mut s, &mut crate::syntax::SyntaxScratch::default());
            let forms: Vec<&str> = s.words.iter().map(|w| w.form.as_str()).collect();
            prop_assert_eq!(forms, words.iter().map(String::as_str).collect::<Vec<_>>());
            prop_assert!(crate::syntax::conllu::check_tree(&s).is_ok());
            prop_assert!(s.has_heads());
            prop_assert_eq!(s.words.iter().filter(|w| w.deprel == "root").count(), 1);
        }
    }
}
