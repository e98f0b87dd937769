//! Event salience: which events an article is about. An event is salient when
//! the article names it in its headline or lead, or mentions it again later;
//! a row about any other event needs stronger evidence. Chosen for precision
//! on the project's own annotated articles (`datasets/wikinews`): README,
//! "Actor → event stance", gives the measurements.

/// Salience settings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Salience {
    /// An event mentioned at least this many times is salient.
    pub min_mentions: usize,
    /// An event first mentioned in this many opening sentences (headline, dateline, lead) is salient.
    pub lead_sentences: usize,
    /// Least summed evidence for a row about an event that is not salient.
    pub min_mass_other: f32,
}

impl Default for Salience {
    fn default() -> Self {
        Self { min_mentions: 3, lead_sentences: 3, min_mass_other: 1.0 }
    }
}

impl Salience {
    /// Whether each of `n_events` events is salient, given every event mention
    /// as (event, sentence index).
    pub fn salient(&self, mentions: &[(usize, usize)], n_events: usize) -> Vec<bool> {
        let mut count = vec![0usize; n_events];
        let mut first = vec![usize::MAX; n_events];
        for &(event, sentence) in mentions {
            count[event] += 1;
            first[event] = first[event].min(sentence);
        }
        count.iter().zip(&first).map(|(&n, &f)| n >= self.min_mentions || f < self.lead_sentences).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_or_early_events_are_salient() {
        let s = Salience::default();
        // Event 0 once in the headline, 1 three times late, 2 twice late, 3 never mentioned.
        let got = s.salient(&[(0, 0), (1, 7), (2, 9), (1, 12), (2, 13), (1, 20)], 4);
        assert_eq!(got, [true, true, false, false]);
    }
}
