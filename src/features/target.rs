//! Documents as the feature stage sees them, and locating a target in its
//! text for target-aware features.

/// One document to featurise.
#[derive(Debug, Clone, Copy)]
pub struct Doc<'a> {
    /// The text.
    pub text: &'a str,
    /// The target, for target-aware features.
    pub target: Option<TargetRef<'a>>,
    /// The stance holder, masked like the target when given.
    pub holder: Option<TargetRef<'a>>,
}

impl<'a> Doc<'a> {
    /// A document without target or holder.
    pub fn plain(text: &'a str) -> Self {
        Self { text, target: None, holder: None }
    }
}

/// A target as the feature stage sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TargetRef<'a> {
    /// The target's name, e.g. "Hillary Clinton" or a mention such as "Erdogan".
    pub name: &'a str,
    /// Byte span of the mention, when known.
    pub span: Option<(usize, usize)>,
}

impl TargetRef<'_> {
    /// The byte span of the target in `text`: the given span, else the first
    /// case-insensitive occurrence of the name at word boundaries.
    pub fn locate(&self, text: &str) -> Option<(usize, usize)> {
        if let Some((s, e)) = self.span {
            return (s < e && e <= text.len() && text.is_char_boundary(s) && text.is_char_boundary(e))
                .then_some((s, e));
        }
        let name = self.name.trim();
        if name.is_empty() || name.len() > text.len() {
            return None;
        }
        let hay = text.as_bytes();
        let needle = name.as_bytes();
        (0..=hay.len() - needle.len()).find_map(|i| {
            let end = i + needle.len();
            let boundary = |j: usize| {
                j == 0 || j == hay.len() || !hay[j - 1].is_ascii_alphanumeric() || !hay[j].is_ascii_alphanumeric()
            };
            let hit = hay[i..end].eq_ignore_ascii_case(needle)
                && text.is_char_boundary(i)
                && text.is_char_boundary(end)
                && boundary(i)
                && boundary(end);
            hit.then_some((i, end))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_names_at_word_boundaries() {
        let t = TargetRef { name: "Clinton", span: None };
        assert_eq!(t.locate("Vote clinton 2016"), Some((5, 12)));
        assert_eq!(t.locate("Clintonesque talk"), None);
        let given = TargetRef { name: "x", span: Some((0, 4)) };
        assert_eq!(given.locate("Erdo"), Some((0, 4)));
        assert_eq!(given.locate("Er"), None);
    }
}
