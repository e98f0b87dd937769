//! Event mentions: trigger nouns (ceasefire, sanctions, summit, deal, ...) with
//! their modifiers, named canonically, and clustered across an article so that
//! "the ceasefire agreement", "a permanent ceasefire" and "the agreement" are
//! one event. Users may also declare targets with their aliases.
//!
//! Over 400 lines: the trigger and modifier word lists take a third of it.

use super::NewsError;

/// One event mention in a sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventMention {
    /// Byte offset of the phrase (modifiers included) in the sentence.
    pub start: usize,
    /// Byte offset one past the phrase.
    pub end: usize,
    /// The head (trigger) word, lowercase.
    pub head: String,
    /// Canonical name when the phrase names a specific event type or has
    /// modifiers ("ceasefire", "nuclear deal"); `None` for a bare generic
    /// head ("the agreement"), which corefers with an earlier event.
    pub name: Option<String>,
}

/// A user-declared target: a name and phrases that mention it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeclaredTarget {
    /// The name used in the output.
    pub name: String,
    /// Lowercase phrases that mention it.
    pub aliases: Vec<String>,
}

impl DeclaredTarget {
    /// Parses `name=alias,alias` (the name itself is always an alias).
    pub fn parse(spec: &str) -> Result<Self, NewsError> {
        let (name, aliases) = spec.split_once('=').unwrap_or((spec, ""));
        let name = name.trim();
        if name.is_empty() {
            return Err(NewsError::Target(spec.to_string()));
        }
        let mut all: Vec<String> = std::iter::once(name)
            .chain(aliases.split(','))
            .map(|a| a.trim().to_lowercase())
            .filter(|a| !a.is_empty())
            .collect();
        all.sort_by_key(|a| std::cmp::Reverse(a.len()));
        all.dedup();
        Ok(Self { name: name.to_string(), aliases: all })
    }
}

/// Trigger words: (surface, canonical type, specific). Specific types name the
/// event by themselves; generic heads need a modifier or an antecedent.
const TRIGGERS: &[(&str, &str, bool)] = &[
    ("ceasefire", "ceasefire", true),
    ("ceasefires", "ceasefire", true),
    ("cease-fire", "ceasefire", true),
    ("truce", "ceasefire", true),
    ("armistice", "ceasefire", true),
    ("sanctions", "sanctions", true),
    ("embargo", "embargo", true),
    ("summit", "summit", true),
    ("conference", "conference", true),
    ("talks", "talks", true),
    ("negotiations", "talks", true),
    ("referendum", "referendum", true),
    ("election", "election", true),
    ("elections", "election", true),
    ("resolution", "resolution", true),
    ("operation", "operation", true),
    ("offensive", "offensive", true),
    ("airstrike", "strike", true),
    ("airstrikes", "strike", true),
    ("strikes", "strike", true),
    ("withdrawal", "withdrawal", true),
    ("pullout", "withdrawal", true),
    ("pipeline", "pipeline", true),
    ("annexation", "annexation", true),
    ("blockade", "blockade", true),
    ("tariffs", "tariffs", true),
    ("ban", "ban", true),
    ("treaty", "treaty", true),
    ("memorandum", "memorandum", true),
    ("invasion", "invasion", true),
    ("incursion", "incursion", true),
    ("bill", "bill", false),
    ("law", "law", false),
    ("reform", "reform", false),
    ("reforms", "reform", false),
    ("agreement", "agreement", false),
    ("deal", "deal", false),
    ("accord", "accord", false),
    ("pact", "pact", false),
    ("plan", "plan", false),
    ("proposal", "proposal", false),
    ("initiative", "initiative", false),
    ("proclamation", "proclamation", false),
    ("declaration", "declaration", false),
    ("decision", "decision", false),
    ("ruling", "ruling", false),
    ("verdict", "verdict", false),
    ("judgment", "ruling", false),
    ("judgement", "ruling", false),
    ("legislation", "law", false),
    ("amendment", "amendment", false),
    ("policy", "policy", false),
    ("measures", "measures", false),
    ("restrictions", "restrictions", false),
    ("rules", "rules", false),
    ("regulations", "rules", false),
    ("announcement", "announcement", false),
    ("action", "action", false),
    ("investigation", "investigation", false),
    ("inquiry", "investigation", false),
    ("probe", "investigation", false),
    ("presence", "presence", false),
    ("deployment", "deployment", false),
    ("coalition", "coalition", false),
    ("intervention", "intervention", false),
    ("conversion", "conversion", false),
    ("construction", "construction", false),
    ("project", "project", false),
    ("programme", "programme", false),
    ("program", "programme", false),
    ("crackdown", "crackdown", false),
    ("suspension", "suspension", false),
    ("prorogation", "prorogation", false),
    ("extradition", "extradition", false),
    ("recognition", "recognition", false),
    ("independence", "independence", false),
    ("legalization", "legalisation", false),
    ("legalisation", "legalisation", false),
    ("marriage", "marriage", false),
    ("tax", "tax", false),
    ("occupation", "occupation", false),
    ("attack", "attack", false),
    ("attacks", "attack", false),
    ("protests", "protests", false),
    ("membership", "membership", false),
    ("accession", "membership", false),
    ("exit", "exit", false),
    ("brexit", "brexit", true),
    ("aid", "aid", false),
];

/// Verbs that often precede an event noun; they end a modifier run.
const VERBS: &[&str] = &[
    "achieve",
    "reach",
    "reached",
    "sign",
    "signed",
    "support",
    "supported",
    "back",
    "backed",
    "launch",
    "launched",
    "approve",
    "approved",
    "reject",
    "rejected",
    "condemn",
    "condemned",
    "welcome",
    "welcomed",
    "praise",
    "praised",
    "announce",
    "announced",
    "implement",
    "begin",
    "began",
    "start",
    "started",
    "hold",
    "held",
    "join",
    "joined",
    "oppose",
    "opposed",
    "call",
    "called",
    "end",
    "ended",
    "violate",
    "violated",
    "extend",
    "extended",
    "impose",
    "imposed",
    "lift",
    "lifted",
    "seek",
    "sought",
    "agree",
    "agreed",
    "broker",
    "brokered",
    "accept",
    "accepted",
    "negotiate",
    "negotiated",
    "mediate",
    "mediated",
    "hail",
    "hailed",
    "criticise",
    "criticised",
    "criticize",
    "criticized",
    "described",
    "describe",
    "said",
    "says",
    "urged",
    "urge",
];

/// Words that end a modifier run to the left of a trigger.
const STOP: &[&str] = &[
    "the", "a", "an", "this", "that", "these", "those", "its", "their", "his", "her", "our", "any", "new", "of", "on",
    "in", "to", "for", "with", "and", "or", "by", "from", "at", "as", "is", "was", "be", "been", "said", "would",
    "will", "had", "has", "have", "which", "who", "whether", "against", "into", "about", "after", "before", "over",
];

fn trigger(word: &str) -> Option<(&'static str, bool)> {
    TRIGGERS.iter().find(|(w, _, _)| *w == word).map(|&(_, c, s)| (c, s))
}

/// Words of `text` with their byte spans: runs of letters and digits, joined
/// across any of the characters in `joiners` (hyphens, apostrophes, dots).
pub(super) fn words(text: &str, joiners: &[char]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        let inside = c.is_alphanumeric() || joiners.contains(&c);
        match (inside, start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                out.push((s, i));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push((s, text.len()));
    }
    out
}

/// A specific event type named right after a generic head: "an agreement
/// for a permanent ceasefire", "the deal on sanctions".
fn specific_after(lower: &str, ws: &[(usize, usize)], k: usize) -> Option<&'static str> {
    let next = |i: usize| ws.get(i).and_then(|&(a, b)| lower.get(a..b));
    if !matches!(next(k + 1), Some("for" | "on" | "of" | "to")) {
        return None;
    }
    (k + 2..k + 7).filter_map(next).find_map(|w| match trigger(w) {
        Some((c, true)) => Some(c),
        _ => None,
    })
}

/// Event mentions in one sentence, left to right.
pub fn find_events(sentence: &str, declared: &[DeclaredTarget]) -> Vec<EventMention> {
    let lower = sentence.to_lowercase();
    let mut out: Vec<EventMention> = Vec::new();
    if lower.len() == sentence.len() {
        for t in declared {
            for alias in &t.aliases {
                for (i, _) in lower.match_indices(alias.as_str()) {
                    let end = i + alias.len();
                    let bounded = !lower[..i].ends_with(char::is_alphanumeric)
                        && !lower[end..].starts_with(char::is_alphanumeric);
                    if bounded && !out.iter().any(|m| i < m.end && end > m.start) {
                        out.push(EventMention { start: i, end, head: alias.clone(), name: Some(t.name.clone()) });
                    }
                }
            }
        }
    }
    let ws = words(sentence, &['-', '\'', '\u{2019}']);
    for (k, &(s, e)) in ws.iter().enumerate() {
        let word = lower.get(s..e).unwrap_or_default().trim_end_matches(['\'', '\u{2019}']);
        let word = word.strip_suffix("'s").unwrap_or(word);
        let Some((canonical, specific)) = trigger(word) else { continue };
        // A trigger followed by another trigger is a modifier of it ("ceasefire agreement").
        if ws.get(k + 1).is_some_and(|&(a, b)| lower.get(a..b).and_then(trigger).is_some() && a - e <= 1) {
            continue;
        }
        let mut first = k;
        let mut modifiers: Vec<&str> = Vec::new();
        let mut specific_name = specific.then_some(canonical);
        while first > 0 && k - first < 3 {
            let (ps, pe) = ws[first - 1];
            let gap = &sentence[pe..ws[first].0];
            let prev = lower.get(ps..pe).unwrap_or_default();
            let verb_like =
                VERBS.contains(&prev) || (prev.ends_with("ing") && !sentence[ps..pe].starts_with(char::is_uppercase));
            if !gap.chars().all(|c| c == ' ')
                || STOP.contains(&prev)
                || verb_like
                || prev.ends_with("'s")
                || prev.ends_with("ly")
            {
                break;
            }
            if let Some((c, true)) = trigger(prev) {
                specific_name = specific_name.or(Some(c));
            }
            modifiers.insert(0, &sentence[ps..pe]);
            first -= 1;
        }
        let start = ws[first].0;
        if out.iter().any(|m| start < m.end && e > m.start) {
            continue;
        }
        let name = match specific_name.or_else(|| specific_after(&lower, &ws, k)) {
            Some(c) => Some(c.to_string()),
            None if !modifiers.is_empty() => Some(format!("{} {}", modifiers.join(" ").to_lowercase(), word)),
            None => None,
        };
        out.push(EventMention { start, end: e, head: word.to_string(), name });
    }
    out.sort_by_key(|m| m.start);
    out
}

/// Clusters event mentions across an article into named events.
#[derive(Debug, Default)]
pub struct EventClusters {
    /// Cluster names, by cluster index.
    pub names: Vec<String>,
    heads: Vec<Vec<String>>,
    last_seen: Vec<usize>,
    parent: Vec<usize>,
}

impl EventClusters {
    /// The cluster of `mention` in sentence `sentence`; bare generic heads join
    /// the latest cluster with the same head, else start their own.
    pub fn assign(&mut self, mention: &EventMention, sentence: usize) -> usize {
        let id = match &mention.name {
            Some(name) => {
                let id = match self.names.iter().position(|n| n == name) {
                    Some(i) => self.root(i),
                    None => self.push(name.clone()),
                };
                // "the agreement" started a bare cluster; "the ceasefire agreement" names it.
                if let Some(bare) = self.names.iter().position(|n| *n == mention.head) {
                    let bare = self.root(bare);
                    if bare != id && mention.name.as_deref() != Some(mention.head.as_str()) {
                        self.parent[bare] = id;
                    }
                }
                id
            }
            None => {
                let same_head = (0..self.names.len())
                    .filter(|&i| self.heads[i].contains(&mention.head))
                    .max_by_key(|&i| self.last_seen[i]);
                match same_head {
                    Some(i) => self.root(i),
                    None => self.push(mention.head.clone()),
                }
            }
        };
        if !self.heads[id].contains(&mention.head) {
            self.heads[id].push(mention.head.clone());
        }
        self.last_seen[id] = sentence;
        id
    }

    fn push(&mut self, name: String) -> usize {
        self.names.push(name);
        self.heads.push(Vec::new());
        self.last_seen.push(0);
        self.parent.push(self.names.len() - 1);
        self.names.len() - 1
    }

    /// The cluster that `id` was merged into (itself when not merged).
    pub fn root(&self, mut id: usize) -> usize {
        while self.parent[id] != id {
            id = self.parent[id];
        }
        id
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(s: &str) -> Vec<(String, Option<String>)> {
        find_events(s, &[]).into_iter().map(|m| (s[m.start..m.end].to_string(), m.name)).collect()
    }

    #[test]
    fn finds_triggers_with_modifiers() {
        assert_eq!(
            names("Erdogan described the ceasefire agreement as lacking in credibility."),
            [("ceasefire agreement".to_string(), Some("ceasefire".to_string()))]
        );
        assert_eq!(names("They signed a permanent ceasefire.")[0].1.as_deref(), Some("ceasefire"));
        assert_eq!(names("Iran's nuclear deal collapsed")[0], ("nuclear deal".into(), Some("nuclear deal".into())));
        assert_eq!(names("Russia praised the agreement")[0].1, None);
        assert!(names("He dealt with it.").is_empty());
        assert_eq!(names("They hope to achieve political reform")[0].0, "political reform");
        assert_eq!(names("signed an agreement for a permanent ceasefire")[0].1.as_deref(), Some("ceasefire"));
    }

    #[test]
    fn clusters_corefer() {
        let mut c = EventClusters::default();
        let s1 = find_events("the sides signed an agreement, and a permanent ceasefire", &[]);
        let ids: Vec<usize> = s1.iter().map(|m| c.assign(m, 0)).collect();
        let later = find_events("Russia praised the ceasefire agreement", &[]);
        let generic = find_events("Turkey questioned the agreement", &[]);
        assert_eq!(c.assign(&later[0], 2), ids[1]);
        assert_eq!(c.assign(&generic[0], 3), ids[1], "the agreement joins the ceasefire it headed");
        assert_eq!(c.names[ids[1]], "ceasefire");
        assert_eq!(c.root(ids[0]), ids[1], "the bare agreement cluster merged into the ceasefire");
    }

    #[test]
    fn declared_targets() {
        let t = DeclaredTarget::parse("hostilities=cessation of hostilities,truce").unwrap();
        let got = find_events("Both sides agreed to a cessation of hostilities.", &[t]);
        assert_eq!(got[0].name.as_deref(), Some("hostilities"));
        assert!(DeclaredTarget::parse("=x").is_err());
    }
}
