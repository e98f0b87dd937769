//! Article tagging: each item is an article; its records are the actors'
//! stances toward events (or, per sentence, every scored holder–target link).

use serde_json::{json, Value};

use super::engine::Processor;
use super::sentences::error_record;
use crate::data::{DataError, Example};
use crate::features::map_chunks;
use crate::news::{ArticleAnalysis, ArticleScratch, ArticleTagger};
use std::sync::Arc;

use crate::output::{round_score, Field, Record};

/// Columns of article rows.
pub const ARTICLE_COLUMNS: [&str; 9] =
    ["article", "actor", "code", "actor_code", "event", "stance", "confidence", "evidence", "error"];

/// Columns of per-sentence link rows.
pub const LINK_COLUMNS: [&str; 14] = [
    "article",
    "sentence",
    "actor",
    "code",
    "holder",
    "target",
    "stance",
    "supportive",
    "skeptical",
    "neutral",
    "link",
    "path",
    "text",
    "error",
];

/// Tags articles with an [`ArticleTagger`].
#[derive(Debug)]
pub struct ArticleProcessor<'a> {
    /// The tagger.
    pub tagger: &'a ArticleTagger,
    /// Emit every scored link per sentence instead of aggregated rows.
    pub per_sentence: bool,
}

/// An actor's state code, or null for a holder the gazetteer does not know.
fn code(country: &str) -> Value {
    if country.is_empty() {
        Value::Null
    } else {
        json!(country)
    }
}

/// Decimals of confidences, link scores and evidence scores in the output.
const PLACES: i32 = 3;

impl Processor for ArticleProcessor<'_> {
    type Scratch = ArticleScratch;

    fn scratch(&self) -> ArticleScratch {
        ArticleScratch::default()
    }

    fn process(
        &self,
        scratch: &mut ArticleScratch,
        source: &Arc<str>,
        e: &Example,
        warnings: &mut Vec<String>,
    ) -> Vec<Record> {
        let article = e.id.clone().unwrap_or_else(|| format!("{source}:{}", e.line));
        let mut records = self.tag_article(scratch, &article, &e.text, warnings);
        if let Some(date) = &e.date {
            // Only with a date column (--date-col): other runs' records are as before.
            for r in &mut records {
                r.fields.insert(1, ("date", json!(date).into()));
            }
        }
        records
    }

    fn error(&self, error: &DataError) -> Record {
        error_record(if self.per_sentence { &LINK_COLUMNS } else { &ARTICLE_COLUMNS }, error)
    }
}

impl ArticleProcessor<'_> {
    /// The records of one article named `article`, as `stance-tag` writes them; its warnings (an
    /// over-long sentence cut), prefixed with the article's name, go to `warnings`.
    pub fn tag_article(
        &self,
        scratch: &mut ArticleScratch,
        article: &str,
        text: &str,
        warnings: &mut Vec<String>,
    ) -> Vec<Record> {
        let analysis = self.tagger.analyze(text, scratch);
        warnings.extend(analysis.warnings.iter().map(|w| format!("{article}: {w}")));
        let mut records = self.records(article, &analysis);
        if !analysis.warnings.is_empty() {
            // Only then, so that other articles' records are as before; table and CSV columns leave it out.
            for r in &mut records {
                let at = r.fields.len() - 1;
                r.fields.insert(at, ("warnings", json!(analysis.warnings).into()));
            }
        }
        records
    }

    /// Tags `(name, text)` articles in memory on up to `threads` threads, in input order: each
    /// article's records as [`ArticleProcessor::tag_article`] gives them (its warnings are in its
    /// records' `warnings` field).
    ///
    /// ```
    /// use stance::batch::{ArticleOptions, ArticleProcessor, ModelOptions};
    ///
    /// let tagger = ModelOptions::default().tagger(&ArticleOptions::default())?;
    /// let text = std::fs::read_to_string("datasets/articles/black-sea-pipeline.txt").unwrap();
    /// let records = ArticleProcessor { tagger: &tagger, per_sentence: false }.tag_texts(&[("pipeline", &text)], 2);
    /// assert!(records[0].iter().any(|r| r.get("actor").map(|a| a.to_json()) == Some("Turkey".into())));
    /// # Ok::<(), stance::batch::BatchError>(())
    /// ```
    pub fn tag_texts<S: AsRef<str> + Sync>(&self, articles: &[(S, S)], threads: usize) -> Vec<Vec<Record>> {
        map_chunks(articles, threads, ArticleScratch::default, |scratch, (name, text)| {
            self.tag_article(scratch, name.as_ref(), text.as_ref(), &mut Vec::new())
        })
    }

    /// The records of one article's analysis: its links or its stance rows.
    fn records(&self, article: &str, analysis: &ArticleAnalysis) -> Vec<Record> {
        if self.per_sentence {
            return analysis
                .links
                .iter()
                .map(|l| {
                    let stance = if l.supportive >= l.skeptical && l.supportive >= l.neutral {
                        "supportive"
                    } else if l.skeptical >= l.neutral {
                        "skeptical"
                    } else {
                        "neutral"
                    };
                    Record {
                        fields: vec![
                            ("article", json!(article).into()),
                            ("sentence", json!(l.sentence).into()),
                            ("actor", json!(self.tagger.gazetteer().display_name(&l.actor)).into()),
                            ("code", code(&l.country).into()),
                            ("holder", json!(l.holder_text).into()),
                            ("target", json!(analysis.events[l.event]).into()),
                            ("stance", json!(stance).into()),
                            ("supportive", json!(round_score(l.supportive, PLACES)).into()),
                            ("skeptical", json!(round_score(l.skeptical, PLACES)).into()),
                            ("neutral", json!(round_score(l.neutral, PLACES)).into()),
                            ("link", json!(round_score(l.link, PLACES)).into()),
                            ("path", json!(l.path).into()),
                            ("text", json!(analysis.sentences[l.sentence]).into()),
                            ("error", Field::NULL),
                        ],
                    }
                })
                .collect();
        }
        self.tagger
            .rows(analysis)
            .into_iter()
            .map(|row| Record {
                fields: vec![
                    ("article", json!(article).into()),
                    ("actor", json!(row.actor_name).into()),
                    ("code", code(&row.country).into()),
                    (
                        "actor_code",
                        if row.country.is_empty() {
                            Field::NULL
                        } else {
                            json!(format!("{} {}", row.country, row.sector)).into()
                        },
                    ),
                    ("event", json!(row.event).into()),
                    ("stance", json!(row.verdict.as_str()).into()),
                    ("confidence", json!(round_score(row.confidence, PLACES)).into()),
                    (
                        "evidence",
                        Value::Array(
                            row.evidence
                                .iter()
                                .map(|e| json!({"sentence": e.sentence, "score": round_score(e.score, PLACES)}))
                                .collect(),
                        )
                        .into(),
                    ),
                    ("error", Field::NULL),
                ],
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::batch::{ArticleOptions, ModelOptions};

    #[test]
    fn tagging_texts_in_memory_gives_each_articles_records_in_order() {
        let tagger = ModelOptions::default().tagger(&ArticleOptions::default()).unwrap();
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("datasets/articles");
        let mut articles: Vec<(String, String)> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "txt"))
            .map(|p| (p.file_stem().unwrap().to_string_lossy().into_owned(), std::fs::read_to_string(&p).unwrap()))
            .collect();
        articles.sort();
        for per_sentence in [false, true] {
            let p = ArticleProcessor { tagger: &tagger, per_sentence };
            let together = p.tag_texts(&articles, 3);
            assert_eq!(together.len(), articles.len());
            for ((name, text), records) in articles.iter().zip(&together) {
                let alone = p.tag_article(&mut ArticleScratch::default(), name, text, &mut Vec::new());
                assert!(!alone.is_empty(), "{name} has records");
                assert_eq!(records, &alone, "{name}");
                assert!(alone.iter().all(|r| r.get("article") == Some(&json!(name).into())));
            }
        }
    }
}
