//! Raw text to CoNLL-U sentences: the text stage's sentence splitter and
//! tokeniser (with URLs, e-mail addresses and emoticons as single tokens), then
//! the UD English conventions: tokens written without a space between them are
//! rejoined where UD keeps them whole (numbers such as "01/24/2001", "853-7906"
//! or "10:30", file and domain names such as "Space.com", abbreviations with
//! their period such as "Inc." or "Dr."), and English clitics split off
//! ("don't" → "do" "n't", "Turkey's" → "Turkey" "'s"), each kept as a
//! multiword token over its words.
//! Every word keeps its byte span in the text (`TokenRange=` in MISC is not
//! written; [`RawSentence::spans`] holds them).

use super::conllu::{MultiwordToken, Sentence, Word};
use crate::text::{is_abbreviation, split_sentences, Normalizer, Tokenizer};

/// Most words a sentence gets; longer runs without a sentence end are cut here
/// (the parser is linear in length, but one tree over a megabyte helps nobody).
pub const MAX_SENTENCE_WORDS: usize = 500;

/// A sentence read from raw text, with each word's byte span.
#[derive(Debug, Clone, PartialEq)]
pub struct RawSentence {
    /// The sentence, words only (forms set, every other column `_`).
    pub sentence: Sentence,
    /// Byte span of each word in the text.
    pub spans: Vec<(usize, usize)>,
}

const CLITICS: &[&str] = &["n't", "'s", "'re", "'ve", "'ll", "'d", "'m"];

/// Splits a word with an apostrophe into its UD words, if it has a clitic.
fn split_clitic(word: &str) -> Option<usize> {
    let lower = word.to_lowercase().replace('\u{2019}', "'");
    if lower.len() != word.len() {
        return None;
    }
    let c = CLITICS.iter().find(|c| lower.ends_with(*c) && lower.len() > c.len())?;
    Some(word.len() - c.len())
}

/// True when the tokens `a` and `b` of `text`, written without a space between
/// them, make one UD token.
fn joins(text: &str, a: (usize, usize), b: (usize, usize)) -> bool {
    let (left, right) = (&text[a.0..a.1], &text[b.0..b.1]);
    let joint = |c: char| matches!(c, '/' | '-' | ':' | '.' | '@');
    let numeric =
        |s: &str| s.starts_with(|c: char| c.is_ascii_digit()) && s.chars().all(|c| c.is_ascii_digit() || joint(c));
    let namey = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_alphanumeric() || joint(c) || c == '_');
    let next_digit = text[b.1..].starts_with(|c: char| c.is_ascii_digit());
    let next_alnum = text[b.1..].starts_with(|c: char| c.is_alphanumeric());
    // Numbers: "853" "-" "7906", "01/24" "/" "2001", "10" ":" "30".
    let number = numeric(left)
        && ((right.len() == 1 && right.starts_with(joint) && next_digit)
            || (right.starts_with(|c: char| c.is_ascii_digit()) && left.ends_with(joint)));
    // Names: "Space" "." "com", "jo.smith" "@enron" ".com".
    let name = namey(left)
        && namey(right)
        && left.chars().any(char::is_alphabetic)
        && ((matches!(right, "." | "@") && next_alnum)
            || (left.ends_with(['.', '@']) && left.len() > 1)
            || (right.starts_with(['.', '@']) && right.len() > 1));
    // Abbreviations keep their period: "Inc" ".", "Dr" ".".
    let abbreviation = right == "." && left.chars().all(char::is_alphabetic) && is_abbreviation(&text[..a.1]);
    number || name || abbreviation
}

/// Sentences and words of `text`.
pub fn sentences(text: &str) -> Vec<RawSentence> {
    let mut words = Words::default();
    let mut out = Vec::new();
    for span in split_sentences(text) {
        words.push(text, span.start, span.end, &mut out);
    }
    out
}

/// The words of `text` read as one sentence (cut only past [`MAX_SENTENCE_WORDS`]).
pub fn sentence_words(text: &str) -> Vec<RawSentence> {
    let mut out = Vec::new();
    Words::default().push(text, 0, text.len(), &mut out);
    out
}

/// Buffers for reading sentences' words.
#[derive(Default)]
struct Words {
    tokens: Vec<crate::text::Token>,
    joined: Vec<(usize, usize)>,
}

impl Words {
    /// Appends the sentence `text[start..end]` to `out` (more than one when it is over-long).
    fn push(&mut self, text: &str, start: usize, end: usize, out: &mut Vec<RawSentence>) {
        let tokenizer = Tokenizer { social: true, normalizer: Normalizer { unicode: false, lowercase: false } };
        tokenizer.tokenize_into(&text[start..end], &mut self.tokens);
        self.joined.clear();
        for t in &self.tokens {
            let (a, b) = (start + t.start, start + t.end);
            match self.joined.last_mut() {
                Some(last) if last.1 == a && joins(text, *last, (a, b)) => last.1 = b,
                _ => self.joined.push((a, b)),
            }
        }
        let first = out.len();
        let mut current = RawSentence { sentence: Sentence::default(), spans: Vec::new() };
        for &(start, end) in &self.joined {
            if current.spans.len() + 2 > MAX_SENTENCE_WORDS {
                out.push(std::mem::replace(
                    &mut current,
                    RawSentence { sentence: Sentence::default(), spans: Vec::new() },
                ));
            }
            let form = &text[start..end];
            let s = &mut current.sentence;
            match split_clitic(form) {
                Some(cut) => {
                    let first = s.words.len() as u32 + 1;
                    s.multiword.push(MultiwordToken { first, last: first + 1, form: form.into(), misc: "_".into() });
                    s.words.push(Word::new(&form[..cut]));
                    s.words.push(Word::new(&form[cut..]));
                    current.spans.push((start, start + cut));
                    current.spans.push((start + cut, end));
                }
                None => {
                    s.words.push(Word::new(form));
                    current.spans.push((start, end));
                }
            }
        }
        if !current.spans.is_empty() {
            out.push(current);
        }
        for r in &mut out[first..] {
            let (a, b) = (r.spans[0].0, r.spans[r.spans.len() - 1].1);
            r.sentence.comments.push(format!("text = {}", text[a..b].replace(['\n', '\r'], " ")));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_sentences_words_and_clitics() {
        let text = "Turkey's president didn't welcome the deal. Russia backed it.";
        let got = sentences(text);
        assert_eq!(got.len(), 2);
        let forms: Vec<&str> = got[0].sentence.words.iter().map(|w| w.form.as_str()).collect();
        assert_eq!(forms, ["Turkey", "'s", "president", "did", "n't", "welcome", "the", "deal", "."]);
        assert_eq!(got[0].sentence.multiword.len(), 2);
        assert_eq!(got[0].sentence.multiword[1].form, "didn't");
        for (w, &(a, b)) in got[0].sentence.words.iter().zip(&got[0].spans) {
            assert_eq!(&text[a..b], w.form);
        }
        assert_eq!(got[1].sentence.comment("text"), Some("Russia backed it."));
    }

    #[test]
    fn ud_tokens_stay_whole() {
        let text = "Call 853-7906 on 01/24/2001 at 10:30 about Space.com or mail jo.smith@enron.com :) Enron Inc. agreed. So did Dr. Lay.";
        let forms: Vec<String> =
            sentences(text).iter().flat_map(|r| r.sentence.words.iter().map(|w| w.form.clone())).collect();
        for whole in ["853-7906", "01/24/2001", "10:30", "Space.com", "jo.smith@enron.com", ":)", "Inc.", "Dr."] {
            assert!(forms.iter().any(|f| f == whole), "{whole} in {forms:?}");
        }
        assert!(forms.ends_with(&["Lay".to_string(), ".".to_string()]), "{forms:?}");
    }

    #[test]
    fn over_long_sentences_are_cut() {
        let text = "word ".repeat(2 * MAX_SENTENCE_WORDS);
        let got = sentences(&text);
        assert!(got.len() >= 2 && got.iter().all(|s| s.sentence.words.len() <= MAX_SENTENCE_WORDS));
        assert_eq!(got.iter().map(|s| s.sentence.words.len()).sum::<usize>(), 2 * MAX_SENTENCE_WORDS);
    }
}
