//! Unicode normalisation: NFKC, typographic quote and dash folding, lowercasing.

use unicode_normalization::UnicodeNormalization;

/// Normalises text: NFKC, curly quotes to ASCII, dashes to `-`, and (optionally) lowercase.
#[derive(Debug, Clone, Copy)]
pub struct Normalizer {
    /// Apply NFKC and fold quotes and dashes.
    pub unicode: bool,
    /// Lowercase the result.
    pub lowercase: bool,
}

fn fold(c: char) -> char {
    match c {
        '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' | '`' | '\u{00B4}' => '\'',
        '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{2033}' | '\u{00AB}' | '\u{00BB}' => '"',
        '\u{2010}'..='\u{2015}' | '\u{2212}' => '-',
        _ => c,
    }
}

impl Normalizer {
    /// Normalises `text` into `out` (cleared first).
    pub fn normalize_into(&self, text: &str, out: &mut String) {
        out.clear();
        if text.is_ascii() {
            out.push_str(text);
            if self.lowercase {
                out.make_ascii_lowercase();
            }
        } else if self.unicode {
            for c in text.nfkc().map(fold) {
                push_case(out, c, self.lowercase);
            }
            // A lowercase letter can compose with a following mark where the capital
            // could not ("T\u{308}" → "t\u{308}" → "ẗ"): normalise once more, so
            // normalising is idempotent.
            if self.lowercase
                && !out.is_ascii()
                && unicode_normalization::is_nfkc_quick(out.chars()) != unicode_normalization::IsNormalized::Yes
            {
                let again: String = out.nfkc().map(fold).collect();
                *out = again;
            }
        } else {
            for c in text.chars() {
                push_case(out, c, self.lowercase);
            }
        }
    }

    /// Normalises `text` into a new string.
    pub fn normalize(&self, text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        self.normalize_into(text, &mut out);
        out
    }
}

fn push_case(out: &mut String, c: char, lowercase: bool) {
    if !lowercase {
        out.push(c);
    } else if c.is_ascii() {
        out.push(c.to_ascii_lowercase());
    } else {
        out.extend(c.to_lowercase());
    }
}

/// Full normalisation (NFKC, folding, lowercase) of `text`.
pub fn normalize(text: &str) -> String {
    Normalizer { unicode: true, lowercase: true }.normalize(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_quotes_dashes_and_compatibility_forms() {
        assert_eq!(normalize("Don\u{2019}t \u{201C}Stop\u{201D} \u{2014} ＡＢＣ ﬁne"), "don't \"stop\" - abc fine");
    }

    #[test]
    fn is_idempotent_on_mixed_text() {
        for s in ["Ünïcödé Ⅻ ℌello", "plain ascii", "İstanbul", "ß and ẞ"] {
            let once = normalize(s);
            assert_eq!(normalize(&once), once, "{s}");
        }
    }

    #[test]
    fn keeps_case_when_asked() {
        let n = Normalizer { unicode: true, lowercase: false };
        assert_eq!(n.normalize("Hello \u{2018}World\u{2019}"), "Hello 'World'");
    }
}
