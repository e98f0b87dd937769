//! Sentence splitting for news text: abbreviations (U.S., Mr., Gen., Jan.),
//! closing quotes, and line breaks that end headlines.

/// A sentence as a byte span of the original text (whitespace trimmed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SentenceSpan {
    /// Byte offset of the first character.
    pub start: usize,
    /// Byte offset one past the last character.
    pub end: usize,
}

const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "prof", "gen", "col", "lt", "sgt", "capt", "cmdr", "adm", "maj", "gov", "sen", "rep",
    "rev", "hon", "pres", "st", "sr", "jr", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct",
    "nov", "dec", "no", "vs", "etc", "e.g", "i.e", "inc", "ltd", "co", "corp", "dept", "est", "approx", "fig", "mt",
    "ft", "u.s", "u.n", "u.k", "e.u", "a.m", "p.m",
];

fn is_closing(c: char) -> bool {
    matches!(c, '"' | '\'' | ')' | ']' | '\u{201D}' | '\u{2019}' | '\u{00BB}')
}

/// True when the word ending just before a period is an abbreviation or an initial.
fn is_abbreviation(before: &str) -> bool {
    let word = before.rsplit(|c: char| c.is_whitespace() || c == '(' || c == '"').next().unwrap_or("");
    let lower = word.to_lowercase();
    let letters = lower.chars().filter(|c| c.is_alphabetic()).count();
    (letters == 1 && lower.chars().all(|c| c.is_alphabetic() || c == '.')) || ABBREVIATIONS.contains(&lower.as_str())
}

/// Splits `text` into sentence spans.
pub fn split_sentences(text: &str) -> Vec<SentenceSpan> {
    let mut spans = Vec::new();
    let mut start = 0;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let mut cut = None;
        if c == '\n' {
            // A line break ends a sentence when the line has no terminal punctuation
            // but the next line starts a paragraph or a new capitalised line.
            let rest = &text[i + 1..];
            let blank = rest.trim_start_matches([' ', '\t', '\r']).starts_with('\n');
            let line = text[start..i].trim();
            let ends_open = line.ends_with(|c: char| c.is_alphanumeric() || c == ',');
            if blank || (ends_open && !line.ends_with(',')) {
                cut = Some(i);
            }
        } else if matches!(c, '.' | '!' | '?' | '\u{2026}') {
            let mut end = i + c.len_utf8();
            while let Some(&(j, n)) = chars.peek() {
                if matches!(n, '.' | '!' | '?') || is_closing(n) {
                    end = j + n.len_utf8();
                    chars.next();
                } else {
                    break;
                }
            }
            let next = text[end..].chars().next();
            let next_word = text[end..].trim_start().chars().next();
            let boundary = next.is_none_or(char::is_whitespace)
                && next_word.is_none_or(|n| n.is_uppercase() || n.is_numeric() || is_opening(n));
            if boundary && !(c == '.' && is_abbreviation(&text[start..i])) {
                cut = Some(end);
            }
        }
        if let Some(end) = cut {
            push_trimmed(text, start, end, &mut spans);
            start = end;
        }
    }
    push_trimmed(text, start, text.len(), &mut spans);
    spans
}

fn is_opening(c: char) -> bool {
    matches!(c, '"' | '\'' | '(' | '[' | '\u{201C}' | '\u{2018}' | '\u{00AB}' | '-' | '\u{2014}')
}

fn push_trimmed(text: &str, start: usize, end: usize, spans: &mut Vec<SentenceSpan>) {
    let piece = &text[start..end];
    let lead = piece.len() - piece.trim_start().len();
    let trimmed = piece.trim();
    if !trimmed.is_empty() {
        spans.push(SentenceSpan { start: start + lead, end: start + lead + trimmed.len() });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(text: &str) -> Vec<&str> {
        split_sentences(text).into_iter().map(|s| &text[s.start..s.end]).collect()
    }

    #[test]
    fn abbreviations_do_not_end_sentences() {
        assert_eq!(
            split("Gen. Smith met Mr. Jones in the U.S. on Jan. 5. The U.N. said talks would resume. Was it true?"),
            ["Gen. Smith met Mr. Jones in the U.S. on Jan. 5.", "The U.N. said talks would resume.", "Was it true?"]
        );
    }

    #[test]
    fn quotes_and_headlines() {
        let text = "Truce holds in the north\n\n\u{201C}We welcome it,\u{201D} he said. \u{201C}It is fragile.\u{201D} She agreed.";
        assert_eq!(
            split(text),
            [
                "Truce holds in the north",
                "\u{201C}We welcome it,\u{201D} he said.",
                "\u{201C}It is fragile.\u{201D}",
                "She agreed."
            ]
        );
    }

    #[test]
    fn lowercase_continuation_is_not_a_boundary() {
        assert_eq!(split("The rate rose 3.5 percent. e.g. not here"), ["The rate rose 3.5 percent. e.g. not here"]);
    }
}
