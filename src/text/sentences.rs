//! Sentence splitting for news text: abbreviations (U.S., Mr., Gen., Jan.),
//! closing quotes, and line layouts. A blank line always ends a sentence. In
//! hard-wrapped text (plain-text archives, wire feeds, e-mail: most lines filled
//! to a common width) a line break is a space, unless the next line is indented
//! or the line is short and the next starts a new capitalised line (a headline,
//! dateline or byline). In other text a line break after a line with no closing
//! punctuation ends a headline or a one-sentence line.

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

/// True when the word ending just before a period (`before` is the text up to
/// the period) is an abbreviation or an initial, so the period belongs to it.
pub fn is_abbreviation(before: &str) -> bool {
    let word = before.rsplit(|c: char| c.is_whitespace() || c == '(' || c == '"').next().unwrap_or("");
    let lower = word.to_lowercase();
    let letters = lower.chars().filter(|c| c.is_alphabetic()).count();
    (letters == 1 && lower.chars().all(|c| c.is_alphabetic() || c == '.')) || ABBREVIATIONS.contains(&lower.as_str())
}

/// The width hard-wrapped text is filled to, or `None` when `text` is not
/// hard-wrapped: at least three lines run on into the next line, no line is
/// longer than 100 characters, and most lines that run on reach 70% of the widest.
fn wrap_width(text: &str) -> Option<usize> {
    let lines: Vec<usize> = text.lines().map(|l| l.trim_end().chars().count()).collect();
    let widest = *lines.iter().max()?;
    let run_on: Vec<usize> = lines.windows(2).filter(|w| w[0] > 0 && w[1] > 0).map(|w| w[0]).collect();
    let full = run_on.iter().filter(|&&n| n * 10 >= widest * 7).count();
    (run_on.len() >= 3 && widest <= 100 && full * 10 >= run_on.len() * 6).then_some(widest)
}

/// Splits `text` into sentence spans.
pub fn split_sentences(text: &str) -> Vec<SentenceSpan> {
    let mut spans = Vec::new();
    let mut start = 0;
    let wrapped = wrap_width(text);
    let mut line_start = 0;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let mut cut = None;
        if c == '\n' {
            let rest = &text[i + 1..];
            let blank = rest.trim_start_matches([' ', '\t', '\r']).starts_with('\n');
            let line = text[line_start..i].trim();
            let part = text[start..i].trim();
            let next_capital =
                rest.trim_start().starts_with(|c: char| c.is_uppercase() || c.is_numeric() || is_opening(c));
            cut = match wrapped {
                _ if blank => Some(i),
                // Hard-wrapped: an indented line starts a paragraph; a short line
                // before a capitalised one is a headline, dateline or byline.
                Some(width) => {
                    let indented = rest.starts_with(['\t', ' ']) && !rest.trim_start_matches([' ', '\t']).is_empty();
                    let short = line.chars().count() * 10 < width * 6 && !line.ends_with(',');
                    (indented || (short && next_capital)).then_some(i)
                }
                // Otherwise a line ends a sentence when it has no terminal punctuation
                // (a headline, or one sentence a line) and is not cut at a comma.
                None => (part.ends_with(|c: char| c.is_alphanumeric()) && next_capital).then_some(i),
            };
            line_start = i + 1;
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
pub(crate) mod tests {
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

    /// `text` hard-wrapped at `width` columns, paragraphs kept apart by blank lines.
    pub(crate) fn wrap(text: &str, width: usize) -> String {
        let mut out = String::new();
        for para in text.split("\n\n") {
            let mut line = String::new();
            for word in para.split_whitespace() {
                if !line.is_empty() && line.len() + 1 + word.len() > width {
                    out.push_str(&line);
                    out.push('\n');
                    line.clear();
                }
                if !line.is_empty() {
                    line.push(' ');
                }
                line.push_str(word);
            }
            out.push_str(&line);
            out.push_str("\n\n");
        }
        out
    }

    fn normalized(text: &str) -> Vec<String> {
        split(text).iter().map(|s| s.split_whitespace().collect::<Vec<_>>().join(" ")).collect()
    }

    #[test]
    fn wrapped_crlf_and_one_paragraph_a_line_give_the_same_sentences() {
        let article = "Ceasefire signed in Geneva\n\nGENEVA, Oct 23 (Wire) - The two delegations signed a permanent \
            ceasefire on Friday after five days of talks hosted by the United Nations, which called the accord a turning point \
            for the country and its long-suffering people.\n\nTurkish President Tayyip Erdogan said the deal lacked \
            credibility and questioned whether it would last, while Moscow welcomed it as a step toward lasting peace \
            in the region. Egypt praised the agreement.";
        let paragraphs = normalized(article);
        assert_eq!(paragraphs.len(), 4, "{paragraphs:?}");
        assert_eq!(normalized(&wrap(article, 70)), paragraphs);
        assert_eq!(normalized(&wrap(article, 70).replace('\n', "\r\n")), paragraphs);
        assert_eq!(normalized(&wrap(article, 50)), paragraphs);
        // Without blank lines, an indented line starts a paragraph.
        let indented = wrap(article, 70).replace("\n\n", "\n    ");
        assert_eq!(normalized(&indented), paragraphs);
        assert!(wrap_width(&wrap(article, 70)).is_some() && wrap_width(article).is_none());
    }

    #[test]
    fn lowercase_continuation_is_not_a_boundary() {
        assert_eq!(split("The rate rose 3.5 percent. e.g. not here"), ["The rate rose 3.5 percent. e.g. not here"]);
    }
}
