//! Scoring against gold trees with the CoNLL 2018 shared task's definitions
//! for gold tokenisation: every word counts, punctuation included; LAS compares
//! the universal relation (the part before `:`).

use serde::Serialize;

use super::conllu::Sentence;
use super::words::RawSentence;

/// Word counts behind UPOS, XPOS, lemma, UAS and LAS accuracy.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct SyntaxScores {
    /// Words scored.
    pub words: u64,
    /// Words with the right UPOS.
    pub upos: u64,
    /// Words with the right XPOS.
    pub xpos: u64,
    /// Words with the right lemma.
    pub lemma: u64,
    /// Words with the right head.
    pub uas: u64,
    /// Words with the right head and universal relation.
    pub las: u64,
}

fn universal(rel: &str) -> &str {
    rel.split(':').next().unwrap_or(rel)
}

/// A system sentence whose words are not the gold sentence's.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the sentence at line {line} has different words in the two files")]
pub struct DifferentWords {
    /// The gold sentence's first line.
    pub line: u64,
}

impl SyntaxScores {
    /// Adds `system`'s words scored against `gold`'s; both must hold the same words.
    pub fn add(&mut self, gold: &Sentence, system: &Sentence) -> Result<(), DifferentWords> {
        if gold.words.len() != system.words.len() || gold.words.iter().zip(&system.words).any(|(g, s)| g.form != s.form)
        {
            return Err(DifferentWords { line: gold.line });
        }
        for (g, s) in gold.words.iter().zip(&system.words) {
            self.words += 1;
            self.upos += u64::from(g.upos == s.upos);
            self.xpos += u64::from(g.xpos == s.xpos);
            self.lemma += u64::from(g.lemma == s.lemma);
            let head = g.head.is_some() && g.head == s.head;
            self.uas += u64::from(head);
            self.las += u64::from(head && universal(&g.deprel) == universal(&s.deprel));
        }
        Ok(())
    }

    /// `count` as a percentage of the words.
    pub fn percent(&self, count: u64) -> f64 {
        100.0 * count as f64 / self.words.max(1) as f64
    }

    /// One line: `UPOS 95.12  XPOS …  LAS 83.40  (N words)`.
    pub fn summary(&self) -> String {
        format!(
            "UPOS {:.2}  XPOS {:.2}  lemma {:.2}  UAS {:.2}  LAS {:.2}  ({} words)",
            self.percent(self.upos),
            self.percent(self.xpos),
            self.percent(self.lemma),
            self.percent(self.uas),
            self.percent(self.las),
            self.words
        )
    }

    /// The percentages as a JSON object.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "words": self.words,
            "upos": self.percent(self.upos),
            "xpos": self.percent(self.xpos),
            "lemma": self.percent(self.lemma),
            "uas": self.percent(self.uas),
            "las": self.percent(self.las),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::conllu::Word;

    fn sentence(rows: &[(&str, &str, u32, &str)]) -> Sentence {
        let words = rows
            .iter()
            .map(|&(f, u, h, r)| Word {
                upos: u.into(),
                xpos: u.into(),
                lemma: f.into(),
                head: Some(h),
                deprel: r.into(),
                ..Word::new(f)
            })
            .collect();
        Sentence { words, ..Sentence::default() }
    }

    #[test]
    fn counts_match_a_hand_scored_sentence() {
        let gold = sentence(&[
            ("Turkey", "PROPN", 2, "nsubj"),
            ("rejected", "VERB", 0, "root"),
            ("it", "PRON", 2, "obj"),
            (".", "PUNCT", 2, "punct"),
        ]);
        // Wrong UPOS on "it"; wrong head on "."; subtype differs on "Turkey" (still right for LAS); wrong relation on "it".
        let sys = sentence(&[
            ("Turkey", "PROPN", 2, "nsubj:pass"),
            ("rejected", "VERB", 0, "root"),
            ("it", "NOUN", 2, "iobj"),
            (".", "PUNCT", 3, "punct"),
        ]);
        let mut s = SyntaxScores::default();
        s.add(&gold, &sys).unwrap();
        assert_eq!(s, SyntaxScores { words: 4, upos: 3, xpos: 3, lemma: 4, uas: 3, las: 2 });
        assert_eq!(s.percent(s.las), 50.0);
        assert!(s.add(&gold, &sentence(&[("x", "X", 0, "root")])).is_err());
    }

    #[test]
    fn raw_text_alignment_by_characters() {
        use crate::syntax::conllu::{ConlluReader, ReadLimits};
        let gold_text = "# newdoc id = d\n# text = I don't know.\n1\tI\tI\tPRON\tPRP\t_\t4\tnsubj\t_\t_\n\
            2-3\tdon't\t_\t_\t_\t_\t_\t_\t_\t_\n2\tdo\tdo\tAUX\tVBP\t_\t4\taux\t_\t_\n3\tn't\tnot\tPART\tRB\t_\t4\tadvmod\t_\t_\n\
            4\tknow\tknow\tVERB\tVB\t_\t0\troot\t_\t_\n5\t.\t.\tPUNCT\t.\t_\t4\tpunct\t_\t_\n\n\
            # text = Fine.\n1\tFine\tfine\tADJ\tJJ\t_\t0\troot\t_\t_\n2\t.\t.\tPUNCT\t.\t_\t1\tpunct\t_\t_\n\n";
        let gold: Vec<Sentence> =
            ConlluReader::new(gold_text.as_bytes(), "g", ReadLimits::default()).collect::<Result<_, _>>().unwrap();
        let text = treebank_text(&gold);
        assert_eq!(text, "I don't know. Fine.");
        // A system that splits and tokenises like the gold and copies its analysis scores 100.
        let mut system = crate::syntax::sentences(&text);
        assert_eq!(system.len(), 2);
        for (r, g) in system.iter_mut().zip(&gold) {
            r.sentence.words.clone_from(&g.words);
        }
        let perfect = score_raw(&gold, &text, &system);
        assert_eq!((perfect.sentences, perfect.words, perfect.uas, perfect.las), (100.0, 100.0, 100.0, 100.0));
        // One head wrong of 7 words: UAS F1 = 6/7.
        system[0].sentence.words[0].head = Some(5);
        let one_off = score_raw(&gold, &text, &system);
        assert!((one_off.uas - 600.0 / 7.0).abs() < 1e-9, "{one_off:?}");
        // Merging the two sentences loses both sentence spans but no word.
        let mut merged = system[0].clone();
        merged.sentence.words.extend(system[1].sentence.words.iter().cloned().map(|mut w| {
            w.head = w.head.map(|h| if h == 0 { 0 } else { h + 5 });
            w
        }));
        merged.spans.extend_from_slice(&system[1].spans);
        let m = score_raw(&gold, &text, &[merged]);
        assert_eq!((m.sentences, m.words), (0.0, 100.0));
    }
}

/// Scores from raw text, the CoNLL 2018 way: system and gold words are aligned
/// by their character spans over the text's non-space characters (words inside
/// a multiword token by position when both sides split the token alike), and
/// each score is an F1 of the aligned words that are right.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct RawScores {
    /// F1 of sentence spans.
    pub sentences: f64,
    /// F1 of word spans.
    pub words: f64,
    /// F1 of words with the right UPOS.
    pub upos: f64,
    /// F1 of words with the right head.
    pub uas: f64,
    /// F1 of words with the right head and universal relation.
    pub las: f64,
}

fn f1(correct: usize, system: usize, gold: usize) -> f64 {
    if correct == 0 {
        return 0.0;
    }
    let (p, r) = (correct as f64 / system as f64, correct as f64 / gold as f64);
    100.0 * 2.0 * p * r / (p + r)
}

/// The text a treebank's `# text` comments spell, paragraphs apart (a blank line at
/// each `newpar` or `newdoc`), and the sentences in order.
pub fn treebank_text(gold: &[Sentence]) -> String {
    let mut text = String::new();
    for s in gold {
        let para = s.comments.iter().any(|c| c.starts_with("newpar") || c.starts_with("newdoc"));
        if !text.is_empty() {
            text.push_str(if para { "\n\n" } else { " " });
        }
        text.push_str(s.comment("text").unwrap_or(""));
    }
    text
}

/// A word's key: its span in non-space characters, and its position inside a
/// multiword token (0 outside one).
type Key = (usize, usize, usize);

/// Keys of the words of `s`, given each word's span (`span(i)`, in non-space
/// characters; a multiword token's words share the token's span).
fn sentence_keys(s: &Sentence, mut span: impl FnMut(usize, usize) -> (usize, usize)) -> Vec<Key> {
    let mut words = Vec::with_capacity(s.words.len());
    let mut i = 0;
    while i < s.words.len() {
        let last = s.multiword.iter().find(|t| t.first as usize == i + 1).map_or(i, |t| t.last as usize - 1);
        let (a, b) = span(i, last);
        for k in i..=last {
            words.push((a, b, if last > i { k - i + 1 } else { 0 }));
        }
        i = last + 1;
    }
    words
}

/// Gold keys: the tokens spell the text's non-space characters in order.
fn gold_keys(gold: &[Sentence]) -> Vec<Vec<Key>> {
    let mut pos = 0;
    let count = |f: &str| f.chars().filter(|c| !c.is_whitespace()).count();
    gold.iter()
        .map(|s| {
            sentence_keys(s, |i, last| {
                let len = match s.multiword.iter().find(|t| t.first as usize == i + 1) {
                    Some(t) => count(&t.form),
                    None => (i..=last).map(|k| count(&s.words[k].form)).sum(),
                };
                pos += len;
                (pos - len, pos)
            })
        })
        .collect()
}

/// System keys from each word's byte span in `text`.
fn system_keys(text: &str, system: &[RawSentence]) -> Vec<Vec<Key>> {
    let mut non_space = vec![0usize; text.len() + 1];
    let mut n = 0;
    for (i, c) in text.char_indices() {
        non_space[i] = n;
        n += usize::from(!c.is_whitespace());
    }
    non_space[text.len()] = n;
    for i in (0..text.len()).rev() {
        if !text.is_char_boundary(i) {
            non_space[i] = non_space[i + 1];
        }
    }
    system
        .iter()
        .map(|r| sentence_keys(&r.sentence, |i, last| (non_space[r.spans[i].0], non_space[r.spans[last].1])))
        .collect()
}

/// Scores `system`, the annotated sentences of `text` (which is
/// [`treebank_text`] of `gold`), against `gold`.
pub fn score_raw(gold: &[Sentence], text: &str, system: &[RawSentence]) -> RawScores {
    use std::collections::HashMap;
    let (gk, sk) = (gold_keys(gold), system_keys(text, system));
    // Each gold word by key: its sentence-level head key and relation.
    let mut gold_words: HashMap<Key, (Option<Key>, &str, &str)> = HashMap::new();
    let mut gold_spans = std::collections::HashSet::new();
    for (s, k) in gold.iter().zip(&gk) {
        if let (Some(a), Some(b)) = (k.first(), k.last()) {
            gold_spans.insert((a.0, b.1));
        }
        for (w, &key) in s.words.iter().zip(k) {
            let head = w.head.filter(|&h| h > 0).map(|h| k[h as usize - 1]);
            gold_words.insert(key, (head, &w.upos, &w.deprel));
        }
    }
    let (mut words, mut upos, mut uas, mut las, mut sents) = (0, 0, 0, 0, 0);
    let mut n_system = 0;
    for (s, k) in system.iter().map(|r| &r.sentence).zip(&sk) {
        if let (Some(a), Some(b)) = (k.first(), k.last()) {
            sents += usize::from(gold_spans.contains(&(a.0, b.1)));
        }
        for (w, key) in s.words.iter().zip(k) {
            n_system += 1;
            let Some(&(gold_head, gold_upos, gold_rel)) = gold_words.get(key) else { continue };
            words += 1;
            upos += usize::from(w.upos == gold_upos);
            let head = w.head.filter(|&h| h > 0).map(|h| k[h as usize - 1]);
            if head == gold_head {
                uas += 1;
                las += usize::from(universal(&w.deprel) == universal(gold_rel));
            }
        }
    }
    let n_gold = gold_words.len();
    RawScores {
        sentences: f1(sents, system.len(), gold.len()),
        words: f1(words, n_system, n_gold),
        upos: f1(upos, n_system, n_gold),
        uas: f1(uas, n_system, n_gold),
        las: f1(las, n_system, n_gold),
    }
}
