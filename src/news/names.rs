//! Unknown named holders: runs of two to five capitalised words ("Mike DeWine",
//! "Reporters Without Borders", "American Civil Liberties Union of Montana")
//! that the gazetteer does not know. They become actors named by their text,
//! with no state code, so that people and bodies outside the gazetteer can
//! still hold a stance.

use super::actors::{ActorMention, AliasKind, Gazetteer};

const CONNECTORS: &[&str] = &["of", "for", "de", "al", "van", "von", "bin", "da"];
const NOT_NAMES: &[&str] = &[
    "The",
    "A",
    "An",
    "In",
    "On",
    "At",
    "As",
    "But",
    "And",
    "If",
    "When",
    "While",
    "After",
    "Before",
    "He",
    "She",
    "They",
    "It",
    "We",
    "I",
    "This",
    "That",
    "These",
    "Those",
    "His",
    "Her",
    "Their",
    "Its",
    "Our",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
    "Mr",
    "Mrs",
    "Ms",
    "Dr",
];

/// Words that name roles, bodies or places rather than someone in particular:
/// a run made only of them ("Prime Minister", "Middle East") is no name.
const GENERIC: &[&str] = &[
    "Prime",
    "Minister",
    "President",
    "Vice",
    "Lord",
    "Lady",
    "Secretary",
    "General",
    "Chief",
    "Justice",
    "Court",
    "Supreme",
    "House",
    "Senate",
    "Congress",
    "Parliament",
    "Government",
    "Foreign",
    "Defence",
    "Defense",
    "Interior",
    "State",
    "States",
    "Department",
    "Ministry",
    "Middle",
    "East",
    "West",
    "North",
    "South",
    "Eastern",
    "Western",
    "Northern",
    "Southern",
    "Gulf",
    "Sea",
    "Ocean",
    "Bank",
    "Strait",
    "Island",
    "Islands",
    "Republic",
    "Kingdom",
    "United",
    "National",
    "International",
    "Day",
    "Year",
    "New",
    "Covid",
    "COVID-19",
    "Coronavirus",
    "Street",
    "Road",
    "City",
    "Council",
    "Committee",
    "Office",
    "Party",
    "Union",
    "Assembly",
    "Executive",
];

/// Titles and offices written before a name ("Ohio Governor Mike DeWine",
/// "Republican Senator Mitt Romney", "Member of Parliament").
const TITLES: &[&str] = &[
    "President",
    "Vice",
    "Prime",
    "Minister",
    "Secretary",
    "Senator",
    "Sen",
    "Representative",
    "Rep",
    "Governor",
    "Gov",
    "Mayor",
    "Judge",
    "Justice",
    "Chief",
    "Member",
    "Leader",
    "Speaker",
    "Minority",
    "Majority",
    "Attorney",
    "General",
    "Commissioner",
    "Director",
    "Chairman",
    "Chairwoman",
    "Chair",
    "Spokesman",
    "Spokeswoman",
    "Spokesperson",
    "Ambassador",
    "Envoy",
    "Deputy",
    "Professor",
    "Prof",
    "Dr",
    "Mr",
    "Mrs",
    "Ms",
    "Sir",
    "Dame",
    "Lord",
    "Lady",
    "King",
    "Queen",
    "Prince",
    "Princess",
    "Pope",
    "Cardinal",
    "Archbishop",
    "Bishop",
    "Rev",
    "Reverend",
    "Sheikh",
    "Former",
    "Acting",
    "Candidate",
    "Democratic",
    "Republican",
    "Democrat",
    "Labour",
    "Conservative",
    "Liberal",
    "Officer",
    "Captain",
    "Colonel",
    "Major",
    "Lieutenant",
    "Sergeant",
    "Commander",
    "Admiral",
    "Marshal",
    "Other",
    "Elder",
    "Councillor",
    "Councilman",
    "Councilwoman",
    "Congressman",
    "Congresswoman",
    "Assemblyman",
    "Assemblywoman",
    "Chancellor",
    "Premier",
    "Emir",
    "Sultan",
];

/// The name in a capitalised run, without the titles, offices and places
/// written before it or the "of PLACE" after it: "Mike DeWine" in "Ohio
/// Governor Mike DeWine", "Jonathan Marcus" in "BBC's Jonathan Marcus",
/// "Amy Klobuchar" in "Senator Amy Klobuchar of Minnesota". `None` when no name
/// is left ("Member of Parliament", "Senate Minority Leader", "Prime Minister's");
/// the whole run when what follows the title names a body ("Democratic National Committee").
fn name_in(run: &str) -> Option<&str> {
    fn bare(w: &str) -> &str {
        w.trim_end_matches(['.', ',']).trim_end_matches("'s").trim_end_matches("\u{2019}s")
    }
    let words: Vec<(usize, &str)> = run
        .split(' ')
        .scan(0, |at, w| {
            let start = *at;
            *at += w.len() + 1;
            Some((start, w))
        })
        .collect();
    let cut =
        words.iter().rposition(|&(_, w)| TITLES.contains(&bare(w)) || w.ends_with("'s") || w.ends_with("\u{2019}s"));
    let Some(cut) = cut else { return Some(run) };
    let rest = &words[cut + 1..];
    let end = rest.iter().position(|&(_, w)| CONNECTORS.contains(&w)).unwrap_or(rest.len());
    let rest = &rest[..end];
    let (&(first, _), &(last, w)) = (rest.first()?, rest.last()?);
    // "Democratic National Committee": what follows the title names a body, not a person.
    Some(if rest.iter().all(|(_, w)| GENERIC.contains(w)) { run } else { &run[first..last + w.len()] })
}

/// Capitalised-word runs in `s` that overlap no known actor mention; a run
/// that starts with a demonym ("Greek Reporter") names an outlet or a body of
/// that nation rather than a holder, and is left out.
pub fn unknown_names(s: &str, known: &[ActorMention], gazetteer: &Gazetteer) -> Vec<ActorMention> {
    let words = super::events::words(s, &['-', '\'', '.']);
    let capital = |w: &str| w.starts_with(char::is_uppercase) && w.chars().any(char::is_lowercase);
    let mut out = Vec::new();
    let mut i = 0;
    while i < words.len() {
        let mut j = i;
        let mut names = 0;
        while j < words.len() {
            let w = s[words[j].0..words[j].1].trim_end_matches('.');
            let gap = if j > i { &s[words[j - 1].1..words[j].0] } else { " " };
            if gap != " " {
                break;
            }
            if capital(w) && !(names == 0 && NOT_NAMES.contains(&w)) {
                names += 1;
                j += 1;
            } else if names > 0
                && CONNECTORS.contains(&w)
                && j + 1 < words.len()
                && capital(&s[words[j + 1].0..words[j + 1].1])
            {
                j += 1;
            } else {
                break;
            }
        }
        if (2..=5).contains(&names) {
            let (a, b) = (words[i].0, words[j - 1].1);
            let b = a + s[a..b].trim_end_matches(['.', '\'']).len();
            let run: Vec<&str> = s[a..b].split_whitespace().collect();
            let generic = run.iter().all(|w| GENERIC.contains(w) || CONNECTORS.contains(w));
            let demonym = gazetteer.kind_of(run[0]) == Some(AliasKind::Demonym);
            let name = name_in(&s[a..b]);
            if let (Some(name), false, false) =
                (name, generic || demonym, known.iter().any(|k| k.start < b && k.end > a))
            {
                out.push(ActorMention {
                    start: a,
                    end: b,
                    actor: name.to_string(),
                    sector: String::new(),
                    kind: AliasKind::Person,
                    locative: false,
                    country: String::new(),
                });
            }
        }
        i = j.max(i + 1);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_runs_of_capitalised_words() {
        let g = Gazetteer::new(Vec::new()).unwrap();
        let text = "On Monday Ohio Governor Mike DeWine and Reporters Without Borders told the Prime Minister and Greek Reporter.";
        let got: Vec<String> = unknown_names(text, &[], &g).into_iter().map(|m| m.actor).collect();
        assert_eq!(got, ["Mike DeWine", "Reporters Without Borders"]);
        let text = "Senator Amy Klobuchar of Minnesota, BBC's Jonathan Marcus, Prime Minister Johnson, a Member of \
                    Parliament, the Senate Minority Leader, the Democratic National Committee and the Supreme Court of \
                    Puerto Rico spoke.";
        let got: Vec<String> = unknown_names(text, &[], &g).into_iter().map(|m| m.actor).collect();
        let want = [
            "Amy Klobuchar",
            "Jonathan Marcus",
            "Johnson",
            "Democratic National Committee",
            "Supreme Court of Puerto Rico",
        ];
        assert_eq!(got, want);
        assert!(unknown_names("The weather was fine in March.", &[], &g).is_empty());
    }
}
