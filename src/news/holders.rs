//! Holder → target links within a sentence: who holds a stance toward which
//! event. Patterns: subject of the clause, coordinated subjects ("Egypt and
//! Jordan welcomed"), exception clauses ("with the exception of Turkey,
//! which questioned ..."), "according to X", passive "by X", possessives
//! ("Turkey's rejection of"), and clause splits at "while", "but", ";".

use super::actors::ActorMention;
use super::events::EventMention;

/// A link from an actor mention to an event mention in one sentence.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Link {
    /// Index into the sentence's actor mentions.
    pub actor: usize,
    /// Index into the sentence's event mentions.
    pub event: usize,
    /// How sure the link is, in (0, 1].
    pub weight: f32,
}

/// Words before a mention that make it an object, not a holder.
const OBJECT_WORDS: &[&str] = &[
    "with", "to", "on", "against", "between", "for", "of", "from", "in", "at", "into", "toward", "towards", "urged",
    "over",
];

/// Clause boundaries: byte offsets where a new clause starts.
fn clause_starts(s: &str) -> Vec<usize> {
    let lower = s.to_lowercase();
    let mut cuts = vec![0];
    if lower.len() != s.len() {
        return cuts;
    }
    for marker in [", while ", ", whereas ", "; ", ", but ", " but ", ", although ", ", even as ", " while "] {
        for (i, _) in lower.match_indices(marker) {
            cuts.push(i + marker.len());
        }
    }
    cuts.sort_unstable();
    cuts.dedup();
    cuts
}

fn clause_of(cuts: &[usize], pos: usize) -> usize {
    cuts.iter().rposition(|&c| c <= pos).unwrap_or(0)
}

/// The word before a position, skipping determiners ("on the UN" → "on").
fn prev_word(s: &str) -> String {
    let mut words = s.rsplit(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_lowercase);
    loop {
        match words.next() {
            Some(w) if matches!(w.as_str(), "the" | "a" | "an" | "its" | "their") => continue,
            Some(w) => return w,
            None => return String::new(),
        }
    }
}

/// True when the word before a mention is a verb, making the mention its object
/// ("accused the United States", "urged the European Community").
fn follows_verb(before: &str, prev: &str) -> bool {
    let raw = before.trim_end().rsplit(|c: char| !c.is_alphanumeric()).find(|w| !w.is_empty()).unwrap_or("");
    let lowercase = raw.chars().next().is_some_and(char::is_lowercase);
    let verb = prev.ends_with("ed")
        || matches!(
            prev,
            "told"
                | "asked"
                | "urge"
                | "urges"
                | "accuse"
                | "accuses"
                | "warn"
                | "warns"
                | "sue"
                | "sues"
                | "visit"
                | "visits"
                | "met"
                | "meet"
                | "meets"
        );
    lowercase && verb && !matches!(prev, "led" | "based" | "backed" | "united")
}

/// True when the actor mention sits in an exception phrase ("with the exception of X", "except X").
fn exception_holder(s: &str, m: &ActorMention) -> bool {
    let before = s[..m.start].to_lowercase();
    let before = before.trim_end();
    ["with the exception of", "except for", "except", "apart from", "other than", "save for"]
        .iter()
        .any(|p| before.ends_with(p))
}

/// Links actors to events in `sentence`; place-like (locative) mentions never hold a stance.
pub fn link(sentence: &str, actors: &[ActorMention], events: &[EventMention]) -> Vec<Link> {
    let cuts = clause_starts(sentence);
    let lower = sentence.to_lowercase();
    let mut links: Vec<Link> = Vec::new();
    for (ei, ev) in events.iter().enumerate() {
        let ev_clause = clause_of(&cuts, ev.start);
        let mut best: Vec<(usize, f32)> = Vec::new();
        for (ai, a) in actors.iter().enumerate() {
            let exception = exception_holder(sentence, a);
            if (a.locative && !exception) || (a.start < ev.end && a.end > ev.start) {
                continue;
            }
            let prev = prev_word(&sentence[..a.start]);
            let before = lower[..a.start].trim_end();
            let a_clause = clause_of(&cuts, a.start);
            let weight = if exception {
                1.0
            } else if before.ends_with("according to") {
                0.8
            } else if prev == "by" && a.start > ev.end {
                0.85
            } else if sentence[a.end..].starts_with("'s") || sentence[a.end..].starts_with("\u{2019}s") {
                if a.end < ev.start {
                    0.85
                } else {
                    0.0
                }
            } else if OBJECT_WORDS.contains(&prev.as_str())
                || (follows_verb(&sentence[..a.start], &prev)
                    && actors.iter().any(|b| !b.locative && b.end <= a.start && clause_of(&cuts, b.start) == a_clause))
            {
                0.0
            } else if a.end <= ev.start && a_clause == ev_clause {
                // Before the event in the same clause: the clause's first actor is most likely
                // its subject; later ones less so, and nearer ones more so.
                let first = !actors.iter().any(|b| {
                    !b.locative && b.end <= a.start && clause_of(&cuts, b.start) == a_clause && b.actor != a.actor
                });
                let gap = sentence[a.end..ev.start].split_whitespace().count();
                let base = if first { 0.9 } else { 0.75 };
                (base - 0.01 * gap as f32).max(0.5)
            } else if a.end <= ev.start {
                0.35
            } else if a_clause == ev_clause
                && (lower[ev.end..a.start].contains("which") || lower[ev.end..a.start].contains("that"))
            {
                0.6
            } else {
                0.0
            };
            if weight > 0.0 {
                best.push((ai, weight));
            }
        }
        if best.is_empty() {
            continue;
        }
        let top = best.iter().map(|b| b.1).fold(0.0, f32::max);
        // Keep the best holder, and the holders coordinated with it ("Egypt and Jordan", "Egypt, Greece,
        // Cyprus and France"): a chain of neighbours joined by "and" or commas shares the stance.
        let joined = |x: usize, y: usize| {
            let (x, y) = if actors[x].end <= actors[y].start { (x, y) } else { (y, x) };
            actors[x].end <= actors[y].start
                && matches!(lower[actors[x].end..actors[y].start].trim(), "and" | "," | ", and" | "as well as")
        };
        let mut coordinated: Vec<bool> = best.iter().map(|b| b.1 == top).collect();
        let mut grew = true;
        while grew {
            grew = false;
            for i in 0..best.len() {
                if !coordinated[i]
                    && best[i].1 >= 0.5
                    && (0..best.len()).any(|j| coordinated[j] && joined(best[i].0, best[j].0))
                {
                    coordinated[i] = true;
                    grew = true;
                }
            }
        }
        for (&(ai, w), &keep) in best.iter().zip(&coordinated) {
            if keep {
                links.push(Link { actor: ai, event: ei, weight: if w == top { w } else { top } });
            }
        }
    }
    links
}

#[cfg(test)]
mod tests {
    use super::super::actors::Gazetteer;
    use super::super::events::find_events;
    use super::*;

    fn pairs(s: &str) -> Vec<(String, String)> {
        let g = Gazetteer::new(Vec::new()).unwrap();
        let actors = g.find(s);
        let events = find_events(s, &[]);
        link(s, &actors, &events)
            .into_iter()
            .map(|l| (actors[l.actor].actor.clone(), s[events[l.event].start..events[l.event].end].to_string()))
            .collect()
    }

    #[test]
    fn subject_exception_passive_and_clauses() {
        assert_eq!(pairs("Russia praised the ceasefire agreement."), [("RUS".into(), "ceasefire agreement".into())]);
        let exc = pairs("Praise followed the truce, with the exception of Turkey which questioned the ceasefire.");
        assert!(exc.contains(&("TUR".into(), "ceasefire".into())), "{exc:?}");
        assert_eq!(pairs("The deal was rejected by Moscow.")[0].0, "RUS");
        let two = pairs("Egypt praised the agreement, while Ankara voiced doubts that the truce would last.");
        assert!(two.contains(&("EGY".into(), "agreement".into())), "{two:?}");
        assert!(two.contains(&("TUR".into(), "truce".into())), "{two:?}");
        assert!(!two.contains(&("EGY".into(), "truce".into())), "{two:?}");
    }

    #[test]
    fn objects_and_places_are_not_holders() {
        assert!(pairs("The United States imposed sanctions on Iran.").iter().all(|p| p.0 != "IRN"));
        let both = pairs("Egypt and Jordan welcomed the summit.");
        assert_eq!(both.len(), 2, "{both:?}");
        let four = pairs("Egypt, Greece, Cyprus and France denounced the maritime agreement with Libya.");
        let holders: Vec<&str> = four.iter().map(|p| p.0.as_str()).collect();
        assert_eq!(holders, ["EGY", "GRC", "CYP", "FRA"], "every coordinated holder: {four:?}");
    }
}
