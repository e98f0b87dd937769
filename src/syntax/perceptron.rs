//! The averaged perceptron behind the tagger, the parser and the labeller:
//! hashed feature templates mapped to dense rows of class weights through an
//! open-addressing index, trained with lazy averaging (each weight's running
//! sum is brought up to date only when the weight changes).

use serde::{Deserialize, Serialize};

use crate::hash::mix64;

/// The hash of template `template` with value `value` (never 0).
#[inline]
pub fn feature(template: u64, value: u64) -> u64 {
    mix64(value ^ template.wrapping_mul(0x9e37_79b9_7f4a_7c15)) | 1
}

/// Open-addressing map from feature hashes (never 0) to a pair of numbers: a
/// row while training, a row's first weight and length in a trained model.
#[derive(Debug, Clone, Default)]
pub struct FeatureIndex {
    slots: Vec<(u64, u32, u32)>,
    len: usize,
}

impl FeatureIndex {
    /// An index mapping `keys[i]` to `values[i]`, at most 60% full: a trained
    /// model's index is read only, so it need not leave room to grow.
    pub fn from_pairs(keys: &[u64], values: impl Iterator<Item = (u32, u32)>) -> Self {
        let mut index = FeatureIndex::default();
        let slots = (keys.len() * 5).div_ceil(3).next_power_of_two().max(16);
        index.slots = vec![(0, 0, 0); slots];
        for (&k, (a, b)) in keys.iter().zip(values) {
            let i = index.slot(k);
            if index.slots[i].0 != k {
                index.len += 1;
            }
            index.slots[i] = (k, a, b);
        }
        index
    }

    /// Every (key, first, second) stored, in the order of `first`.
    fn entries(&self) -> Vec<(u64, u32, u32)> {
        let mut out: Vec<_> = self.slots.iter().copied().filter(|s| s.0 != 0).collect();
        out.sort_unstable_by_key(|s| s.1);
        out
    }

    /// Number of keys.
    pub fn len(&self) -> usize {
        self.len
    }

    /// True when no key is stored.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    #[inline]
    fn slot(&self, key: u64) -> usize {
        let mask = self.slots.len() - 1;
        let mut i = (key as usize) & mask;
        loop {
            let k = self.slots[i].0;
            if k == key || k == 0 {
                return i;
            }
            i = (i + 1) & mask;
        }
    }

    /// The pair stored for `key`.
    #[inline]
    pub fn get(&self, key: u64) -> Option<(u32, u32)> {
        if self.slots.is_empty() {
            return None;
        }
        let (k, a, b) = self.slots[self.slot(key)];
        (k == key).then_some((a, b))
    }

    /// Hints the processor to load `key`'s first probe slot.
    #[inline]
    pub fn prefetch(&self, key: u64) {
        if !self.slots.is_empty() {
            crate::prefetch::prefetch_l2(&self.slots[(key as usize) & (self.slots.len() - 1)]);
        }
    }

    fn grow_to(&mut self, n: usize) {
        let want = (n * 2).next_power_of_two().max(16);
        if want <= self.slots.len() {
            return;
        }
        let old = std::mem::replace(&mut self.slots, vec![(0, 0, 0); want]);
        for slot in old.into_iter().filter(|s| s.0 != 0) {
            let i = self.slot(slot.0);
            self.slots[i] = slot;
        }
    }

    /// The row of `key`, adding it as the next row when new.
    pub fn insert(&mut self, key: u64) -> u32 {
        debug_assert_ne!(key, 0);
        self.grow_to(self.len + 1);
        let i = self.slot(key);
        if self.slots[i].0 != key {
            self.slots[i] = (key, self.len as u32, 0);
            self.len += 1;
        }
        self.slots[i].1
    }
}

/// A trained linear model over hashed features, stored sparsely: each feature
/// owns a run of `weights`, each `(class, weight)`; absent classes weigh 0.
/// In memory the index alone says where each feature's run is; the file lists
/// the features and where their runs start (`PerceptronFile`).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(from = "PerceptronFile", into = "PerceptronFile")]
pub struct Perceptron {
    n_classes: u32,
    /// Feature keys and run starts as read from a file, until [`Perceptron::validate`]
    /// has built the index from them.
    keys: Vec<u64>,
    offsets: Vec<u32>,
    weights: Vec<(u32, f32)>,
    index: FeatureIndex,
}

/// A [`Perceptron`] as stored: feature `keys[r]` owns the weights
/// `weights[offsets[r]..offsets[r + 1]]`.
#[derive(Serialize, Deserialize)]
struct PerceptronFile {
    n_classes: u32,
    keys: Vec<u64>,
    offsets: Vec<u32>,
    weights: Vec<(u32, f32)>,
}

impl From<PerceptronFile> for Perceptron {
    fn from(f: PerceptronFile) -> Self {
        let PerceptronFile { n_classes, keys, offsets, weights } = f;
        Perceptron { n_classes, keys, offsets, weights, index: FeatureIndex::default() }
    }
}

impl From<Perceptron> for PerceptronFile {
    fn from(p: Perceptron) -> Self {
        let (keys, offsets) = if p.keys.is_empty() && !p.index.is_empty() {
            let entries = p.index.entries();
            let mut offsets: Vec<u32> = entries.iter().map(|e| e.1).collect();
            offsets.push(p.weights.len() as u32);
            (entries.iter().map(|e| e.0).collect(), offsets)
        } else {
            (p.keys, p.offsets)
        };
        PerceptronFile { n_classes: p.n_classes, keys, offsets, weights: p.weights }
    }
}

/// Most features one call scores with prefetching (more are scored too).
const BATCH: usize = 128;

impl Perceptron {
    /// Number of classes.
    pub fn n_classes(&self) -> usize {
        self.n_classes as usize
    }

    /// Number of feature rows.
    pub fn n_features(&self) -> usize {
        self.index.len()
    }

    /// Sets `scores` (one slot a class) to the summed weights of `features`.
    /// The index slots are all prefetched first, then the weight rows found.
    #[inline]
    pub fn scores(&self, features: &[u64], scores: &mut [f32]) {
        scores[..self.n_classes as usize].fill(0.0);
        for chunk in features.chunks(BATCH) {
            for &f in chunk {
                self.index.prefetch(f);
            }
            let mut spans = [(0u32, 0u32); BATCH];
            let mut n = 0;
            for &f in chunk {
                if let Some((start, len)) = self.index.get(f) {
                    crate::prefetch::prefetch_l1(&self.weights[start as usize]);
                    spans[n] = (start, len);
                    n += 1;
                }
            }
            for &(start, len) in &spans[..n] {
                for &(c, w) in &self.weights[start as usize..(start + len) as usize] {
                    scores[c as usize] += w;
                }
            }
        }
    }

    /// Checks the sizes and values after decoding and builds the index.
    pub fn validate(&mut self) -> Result<(), String> {
        if self.keys.is_empty() && !self.index.is_empty() {
            return Ok(());
        }
        let n = self.n_classes as usize;
        let ok_offsets = self.offsets.len() == self.keys.len() + 1
            && self.offsets.first() == Some(&0)
            && self.offsets.windows(2).all(|w| w[0] < w[1])
            && *self.offsets.last().unwrap_or(&1) as usize == self.weights.len();
        if n == 0 || !ok_offsets {
            return Err("perceptron weights do not match its features".into());
        }
        if self.weights.iter().any(|&(c, w)| c as usize >= n || !w.is_finite()) {
            return Err("perceptron weight names a class it does not have or is not finite".into());
        }
        if self.keys.contains(&0) {
            return Err("perceptron has a zero feature key".into());
        }
        self.index = FeatureIndex::from_pairs(&self.keys, self.offsets.windows(2).map(|w| (w[0], w[1] - w[0])));
        if self.index.len() != self.keys.len() {
            return Err("perceptron has duplicate feature keys".into());
        }
        // The index holds them now.
        self.keys = Vec::new();
        self.offsets = Vec::new();
        Ok(())
    }
}

/// Trains a [`Perceptron`] with averaged weights.
#[derive(Debug, Clone)]
pub struct Trainer {
    n: usize,
    index: FeatureIndex,
    keys: Vec<u64>,
    weights: Vec<f32>,
    totals: Vec<f64>,
    stamps: Vec<u32>,
    step: u32,
}

impl Trainer {
    /// A trainer for `n_classes` classes.
    pub fn new(n_classes: usize) -> Self {
        Trainer {
            n: n_classes,
            index: FeatureIndex::default(),
            keys: Vec::new(),
            weights: Vec::new(),
            totals: Vec::new(),
            stamps: Vec::new(),
            step: 0,
        }
    }

    /// Current (not averaged) scores of `features`.
    pub fn scores(&self, features: &[u64], scores: &mut [f32]) {
        scores[..self.n].fill(0.0);
        for &f in features {
            if let Some((r, _)) = self.index.get(f) {
                let row = &self.weights[r as usize * self.n..(r as usize + 1) * self.n];
                for (s, w) in scores.iter_mut().zip(row) {
                    *s += w;
                }
            }
        }
    }

    /// Counts one training instance (the averaging clock).
    pub fn tick(&mut self) {
        self.step += 1;
    }

    /// Moves the weights of `features` toward `truth` and away from `guess`.
    pub fn update(&mut self, features: &[u64], truth: usize, guess: usize) {
        if truth == guess {
            return;
        }
        for &f in features {
            let r = self.index.insert(f) as usize;
            if r == self.keys.len() {
                self.keys.push(f);
                self.weights.resize(self.weights.len() + self.n, 0.0);
                self.totals.resize(self.totals.len() + self.n, 0.0);
                self.stamps.resize(self.stamps.len() + self.n, 0);
            }
            for (c, delta) in [(truth, 1.0f32), (guess, -1.0)] {
                let i = r * self.n + c;
                self.totals[i] += f64::from(self.step - self.stamps[i]) * f64::from(self.weights[i]);
                self.stamps[i] = self.step;
                self.weights[i] += delta;
            }
        }
    }

    /// The averaged model; weights below `prune` in magnitude are dropped, and
    /// so are rows left empty.
    pub fn average(&self, prune: f32) -> Perceptron {
        let steps = f64::from(self.step.max(1));
        let mut p = Perceptron { n_classes: self.n as u32, offsets: vec![0], ..Perceptron::default() };
        for (r, &key) in self.keys.iter().enumerate() {
            let before = p.weights.len();
            for c in 0..self.n {
                let i = r * self.n + c;
                let total = self.totals[i] + f64::from(self.step - self.stamps[i]) * f64::from(self.weights[i]);
                let w = (total / steps) as f32;
                if w.abs() > prune {
                    p.weights.push((c as u32, w));
                }
            }
            if p.weights.len() > before {
                p.keys.push(key);
                p.offsets.push(p.weights.len() as u32);
            }
        }
        p.validate().expect("a trained perceptron is consistent");
        p
    }
}

/// Index of the highest score among `allowed` classes (the first on ties).
#[inline]
pub fn argmax(scores: &[f32], allowed: impl Fn(usize) -> bool) -> Option<usize> {
    let mut best: Option<(usize, f32)> = None;
    for (i, &s) in scores.iter().enumerate() {
        if allowed(i) && best.is_none_or(|(_, b)| s > b) {
            best = Some((i, s));
        }
    }
    best.map(|(i, _)| i)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_maps_keys_to_rows_through_growth() {
        let mut index = FeatureIndex::default();
        let keys: Vec<u64> = (1..5000u64).map(|i| feature(7, i)).collect();
        for (i, &k) in keys.iter().enumerate() {
            assert_eq!(index.insert(k), i as u32);
        }
        assert_eq!(index.insert(keys[10]), 10);
        let rebuilt = FeatureIndex::from_pairs(&keys, (0..).map(|i| (i, 2 * i)));
        for (i, &k) in keys.iter().enumerate() {
            let i = i as u32;
            assert_eq!((index.get(k), rebuilt.get(k)), (Some((i, 0)), Some((i, 2 * i))));
        }
        assert_eq!(index.get(feature(8, 1)), None);
    }

    #[test]
    fn a_model_writes_the_same_bytes_after_its_index_replaces_its_key_list() {
        let mut t = Trainer::new(3);
        for i in 1..300u64 {
            t.tick();
            t.update(&[feature(1, i), feature(2, i % 7)], (i % 3) as usize, ((i + 1) % 3) as usize);
        }
        let p = t.average(0.0);
        let bytes = postcard::to_allocvec(&p).unwrap();
        let mut back: Perceptron = postcard::from_bytes(&bytes).unwrap();
        assert!(!back.keys.is_empty(), "a decoded model lists its keys until validated");
        back.validate().unwrap();
        assert!(back.keys.is_empty() && back.offsets.is_empty() && back.n_features() == p.n_features());
        assert_eq!(postcard::to_allocvec(&back).unwrap(), bytes);
        let (mut a, mut b) = ([0f32; 3], [0f32; 3]);
        p.scores(&[feature(1, 5), feature(2, 5)], &mut a);
        back.scores(&[feature(1, 5), feature(2, 5)], &mut b);
        assert_eq!(a, b);
    }

    #[test]
    fn averaging_matches_a_hand_computed_example() {
        // Step 1: +1 class 0, -1 class 1 on feature a; step 3: the reverse. Class 0's
        // weight is 1 through steps 1 and 2 and 0 from step 3: the sum 2 over 3 steps.
        let mut t = Trainer::new(2);
        let a = feature(1, 1);
        t.tick();
        t.update(&[a], 0, 1);
        t.tick();
        t.tick();
        t.update(&[a], 1, 0);
        let p = t.average(0.0);
        let mut s = [0f32; 2];
        p.scores(&[a, feature(1, 2)], &mut s);
        assert!((s[0] - 2.0 / 3.0).abs() < 1e-6 && (s[1] + 2.0 / 3.0).abs() < 1e-6, "{s:?}");
        assert_eq!(argmax(&s, |_| true), Some(0));
        assert_eq!(argmax(&s, |c| c == 1), Some(1));
    }
}
