//! Light coreference: a subject pronoun or role noun ("he", "she", "they",
//! "his country", "the minister") at the start of a clause refers to the most
//! recent actor named as a holder in the article.

use super::actors::{ActorMention, AliasKind};

const SUBJECTS: &[&str] = &[
    "his country",
    "her country",
    "their country",
    "his government",
    "her government",
    "the minister",
    "the president",
    "the prime minister",
    "the foreign minister",
    "the spokesman",
    "the spokeswoman",
    "the government",
    "he",
    "she",
    "they",
];

/// Adds a mention for a clause-initial subject pronoun when `last` (the latest
/// holder) is known and the sentence names no agent of its own before it.
pub fn resolve(sentence: &str, actors: &mut Vec<ActorMention>, last: Option<&ActorMention>) {
    let Some(last) = last else { return };
    let lower = sentence.to_lowercase();
    if lower.len() != sentence.len() {
        return;
    }
    let mut starts = vec![0];
    starts.extend(lower.match_indices(", ").map(|(i, _)| i + 2));
    starts.extend(lower.match_indices("\" ").map(|(i, _)| i + 2));
    starts.extend(lower.match_indices(" and ").map(|(i, _)| i + 5));
    for s in starts {
        let rest = &lower[s..];
        let Some(p) =
            SUBJECTS.iter().find(|p| rest.starts_with(**p) && !rest[p.len()..].starts_with(char::is_alphanumeric))
        else {
            continue;
        };
        let end = s + p.len();
        let named_before = actors.iter().any(|a| !a.locative && a.start < s);
        if named_before || actors.iter().any(|a| a.start < end && a.end > s) {
            continue;
        }
        actors.push(ActorMention {
            start: s,
            end,
            actor: last.actor.clone(),
            sector: last.sector.clone(),
            kind: AliasKind::Person,
            locative: false,
            country: last.country.clone(),
        });
    }
    actors.sort_by_key(|a| a.start);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pronoun_takes_the_last_holder() {
        let last = ActorMention {
            start: 0,
            end: 7,
            actor: "TUR".into(),
            sector: "GOV".into(),
            kind: AliasKind::Person,
            locative: false,
            country: "TUR".into(),
        };
        let mut actors = Vec::new();
        resolve("He described the ceasefire as lacking credibility.", &mut actors, Some(&last));
        assert_eq!(actors.len(), 1);
        assert_eq!((actors[0].start, actors[0].end, actors[0].actor.as_str()), (0, 2, "TUR"));
        let mut none = Vec::new();
        resolve("The weather was fine.", &mut none, Some(&last));
        assert!(none.is_empty());
    }
}
