//! People within one article: a holder named by surname alone ("Johnson",
//! "Prime Minister Johnson") is the person named in full earlier in the article
//! ("Boris Johnson"), so that one person's sentences are one row.

use std::collections::HashMap;

use super::actors::{ActorMention, AliasKind};

/// The people named in full so far in an article, by surname.
#[derive(Debug, Default)]
pub struct ArticlePeople {
    by_surname: HashMap<String, ActorMention>,
}

impl ArticlePeople {
    /// Registers the people `actors` name in full, then gives each mention by
    /// surname alone the actor, state and sector of the person with that surname.
    pub fn resolve(&mut self, actors: &mut [ActorMention]) {
        for a in actors.iter().filter(|a| a.kind == AliasKind::Person) {
            if let Some((_, surname)) = a.actor.rsplit_once(' ') {
                self.by_surname.entry(surname.to_string()).or_insert_with(|| a.clone());
            }
        }
        for a in actors.iter_mut().filter(|a| a.kind == AliasKind::Person && !a.actor.contains(' ')) {
            if let Some(p) = self.by_surname.get(&a.actor) {
                a.actor.clone_from(&p.actor);
                a.country.clone_from(&p.country);
                a.sector.clone_from(&p.sector);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person(actor: &str, country: &str) -> ActorMention {
        ActorMention {
            start: 0,
            end: 1,
            actor: actor.into(),
            sector: "GOV".into(),
            kind: AliasKind::Person,
            locative: false,
            country: country.into(),
        }
    }

    #[test]
    fn a_surname_alone_is_the_person_named_in_full_before() {
        let mut people = ArticlePeople::default();
        let mut first = [person("Boris Johnson", "GBR"), person("Corbyn", "")];
        people.resolve(&mut first);
        assert_eq!(first[1].actor, "Corbyn", "no full name yet");
        let mut later = [person("Johnson", ""), person("Jeremy Corbyn", "GBR"), person("Corbyn", "")];
        people.resolve(&mut later);
        assert_eq!((later[0].actor.as_str(), later[0].country.as_str()), ("Boris Johnson", "GBR"));
        assert_eq!(later[2].actor, "Jeremy Corbyn");
        let mut state = [ActorMention { kind: AliasKind::State, ..person("Johnson", "") }];
        people.resolve(&mut state);
        assert_eq!(state[0].actor, "Johnson", "only people");
    }
}
