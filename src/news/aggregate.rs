//! Aggregation per (actor, event) over an article: a verdict (supportive,
//! skeptical, mixed) or no row when the evidence is weak, a confidence in
//! [0, 1], and the evidence sentences ranked by their own scores.

use serde::Serialize;

/// The stance of an actor toward an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// Backs, welcomes, praises, signs.
    Supportive,
    /// Opposes, doubts, criticises, rejects.
    Skeptical,
    /// Strong evidence both ways.
    Mixed,
}

impl Verdict {
    /// The lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Supportive => "supportive",
            Self::Skeptical => "skeptical",
            Self::Mixed => "mixed",
        }
    }
}

/// One sentence's evidence for a (holder, event) pair.
#[derive(Debug, Clone, PartialEq)]
pub struct Evidence {
    /// Index of the sentence in the article.
    pub sentence: usize,
    /// Probability that the holder supports the event in this sentence.
    pub supportive: f32,
    /// Probability that the holder is skeptical of it.
    pub skeptical: f32,
    /// Probability of no stance.
    pub neutral: f32,
    /// Confidence of the holder–event link.
    pub link: f32,
}

/// The aggregated result for one (actor, event).
#[derive(Debug, Clone, PartialEq)]
pub struct Aggregate {
    /// The verdict.
    pub verdict: Verdict,
    /// Confidence in [0, 1].
    pub confidence: f32,
    /// Evidence (sentence index, score), strongest first.
    pub ranked: Vec<(usize, f32)>,
}

/// The default least summed evidence for a verdict ([`AggregateParams::min_mass`]).
pub const DEFAULT_MIN_EVIDENCE: f32 = 0.3;

/// Thresholds for aggregation.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AggregateParams {
    /// Least summed evidence for a verdict (abstain below).
    pub min_mass: f32,
    /// A side counts toward `mixed` when its mass is at least this fraction of the other's.
    pub mixed_ratio: f32,
}

impl Default for AggregateParams {
    fn default() -> Self {
        Self { min_mass: DEFAULT_MIN_EVIDENCE, mixed_ratio: 0.6 }
    }
}

/// Aggregates `items`; `None` when the evidence is too weak.
pub fn aggregate(items: &[Evidence], params: AggregateParams) -> Option<Aggregate> {
    let (mut sup, mut ske) = (0f32, 0f32);
    for e in items {
        if e.supportive >= e.skeptical && e.supportive >= e.neutral {
            sup += e.link * e.supportive;
        } else if e.skeptical > e.supportive && e.skeptical >= e.neutral {
            ske += e.link * e.skeptical;
        }
    }
    let (hi, lo) = (sup.max(ske), sup.min(ske));
    if hi < params.min_mass {
        return None;
    }
    let verdict = if lo >= params.min_mass && lo >= params.mixed_ratio * hi {
        Verdict::Mixed
    } else if sup >= ske {
        Verdict::Supportive
    } else {
        Verdict::Skeptical
    };
    let score = |e: &Evidence| match verdict {
        Verdict::Supportive => e.link * e.supportive,
        Verdict::Skeptical => e.link * e.skeptical,
        Verdict::Mixed => e.link * e.supportive.max(e.skeptical),
    };
    let mut ranked: Vec<(usize, f32)> = items.iter().map(|e| (e.sentence, score(e))).collect();
    ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    ranked.dedup_by_key(|r| r.0);
    let doubt: f32 = ranked.iter().map(|r| 1.0 - r.1.clamp(0.0, 1.0)).product();
    let share = if verdict == Verdict::Mixed { 1.0 } else { hi / (sup + ske) };
    Some(Aggregate { verdict, confidence: ((1.0 - doubt) * share).clamp(0.0, 1.0), ranked })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(sentence: usize, supportive: f32, skeptical: f32, link: f32) -> Evidence {
        Evidence { sentence, supportive, skeptical, neutral: 1.0 - supportive - skeptical, link }
    }

    #[test]
    fn verdicts_abstain_and_rank() {
        let p = AggregateParams::default();
        let a = aggregate(&[ev(3, 0.1, 0.8, 0.9), ev(1, 0.1, 0.6, 0.9)], p).unwrap();
        assert_eq!(a.verdict, Verdict::Skeptical);
        assert_eq!(a.ranked.iter().map(|r| r.0).collect::<Vec<_>>(), [3, 1]);
        assert!(a.confidence > 0.8 && a.confidence <= 1.0);
        assert!(aggregate(&[ev(0, 0.4, 0.2, 0.5)], p).is_none(), "weak evidence abstains");
        assert!(aggregate(&[ev(0, 0.1, 0.1, 1.0)], p).is_none(), "neutral evidence abstains");
        let mixed = aggregate(&[ev(0, 0.9, 0.05, 1.0), ev(1, 0.05, 0.9, 1.0)], p).unwrap();
        assert_eq!(mixed.verdict, Verdict::Mixed);
    }
}
