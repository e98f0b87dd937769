//! Tokeniser: words, numbers, contractions, and for social text hashtags,
//! @mentions, URLs and emoticons. Offsets are byte spans in the original text.
//!
//! Over 400 lines with its unit tests (the code is about 320).

use super::normalize::Normalizer;
use super::token::{Token, TokenKind};

/// Emoticons recognised when social tokenisation is on, longest first.
const EMOTICONS: &[&str] = &[
    ":'-(", ":'(", ":-)", ":-(", ":-d", ":-p", ":-/", ":-|", ";-)", "^_^", "-_-", "t_t", ":)", ":(", ":d", ":p", ":/",
    ":|", ":o", ";)", ";d", "=)", "=(", "<3", "^^", "xd",
];

/// Splits text into [`Token`]s.
#[derive(Debug, Clone, Copy)]
pub struct Tokenizer {
    /// Recognise URLs, @mentions, #hashtags and emoticons, and map URLs to `<url>`
    /// and mentions to `@user`.
    pub social: bool,
    /// Normalisation applied to each token's text.
    pub normalizer: Normalizer,
}

fn is_apostrophe(c: char) -> bool {
    c == '\'' || c == '\u{2019}'
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || is_combining(c)
}

fn is_combining(c: char) -> bool {
    matches!(c, '\u{0300}'..='\u{036F}' | '\u{1AB0}'..='\u{1AFF}' | '\u{20D0}'..='\u{20FF}')
}

impl Tokenizer {
    /// Tokenises `text` into `out`, reusing the string buffers of tokens already there.
    pub fn tokenize_into(&self, text: &str, out: &mut Vec<Token>) {
        self.tokenize_with::<true>(text, out);
    }

    /// [`Tokenizer::tokenize_into`], except that plain words leave their text empty:
    /// words of ASCII letters only, whose normal form [`Tokenizer::plain_word`] writes
    /// from their span when a caller needs it. (Other word tokens are never empty.)
    pub fn tokenize_lazy_into(&self, text: &str, out: &mut Vec<Token>) {
        self.tokenize_with::<false>(text, out);
    }

    /// The normal form of the plain word `word` (ASCII letters only) into `out`: lowercased
    /// when the normaliser lowercases, with runs of one letter longer than three shortened.
    pub fn plain_word(&self, word: &str, out: &mut String) {
        out.clear();
        out.push_str(word);
        if self.normalizer.lowercase {
            out.make_ascii_lowercase();
        }
        squeeze_repeats(out);
    }

    fn tokenize_with<const PLAIN_TEXT: bool>(&self, text: &str, out: &mut Vec<Token>) {
        let bytes = text.as_bytes();
        let mut n = 0;
        let mut i = 0;
        while i < text.len() {
            // Fast path for the common case: ASCII whitespace, and plain ASCII words that
            // no social rule can claim (those starting with h, w or x may be URLs or "xd").
            let b = bytes[i];
            if matches!(b, b' ' | b'\t'..=b'\r') {
                i += 1;
                continue;
            }
            if let Some(end) = self.fast_word_end(bytes, i) {
                let tok = next_token(out, &mut n, i, end, TokenKind::Word);
                if PLAIN_TEXT {
                    self.plain_word(&text[i..end], &mut tok.text);
                }
                i = end;
                continue;
            }
            let c = text[i..].chars().next().expect("i is on a char boundary");
            if c.is_whitespace() {
                i += c.len_utf8();
                continue;
            }
            let (end, kind) = self.scan(text, i, c);
            let tok = next_token(out, &mut n, i, end, kind);
            match kind {
                TokenKind::Url => tok.text.push_str("<url>"),
                TokenKind::Mention => tok.text.push_str("@user"),
                _ => {
                    self.normalizer.normalize_into(&text[i..end], &mut tok.text);
                    if kind == TokenKind::Word {
                        squeeze_repeats(&mut tok.text);
                    }
                }
            }
            i = end;
        }
        out.truncate(n);
    }

    /// The end of the plain ASCII word at `i`, when [`Tokenizer::scan`] would give exactly
    /// that word: a run of ASCII letters that no social rule claims (words starting with
    /// h, w or x may be URLs or "xd", and "t_" may be "t_t"), ended by a byte that cannot
    /// continue a word (not a letter, digit, `_`, apostrophe or non-ASCII byte, nor the dot
    /// after a single letter, as in "U.S.").
    #[inline(always)]
    fn fast_word_end(&self, bytes: &[u8], i: usize) -> Option<usize> {
        let b = bytes[i];
        if !b.is_ascii_alphabetic()
            || (self.social && matches!(b | 0x20, b'h' | b'w' | b'x' | b't') && !self.plain_t(bytes, i))
        {
            return None;
        }
        let run = alpha_run(&bytes[i..]);
        match bytes.get(i + run) {
            Some(&next) if next >= 0x80 || next.is_ascii_alphanumeric() || next == b'_' || next == b'\'' => None,
            Some(b'.') if run == 1 => None,
            _ => Some(i + run),
        }
    }

    /// True when the `t` at `i` cannot start the emoticon "t_t" (so a word there is plain).
    fn plain_t(&self, bytes: &[u8], i: usize) -> bool {
        bytes[i] | 0x20 == b't' && bytes.get(i + 1) != Some(&b'_')
    }

    /// Tokenises `text` into a new vector.
    pub fn tokenize(&self, text: &str) -> Vec<Token> {
        let mut out = Vec::new();
        self.tokenize_into(text, &mut out);
        out
    }

    fn scan(&self, text: &str, i: usize, c: char) -> (usize, TokenKind) {
        let rest = &text[i..];
        if self.social
            && matches!(
                c,
                'h' | 'H' | 'w' | 'W' | '@' | '#' | ':' | ';' | '=' | '<' | '^' | '-' | 't' | 'T' | 'x' | 'X'
            )
        {
            if starts_with_ci(rest, "http://") || starts_with_ci(rest, "https://") || starts_with_ci(rest, "www.") {
                return (i + until_whitespace(rest), TokenKind::Url);
            }
            if (c == '@' || c == '#') && rest[1..].chars().next().is_some_and(is_word_char) {
                let end = i + 1 + word_run(&rest[1..]);
                return (end, if c == '@' { TokenKind::Mention } else { TokenKind::Hashtag });
            }
            if let Some(len) = emoticon_at(rest) {
                let after = rest[len..].chars().next();
                if !after.is_some_and(is_word_char) {
                    return (i + len, TokenKind::Emoticon);
                }
            }
        }
        if is_word_char(c) {
            return self.scan_word(text, i);
        }
        // A run of the same punctuation or symbol character.
        let mut end = i + c.len_utf8();
        while text[end..].starts_with(c) {
            end += c.len_utf8();
        }
        let kind = if c.is_ascii_punctuation() || is_general_punct(c) { TokenKind::Punct } else { TokenKind::Symbol };
        (end, kind)
    }

    fn scan_word(&self, text: &str, start: usize) -> (usize, TokenKind) {
        // Fast path: a run of ASCII letters ended by a space or clause punctuation.
        let bytes = text.as_bytes();
        let run = bytes[start..].iter().take_while(|b| b.is_ascii_alphabetic()).count();
        if run > 0
            && matches!(
                bytes.get(start + run),
                None | Some(b' ' | b'\n' | b'\t' | b',' | b'!' | b'?' | b';' | b':' | b')' | b'"')
            )
        {
            return (start + run, TokenKind::Word);
        }
        let mut end = start;
        let mut all_digits = true;
        let mut chars = text[start..].char_indices().peekable();
        while let Some((off, c)) = chars.next() {
            if is_word_char(c) {
                all_digits &= c.is_ascii_digit();
                end = start + off + c.len_utf8();
                continue;
            }
            let next = chars.peek().map(|&(_, n)| n);
            let prev = text[..start + off].chars().next_back();
            let joins = match c {
                // Contractions and elisions: don't, o'clock, l'état.
                _ if is_apostrophe(c) => next.is_some_and(char::is_alphabetic) && !all_digits,
                // Decimal and thousands separators: 3.5, 1,000.
                '.' | ',' if all_digits => next.is_some_and(|n| n.is_ascii_digit()),
                // Abbreviations: u.s., u.n. (single letters between dots).
                '.' => {
                    let single = prev.is_some_and(char::is_alphabetic)
                        && text[..start + off].chars().rev().nth(1).is_none_or(|p| !is_word_char(p));
                    single && next.is_some_and(char::is_alphabetic)
                }
                _ => false,
            };
            if !joins {
                break;
            }
            end = start + off + c.len_utf8();
        }
        // Keep a final abbreviation dot ("u.s.") when the token already holds one.
        if text[start..end].contains('.') && !all_digits && text[end..].starts_with('.') {
            end += 1;
        }
        (end, if all_digits { TokenKind::Number } else { TokenKind::Word })
    }
}

/// Length of the run of ASCII letters that starts `b`, eight bytes at a time:
/// most words end inside the first word-sized chunk, so the loop exit is predictable.
#[inline]
fn alpha_run(b: &[u8]) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let mut n = 0;
    while let Some(chunk) = b.get(n..n + 8) {
        let x = u64::from_le_bytes(chunk.try_into().expect("8 bytes"));
        // Per byte, with no carry between bytes: fold case, then test 'a' <= b <= 'z' on 7 bits.
        let lower = (x | (0x20 * ONES)) & !HIGH;
        let at_least_a = (lower + (0x80 - u64::from(b'a')) * ONES) & HIGH;
        let past_z = (lower + (0x80 - u64::from(b'z') - 1) * ONES) & HIGH;
        let letters = at_least_a & !past_z & !(x & HIGH);
        let stops = !letters & HIGH;
        if stops != 0 {
            return n + (stops.trailing_zeros() / 8) as usize;
        }
        n += 8;
    }
    n + b[n..].iter().take_while(|c| c.is_ascii_alphabetic()).count()
}

/// The next slot of `out` (reusing its string buffer, cleared), set to span `start..end`.
fn next_token<'a>(out: &'a mut Vec<Token>, n: &mut usize, start: usize, end: usize, kind: TokenKind) -> &'a mut Token {
    if *n == out.len() {
        out.push(Token { text: String::new(), start: 0, end: 0, kind, negated: false });
    }
    let tok = &mut out[*n];
    *n += 1;
    (tok.start, tok.end, tok.kind, tok.negated) = (start, end, kind, false);
    tok.text.clear();
    tok
}

fn is_general_punct(c: char) -> bool {
    matches!(c, '\u{2000}'..='\u{206F}' | '\u{3000}'..='\u{303F}' | '\u{00A1}' | '\u{00BF}' | '\u{00AB}' | '\u{00BB}')
}

fn starts_with_ci(s: &str, prefix: &str) -> bool {
    s.len() >= prefix.len() && s.as_bytes()[..prefix.len()].eq_ignore_ascii_case(prefix.as_bytes())
}

fn until_whitespace(s: &str) -> usize {
    s.char_indices().find(|&(_, c)| c.is_whitespace()).map_or(s.len(), |(i, _)| i)
}

fn word_run(s: &str) -> usize {
    s.char_indices().find(|&(_, c)| !is_word_char(c)).map_or(s.len(), |(i, _)| i)
}

fn emoticon_at(s: &str) -> Option<usize> {
    // Most characters start no emoticon: a match on the first two bytes rules them out
    // before the list is scanned (a test checks every emoticon passes it).
    if !may_start_emoticon(s.as_bytes()) {
        return None;
    }
    EMOTICONS.iter().find(|e| starts_with_ci(s, e)).map(|e| e.len())
}

/// Whether `b` begins with the first two bytes of some emoticon (case-insensitive).
fn may_start_emoticon(b: &[u8]) -> bool {
    let (Some(&first), Some(&second)) = (b.first(), b.get(1)) else { return false };
    matches!(
        (first.to_ascii_lowercase(), second.to_ascii_lowercase()),
        (b':', b'\'' | b'-' | b')' | b'(' | b'd' | b'p' | b'/' | b'|' | b'o')
            | (b';', b'-' | b')' | b'd')
            | (b'^', b'_' | b'^')
            | (b'-' | b't', b'_')
            | (b'=', b')' | b'(')
            | (b'<', b'3')
            | (b'x', b'd')
    )
}

/// Shortens runs of one letter longer than three ("soooo" to "sooo").
fn squeeze_repeats(s: &mut String) {
    let b = s.as_bytes();
    if b.len() < 4 {
        return;
    }
    if !b.windows(4).any(|w| w[0] == w[1] && w[1] == w[2] && w[2] == w[3]) && s.is_ascii() {
        return;
    }
    let mut run = 0;
    let mut prev = None;
    let mut changed = false;
    let out: String = s
        .chars()
        .filter(|&c| {
            run = if Some(c) == prev { run + 1 } else { 1 };
            prev = Some(c);
            let keep = run <= 3;
            changed |= !keep;
            keep
        })
        .collect();
    if changed {
        *s = out;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fast_word_path_agrees_with_the_scanner() {
        let mut state = 11u64;
        let alphabet: Vec<char> = "abtxhwTXHW_.'-/(3 \u{e9}\u{2019}:d)#@".chars().collect();
        let mut checked = 0;
        for social in [true, false] {
            let t = Tokenizer { social, normalizer: Normalizer { unicode: true, lowercase: true } };
            for _ in 0..4000 {
                let len = 1 + (state % 9) as usize;
                let text: String = (0..len)
                    .map(|_| {
                        state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                        alphabet[(state >> 33) as usize % alphabet.len()]
                    })
                    .collect();
                for (i, c) in text.char_indices() {
                    if let Some(end) = t.fast_word_end(text.as_bytes(), i) {
                        assert_eq!(t.scan(&text, i, c), (end, TokenKind::Word), "{text:?} at {i}");
                        checked += 1;
                    }
                }
            }
        }
        assert!(checked > 1000, "the fast path was exercised {checked} times");
    }

    #[test]
    fn lazy_tokens_are_eager_tokens_with_plain_words_left_to_plain_word() {
        let text = "Sooooo GOOD, Internationalization's what we said: U.S. 3.5 @bob #Tag :) café xD";
        for lowercase in [true, false] {
            let t = Tokenizer { social: true, normalizer: Normalizer { unicode: true, lowercase } };
            let (eager, mut lazy) = (t.tokenize(text), Vec::new());
            t.tokenize_lazy_into(text, &mut lazy);
            assert_eq!(lazy.len(), eager.len());
            let mut normal = String::new();
            let mut plain = 0;
            for (l, e) in lazy.iter().zip(&eager) {
                assert_eq!((l.start, l.end, l.kind), (e.start, e.end, e.kind));
                if l.text.is_empty() {
                    t.plain_word(&text[l.start..l.end], &mut normal);
                    assert_eq!(normal, e.text);
                    plain += 1;
                } else {
                    assert_eq!(l.text, e.text);
                }
            }
            assert!(plain >= 3, "{plain} plain words");
        }
    }

    #[test]
    fn alpha_run_matches_a_byte_loop() {
        let mut state = 7u64;
        let alphabet = b"aZ@[`{09 \xc3\xa9.'_zAqQ\x7f\x80";
        for len in 0..40 {
            for _ in 0..200 {
                let b: Vec<u8> = (0..len)
                    .map(|_| {
                        state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                        alphabet[(state >> 33) as usize % alphabet.len()]
                    })
                    .collect();
                let expect = b.iter().take_while(|c| c.is_ascii_alphabetic()).count();
                assert_eq!(alpha_run(&b), expect, "{b:?}");
            }
        }
        assert_eq!(alpha_run(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ!"), 52);
        for b in 0..=255u8 {
            assert_eq!(alpha_run(&[b; 9]) > 0, b.is_ascii_alphabetic(), "{b}");
        }
    }

    #[test]
    fn every_emoticon_passes_the_prefilter() {
        for e in EMOTICONS {
            assert!(may_start_emoticon(e.as_bytes()), "{e}");
            assert!(may_start_emoticon(e.to_uppercase().as_bytes()), "{e}");
            assert_eq!(emoticon_at(e), Some(e.len()), "{e}");
        }
        assert!(!may_start_emoticon(b"the") && !may_start_emoticon(b":") && !may_start_emoticon(b"-5"));
    }

    fn toks(social: bool, text: &str) -> Vec<(String, TokenKind)> {
        let t = Tokenizer { social, normalizer: Normalizer { unicode: true, lowercase: true } };
        t.tokenize(text).into_iter().map(|t| (t.text, t.kind)).collect()
    }

    fn texts(social: bool, text: &str) -> Vec<String> {
        toks(social, text).into_iter().map(|t| t.0).collect()
    }

    #[test]
    fn words_numbers_and_contractions() {
        assert_eq!(
            texts(false, "Don\u{2019}t pay $1,000.50 for the U.S. deal, isn't it?"),
            ["don't", "pay", "$", "1,000.50", "for", "the", "u.s.", "deal", ",", "isn't", "it", "?"]
        );
    }

    #[test]
    fn social_tokens() {
        let t = toks(true, "@Bob loves #Brexit :) see https://x.co/a?b=1 <3 soooo good!!!");
        let kinds: Vec<_> = t.iter().map(|t| t.1).collect();
        assert_eq!(
            t.iter().map(|t| t.0.as_str()).collect::<Vec<_>>(),
            ["@user", "loves", "#brexit", ":)", "see", "<url>", "<3", "sooo", "good", "!!!"]
        );
        assert_eq!(kinds[0], TokenKind::Mention);
        assert_eq!(kinds[2], TokenKind::Hashtag);
        assert_eq!(kinds[3], TokenKind::Emoticon);
        assert_eq!(kinds[5], TokenKind::Url);
    }

    #[test]
    fn without_social_mode_symbols_split() {
        assert_eq!(texts(false, "@bob #tag"), ["@", "bob", "#", "tag"]);
    }

    #[test]
    fn offsets_point_into_the_original_text() {
        let text = "Élan, naïve café — \u{1F600} ok";
        let t = Tokenizer { social: true, normalizer: Normalizer { unicode: true, lowercase: true } };
        for tok in t.tokenize(text) {
            assert!(text.is_char_boundary(tok.start) && text.is_char_boundary(tok.end));
            assert!(tok.start < tok.end);
        }
        assert_eq!(texts(true, text), ["élan", ",", "naïve", "café", "-", "\u{1F600}", "ok"]);
    }
}
