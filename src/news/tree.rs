//! A sentence's dependency tree as the news stage reads it: each word's byte
//! span, form, lemma, part of speech, head and relation.

use crate::syntax::{sentence_words, SyntaxModel, SyntaxScratch};

/// A dependency tree over a sentence's words, with each word's byte span.
#[derive(Debug, Clone, Default)]
pub struct Tree {
    pub(super) spans: Vec<(usize, usize)>,
    pub(super) forms: Vec<String>,
    pub(super) heads: Vec<Option<usize>>,
    pub(super) rels: Vec<String>,
    pub(super) lemmas: Vec<String>,
    pub(super) upos: Vec<String>,
    pub(super) children: Vec<Vec<usize>>,
}

impl Tree {
    /// Tags and parses `sentence` (over-long ones become several trees in one).
    pub fn parse(model: &SyntaxModel, sentence: &str, scratch: &mut SyntaxScratch) -> Tree {
        let mut tree = Tree::default();
        for mut raw in sentence_words(sentence) {
            model.annotate(&mut raw.sentence, scratch);
            let base = tree.spans.len();
            for (w, span) in raw.sentence.words.into_iter().zip(raw.spans) {
                tree.spans.push(span);
                tree.forms.push(w.form);
                tree.heads.push(w.head.filter(|&h| h > 0).map(|h| base + h as usize - 1));
                tree.rels.push(w.deprel);
                tree.lemmas.push(w.lemma.to_lowercase());
                tree.upos.push(w.upos);
            }
        }
        tree.children = vec![Vec::new(); tree.spans.len()];
        for (i, h) in tree.heads.iter().enumerate() {
            if let Some(h) = *h {
                tree.children[h].push(i);
            }
        }
        tree
    }

    /// The word heading the byte span `[start, end)`: the one whose head lies
    /// outside the span (the last word when several do).
    pub(super) fn head_of(&self, start: usize, end: usize) -> Option<usize> {
        let inside = |i: usize| self.spans[i].0 < end && self.spans[i].1 > start;
        let words: Vec<usize> = (0..self.spans.len()).filter(|&i| inside(i)).collect();
        words.iter().rev().copied().find(|&i| self.heads[i].is_none_or(|h| !inside(h))).or(words.last().copied())
    }

    pub(super) fn rel(&self, i: usize) -> &str {
        &self.rels[i]
    }

    pub(super) fn has_child(&self, i: usize, rel: &str, lemmas: &[&str]) -> bool {
        self.children[i]
            .iter()
            .any(|&c| self.rel(c) == rel && (lemmas.is_empty() || lemmas.contains(&&*self.lemmas[c])))
    }

    pub(super) fn is_nominal(&self, i: usize) -> bool {
        matches!(self.upos[i].as_str(), "NOUN" | "PROPN" | "PRON" | "NUM")
    }

    /// True when the word has a negating dependent ("not", "never", "no").
    pub(super) fn negated(&self, w: usize) -> bool {
        self.children[w].iter().any(|&c| {
            matches!(self.rel(c), "advmod" | "det") && matches!(self.lemmas[c].as_str(), "not" | "n't" | "never" | "no")
        })
    }

    /// The subject of predicate `p`, if it has one.
    pub(super) fn subject(&self, p: usize) -> Option<usize> {
        self.children[p].iter().copied().find(|&c| matches!(self.rel(c), "nsubj" | "nsubj:pass" | "csubj" | "expl"))
    }
}
