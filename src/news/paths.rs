//! Holder → target links read from a sentence's dependency tree.
//!
//! An actor holds a stance toward an event when it is the subject (or passive
//! agent, possessor, or relative-clause head) of a predicate that governs the
//! event: "Russia praised the ceasefire", "the deal was rejected by Moscow",
//! "Turkey's rejection of the truce", "Turkey, which questioned the ceasefire",
//! "Turkey refused to back the deal", "Iran said the strike was an act of war".
//! Objects and obliques ("sanctions on Iran", "talks with Russia") never hold;
//! coordinated holders ("Egypt, Greece and France denounced") each hold.

use super::actors::ActorMention;
use super::events::EventMention;
use super::holders::Link;
use super::tree::Tree;

/// Most predicates walked up from an event before giving up.
const MAX_HOPS: usize = 8;
/// Link weight factor for every clause boundary crossed on the way up.
const CLAUSE_FACTOR: f32 = 0.9;
/// Link weight of an event's own possessor or agent ("Turkey's offensive").
const OWNER_WEIGHT: f32 = 0.6;

/// How an actor stands to a predicate.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Role {
    /// Its subject ("Russia praised").
    Subject,
    /// Its passive agent ("rejected by Moscow", "the rejection by Turkey").
    Agent,
    /// Its possessor ("Turkey's rejection").
    Possessor,
    /// The source it is reported by ("according to Turkey").
    Source,
}

impl Role {
    fn name(self) -> &'static str {
        match self {
            Role::Subject => "subject",
            Role::Agent => "agent",
            Role::Possessor => "possessor",
            Role::Source => "source",
        }
    }

    fn weight(self) -> f32 {
        match self {
            Role::Subject => 0.9,
            Role::Agent | Role::Possessor => 0.85,
            Role::Source => 0.8,
        }
    }
}

impl Tree {
    /// A path as text: "airstrike >nsubj illegal >ccomp said <subject".
    fn explain(&self, words: &[usize], role: Role, negated: bool) -> String {
        let mut out = String::new();
        for (i, &w) in words.iter().enumerate() {
            out.push_str(&self.forms[w]);
            if i + 1 < words.len() {
                out.push_str(&format!(" >{} ", self.rel(w)));
            }
        }
        out.push_str(&format!(" <{}", role.name()));
        if negated {
            out.push_str(" (negated)");
        }
        out
    }

    /// Where an actor's mention stands: the word heading the mention, then up
    /// through modifiers of the noun it names ("Turkish officials", "Turkey's
    /// foreign minister", "the minister of Turkey", "Patuanelli, Italy's
    /// minister") and conjuncts to the first one; the last word is its place in
    /// the clause.
    fn chain(&self, word: usize, events: &[(usize, usize)]) -> Vec<usize> {
        let in_event = |i: usize| events.iter().any(|&(s, e)| self.spans[i].0 < e && self.spans[i].1 > s);
        let mut chain = vec![word];
        let mut t = word;
        for _ in 0..MAX_HOPS {
            let Some(h) = self.heads[t] else { break };
            let modifier = matches!(self.rel(t), "amod" | "compound" | "flat" | "nmod:poss" | "nmod" | "appos");
            if (modifier && self.is_nominal(h) && !in_event(h)) || self.rel(t) == "conj" {
                t = h;
                chain.push(t);
            } else {
                break;
            }
        }
        chain
    }

    /// The predicates an actor standing at `chain` holds, with its role.
    fn chain_roles(&self, chain: &[usize]) -> Vec<(usize, Role)> {
        chain.iter().flat_map(|&t| self.roles(t)).collect()
    }

    /// The predicates an actor at clause position `t` holds, with its role.
    fn roles(&self, t: usize) -> Vec<(usize, Role)> {
        let mut out = Vec::new();
        let case = |lemmas: &[&str]| self.has_child(t, "case", lemmas);
        if let Some(g) = self.heads[t] {
            let passive = self.has_child(g, "nsubj:pass", &[]) || self.has_child(g, "aux:pass", &[]);
            match self.rel(t) {
                "nsubj" | "csubj" => out.push((g, Role::Subject)),
                "obl:agent" => out.push((g, Role::Agent)),
                "obl" if case(&["by"]) && (passive || self.rel(g) == "acl") => out.push((g, Role::Agent)),
                "nmod" if case(&["by"]) => out.push((g, Role::Agent)),
                "nmod:poss" => out.push((g, Role::Possessor)),
                "obl" if case(&["accord", "according"]) => out.push((g, Role::Source)),
                _ => {}
            }
        }
        // "Turkey, which questioned ...", "militias opposing the deal".
        for &c in &self.children[t] {
            let relative = self
                .subject(c)
                .is_some_and(|s| matches!(self.lemmas[s].as_str(), "which" | "who" | "that") && self.rel(s) == "nsubj");
            if (self.rel(c) == "acl:relcl" && relative) || (self.rel(c) == "acl" && self.subject(c).is_none()) {
                out.push((c, Role::Subject));
            }
        }
        out
    }
}

/// A link read from the tree, with the words on its path.
#[derive(Debug, Clone, PartialEq)]
pub struct PathLink {
    /// The link.
    pub link: Link,
    /// Byte spans of the words from the event's head up to the holder's predicate.
    pub path: Vec<(usize, usize)>,
    /// True when a word on the path is negated ("did not welcome", "never backed").
    pub negated: bool,
    /// The path as text: each word with its relation to the next, then the
    /// holder's role ("airstrike >nsubj illegal >ccomp said <subject").
    pub explain: String,
}

/// Links actors to events in one sentence by reading its tree: from each
/// event's head word up through the predicates that govern it, the first
/// predicate with a holder gives the link; a predicate whose own subject is
/// another noun ends the walk unless the event is that subject and the clause
/// is reported ("Iran said the strike was an act of war").
pub fn link(tree: &Tree, actors: &[ActorMention], events: &[EventMention]) -> Vec<PathLink> {
    let event_spans: Vec<(usize, usize)> = events.iter().map(|e| (e.start, e.end)).collect();
    // Every actor's (predicate, role) pairs.
    let roles: Vec<Vec<(usize, Role)>> = actors
        .iter()
        .map(|a| {
            tree.head_of(a.start, a.end).map(|w| tree.chain_roles(&tree.chain(w, &event_spans))).unwrap_or_default()
        })
        .collect();
    let holders_at = |p: usize, allowed: &dyn Fn(Role) -> bool| -> Vec<(usize, Role)> {
        roles
            .iter()
            .enumerate()
            .flat_map(|(ai, r)| {
                r.iter().filter(move |(q, role)| *q == p && allowed(*role)).map(move |&(_, role)| (ai, role))
            })
            .collect()
    };
    let mut links = Vec::new();
    for (ei, ev) in events.iter().enumerate() {
        let Some(e) = tree.head_of(ev.start, ev.end) else { continue };
        let overlaps = |ai: usize| actors[ai].start < ev.end && actors[ai].end > ev.start;
        // (actor, weight, words on the path, role)
        let mut found: Vec<(usize, f32, Vec<usize>, Role)> = Vec::new();
        let (mut node, mut factor, mut from) = (e, 1.0f32, e);
        let mut path = Vec::new();
        for _ in 0..MAX_HOPS {
            path.push(node);
            let mut here: Vec<(usize, f32, Vec<usize>, Role)> = Vec::new();
            for (ai, role) in holders_at(node, &|_| true) {
                if node == e && role != Role::Subject {
                    // The event's own possessor or agent ("Turkey's offensive"): weaker, and the walk goes on.
                    found.push((ai, OWNER_WEIGHT, vec![e], role));
                } else {
                    here.push((ai, role.weight() * factor, path.clone(), role));
                }
            }
            // Relative and participial clauses on a word of the path ("the deal, which Turkey rejected").
            for &c in &tree.children[node] {
                if c != from && matches!(tree.rel(c), "acl:relcl" | "acl" | "parataxis") {
                    let clause = holders_at(c, &|r| matches!(r, Role::Subject | Role::Agent));
                    let words: Vec<usize> = path.iter().copied().chain([c]).collect();
                    here.extend(
                        clause.into_iter().map(|(ai, r)| (ai, r.weight() * CLAUSE_FACTOR * factor, words.clone(), r)),
                    );
                }
            }
            if !here.is_empty() {
                found.extend(here);
                break;
            }
            // Another subject of the predicate is its holder, not ours: stop, unless the event
            // is (inside) that subject and the clause is reported.
            if let Some(s) = tree.subject(node).filter(|_| node != e) {
                let ours = s == from || (tree.spans[s].0 < ev.end && tree.spans[s].1 > ev.start);
                if !(ours && matches!(tree.rel(node), "ccomp" | "xcomp" | "parataxis")) {
                    break;
                }
            }
            let Some(h) = tree.heads[node] else { break };
            if matches!(tree.rel(node), "ccomp" | "xcomp" | "advcl" | "conj" | "acl" | "acl:relcl" | "parataxis") {
                factor *= CLAUSE_FACTOR;
            }
            from = node;
            node = h;
        }
        found.retain(|(ai, ..)| !overlaps(*ai));
        found.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.total_cmp(&a.1)));
        found.dedup_by_key(|f| f.0);
        links.extend(found.into_iter().map(|(actor, weight, words, role)| {
            let negated = words.iter().any(|&w| tree.negated(w));
            PathLink {
                link: Link { actor, event: ei, weight },
                negated,
                path: words.iter().map(|&w| tree.spans[w]).collect(),
                explain: tree.explain(&words, role, negated),
            }
        }));
    }
    links
}

#[cfg(test)]
mod tests {
    use std::sync::OnceLock;

    use super::super::actors::Gazetteer;
    use super::super::events::find_events;
    use super::*;
    use crate::syntax::{shipped_model_path, SyntaxModel, SyntaxScratch};

    fn model() -> &'static SyntaxModel {
        static MODEL: OnceLock<SyntaxModel> = OnceLock::new();
        MODEL.get_or_init(|| SyntaxModel::load(&shipped_model_path()).unwrap())
    }

    /// (holder, event words, negated) for every link in `s`.
    fn links(s: &str) -> Vec<(String, String, bool)> {
        let g = Gazetteer::new(Vec::new()).unwrap();
        let actors = g.find(s);
        let events = find_events(s, &[]);
        let tree = Tree::parse(model(), s, &mut SyntaxScratch::default());
        link(&tree, &actors, &events)
            .into_iter()
            .map(|l| {
                let e = &events[l.link.event];
                (actors[l.link.actor].actor.clone(), s[e.start..e.end].to_string(), l.negated)
            })
            .collect()
    }

    fn holders(s: &str) -> Vec<String> {
        links(s).into_iter().map(|l| l.0).collect()
    }

    #[test]
    fn subjects_agents_and_possessors_hold() {
        assert_eq!(holders("Russia praised the ceasefire agreement."), ["RUS"]);
        assert_eq!(holders("The deal was rejected by Moscow."), ["RUS"]);
        assert_eq!(holders("Turkey's rejection of the ceasefire surprised diplomats."), ["TUR"]);
        assert_eq!(holders("Turkey refused to back the deal."), ["TUR"]);
    }

    #[test]
    fn reported_clauses_relatives_and_coordination() {
        assert_eq!(holders("Iran said the airstrike was illegal."), ["IRN"]);
        let relative =
            holders("Praise followed the truce, with the exception of Turkey, which questioned the ceasefire.");
        assert!(relative.contains(&"TUR".to_string()), "{relative:?}");
        let mut all = holders("Egypt, Greece and France denounced the agreement.");
        all.sort();
        assert_eq!(all, ["EGY", "FRA", "GRC"]);
    }

    #[test]
    fn objects_do_not_hold_and_negation_is_seen() {
        assert_eq!(holders("The United States imposed sanctions on Iran."), ["USA"]);
        assert_eq!(links("Russia did not welcome the deal."), [("RUS".to_string(), "deal".to_string(), true)]);
        assert_eq!(links("Russia welcomed the deal."), [("RUS".to_string(), "deal".to_string(), false)]);
    }
}
