//! CoNLL-U in and out: sentences of words with lemma, UPOS, XPOS, features,
//! head and relation; multiword tokens (`3-4`) and empty nodes (`8.1`) are kept
//! and written back. Reading is streaming, with a bound on line length and
//! sentence size, and every error names the line; after an error the reader
//! resumes at the next sentence.
//!
//! Over 400 lines: reading, writing and tree checks share the sentence types and
//! their line bookkeeping.

use std::fmt::Write as _;
use std::io::{self, BufRead};

use thiserror::Error;

use super::error::SyntaxError;

/// What is wrong with a CoNLL-U word line or with a sentence's tree.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ConlluProblem {
    /// A word line without ten columns.
    #[error("expected 10 tab-separated columns, found {0}")]
    Columns(usize),
    /// An ID that is not a word number.
    #[error("bad ID {0:?}")]
    Id(String),
    /// A multiword token range (`3-4`) that does not start at the next word.
    #[error("multiword token range {id} does not start at word {next}")]
    Range {
        /// The range as written.
        id: String,
        /// The next word's number.
        next: u32,
    },
    /// An empty node (`8.1`) that does not follow its word.
    #[error("empty node {id} is out of place (after word {after})")]
    EmptyNode {
        /// The node's ID as written.
        id: String,
        /// The last word read.
        after: u32,
    },
    /// A word ID out of sequence.
    #[error("word ID {id} out of sequence (expected {next})")]
    Sequence {
        /// The ID as written.
        id: String,
        /// The ID expected.
        next: u32,
    },
    /// A sentence past the reader's word limit.
    #[error("sentence has more than {0} words")]
    TooManyWords(usize),
    /// A word with no form.
    #[error("empty FORM")]
    EmptyForm,
    /// A HEAD that is not a word number.
    #[error("HEAD {0:?} is not a word ID")]
    Head(String),
    /// Heads given for some words and not others.
    #[error("some words have a HEAD and others `_`")]
    SomeHeads,
    /// A head past the sentence's last word.
    #[error("word {word} has HEAD {head} beyond the sentence's {words} words")]
    HeadRange {
        /// The word (1-based).
        word: usize,
        /// Its head.
        head: u32,
        /// Words in the sentence.
        words: u32,
    },
    /// No word attached to the root.
    #[error("no word has HEAD 0 (missing root)")]
    NoRoot,
    /// Several words attached to the root.
    #[error("several roots (words {0:?})")]
    Roots(Vec<usize>),
    /// Heads that form a cycle.
    #[error("the heads form a cycle through word {0}")]
    Cycle(usize),
}

/// One syntactic word (a CoNLL-U line with an integer ID).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Word {
    /// Surface form.
    pub form: String,
    /// Lemma (`_` when unknown).
    pub lemma: String,
    /// Universal part-of-speech tag.
    pub upos: String,
    /// Language-specific tag (Penn tags for English).
    pub xpos: String,
    /// Morphological features.
    pub feats: String,
    /// 1-based head, 0 for the root; `None` when the column is `_`.
    pub head: Option<u32>,
    /// Dependency relation.
    pub deprel: String,
    /// Enhanced dependencies (kept as read).
    pub deps: String,
    /// Anything else (kept as read).
    pub misc: String,
}

impl Word {
    /// A word with only its form set; every other column `_`.
    pub fn new(form: &str) -> Self {
        let u = || "_".to_string();
        Word {
            form: form.into(),
            lemma: u(),
            upos: u(),
            xpos: u(),
            feats: u(),
            head: None,
            deprel: u(),
            deps: u(),
            misc: u(),
        }
    }
}

/// A multiword token (`first-last`), such as "don't" over the words "do" and "n't".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MultiwordToken {
    /// ID of its first word (1-based).
    pub first: u32,
    /// ID of its last word.
    pub last: u32,
    /// The token's surface form.
    pub form: String,
    /// Its MISC column.
    pub misc: String,
}

/// A sentence: comment lines, words, multiword tokens and empty nodes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Sentence {
    /// Comment lines without the leading `#` and one space.
    pub comments: Vec<String>,
    /// The words, in order (word `i` has ID `i + 1`).
    pub words: Vec<Word>,
    /// Multiword tokens, in order.
    pub multiword: Vec<MultiwordToken>,
    /// Empty nodes as read: the word ID they follow and the whole line.
    pub empty_nodes: Vec<(u32, String)>,
    /// 1-based line of the sentence's first line in its file (0 when not read from a file).
    pub line: u64,
}

impl Sentence {
    /// The value of a `# key = value` comment.
    pub fn comment(&self, key: &str) -> Option<&str> {
        self.comments.iter().find_map(|c| c.strip_prefix(key)?.trim_start().strip_prefix('=').map(str::trim))
    }

    /// True when every word has a head.
    pub fn has_heads(&self) -> bool {
        !self.words.is_empty() && self.words.iter().all(|w| w.head.is_some())
    }

    /// Writes the sentence in CoNLL-U, ending with its blank line.
    pub fn write_to(&self, out: &mut String) {
        for c in &self.comments {
            let _ = writeln!(out, "# {c}");
        }
        let mut mwt = self.multiword.iter().peekable();
        let mut empty = self.empty_nodes.iter().peekable();
        while let Some((_, line)) = empty.next_if(|(after, _)| *after == 0) {
            let _ = writeln!(out, "{line}");
        }
        for (i, w) in self.words.iter().enumerate() {
            let id = i as u32 + 1;
            while let Some(t) = mwt.next_if(|t| t.first == id) {
                let _ = writeln!(out, "{}-{}\t{}\t_\t_\t_\t_\t_\t_\t_\t{}", t.first, t.last, t.form, t.misc);
            }
            let head = w.head.map_or_else(|| "_".to_string(), |h| h.to_string());
            let _ = writeln!(
                out,
                "{id}\t{}\t{}\t{}\t{}\t{}\t{head}\t{}\t{}\t{}",
                w.form, w.lemma, w.upos, w.xpos, w.feats, w.deprel, w.deps, w.misc
            );
            while let Some((_, line)) = empty.next_if(|(after, _)| *after == id) {
                let _ = writeln!(out, "{line}");
            }
        }
        out.push('\n');
    }
}

/// Bounds that keep a hostile file from exhausting memory.
#[derive(Debug, Clone, Copy)]
pub struct ReadLimits {
    /// Longest line, in bytes.
    pub max_line_bytes: usize,
    /// Most words in one sentence.
    pub max_words: usize,
}

impl Default for ReadLimits {
    fn default() -> Self {
        ReadLimits { max_line_bytes: 1 << 20, max_words: 100_000 }
    }
}

/// Streams [`Sentence`]s from CoNLL-U text.
pub struct ConlluReader<R> {
    input: R,
    path: String,
    limits: ReadLimits,
    line: u64,
    buf: Vec<u8>,
    done: bool,
}

enum Line {
    Eof,
    Text,
    TooLong(usize),
}

impl<R: BufRead> ConlluReader<R> {
    /// A reader over `input`; `path` names it in errors.
    pub fn new(input: R, path: &str, limits: ReadLimits) -> Self {
        ConlluReader { input, path: path.to_string(), limits, line: 0, buf: Vec::new(), done: false }
    }

    fn err(&self, line: u64, reason: impl Into<String>) -> SyntaxError {
        SyntaxError::Conllu { path: self.path.clone(), line, reason: reason.into() }
    }

    /// Reads one line into `buf` without its line end, never holding more than the limit.
    fn read_line(&mut self) -> io::Result<Line> {
        self.buf.clear();
        let mut total = 0usize;
        let mut any = false;
        loop {
            let chunk = self.input.fill_buf()?;
            if chunk.is_empty() {
                break;
            }
            any = true;
            let (take, end) = match memchr::memchr(b'\n', chunk) {
                Some(i) => (i, true),
                None => (chunk.len(), false),
            };
            total += take;
            if total <= self.limits.max_line_bytes {
                self.buf.extend_from_slice(&chunk[..take]);
            }
            self.input.consume(take + usize::from(end));
            if end {
                break;
            }
        }
        if !any {
            return Ok(Line::Eof);
        }
        self.line += 1;
        if total > self.limits.max_line_bytes {
            self.buf.clear();
            return Ok(Line::TooLong(total));
        }
        if self.buf.last() == Some(&b'\r') {
            self.buf.pop();
        }
        Ok(Line::Text)
    }

    /// Skips to the end of the current sentence after an error.
    fn skip_sentence(&mut self) {
        while let Ok(Line::Text | Line::TooLong(_)) = self.read_line() {
            if self.buf.iter().all(u8::is_ascii_whitespace) {
                break;
            }
        }
    }

    fn next_sentence(&mut self) -> Result<Option<Sentence>, SyntaxError> {
        let mut s = Sentence::default();
        loop {
            let kind = self.read_line().map_err(|e| SyntaxError::Io { path: self.path.clone(), cause: e })?;
            let n = self.line;
            match kind {
                Line::Eof => {
                    self.done = true;
                    return if s.words.is_empty() && s.comments.is_empty() {
                        Ok(None)
                    } else {
                        self.finish(s).map(Some)
                    };
                }
                Line::TooLong(len) => {
                    let e =
                        self.err(n, format!("line of {len} bytes exceeds the limit of {}", self.limits.max_line_bytes));
                    self.skip_sentence();
                    return Err(e);
                }
                Line::Text => {}
            }
            let text = match std::str::from_utf8(&self.buf) {
                Ok(t) => t.to_string(),
                Err(_) => {
                    let e = self.err(n, "invalid UTF-8");
                    self.skip_sentence();
                    return Err(e);
                }
            };
            if text.trim().is_empty() {
                if s.words.is_empty() && s.comments.is_empty() {
                    continue; // runs of blank lines
                }
                return self.finish(s).map(Some);
            }
            if s.line == 0 {
                s.line = n;
            }
            if let Some(c) = text.strip_prefix('#') {
                if !s.words.is_empty() {
                    let e = self.err(n, "comment line among a sentence's words");
                    self.skip_sentence();
                    return Err(e);
                }
                s.comments.push(c.strip_prefix(' ').unwrap_or(c).to_string());
                continue;
            }
            if let Err(reason) = self.add_line(&mut s, &text) {
                let e = self.err(n, reason.to_string());
                self.skip_sentence();
                return Err(e);
            }
        }
    }

    fn add_line(&self, s: &mut Sentence, text: &str) -> Result<(), ConlluProblem> {
        let cols: Vec<&str> = text.split('\t').collect();
        if cols.len() != 10 {
            return Err(ConlluProblem::Columns(cols.len()));
        }
        let next = s.words.len() as u32 + 1;
        let id = cols[0];
        if let Some((a, b)) = id.split_once('-') {
            let (first, last) = (parse_id(a)?, parse_id(b)?);
            if first != next || last < first {
                return Err(ConlluProblem::Range { id: id.into(), next });
            }
            s.multiword.push(MultiwordToken { first, last, form: cols[1].into(), misc: cols[9].into() });
            return Ok(());
        }
        if let Some((a, b)) = id.split_once('.') {
            let after = parse_id(a).ok().filter(|&a| a + 1 == next || (a == 0 && next == 1));
            if after.is_none() || b.parse::<u32>().is_err() {
                return Err(ConlluProblem::EmptyNode { id: id.into(), after: next - 1 });
            }
            s.empty_nodes.push((next - 1, text.to_string()));
            return Ok(());
        }
        if parse_id(id)? != next {
            return Err(ConlluProblem::Sequence { id: id.into(), next });
        }
        if s.words.len() >= self.limits.max_words {
            return Err(ConlluProblem::TooManyWords(self.limits.max_words));
        }
        if cols[1].is_empty() {
            return Err(ConlluProblem::EmptyForm);
        }
        let head = match cols[6] {
            "_" => None,
            h => Some(h.parse::<u32>().map_err(|_| ConlluProblem::Head(h.into()))?),
        };
        s.words.push(Word {
            form: cols[1].into(),
            lemma: cols[2].into(),
            upos: cols[3].into(),
            xpos: cols[4].into(),
            feats: cols[5].into(),
            head,
            deprel: cols[7].into(),
            deps: cols[8].into(),
            misc: cols[9].into(),
        });
        Ok(())
    }

    fn finish(&self, s: Sentence) -> Result<Sentence, SyntaxError> {
        if s.words.is_empty() {
            return Err(self.err(s.line.max(1), "sentence has no words"));
        }
        if let Some(t) = s.multiword.iter().find(|t| t.last as usize > s.words.len()) {
            return Err(self.err(s.line, format!("multiword token {}-{} runs past the last word", t.first, t.last)));
        }
        check_tree(&s).map_err(|reason| self.err(s.line, reason.to_string()))?;
        Ok(s)
    }
}

fn parse_id(s: &str) -> Result<u32, ConlluProblem> {
    s.parse::<u32>().ok().filter(|&i| i > 0 || s == "0").ok_or_else(|| ConlluProblem::Id(s.into()))
}

/// Checks that the heads, where given, form one tree: all or none given, in
/// range, exactly one root, no cycle.
pub fn check_tree(s: &Sentence) -> Result<(), ConlluProblem> {
    let given = s.words.iter().filter(|w| w.head.is_some()).count();
    if given == 0 {
        return Ok(());
    }
    if given != s.words.len() {
        return Err(ConlluProblem::SomeHeads);
    }
    let n = s.words.len() as u32;
    let heads: Vec<u32> = s.words.iter().map(|w| w.head.unwrap_or(0)).collect();
    if let Some(i) = heads.iter().position(|&h| h > n) {
        return Err(ConlluProblem::HeadRange { word: i + 1, head: heads[i], words: n });
    }
    let roots: Vec<usize> = (0..heads.len()).filter(|&i| heads[i] == 0).map(|i| i + 1).collect();
    match roots.len() {
        0 => return Err(ConlluProblem::NoRoot),
        1 => {}
        _ => return Err(ConlluProblem::Roots(roots)),
    }
    find_cycle(&heads).map_or(Ok(()), |w| Err(ConlluProblem::Cycle(w)))
}

/// A word (1-based) on a cycle of `heads` (1-based, 0 = root), if any.
pub fn find_cycle(heads: &[u32]) -> Option<usize> {
    // 0: unvisited, 1: on the current path, 2: known to reach the root.
    let mut state = vec![0u8; heads.len() + 1];
    state[0] = 2;
    for start in 1..=heads.len() {
        let mut path = Vec::new();
        let mut w = start;
        while state[w] == 0 {
            state[w] = 1;
            path.push(w);
            w = heads[w - 1] as usize;
        }
        if state[w] == 1 {
            return Some(w);
        }
        for p in path {
            state[p] = 2;
        }
    }
    None
}

impl<R: BufRead> Iterator for ConlluReader<R> {
    type Item = Result<Sentence, SyntaxError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        self.next_sentence().transpose()
    }
}

/// Reads every sentence of a CoNLL-U file, stopping at the first error.
pub fn read_treebank(path: &std::path::Path) -> Result<Vec<Sentence>, SyntaxError> {
    let name = path.display().to_string();
    let file = std::fs::File::open(path).map_err(|source| SyntaxError::Io { path: name.clone(), cause: source })?;
    ConlluReader::new(io::BufReader::with_capacity(1 << 16, file), &name, ReadLimits::default()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Vec<Result<Sentence, String>> {
        ConlluReader::new(text.as_bytes(), "t.conllu", ReadLimits { max_line_bytes: 200, max_words: 5 })
            .map(|r| r.map_err(|e| e.to_string()))
            .collect()
    }

    const GOOD: &str = "# sent_id = 1\n# text = I don't.\n1\tI\tI\tPRON\tPRP\t_\t3\tnsubj\t_\t_\n\
        2-3\tdon't\t_\t_\t_\t_\t_\t_\t_\t_\n2\tdo\tdo\tAUX\tVBP\t_\t0\troot\t_\t_\n3\tn't\tnot\tPART\tRB\t_\t2\tadvmod\t_\t_\n\
        3.1\tx\tx\t_\t_\t_\t_\t_\t2:dep\t_\n4\t.\t.\tPUNCT\t.\t_\t2\tpunct\t_\t_\n\n";

    #[test]
    fn reads_and_writes_back_byte_for_byte() {
        let got = read(&format!("\n\n{GOOD}\n\n{GOOD}"));
        assert_eq!(got.len(), 2);
        let s = got[0].as_ref().unwrap();
        assert_eq!(s.words.len(), 4);
        assert_eq!(s.comment("text"), Some("I don't."));
        assert_eq!(s.multiword[0].form, "don't");
        assert_eq!(s.line, 3);
        let mut out = String::new();
        s.write_to(&mut out);
        assert_eq!(out, GOOD);
    }

    #[test]
    fn malformed_input_names_the_line_and_reading_resumes() {
        let cases = [
            ("1\tA\ta\tX\tX\t_\t0\troot\t_\n\n", "1: expected 10 tab-separated columns, found 9"),
            (
                "1\tA\ta\tX\tX\t_\t0\troot\t_\t_\n2\tB\tb\tX\tX\t_\t3\tdep\t_\t_\n3\tC\tc\tX\tX\t_\t2\tdep\t_\t_\n\n",
                "cycle through word",
            ),
            ("1\tA\ta\tX\tX\t_\t0\troot\t_\t_\n2\tB\tb\tX\tX\t_\t9\tdep\t_\t_\n\n", "HEAD 9 beyond"),
            ("1\tA\ta\tX\tX\t_\t0\troot\t_\t_\n2\tB\tb\tX\tX\t_\t2\tdep\t_\t_\n\n", "cycle through word 2"),
            (
                "1\tA\ta\tX\tX\t_\t2\tdep\t_\t_\n2\tB\tb\tX\tX\t_\t1\tdep\t_\t_\n3\tC\tc\tX\tX\t_\t1\tdep\t_\t_\n\n",
                "missing root",
            ),
            ("1\tA\ta\tX\tX\t_\t0\troot\t_\t_\n2\tB\tb\tX\tX\t_\t0\troot\t_\t_\n\n", "several roots"),
            ("1\tA\ta\tX\tX\t_\t0\troot\t_\t_\n3\tB\tb\tX\tX\t_\t1\tdep\t_\t_\n\n", "2: word ID 3 out of sequence"),
            ("1\tA\ta\tX\tX\t_\t0\troot\t_\t_\n# late\n\n", "2: comment line among"),
            ("1\tA\ta\tX\tX\t_\tx\troot\t_\t_\n\n", "HEAD \"x\""),
            (&format!("1\t{}\ta\tX\tX\t_\t0\troot\t_\t_\n\n", "a".repeat(500)), "1: line of 521 bytes exceeds"),
        ];
        for (bad, want) in cases {
            let got = read(&format!("{bad}{GOOD}"));
            let e = got[0].as_ref().expect_err(bad);
            assert!(e.contains(want) && e.starts_with("t.conllu:"), "{e} lacks {want}");
            assert!(got[1].is_ok(), "the reader resumes after {bad:?}");
        }
        let long: String = (1..=6).map(|i| format!("{i}\tA\ta\tX\tX\t_\t_\t_\t_\t_\n")).collect();
        assert!(read(&long)[0].as_ref().unwrap_err().contains("more than 5 words"));
        assert!(read("1-3\tab\t_\t_\t_\t_\t_\t_\t_\t_\n1\ta\t_\t_\t_\t_\t_\t_\t_\t_\n\n")[0].is_err());
        let bytes: &[u8] = b"1\t\xff\ta\tX\tX\t_\t0\troot\t_\t_\n";
        let e = ConlluReader::new(bytes, "b", ReadLimits::default()).next().unwrap().unwrap_err();
        assert_eq!(e.to_string(), "b:1: invalid UTF-8");
    }
}
