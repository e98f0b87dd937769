//! Scoring against gold trees with the CoNLL 2018 shared task's definitions
//! for gold tokenisation: every word counts, punctuation included; LAS compares
//! the universal relation (the part before `:`).

use serde::Serialize;

use super::conllu::Sentence;

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

impl SyntaxScores {
    /// Adds `system`'s words scored against `gold`'s; both must hold the same words.
    pub fn add(&mut self, gold: &Sentence, system: &Sentence) -> Result<(), String> {
        if gold.words.len() != system.words.len() || gold.words.iter().zip(&system.words).any(|(g, s)| g.form != s.form)
        {
            return Err(format!("the sentence at line {} has different words in the two files", gold.line));
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
}
