//! Labelled dependency parser: greedy arc-hybrid transitions (shift, left-arc,
//! right-arc) scored by an averaged perceptron and trained with Goldberg and
//! Nivre's dynamic oracle, so it learns to recover from its own mistakes. Each
//! arc is labelled when it is made by a second perceptron that sees the
//! dependent's finished subtree; the labels feed the following transitions.
//! The root sits at the bottom of the stack and takes exactly one dependent,
//! so every output is a single-rooted tree over all the words.
//!
//! Over 400 lines: the transition system, its oracle, the feature templates,
//! training and decoding share the private parser state.

use rand::seq::SliceRandom;
use rand::SeedableRng;
use serde::{Deserialize, Serialize};

use super::perceptron::{argmax, feature, Perceptron, Trainer};

const SHIFT: usize = 0;
const LEFT: usize = 1;
const RIGHT: usize = 2;
const NONE: u32 = u32::MAX;

/// The parser's view of a sentence: per-word hashes of the form and tag ids.
#[derive(Debug, Clone, Default)]
pub struct ParseInput {
    /// Case-folded form hash per word.
    pub words: Vec<u64>,

    /// Hash of the fine (XPOS) tag per word.
    pub tags: Vec<u64>,
    /// Hash of the coarse (UPOS) tag per word.
    pub coarse: Vec<u64>,
}

impl ParseInput {
    /// The value of token `t` (0 the root, `NONE` absent) in `values`.
    #[inline]
    fn at(values: &[u64], t: u32, absent: u64, root: u64) -> u64 {
        match t {
            NONE => absent,
            0 => root,
            _ => values[t as usize - 1],
        }
    }

    fn word(&self, t: u32) -> u64 {
        Self::at(&self.words, t, 1, 2)
    }

    fn tag(&self, t: u32) -> u64 {
        Self::at(&self.tags, t, 1, 2)
    }

    fn coarse_tag(&self, t: u32) -> u64 {
        Self::at(&self.coarse, t, 3, 3)
    }
}

/// A parse: the head (1-based, 0 for the root) and label index of each word.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Parse {
    /// Heads, `heads[i]` for word `i + 1`.
    pub heads: Vec<u32>,
    /// Label indices.
    pub labels: Vec<u16>,
}

/// The transition state. Token 0 is the root; words are 1..=n.
struct State {
    stack: Vec<u32>,
    next: u32,
    n: u32,
    heads: Vec<u32>,
    labels: Vec<u16>,
    /// Leftmost two and rightmost two children of each token.
    left: Vec<[u32; 2]>,
    right: Vec<[u32; 2]>,
    n_left: Vec<u16>,
    n_right: Vec<u16>,
    /// Bit sets of the labels of each token's left and right children.
    left_labels: Vec<u64>,
    right_labels: Vec<u64>,
}

impl State {
    fn new(n: usize) -> Self {
        let m = n + 1;
        State {
            stack: vec![0],
            next: 1,
            n: n as u32,
            heads: vec![NONE; m],
            labels: vec![0; m],
            left: vec![[NONE; 2]; m],
            right: vec![[NONE; 2]; m],
            n_left: vec![0; m],
            n_right: vec![0; m],
            left_labels: vec![0; m],
            right_labels: vec![0; m],
        }
    }

    fn done(&self) -> bool {
        self.next > self.n && self.stack.len() == 1
    }

    fn s(&self, k: usize) -> u32 {
        if self.stack.len() > k {
            self.stack[self.stack.len() - 1 - k]
        } else {
            NONE
        }
    }

    fn b(&self, k: u32) -> u32 {
        if self.next + k <= self.n {
            self.next + k
        } else {
            NONE
        }
    }

    fn valid(&self, t: usize) -> bool {
        let buffer = self.next <= self.n;
        match t {
            SHIFT => buffer,
            LEFT => buffer && self.stack.len() > 1,
            _ => self.stack.len() > 2 || (self.stack.len() == 2 && !buffer),
        }
    }

    /// The head and dependent the arc transition `t` would add.
    fn arc(&self, t: usize) -> (u32, u32) {
        if t == LEFT {
            (self.next, self.s(0))
        } else {
            (self.s(1), self.s(0))
        }
    }

    fn attach(&mut self, head: u32, dep: u32, label: u16) {
        let (h, d) = (head as usize, dep as usize);
        self.heads[d] = head;
        self.labels[d] = label;
        let bit = 1u64 << (label % 64);
        if dep < head {
            let l = &mut self.left[h];
            if l[0] == NONE || dep < l[0] {
                l[1] = l[0];
                l[0] = dep;
            } else if l[1] == NONE || dep < l[1] {
                l[1] = dep;
            }
            self.n_left[h] += 1;
            self.left_labels[h] |= bit;
        } else {
            let r = &mut self.right[h];
            if r[0] == NONE || dep > r[0] {
                r[1] = r[0];
                r[0] = dep;
            } else if r[1] == NONE || dep > r[1] {
                r[1] = dep;
            }
            self.n_right[h] += 1;
            self.right_labels[h] |= bit;
        }
    }

    fn apply(&mut self, t: usize, label: u16) {
        match t {
            SHIFT => {
                self.stack.push(self.next);
                self.next += 1;
            }
            _ => {
                let (h, d) = self.arc(t);
                self.stack.pop();
                self.attach(h, d, label);
            }
        }
    }

    /// Dynamic-oracle costs of the three transitions against projective `gold`
    /// heads (`gold[d]` for token `d`): how many gold arcs each makes unreachable.
    fn costs(&self, gold: &[u32]) -> [u32; 3] {
        let s0 = self.s(0);
        let in_buffer = |k: u32| k != NONE && k >= self.next && k <= self.n;
        let deps_in_buffer = |h: u32| (self.next..=self.n).filter(|&k| gold[k as usize] == h).count() as u32;
        let mut c = [u32::MAX; 3];
        if self.valid(SHIFT) {
            let b = self.next;
            let mut cost = 0;
            for (i, &k) in self.stack.iter().enumerate() {
                let top = i + 1 == self.stack.len();
                cost += u32::from(gold[b as usize] == k && !top);
                cost += u32::from(k != 0 && gold[k as usize] == b);
            }
            c[SHIFT] = cost;
        }
        if self.valid(LEFT) {
            let h = gold[s0 as usize];
            let lost_head = h != self.next && (h == self.s(1) || in_buffer(h));
            c[LEFT] = u32::from(lost_head) + deps_in_buffer(s0);
        }
        if self.valid(RIGHT) {
            c[RIGHT] = u32::from(in_buffer(gold[s0 as usize])) + deps_in_buffer(s0);
        }
        c
    }
}

/// Feature templates over the state, in the style of Zhang and Nivre (2011).
fn features(st: &State, x: &ParseInput, out: &mut Vec<u64>) {
    let (w, p) = (|t| x.word(t), |t| x.tag(t));
    let lab = |t: u32| if t == NONE { 1 } else { u64::from(st.labels[t as usize]) + 10 };
    let child = |t: u32, side: &[[u32; 2]], k: usize| if t == NONE { NONE } else { side[t as usize][k] };
    let (s0, s1, s2) = (st.s(0), st.s(1), st.s(2));
    let (b0, b1, b2) = (st.b(0), st.b(1), st.b(2));
    let (s0l, s0l2, s0r, s0r2) =
        (child(s0, &st.left, 0), child(s0, &st.left, 1), child(s0, &st.right, 0), child(s0, &st.right, 1));
    let (b0l, b0l2) = (child(b0, &st.left, 0), child(b0, &st.left, 1));
    let (s1l, s1r) = (child(s1, &st.left, 0), child(s1, &st.right, 0));
    let dist = if s0 != NONE && s0 != 0 && b0 != NONE { u64::from((b0 - s0).min(6)) } else { 0 };
    let val = |t: u32, side: &[u16]| if t == NONE { 99 } else { u64::from(side[t as usize].min(5)) };
    let set = |t: u32, side: &[u64]| if t == NONE { 1 } else { side[t as usize] };
    let c = |a: u64, b: u64| a.rotate_left(21) ^ b;
    let c3 = |a: u64, b: u64, d: u64| a.rotate_left(42) ^ b.rotate_left(21) ^ d;
    let (ws0, ps0, wb0, pb0, ws1, ps1, wb1, pb1) = (w(s0), p(s0), w(b0), p(b0), w(s1), p(s1), w(b1), p(b1));
    out.clear();
    out.extend_from_slice(&[
        feature(1, 0),
        feature(2, ws0),
        feature(3, ps0),
        feature(4, c(ws0, ps0)),
        feature(5, ws1),
        feature(6, ps1),
        feature(7, c(ws1, ps1)),
        feature(8, wb0),
        feature(9, pb0),
        feature(10, c(wb0, pb0)),
        feature(11, wb1),
        feature(12, pb1),
        feature(13, c(wb1, pb1)),
        feature(14, w(b2)),
        feature(15, p(b2)),
        feature(16, p(s2)),
        feature(17, c(c(ws0, ps0), c(wb0, pb0))),
        feature(18, c3(ws0, ps0, wb0)),
        feature(19, c3(ws0, wb0, pb0)),
        feature(20, c3(ws0, ps0, pb0)),
        feature(21, c3(ps0, wb0, pb0)),
        feature(22, c(ws0, wb0)),
        feature(23, c(ps0, pb0)),
        feature(24, c(pb0, pb1)),
        feature(25, c3(pb0, pb1, p(b2))),
        feature(26, c3(ps0, pb0, pb1)),
        feature(27, c3(ps1, ps0, pb0)),
        feature(28, c3(ps0, p(s0l), pb0)),
        feature(29, c3(ps0, p(s0r), pb0)),
        feature(30, c3(ps0, pb0, p(b0l))),
        feature(31, c3(ps1, ps0, p(s0l))),
        feature(32, c3(ps1, ps0, p(s0r))),
        feature(33, c3(ps1, p(s1r), ps0)),
        feature(34, c3(p(s2), ps1, ps0)),
        feature(35, c(ws0, dist)),
        feature(36, c(ps0, dist)),
        feature(37, c(wb0, dist)),
        feature(38, c(pb0, dist)),
        feature(39, c3(ws0, wb0, dist)),
        feature(40, c3(ps0, pb0, dist)),
        feature(41, c(ws0, val(s0, &st.n_right))),
        feature(42, c(ps0, val(s0, &st.n_right))),
        feature(43, c(ws0, val(s0, &st.n_left))),
        feature(44, c(ps0, val(s0, &st.n_left))),
        feature(45, c(wb0, val(b0, &st.n_left))),
        feature(46, c(pb0, val(b0, &st.n_left))),
        feature(47, w(s0l)),
        feature(48, p(s0l)),
        feature(49, lab(s0l)),
        feature(50, w(s0r)),
        feature(51, p(s0r)),
        feature(52, lab(s0r)),
        feature(53, w(b0l)),
        feature(54, p(b0l)),
        feature(55, lab(b0l)),
        feature(56, p(s0l2)),
        feature(57, lab(s0l2)),
        feature(58, p(s0r2)),
        feature(59, lab(s0r2)),
        feature(60, p(b0l2)),
        feature(61, lab(b0l2)),
        feature(62, c3(ps0, p(s0l), p(s0l2))),
        feature(63, c3(ps0, p(s0r), p(s0r2))),
        feature(64, c3(pb0, p(b0l), p(b0l2))),
        feature(65, c3(ws0, set(s0, &st.right_labels), 0)),
        feature(66, c3(ps0, set(s0, &st.right_labels), 0)),
        feature(67, c3(ws0, set(s0, &st.left_labels), 0)),
        feature(68, c3(ps0, set(s0, &st.left_labels), 0)),
        feature(69, c3(wb0, set(b0, &st.left_labels), 0)),
        feature(70, c3(pb0, set(b0, &st.left_labels), 0)),
        feature(71, c3(ps1, lab(s1l), p(s1l))),
        feature(72, c(ws0, pb0)),
        feature(73, c(ps0, wb0)),
        feature(74, c3(ps1, ws0, pb0)),
        feature(75, c3(ws1, ps0, pb0)),
    ]);
}

/// Features for labelling the arc `head → dep` (the dependent's subtree is complete).
fn label_features(st: &State, x: &ParseInput, head: u32, dep: u32, out: &mut Vec<u64>) {
    let (w, p) = (|t| x.word(t), |t| x.tag(t));
    let cp = |t: u32| x.coarse_tag(t);
    let lab = |t: u32| if t == NONE { 1 } else { u64::from(st.labels[t as usize]) + 10 };
    let c = |a: u64, b: u64| a.rotate_left(21) ^ b;
    let c3 = |a: u64, b: u64, d: u64| a.rotate_left(42) ^ b.rotate_left(21) ^ d;
    let dir = u64::from(dep < head) + 1;
    let dist = u64::from(head.abs_diff(dep).min(8)) * 2 + dir;
    let (wd, pd, wh, ph) = (w(dep), p(dep), w(head), p(head));
    let d = dep as usize;
    let (dl, dr) = (st.left[d][0], st.right[d][0]);
    let prev = if dep > 1 { dep - 1 } else { NONE };
    let next = if dep < st.n { dep + 1 } else { NONE };
    let hl = if head == NONE { NONE } else { st.left[head as usize][0] };
    out.clear();
    out.extend_from_slice(&[
        feature(101, 0),
        feature(102, wd),
        feature(103, pd),
        feature(104, c(wd, pd)),
        feature(105, wh),
        feature(106, ph),
        feature(107, c(wh, ph)),
        feature(108, c3(pd, ph, dir)),
        feature(109, c3(wd, ph, dir)),
        feature(110, c3(pd, wh, dir)),
        feature(111, c3(wd, wh, dir)),
        feature(112, c(c(pd, ph), dist)),
        feature(113, c3(pd, p(dl), lab(dl))),
        feature(114, c3(pd, p(dr), lab(dr))),
        feature(115, c3(pd, st.left_labels[d], st.right_labels[d])),
        feature(116, c3(pd, p(prev), dir)),
        feature(117, c3(pd, p(next), dir)),
        feature(118, c3(ph, cp(dep), dir)),
        feature(119, c3(cp(head), cp(dep), dir)),
        feature(120, c3(wd, w(dl), dir)),
        feature(121, c3(pd, lab(hl), dir)),
        feature(122, c(c(cp(dep), cp(head)), dist)),
        feature(123, c3(w(prev), wd, dir)),
        feature(124, c3(pd, ph, if head == 0 { 7 } else { lab(st.heads[head as usize]) })),
        feature(125, c3(wd, w(dr), ph)),
    ]);
}

/// A trained parser: the transition model, the labeller and the label names.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Parser {
    labels: Vec<String>,
    root_label: u16,
    transitions: Perceptron,
    labeller: Perceptron,
}

/// Per-thread buffers for parsing.
#[derive(Debug, Default, Clone)]
pub struct ParseScratch {
    features: Vec<u64>,
    scores: Vec<f32>,
}

/// Parser training settings.
#[derive(Debug, Clone, Copy)]
pub struct ParserParams {
    /// Passes over the training sentences.
    pub epochs: usize,
    /// Seed for the order of sentences.
    pub seed: u64,
    /// Passes that follow the oracle before the parser follows its own predictions.
    pub static_epochs: usize,
    /// Averaged weights smaller than this are dropped from the model.
    pub prune: f32,
}

impl Default for ParserParams {
    fn default() -> Self {
        ParserParams { epochs: 10, seed: 1, static_epochs: 1, prune: 1e-3 }
    }
}

/// One training sentence for the parser.
pub struct ParseExample {
    /// Its input (predicted tags, as at parse time).
    pub input: ParseInput,
    /// Gold heads, made projective (`heads[i]` for word `i + 1`).
    pub heads: Vec<u32>,
    /// Gold label indices.
    pub labels: Vec<u16>,
}

impl Parser {
    /// Checks consistency after decoding.
    pub fn validate(&mut self) -> Result<(), String> {
        self.transitions.validate()?;
        self.labeller.validate()?;
        if self.transitions.n_classes() != 3
            || self.labeller.n_classes() != self.labels.len()
            || self.root_label as usize >= self.labels.len()
            || self.labels.len() > u16::MAX as usize
        {
            return Err("parser classes do not match its weights".into());
        }
        Ok(())
    }

    /// The label names.
    pub fn labels(&self) -> &[String] {
        &self.labels
    }

    /// Parses one sentence.
    pub fn parse(&self, x: &ParseInput, scratch: &mut ParseScratch) -> Parse {
        let mut st = State::new(x.words.len());
        scratch.scores.resize(self.labels.len().max(3), 0.0);
        while !st.done() {
            features(&st, x, &mut scratch.features);
            self.transitions.scores(&scratch.features, &mut scratch.scores);
            let t = argmax(&scratch.scores[..3], |t| st.valid(t)).expect("a valid transition always exists");
            let label = if t == SHIFT { 0 } else { self.label(&st, x, t, scratch) };
            st.apply(t, label);
        }
        Parse { heads: st.heads[1..].to_vec(), labels: st.labels[1..].to_vec() }
    }

    fn label(&self, st: &State, x: &ParseInput, t: usize, scratch: &mut ParseScratch) -> u16 {
        let (head, dep) = st.arc(t);
        if head == 0 {
            return self.root_label;
        }
        label_features(st, x, head, dep, &mut scratch.features);
        self.labeller.scores(&scratch.features, &mut scratch.scores);
        argmax(&scratch.scores[..self.labels.len()], |l| l != self.root_label as usize).unwrap_or(0) as u16
    }

    /// Trains a parser; `labels` names the label indices of the examples.
    pub fn train(
        examples: &[ParseExample],
        labels: Vec<String>,
        params: ParserParams,
        mut progress: impl FnMut(usize),
    ) -> Parser {
        let root_label = labels.iter().position(|l| l == "root").unwrap_or(0) as u16;
        let mut moves = Trainer::new(3);
        let mut labeller = Trainer::new(labels.len());
        let mut order: Vec<usize> = (0..examples.len()).collect();
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(params.seed);
        let mut feats = Vec::new();
        let mut scores = vec![0f32; labels.len().max(3)];
        let mut gold = Vec::new();
        for epoch in 0..params.epochs {
            order.shuffle(&mut rng);
            for &ei in &order {
                let ex = &examples[ei];
                gold.clear();
                gold.push(NONE);
                gold.extend_from_slice(&ex.heads);
                let mut st = State::new(ex.heads.len());
                while !st.done() {
                    features(&st, &ex.input, &mut feats);
                    moves.tick();
                    moves.scores(&feats, &mut scores);
                    let costs = st.costs(&gold);
                    let guess = argmax(&scores[..3], |t| st.valid(t)).expect("valid transition");
                    let least = *costs.iter().min().expect("three costs");
                    let best = argmax(&scores[..3], |t| costs[t] == least).expect("a least-cost transition");
                    if costs[guess] > least {
                        moves.update(&feats, best, guess);
                    }
                    let t = if epoch < params.static_epochs { best } else { guess };
                    let mut label = 0;
                    if t != SHIFT {
                        let (head, dep) = st.arc(t);
                        label = root_label;
                        if head != 0 {
                            label_features(&st, &ex.input, head, dep, &mut feats);
                            labeller.tick();
                            labeller.scores(&feats, &mut scores);
                            let l = argmax(&scores[..labels.len()], |l| l != root_label as usize).unwrap_or(0);
                            if gold[dep as usize] == head {
                                labeller.update(&feats, ex.labels[dep as usize - 1] as usize, l);
                            }
                            label = l as u16;
                        }
                    }
                    st.apply(t, label);
                }
            }
            progress(epoch + 1);
        }
        let mut parser = Parser {
            labels,
            root_label,
            transitions: moves.average(params.prune),
            labeller: labeller.average(params.prune),
        };
        parser.validate().expect("a trained parser is consistent");
        parser
    }
}

/// Makes `heads` (1-based, 0 = root; `heads[i]` for word `i + 1`) projective by
/// lifting the shortest non-projective arc to its head's head until none is left.
pub fn projectivize(heads: &mut [u32]) {
    let n = heads.len() as u32;
    let dominated = |heads: &[u32], h: u32, mut k: u32| {
        let mut steps = 0;
        while k != 0 && steps <= n {
            k = heads[k as usize - 1];
            if k == h {
                return true;
            }
            steps += 1;
        }
        h == 0
    };
    loop {
        let mut worst: Option<(u32, u32)> = None;
        for d in 1..=n {
            let h = heads[d as usize - 1];
            let (lo, hi) = (h.min(d), h.max(d));
            let projective = (lo + 1..hi).all(|k| dominated(heads, h, k));
            if !projective && worst.is_none_or(|(_, len)| hi - lo < len) {
                worst = Some((d, hi - lo));
            }
        }
        match worst {
            Some((d, _)) => {
                let h = heads[d as usize - 1];
                heads[d as usize - 1] = heads[h as usize - 1];
            }
            None => return,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lifting_makes_a_crossing_tree_projective() {
        // Root 2; the arcs 3 -> 1 and 1 -> 4 both cross word 2's root arc. The shorter
        // (3 -> 1) is lifted to 2 first, then 1 -> 4 still spans 2 and 3 and is lifted too.
        let mut heads = vec![3, 0, 2, 1];
        projectivize(&mut heads);
        assert_eq!(heads, vec![2, 0, 2, 2]);
        // Only the crossing arc moves: 4 -> 2 spans 3, which 4 does not dominate.
        let mut one = vec![0, 4, 1, 1];
        projectivize(&mut one);
        assert_eq!(one, vec![0, 1, 1, 1]);
        let mut proj = vec![2, 0, 2];
        projectivize(&mut proj);
        assert_eq!(proj, vec![2, 0, 2]);
    }

    #[test]
    fn following_the_oracle_rebuilds_any_projective_tree() {
        let trees: [&[u32]; 4] = [&[0], &[2, 0, 2], &[2, 4, 4, 0, 4, 5], &[0, 1, 2, 3, 4]];
        for heads in trees {
            let mut gold = vec![NONE];
            gold.extend_from_slice(heads);
            let mut st = State::new(heads.len());
            while !st.done() {
                let costs = st.costs(&gold);
                let t = (0..3).find(|&t| costs[t] == 0).expect("a zero-cost transition");
                st.apply(t, 0);
            }
            assert_eq!(&st.heads[1..], heads);
        }
    }
}
