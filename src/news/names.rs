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
            if !generic && !demonym && !known.iter().any(|k| k.start < b && k.end > a) {
                out.push(ActorMention {
                    start: a,
                    end: b,
                    actor: s[a..b].to_string(),
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
        assert_eq!(got, ["Ohio Governor Mike DeWine", "Reporters Without Borders"]);
        assert!(unknown_names("The weather was fine in March.", &[], &g).is_empty());
    }
}
