//! The token type shared by every text stage.

/// What a token is; social kinds appear only when social tokenisation is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    /// Letters, possibly with internal apostrophes (contractions) or abbreviation dots.
    Word,
    /// Digits, possibly with internal `.` or `,`.
    Number,
    /// `http://…`, `https://…` or `www.…`.
    Url,
    /// `@name`.
    Mention,
    /// `#tag`.
    Hashtag,
    /// A text emoticon such as `:)` or `<3`.
    Emoticon,
    /// A run of one punctuation character.
    Punct,
    /// Any other symbol, such as an emoji.
    Symbol,
}

/// A token: its normalised form, its byte span in the original text, and flags
/// set by later stages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// Normalised text (lowercased, folded), later stemmed.
    pub text: String,
    /// Byte offset of the first byte in the original text.
    pub start: usize,
    /// Byte offset one past the last byte in the original text.
    pub end: usize,
    /// Token category.
    pub kind: TokenKind,
    /// Inside a negation scope ("not *good*").
    pub negated: bool,
}

impl TokenKind {
    /// True for punctuation that closes a negation scope.
    pub fn is_clause_break(self, text: &str) -> bool {
        self == TokenKind::Punct && matches!(text.as_bytes().first(), Some(b'.' | b',' | b';' | b':' | b'!' | b'?'))
    }
}
