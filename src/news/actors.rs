//! Actor mentions: a gazetteer of states, organisations, capitals, seats of
//! power and office holders, matched with Aho-Corasick (leftmost-longest, at
//! word boundaries), with guards against demonyms and place names that do not
//! name a government ("Iranian-backed militia", "in Geneva").
//!
//! Over 400 lines: the gazetteer's alias table, its demonym and place guards and
//! the matcher share private state and are one concept.

use std::collections::HashMap;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

use super::NewsError;

/// The gazetteer shipped with the crate (`models/actors.tsv`).
pub const SHIPPED_ACTORS: &str = include_str!("../../models/actors.tsv");

/// What kind of name an alias is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AliasKind {
    /// A country name.
    State,
    /// An adjective or people noun ("Turkish").
    Demonym,
    /// A capital used as a metonym ("Ankara").
    Capital,
    /// A seat of power ("the Kremlin").
    Seat,
    /// An organisation.
    Org,
    /// A person.
    Person,
    /// Armed forces.
    Military,
    /// A legislature.
    Legislature,
    /// A non-state group.
    Group,
}

impl AliasKind {
    fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "state" => Self::State,
            "demonym" => Self::Demonym,
            "capital" => Self::Capital,
            "seat" => Self::Seat,
            "org" => Self::Org,
            "person" => Self::Person,
            "military" => Self::Military,
            "legislature" => Self::Legislature,
            "group" => Self::Group,
            _ => return None,
        })
    }
}

/// One gazetteer row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActorEntry {
    /// The surface form.
    pub alias: String,
    /// Actor id: ISO 3166 alpha-3 for states, an upper-case code for organisations.
    pub actor: String,
    /// GOV, MIL, LEG, IGO, REB, ...; empty for the state as a whole.
    pub sector: String,
    /// What kind of name it is.
    pub kind: AliasKind,
    /// A person's role; for any row, `name` marks the actor's display name and
    /// `country=XXX` a group's home country (space-separated tokens).
    pub role: String,
}

impl ActorEntry {
    fn has_token(&self, token: &str) -> bool {
        self.role.split_whitespace().any(|t| t == token)
    }

    fn has_token_prefix(&self, prefix: &str) -> bool {
        self.role.split_whitespace().any(|t| t.starts_with(prefix))
    }

    /// The state an actor belongs to: a group's `country=` code, else the actor itself.
    pub fn country(&self) -> &str {
        self.role.split_whitespace().find_map(|t| t.strip_prefix("country=")).unwrap_or(&self.actor)
    }
}

/// A resolved actor mention in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActorMention {
    /// Byte offset of the mention.
    pub start: usize,
    /// Byte offset one past the mention.
    pub end: usize,
    /// Actor id.
    pub actor: String,
    /// Sector (GOV when the row leaves it empty).
    pub sector: String,
    /// Alias kind.
    pub kind: AliasKind,
    /// Used as a place ("in Libya", "to Ankara") rather than as an agent.
    pub locative: bool,
    /// The state the actor belongs to (a group's home country; else the actor id).
    pub country: String,
}

/// Words after a bare demonym that make it name a government or its people.
const GOVERNMENT_HEADS: &[&str] = &[
    "government",
    "officials",
    "official",
    "authorities",
    "counterpart",
    "counterparts",
    "leader",
    "leaders",
    "leadership",
    "president",
    "minister",
    "ministers",
    "prime",
    "foreign",
    "defence",
    "defense",
    "diplomats",
    "diplomat",
    "diplomacy",
    "envoy",
    "ambassador",
    "embassy",
    "delegation",
    "delegates",
    "spokesman",
    "spokeswoman",
    "spokesperson",
    "side",
    "state",
    "regime",
    "administration",
    "cabinet",
    "parliament",
    "lawmakers",
    "legislators",
    "army",
    "military",
    "forces",
    "troops",
    "navy",
    "authority",
    "ministry",
    "chancellor",
    "king",
    "emir",
    "crown",
    "premier",
    "negotiators",
    "mission",
    "representative",
    "presidency",
    "sources",
    "statement",
    "intelligence",
    "security",
    "air",
    "coast",
    "junta",
    "counterparts'",
    "sides",
    "delegations",
    "rebels",
    "rebel",
    "junior",
    "deputy",
    "opposition",
    "militants",
    "fighters",
    "separatists",
    "insurgents",
    "guerrillas",
    "court",
    "judges",
    "police",
    "negotiator",
    "lawmaker",
    "senator",
    "senators",
    "commander",
    "commanders",
    "general",
    "generals",
    "chief",
    "head",
    "vice",
    "acting",
    "newspaper",
    "media",
    "agency",
    "queen",
    "sultan",
    "emirate",
    "envoys",
    "ambassadors",
    "politicians",
    "parliamentarians",
    "nationalists",
];

/// Words before a name that make it a place rather than an agent.
const LOCATIVE_PREPOSITIONS: &[&str] = &[
    "in",
    "to",
    "from",
    "at",
    "near",
    "into",
    "across",
    "throughout",
    "inside",
    "outside",
    "around",
    "via",
    "toward",
    "towards",
    "on",
    "against",
    "with",
    "between",
    "of",
    "for",
    "over",
    "within",
    "about",
];

/// An actor gazetteer with its matcher.
pub struct Gazetteer {
    entries: Vec<ActorEntry>,
    kinds: HashMap<String, AliasKind>,
    matcher: AhoCorasick,
    names: HashMap<String, String>,
}

impl std::fmt::Debug for Gazetteer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Gazetteer({} aliases)", self.entries.len())
    }
}

/// Parses gazetteer TSV (`alias, actor, sector, kind, role`); `name` labels errors.
pub fn parse_actors(name: &str, text: &str) -> Result<Vec<ActorEntry>, NewsError> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() || line.starts_with('#') || line.starts_with("alias\t") {
            continue;
        }
        let f: Vec<&str> = line.split('\t').collect();
        let err = |msg: String| NewsError::Gazetteer(format!("{name}:{}: {msg}", i + 1));
        if f.len() < 4 {
            return Err(err(format!(
                "expected 5 tab-separated fields (alias, actor, sector, kind, role), found {}",
                f.len()
            )));
        }
        let kind =
            AliasKind::parse(f[3].trim()).ok_or_else(|| err(format!("field `kind`: unknown kind {:?}", f[3])))?;
        let (alias, actor) = (f[0].trim(), f[1].trim());
        if alias.is_empty() || actor.is_empty() {
            return Err(err("field `alias` or `actor`: empty".into()));
        }
        out.push(ActorEntry {
            alias: alias.to_string(),
            actor: actor.to_string(),
            sector: f[2].trim().to_string(),
            kind,
            role: f.get(4).map_or("", |r| r.trim()).to_string(),
        });
    }
    Ok(out)
}

impl Gazetteer {
    /// The shipped gazetteer, with `overrides` replacing rows of the same alias.
    pub fn new(overrides: Vec<ActorEntry>) -> Result<Self, NewsError> {
        let mut entries = parse_actors("models/actors.tsv", SHIPPED_ACTORS)?;
        people_as_actors(&mut entries);
        entries.extend(overrides);
        Self::from_entries(entries)
    }

    /// A gazetteer of exactly `entries`; a later row replaces an earlier one with the same alias.
    pub fn from_entries(entries: Vec<ActorEntry>) -> Result<Self, NewsError> {
        let mut by_alias: HashMap<String, usize> = HashMap::new();
        let mut unique: Vec<ActorEntry> = Vec::new();
        for e in entries {
            match by_alias.get(&e.alias) {
                Some(&i) => unique[i] = e,
                None => {
                    by_alias.insert(e.alias.clone(), unique.len());
                    unique.push(e);
                }
            }
        }
        // The display name is the row whose role is `name`, else the first alias.
        let mut names: HashMap<String, String> = HashMap::new();
        for e in unique.iter().filter(|e| e.has_token("name")) {
            names.entry(e.actor.clone()).or_insert_with(|| e.alias.clone());
        }
        for e in &unique {
            names.entry(e.actor.clone()).or_insert_with(|| e.alias.clone());
        }
        let matcher = AhoCorasickBuilder::new()
            .match_kind(MatchKind::LeftmostLongest)
            .build(unique.iter().map(|e| e.alias.as_str()))
            .map_err(|e| NewsError::Gazetteer(e.to_string()))?;
        let kinds = unique.iter().map(|e| (e.alias.clone(), e.kind)).collect();
        Ok(Self { entries: unique, kinds, matcher, names })
    }

    /// Number of aliases.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The kind of an exact alias, if the gazetteer has it.
    pub fn kind_of(&self, alias: &str) -> Option<AliasKind> {
        self.kinds.get(alias).copied()
    }

    /// A readable name for an actor id ("Turkey" for TUR); the id when unknown.
    pub fn display_name<'a>(&'a self, actor: &'a str) -> &'a str {
        self.names.get(actor).map_or(actor, String::as_str)
    }

    /// Every actor mention in `text`, in order.
    pub fn find(&self, text: &str) -> Vec<ActorMention> {
        let bytes = text.as_bytes();
        let mut out = Vec::new();
        for m in self.matcher.find_iter(text) {
            let (s, e) = (m.start(), m.end());
            let before = text[..s].chars().next_back();
            let after = text[e..].chars().next();
            if before.is_some_and(|c| c.is_alphanumeric()) || after.is_some_and(|c| c.is_alphanumeric()) {
                continue;
            }
            let entry = &self.entries[m.pattern().as_usize()];
            let next = next_word(&text[e..]);
            // "Iranian-backed", "Kurdish-led", "U.S.-based": a modifier, not an agent.
            if after == Some('-') || (bytes.get(e) == Some(&b'\'') && entry.kind == AliasKind::Demonym) {
                continue;
            }
            // A bare demonym names a government only before a head such as "officials";
            // a plural people noun ("Palestinians") stands for its people's side.
            let plural_people =
                entry.alias.ends_with('s') && entry.alias.chars().next().is_some_and(char::is_uppercase);
            // "The Turkish and Greek sides": a demonym coordinated with another before the head.
            let coordinated = || {
                let rest = text[e..].trim_start();
                let rest = rest.strip_prefix("and ").or_else(|| rest.strip_prefix(", ")).unwrap_or("");
                let mut words = rest.split_whitespace();
                words.next().is_some_and(|w| w.starts_with(char::is_uppercase))
                    && words
                        .next()
                        .is_some_and(|w| GOVERNMENT_HEADS.contains(&w.to_lowercase().trim_end_matches([',', '.'])))
            };
            if entry.kind == AliasKind::Demonym
                && !plural_people
                && !GOVERNMENT_HEADS.contains(&next.to_lowercase().as_str())
                && !coordinated()
            {
                continue;
            }
            let prev = prev_word(&text[..s]).to_lowercase();
            // "King Hassan of Morocco", "the Government of Libya": a capitalised name or
            // title before "of" makes the state the agent, not a place.
            let titled_of = prev == "of" && {
                let before = text[..s].trim_end();
                prev_word(&before[..before.len() - 2]).starts_with(char::is_uppercase)
            };
            let locative = matches!(entry.kind, AliasKind::State | AliasKind::Capital)
                && LOCATIVE_PREPOSITIONS.contains(&prev.as_str())
                && !titled_of;
            out.push(ActorMention {
                start: s,
                end: e,
                actor: entry.actor.clone(),
                sector: if entry.sector.is_empty() { "GOV".into() } else { entry.sector.clone() },
                kind: entry.kind,
                locative,
                country: entry.country().to_string(),
            });
        }
        out
    }
}

/// Name particles written in lower case ("Bashar al-Assad", "Staffan de Mistura").
fn particle(word: &str) -> bool {
    matches!(word, "al" | "bin" | "ibn" | "de" | "da" | "van" | "von" | "el" | "le" | "la" | "du" | "di")
        || word.starts_with("al-")
        || word.starts_with("el-")
}

/// A person row that names someone ("Donald Trump", "al-Assad") rather than an
/// office ("US president", "UN chief"): no word shared with its role, and every
/// word capitalised or a name particle.
fn names_a_person(e: &ActorEntry) -> bool {
    let role: Vec<String> = e.role.split(|c: char| !c.is_alphanumeric()).map(str::to_lowercase).collect();
    e.kind == AliasKind::Person
        && e.alias.split_whitespace().all(|w| {
            (w.starts_with(char::is_uppercase) || particle(w))
                && !w.split(|c: char| !c.is_alphanumeric()).any(|p| !p.is_empty() && role.contains(&p.to_lowercase()))
        })
}

/// Named people become actors of their own, so that two people of one state keep
/// their own stances (a president and the opposition leader, two candidates).
/// The rows of one state, role and surname ("Donald Trump", "Donald J. Trump",
/// "Trump") are one person, named by the shortest alias of two or more words;
/// the row keeps the state as its country. Offices ("US president") stay the state's.
/// Applied to the shipped rows only: a user's `--actors` row means what it says.
fn people_as_actors(entries: &mut [ActorEntry]) {
    let key = |e: &ActorEntry| {
        let surname = e.alias.split_whitespace().next_back().unwrap_or_default().to_string();
        (e.actor.clone(), e.role.clone(), surname)
    };
    let mut canonical: HashMap<(String, String, String), String> = HashMap::new();
    for e in entries.iter().filter(|e| names_a_person(e)) {
        // Two or more words, fewest first; else the longest single word.
        let rank = |a: &str| match a.split_whitespace().count() {
            n @ 2.. => (0, n, 0),
            _ => (1, 0, usize::MAX - a.len()),
        };
        let better = |old: &String| rank(&e.alias) < rank(old);
        let slot = canonical.entry(key(e)).or_insert_with(|| e.alias.clone());
        if better(slot) {
            slot.clone_from(&e.alias);
        }
    }
    for e in entries.iter_mut().filter(|e| names_a_person(e)) {
        let name = canonical[&key(e)].clone();
        if !e.has_token_prefix("country=") {
            e.role = format!("{} country={}", e.role, e.actor);
        }
        if e.alias == name {
            e.role.push_str(" name");
        }
        e.actor = name;
    }
}

fn next_word(s: &str) -> &str {
    let s = s.trim_start_matches([' ', '\u{a0}']);
    let end = s.find(|c: char| !(c.is_alphanumeric() || c == '\'')).unwrap_or(s.len());
    &s[..end]
}

fn prev_word(s: &str) -> &str {
    let s = s.trim_end_matches([' ', '\u{a0}']);
    let start =
        s.rfind(|c: char| !c.is_alphanumeric()).map_or(0, |i| i + s[i..].chars().next().map_or(1, char::len_utf8));
    &s[start..]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actors(text: &str) -> Vec<(String, String, bool)> {
        let g = Gazetteer::new(Vec::new()).unwrap();
        g.find(text).into_iter().map(|m| (text[m.start..m.end].to_string(), m.actor, m.locative)).collect()
    }

    #[test]
    fn resolves_names_people_capitals_and_seats() {
        let got = actors("Turkish President Recep Tayyip Erdogan met officials as Ankara and the Kremlin disagreed.");
        let ids: Vec<&str> = got.iter().map(|g| g.1.as_str()).collect();
        assert!(ids.iter().filter(|&&a| a == "TUR").count() >= 2, "{got:?}");
        assert!(ids.contains(&"RUS"), "{got:?}");
    }

    #[test]
    fn demonym_guards() {
        assert!(actors("An Iranian-backed militia attacked").is_empty());
        assert!(actors("the German Institute for Economic Research said").is_empty());
        assert!(actors("Kurdish-led forces advanced").iter().all(|a| a.1 != "IRQ" && a.1 != "TUR"));
        assert_eq!(actors("Russian officials said")[0].1, "RUS");
    }

    #[test]
    fn places_are_locative_and_display_names_are_full() {
        let got = actors("In Geneva, talks on Libya began; Russia spoke.");
        assert!(got.iter().any(|a| a.1 == "LBY" && a.2));
        assert!(got.iter().any(|a| a.1 == "RUS" && !a.2));
        let g = Gazetteer::new(Vec::new()).unwrap();
        assert_eq!(g.display_name("TUR"), "Turkey");
        assert_eq!(g.display_name("USA"), "United States");
        assert_eq!(g.display_name("XYZ"), "XYZ");
    }

    #[test]
    fn named_people_are_actors_of_their_own_and_offices_stay_the_states() {
        let text = "Joe Biden criticised Donald Trump, and Trump replied; the US president left.";
        let g = Gazetteer::new(Vec::new()).unwrap();
        let found = g.find(text);
        let got: Vec<(&str, &str, &str)> =
            found.iter().map(|m| (&text[m.start..m.end], m.actor.as_str(), m.country.as_str())).collect();
        let want = [
            ("Joe Biden", "Joe Biden", "USA"),
            ("Donald Trump", "Donald Trump", "USA"),
            ("Trump", "Donald Trump", "USA"),
            ("US president", "USA", "USA"),
        ];
        assert_eq!(got, want);
        assert_eq!(g.display_name("Donald Trump"), "Donald Trump");
        // "al-Assad" is a name; "UN chief" is an office.
        assert_eq!(g.find("al-Assad spoke")[0].actor, "Bashar al-Assad");
        assert_eq!(g.find("the UN chief spoke")[0].actor, "UN");
    }

    #[test]
    fn user_rows_override_and_bad_rows_are_reported() {
        let extra =
            parse_actors("mine.tsv", "alias\tactor\tsector\tkind\trole\nErdogan\tXXX\tGOV\tperson\tPresident\n")
                .unwrap();
        let g = Gazetteer::new(extra).unwrap();
        assert_eq!(g.find("Erdogan spoke")[0].actor, "XXX");
        let err = parse_actors("mine.tsv", "Erdogan\tTUR\tGOV\twizard\t\n").unwrap_err();
        assert!(err.to_string().contains("mine.tsv:1: field `kind`"), "{err}");
    }
}
