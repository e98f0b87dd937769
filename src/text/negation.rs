//! Negation scope marking: tokens after "not", "never", "no" or an "n't" word,
//! up to the next clause punctuation, are flagged as negated.

use super::token::{Token, TokenKind};

/// Marks negation scopes in a token stream.
#[derive(Debug, Clone, Copy, Default)]
pub struct NegationMarker;

impl NegationMarker {
    /// True when `word` (normalised) starts a negation scope.
    pub fn is_negator(word: &str) -> bool {
        // A `match` on the word compiles to a length switch: no scan of a list per token.
        matches!(
            word,
            "not"
                | "no"
                | "never"
                | "cannot"
                | "nobody"
                | "nothing"
                | "none"
                | "neither"
                | "nor"
                | "nowhere"
                | "without"
                | "hardly"
                | "barely"
                | "refuse"
                | "refused"
                | "refuses"
                | "fail"
                | "failed"
                | "fails"
        ) || word.ends_with("n't")
    }

    /// Sets [`Token::negated`] on every token inside a negation scope.
    pub fn mark(&self, tokens: &mut [Token]) {
        self.mark_by(tokens, |_, tok| tok.kind == TokenKind::Word && Self::is_negator(&tok.text));
    }

    /// [`NegationMarker::mark`] with the negators already known: `is_negator(i, token)`
    /// says whether token `i` opens a scope (for callers that cache it per word).
    pub fn mark_by(&self, tokens: &mut [Token], mut is_negator: impl FnMut(usize, &Token) -> bool) {
        let mut active = false;
        for (i, tok) in tokens.iter_mut().enumerate() {
            if tok.kind.is_clause_break(&tok.text) {
                active = false;
            } else if is_negator(i, tok) {
                active = true;
            } else if active {
                tok.negated = true;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Normalizer, Tokenizer};
    use super::*;

    #[test]
    fn scope_runs_to_clause_punctuation() {
        let t = Tokenizer { social: false, normalizer: Normalizer { unicode: true, lowercase: true } };
        let mut toks = t.tokenize("I don't like this deal, but it is fine. Never again!");
        NegationMarker.mark(&mut toks);
        let negated: Vec<_> = toks.iter().filter(|t| t.negated).map(|t| t.text.as_str()).collect();
        assert_eq!(negated, ["like", "this", "deal", "again"]);
    }
}
