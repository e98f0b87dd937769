//! Lemmatiser learned from a treebank's LEMMA column: exceptions for (form, tag)
//! pairs seen in training, and for other words the most frequent suffix rule
//! ("strip k letters, append s") for the longest known ending under the tag.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::conllu::Sentence;

/// Longest word ending a suffix rule is keyed on.
const MAX_ENDING: usize = 5;

/// A rule turning a lower-cased form into its lemma.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
struct Rule {
    strip: u8,
    append: String,
}

impl Rule {
    fn between(form: &str, lemma: &str) -> Rule {
        let common = form.chars().zip(lemma.chars()).take_while(|(a, b)| a == b).count();
        let strip = form.chars().count() - common;
        Rule { strip: strip.min(255) as u8, append: lemma.chars().skip(common).collect() }
    }

    fn apply(&self, form: &str) -> Option<String> {
        let n = form.chars().count();
        let keep = n.checked_sub(self.strip as usize)?;
        let mut out: String = form.chars().take(keep).collect();
        out.push_str(&self.append);
        (!out.is_empty()).then_some(out)
    }
}

/// Learned lemmatiser.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Lemmatizer {
    /// `(lower-cased form, XPOS)` → lemma, for words seen in training.
    exceptions: Vec<((String, String), String)>,
    /// `(XPOS, ending)` → rule.
    rules: Vec<((String, String), Rule)>,
    /// Tags whose lemma keeps the form's case (proper nouns).
    keep_case: Vec<String>,
    #[serde(skip)]
    exception_map: HashMap<(String, String), String>,
    #[serde(skip)]
    rule_map: HashMap<(String, String), Rule>,
}

impl Lemmatizer {
    /// Learns from the gold FORM, XPOS and LEMMA of `sentences`.
    pub fn train(sentences: &[Sentence]) -> Lemmatizer {
        let mut seen: HashMap<(String, String), HashMap<String, usize>> = HashMap::new();
        let mut rules: HashMap<(String, String), HashMap<Rule, usize>> = HashMap::new();
        let mut case: HashMap<String, (usize, usize)> = HashMap::new();
        for w in sentences.iter().flat_map(|s| &s.words) {
            if w.lemma == "_" {
                continue;
            }
            let lower = w.form.to_lowercase();
            let c = case.entry(w.xpos.clone()).or_default();
            c.0 += usize::from(w.lemma == w.form && w.form != lower);
            c.1 += usize::from(w.form != lower);
            *seen.entry((lower.clone(), w.xpos.clone())).or_default().entry(w.lemma.to_lowercase()).or_default() += 1;
            let rule = Rule::between(&lower, &w.lemma.to_lowercase());
            let chars: Vec<char> = lower.chars().collect();
            for k in 0..=MAX_ENDING.min(chars.len()) {
                let ending: String = chars[chars.len() - k..].iter().collect();
                *rules.entry((w.xpos.clone(), ending)).or_default().entry(rule.clone()).or_default() += 1;
            }
        }
        // The most frequent rule; ties go to the shortest strip, then the first append string
        // (a total order, so the choice never depends on hash-map order).
        let best = |m: HashMap<Rule, usize>| {
            m.into_iter().max_by(|a, b| a.1.cmp(&b.1).then(b.0.strip.cmp(&a.0.strip)).then(b.0.append.cmp(&a.0.append)))
        };
        let mut exceptions: Vec<_> = seen
            .into_iter()
            .filter_map(|(k, m)| {
                let (lemma, _) = m.into_iter().max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)))?;
                Some((k, lemma))
            })
            .collect();
        exceptions.sort();
        let mut rules: Vec<_> = rules.into_iter().filter_map(|(k, m)| Some((k, best(m)?.0))).collect();
        rules.sort_by(|a, b| a.0.cmp(&b.0));
        let mut keep_case: Vec<String> =
            case.into_iter().filter(|(_, (kept, cased))| *kept * 2 > *cased && *cased > 0).map(|(t, _)| t).collect();
        keep_case.sort();
        let mut l = Lemmatizer { exceptions, rules, keep_case, ..Default::default() };
        l.build();
        l
    }

    /// Rebuilds the look-up tables after decoding.
    pub fn build(&mut self) {
        self.exception_map = self.exceptions.iter().cloned().collect();
        self.rule_map = self.rules.iter().cloned().collect();
    }

    /// The lemma of `form` tagged `xpos`.
    pub fn lemma(&self, form: &str, xpos: &str) -> String {
        if self.keep_case.iter().any(|t| t == xpos) {
            return form.to_string();
        }
        let lower = form.to_lowercase();
        let key = (lower, xpos.to_string());
        if let Some(l) = self.exception_map.get(&key) {
            return l.clone();
        }
        let (lower, xpos) = key;
        let chars: Vec<char> = lower.chars().collect();
        for k in (0..=MAX_ENDING.min(chars.len())).rev() {
            let ending: String = chars[chars.len() - k..].iter().collect();
            if let Some(lemma) = self.rule_map.get(&(xpos.clone(), ending)).and_then(|r| r.apply(&lower)) {
                return lemma;
            }
        }
        lower
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::conllu::Word;

    fn word(form: &str, lemma: &str, xpos: &str) -> Word {
        Word { lemma: lemma.into(), xpos: xpos.into(), ..Word::new(form) }
    }

    #[test]
    fn learns_exceptions_and_suffix_rules() {
        let words = vec![
            word("condemned", "condemn", "VBD"),
            word("rejected", "reject", "VBD"),
            word("stopped", "stop", "VBD"),
            word("went", "go", "VBD"),
            word("deals", "deal", "NNS"),
            word("strikes", "strike", "NNS"),
            word("Turkey", "Turkey", "NNP"),
            word("Russia", "Russia", "NNP"),
        ];
        let s = Sentence { words, ..Sentence::default() };
        let l = Lemmatizer::train(&[s]);
        assert_eq!(l.lemma("went", "VBD"), "go");
        assert_eq!(l.lemma("Condemned", "VBD"), "condemn");
        assert_eq!(l.lemma("accepted", "VBD"), "accept", "the -ed rule generalises");
        assert_eq!(l.lemma("sanctions", "NNS"), "sanction");
        assert_eq!(l.lemma("Ankara", "NNP"), "Ankara", "proper nouns keep their case");
    }
}
