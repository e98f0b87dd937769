//! Text encodings of input files: UTF-8, Windows-1252 and Latin-1, decoded
//! field by field (or line by line) after the record structure is read from
//! the raw bytes, which all three spell alike for the ASCII delimiters.

use std::borrow::Cow;

use super::error::DataErrorKind;

/// The encoding of an input file.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, clap::ValueEnum)]
pub enum Encoding {
    /// UTF-8 (a leading byte-order mark is dropped); invalid bytes are an error.
    #[default]
    #[value(name = "utf-8", alias = "utf8")]
    Utf8,
    /// Windows-1252 (the Western European Windows code page), as the WHATWG
    /// Encoding Standard defines it: its five unassigned bytes map to the C1
    /// controls of the same value, so every byte decodes.
    #[value(name = "cp1252", alias = "windows-1252")]
    Windows1252,
    /// ISO-8859-1: each byte is the code point of the same value.
    #[value(name = "latin1", alias = "iso-8859-1")]
    Latin1,
}

/// Windows-1252's bytes 0x80–0x9F; the others are Latin-1's.
const CP1252_HIGH: [char; 32] = [
    '\u{20AC}', '\u{0081}', '\u{201A}', '\u{0192}', '\u{201E}', '\u{2026}', '\u{2020}', '\u{2021}', '\u{02C6}',
    '\u{2030}', '\u{0160}', '\u{2039}', '\u{0152}', '\u{008D}', '\u{017D}', '\u{008F}', '\u{0090}', '\u{2018}',
    '\u{2019}', '\u{201C}', '\u{201D}', '\u{2022}', '\u{2013}', '\u{2014}', '\u{02DC}', '\u{2122}', '\u{0161}',
    '\u{203A}', '\u{0153}', '\u{009D}', '\u{017E}', '\u{0178}',
];

impl Encoding {
    /// Decodes `bytes`, borrowing them when they are already the text (UTF-8,
    /// or ASCII in any encoding). Only UTF-8 can fail: the error gives the
    /// offset of the first invalid byte within `bytes`.
    pub fn decode(self, bytes: &[u8]) -> Result<Cow<'_, str>, DataErrorKind> {
        if let Self::Utf8 = self {
            return std::str::from_utf8(bytes)
                .map(Cow::Borrowed)
                .map_err(|e| DataErrorKind::InvalidUtf8 { offset: e.valid_up_to(), byte: bytes[e.valid_up_to()] });
        }
        if bytes.is_ascii() {
            return Ok(Cow::Borrowed(std::str::from_utf8(bytes).expect("ASCII is UTF-8")));
        }
        Ok(Cow::Owned(bytes.iter().map(|&b| self.char(b)).collect()))
    }

    /// The character of one byte in a single-byte encoding.
    fn char(self, b: u8) -> char {
        match (self, b) {
            (Self::Windows1252, 0x80..=0x9F) => CP1252_HIGH[usize::from(b - 0x80)],
            _ => char::from(b),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cp1252_decodes_the_windows_punctuation_and_latin1_the_c1_controls() {
        let bytes = b"caf\xe9 \x93quoted\x94 \x96 \x80 \x85 \x81";
        assert_eq!(Encoding::Windows1252.decode(bytes).unwrap(), "café \u{201C}quoted\u{201D} – € … \u{81}");
        assert_eq!(Encoding::Latin1.decode(bytes).unwrap(), "café \u{93}quoted\u{94} \u{96} \u{80} \u{85} \u{81}");
        // Every byte decodes, each to one character, and ASCII is borrowed.
        let all: Vec<u8> = (0..=255).collect();
        assert_eq!(Encoding::Windows1252.decode(&all).unwrap().chars().count(), 256);
        assert!(matches!(Encoding::Windows1252.decode(b"plain").unwrap(), Cow::Borrowed("plain")));
    }

    #[test]
    fn the_table_agrees_with_the_whatwg_index() {
        // Spot checks against https://encoding.spec.whatwg.org/index-windows-1252.txt.
        for (byte, code) in [(0x80, 0x20AC), (0x8A, 0x0160), (0x8E, 0x017D), (0x92, 0x2019), (0x9F, 0x0178)] {
            assert_eq!(Encoding::Windows1252.char(byte), char::from_u32(code).unwrap(), "{byte:#x}");
        }
        assert_eq!(Encoding::Windows1252.char(0xA0), '\u{A0}');
        assert_eq!(Encoding::Windows1252.char(0xFF), 'ÿ');
    }

    #[test]
    fn invalid_utf8_gives_the_offset_and_byte() {
        let err = Encoding::Utf8.decode(b"na\xefve").unwrap_err();
        assert!(matches!(err, DataErrorKind::InvalidUtf8 { offset: 2, byte: 0xef }), "{err:?}");
    }
}
