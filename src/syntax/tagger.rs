//! Part-of-speech tagger: a greedy left-to-right averaged perceptron predicting
//! the joint (UPOS, XPOS) tag from the word, its affixes and shape, the words
//! two to either side and the two previous tags, with a tag dictionary for
//! frequent unambiguous words.

use std::collections::HashMap;

use rand::seq::SliceRandom;
use rand::SeedableRng;
use serde::{Deserialize, Serialize};

use super::conllu::Sentence;
use super::perceptron::{argmax, feature, Perceptron, Trainer};
use crate::hash::fnv1a64;

/// A trained tagger.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Tagger {
    /// The joint tags, `(UPOS, XPOS)`.
    classes: Vec<(String, String)>,
    /// Words always given one tag: the form and the tag's class.
    dictionary: Vec<(String, u16)>,
    /// Frequent words' most frequent tag and the hash of their set of tags.
    lexicon: Vec<(String, u16, u64)>,
    model: Perceptron,
    #[serde(skip)]
    lookup: HashMap<String, u16>,
    #[serde(skip)]
    classes_of: HashMap<String, (u16, u64)>,
}

/// Hashes of the per-word values the templates read, for one sentence.
#[derive(Debug, Default, Clone)]
pub struct WordKeys {
    form: Vec<u64>,
    lower: Vec<u64>,
    shape: Vec<u64>,
    suffix: Vec<[u64; 4]>,
    prefix: Vec<[u64; 3]>,
    /// The word's most frequent tag in training (the tag set's hash for `ambiguity`).
    frequent: Vec<u64>,
    ambiguity: Vec<u64>,
}

const PAD: usize = 2;

impl WordKeys {
    /// Fills the keys for `words` (two padding slots at either end).
    pub fn fill<'a>(&mut self, words: impl ExactSizeIterator<Item = &'a str>) {
        let n = words.len() + 2 * PAD;
        for v in [&mut self.form, &mut self.lower, &mut self.shape, &mut self.frequent, &mut self.ambiguity] {
            v.clear();
            v.resize(n, 0);
        }
        self.suffix.clear();
        self.suffix.resize(n, [0; 4]);
        self.prefix.clear();
        self.prefix.resize(n, [0; 3]);
        for (i, pad) in [(0, 1u64), (1, 2), (n - 2, 3), (n - 1, 4)] {
            self.form[i] = pad;
            self.lower[i] = pad;
            self.shape[i] = pad;
            self.frequent[i] = pad;
            self.ambiguity[i] = pad;
            self.suffix[i] = [pad; 4];
            self.prefix[i] = [pad; 3];
        }
        let mut lower = String::new();
        let mut shape = String::new();
        for (i, w) in words.enumerate() {
            let j = i + PAD;
            lower.clear();
            lower.extend(w.chars().flat_map(char::to_lowercase));
            self.form[j] = fnv1a64(1, w.as_bytes());
            self.lower[j] = fnv1a64(2, lower.as_bytes());
            let b = lower.as_bytes();
            let mut ends = lower.char_indices().map(|(i, _)| i).rev();
            for k in 0..4 {
                let start = ends.next().unwrap_or(0);
                self.suffix[j][k] = fnv1a64(3 + k as u64, &b[start..]);
            }
            let mut starts = lower.char_indices().map(|(i, c)| i + c.len_utf8());
            for k in 0..3 {
                let end = starts.next().unwrap_or(b.len());
                self.prefix[j][k] = fnv1a64(7 + k as u64, &b[..end]);
            }
            shape.clear();
            let mut run = 0;
            for c in w.chars() {
                let s = if c.is_uppercase() {
                    'X'
                } else if c.is_lowercase() {
                    'x'
                } else if c.is_ascii_digit() {
                    'd'
                } else {
                    c
                };
                // Runs longer than two are squeezed: "Xxxxx" and "Xxx" share "Xxx".
                run = if shape.ends_with(s) { run + 1 } else { 1 };
                if run <= 2 {
                    shape.push(s);
                }
            }
            self.shape[j] = fnv1a64(10, shape.as_bytes());
        }
    }
}

/// The features of word `i` given the two previous tags.
fn features(k: &WordKeys, i: usize, p1: u64, p2: u64, first: bool, out: &mut Vec<u64>) {
    let j = i + PAD;
    let l = &k.lower;
    out.clear();
    out.extend_from_slice(&[
        feature(1, 0),
        feature(2, l[j]),
        feature(3, k.suffix[j][0]),
        feature(4, k.suffix[j][1]),
        feature(5, k.suffix[j][2]),
        feature(6, k.suffix[j][3]),
        feature(7, k.prefix[j][0]),
        feature(8, k.prefix[j][1]),
        feature(9, k.prefix[j][2]),
        feature(10, k.shape[j]),
        feature(11, p1),
        feature(12, p2),
        feature(13, p1 ^ p2.rotate_left(17)),
        feature(14, p1 ^ l[j].rotate_left(9)),
        feature(15, l[j - 1]),
        feature(16, k.suffix[j - 1][2]),
        feature(17, l[j - 2]),
        feature(18, l[j + 1]),
        feature(19, k.suffix[j + 1][2]),
        feature(20, l[j + 2]),
        feature(21, k.suffix[j + 2][2]),
        feature(22, l[j - 1] ^ l[j].rotate_left(9)),
        feature(23, l[j] ^ l[j + 1].rotate_left(9)),
        feature(24, k.shape[j - 1]),
        feature(25, k.shape[j + 1]),
        feature(26, k.form[j]),
        feature(27, k.shape[j] ^ u64::from(first)),
        feature(28, p1 ^ k.suffix[j][2].rotate_left(9)),
        feature(29, l[j - 1] ^ l[j + 1].rotate_left(9)),
        feature(30, k.shape[j] ^ p1.rotate_left(9)),
        feature(31, k.suffix[j][1] ^ l[j + 1].rotate_left(9)),
        feature(32, k.ambiguity[j]),
        feature(33, k.frequent[j + 1]),
        feature(34, k.frequent[j + 2]),
        feature(35, k.ambiguity[j + 1]),
        feature(36, k.frequent[j + 1] ^ k.frequent[j + 2].rotate_left(9)),
        feature(37, p1 ^ k.frequent[j + 1].rotate_left(9)),
        feature(38, k.ambiguity[j] ^ k.frequent[j + 1].rotate_left(9)),
        feature(39, k.ambiguity[j] ^ p1.rotate_left(9)),
    ]);
}

/// Per-thread buffers for tagging.
#[derive(Debug, Default, Clone)]
pub struct TagScratch {
    keys: WordKeys,
    features: Vec<u64>,
    scores: Vec<f32>,
}

impl TagScratch {
    /// The case-folded word hashes of the last tagged sentence, one per word
    /// (the parser reads the same hashes).
    pub fn word_hashes(&self) -> &[u64] {
        let n = self.keys.lower.len().saturating_sub(2 * PAD);
        &self.keys.lower[PAD..PAD + n]
    }
}

/// Tagger training settings.
#[derive(Debug, Clone, Copy)]
pub struct TaggerParams {
    /// Passes over the training sentences.
    pub epochs: usize,
    /// Seed for the order of sentences.
    pub seed: u64,
    /// A word enters the tag dictionary after this many occurrences…
    pub dictionary_min_count: usize,
    /// …when at least this share of them has one tag.
    pub dictionary_min_share: f64,
    /// Words seen this often give their tag set and most frequent tag as features.
    pub lexicon_min_count: usize,
    /// Averaged weights smaller than this are dropped from the model.
    pub prune: f32,
}

impl Default for TaggerParams {
    fn default() -> Self {
        TaggerParams {
            epochs: 15,
            seed: 1,
            dictionary_min_count: 20,
            dictionary_min_share: 0.995,
            lexicon_min_count: 3,
            prune: 1e-3,
        }
    }
}

impl Tagger {
    /// Rebuilds the look-up tables after decoding and checks consistency.
    pub fn validate(&mut self) -> Result<(), String> {
        self.model.validate()?;
        if self.model.n_classes() != self.classes.len() {
            return Err("tagger classes do not match its weights".into());
        }
        if self.dictionary.iter().any(|(_, c)| *c as usize >= self.classes.len()) {
            return Err("tag dictionary names an unknown tag".into());
        }
        if self.lexicon.iter().any(|(_, c, _)| *c as usize >= self.classes.len()) {
            return Err("tag lexicon names an unknown tag".into());
        }
        self.lookup = self.dictionary.iter().cloned().collect();
        self.classes_of = self.lexicon.iter().map(|(w, f, a)| (w.clone(), (*f, *a))).collect();
        Ok(())
    }

    /// The number of joint tags.
    pub fn n_tags(&self) -> usize {
        self.classes.len()
    }

    /// The joint tag `c` as (UPOS, XPOS).
    pub fn tag_name(&self, c: usize) -> (&str, &str) {
        let (u, x) = &self.classes[c];
        (u, x)
    }

    fn keys(classes_of: &HashMap<String, (u16, u64)>, words: &[&str], keys: &mut WordKeys) {
        keys.fill(words.iter().copied());
        for (i, w) in words.iter().enumerate() {
            let (f, a) = classes_of.get(*w).map_or((5, 5), |&(f, a)| (u64::from(f) + 100, a));
            keys.frequent[i + PAD] = f;
            keys.ambiguity[i + PAD] = a;
        }
    }

    /// Tags `words` into `tags` (one joint tag index a word).
    pub fn tag(&self, words: &[&str], scratch: &mut TagScratch, tags: &mut Vec<u16>) {
        Self::keys(&self.classes_of, words, &mut scratch.keys);
        scratch.scores.resize(self.classes.len(), 0.0);
        tags.clear();
        for (i, w) in words.iter().enumerate() {
            let c = match self.lookup.get(*w) {
                Some(&c) => c,
                None => {
                    let (p1, p2) = prev_tags(tags, i);
                    features(&scratch.keys, i, p1, p2, i == 0, &mut scratch.features);
                    self.model.scores(&scratch.features, &mut scratch.scores);
                    argmax(&scratch.scores, |_| true).unwrap_or(0) as u16
                }
            };
            tags.push(c);
        }
    }

    /// Trains a tagger on the gold UPOS and XPOS of `sentences`.
    pub fn train(sentences: &[Sentence], params: TaggerParams, mut progress: impl FnMut(usize)) -> Tagger {
        let mut class_of: HashMap<(String, String), u16> = HashMap::new();
        let mut classes = Vec::new();
        let mut gold: Vec<Vec<u16>> = Vec::with_capacity(sentences.len());
        let mut counts: HashMap<&str, HashMap<u16, usize>> = HashMap::new();
        for s in sentences {
            let mut g = Vec::with_capacity(s.words.len());
            for w in &s.words {
                let key = (w.upos.clone(), w.xpos.clone());
                let c = *class_of.entry(key.clone()).or_insert_with(|| {
                    classes.push(key);
                    (classes.len() - 1) as u16
                });
                g.push(c);
                *counts.entry(w.form.as_str()).or_default().entry(c).or_default() += 1;
            }
            gold.push(g);
        }
        let mut dictionary: Vec<(String, u16)> = counts
            .iter()
            .filter_map(|(form, tags)| {
                let total: usize = tags.values().sum();
                let (&c, &n) = tags.iter().max_by_key(|(c, n)| (**n, std::cmp::Reverse(**c)))?;
                (total >= params.dictionary_min_count && n as f64 >= params.dictionary_min_share * total as f64)
                    .then(|| (form.to_string(), c))
            })
            .collect();
        dictionary.sort();
        let mut lexicon: Vec<(String, u16, u64)> = counts
            .iter()
            .filter(|(_, tags)| tags.values().sum::<usize>() >= params.lexicon_min_count)
            .map(|(form, tags)| {
                let mut set: Vec<u16> = tags.keys().copied().collect();
                set.sort_unstable();
                let (&c, _) = tags.iter().max_by_key(|(c, n)| (**n, std::cmp::Reverse(**c))).expect("non-empty");
                let bytes: Vec<u8> = set.iter().flat_map(|c| c.to_le_bytes()).collect();
                (form.to_string(), c, fnv1a64(11, &bytes))
            })
            .collect();
        lexicon.sort();
        let lookup: HashMap<String, u16> = dictionary.iter().cloned().collect();
        let classes_of: HashMap<String, (u16, u64)> = lexicon.iter().map(|(w, f, a)| (w.clone(), (*f, *a))).collect();
        let mut forms: Vec<&str> = Vec::new();
        let mut trainer = Trainer::new(classes.len());
        let mut order: Vec<usize> = (0..sentences.len()).collect();
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(params.seed);
        let mut scratch = TagScratch::default();
        let mut scores = vec![0f32; classes.len()];
        let mut tags: Vec<u16> = Vec::new();
        for epoch in 0..params.epochs {
            order.shuffle(&mut rng);
            for &si in &order {
                let s = &sentences[si];
                forms.clear();
                forms.extend(s.words.iter().map(|w| w.form.as_str()));
                Self::keys(&classes_of, &forms, &mut scratch.keys);
                tags.clear();
                for (i, w) in s.words.iter().enumerate() {
                    let truth = gold[si][i];
                    if lookup.contains_key(&w.form) {
                        tags.push(truth);
                        continue;
                    }
                    let (p1, p2) = prev_tags(&tags, i);
                    features(&scratch.keys, i, p1, p2, i == 0, &mut scratch.features);
                    trainer.tick();
                    trainer.scores(&scratch.features, &mut scores);
                    let guess = argmax(&scores, |_| true).unwrap_or(0);
                    trainer.update(&scratch.features, truth as usize, guess);
                    tags.push(guess as u16);
                }
            }
            progress(epoch + 1);
        }
        let mut tagger = Tagger {
            classes,
            dictionary,
            lexicon,
            model: trainer.average(params.prune),
            lookup: HashMap::new(),
            classes_of: HashMap::new(),
        };
        tagger.validate().expect("a trained tagger is consistent");
        tagger
    }
}

fn prev_tags(tags: &[u16], i: usize) -> (u64, u64) {
    let at = |k: usize| if i >= k { u64::from(tags[i - k]) + 100 } else { k as u64 };
    (at(1), at(2))
}
