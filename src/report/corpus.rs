//! The corpus report: `stance-tag`'s article rows aggregated into actor × event
//! cells, for the page that shows them (`corpus_page.rs`: a matrix of the cells
//! that say the most, filters by actor, event and least confidence, a timeline
//! when the articles have dates, and each cell's evidence on click).
//!
//! The page carries aggregated data only: per cell the stance counts, article
//! count, mean confidence and its best evidence sentences (at most
//! [`CorpusLimits::evidence_per_cell`], within a byte budget for the whole
//! page), so a report of any number of articles stays a few megabytes.
//!
//! Over 400 lines: about 400 of aggregation and 150 of unit tests, some of
//! which check it through the page it feeds.

use std::collections::{BTreeMap, HashMap, HashSet};

/// Stances in the order the page shows them; others follow in the order first seen.
const STANCES: [&str; 3] = ["supportive", "skeptical", "mixed"];

/// How much of the data a report keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CorpusLimits {
    /// Evidence sentences kept per cell, best first.
    pub evidence_per_cell: usize,
    /// Longest evidence sentence shown, in characters (longer ones are cut with `…`).
    pub sentence_chars: usize,
    /// Bytes of evidence (sentences and article ids) in the whole page: every cell gets its best
    /// sentence first, in the order of the cells, then its further ones, while the budget lasts.
    pub evidence_bytes: usize,
    /// Cells in the page, those that say the most (the rest are counted, not shown).
    pub max_cells: usize,
}

impl Default for CorpusLimits {
    fn default() -> Self {
        Self { evidence_per_cell: 5, sentence_chars: 320, evidence_bytes: 2_000_000, max_cells: 10_000 }
    }
}

/// What the page says about the run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CorpusMeta {
    /// The page title.
    pub title: String,
    /// The inputs, as given.
    pub inputs: Vec<String>,
}

/// One evidence sentence of a row, with its score.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EvidenceRow<'a> {
    /// The sentence.
    pub sentence: &'a str,
    /// Its score.
    pub score: f64,
}

/// One article row: an actor's stance toward an event in one article.
#[derive(Debug, Clone, PartialEq)]
pub struct StanceRow<'a> {
    /// The article's id.
    pub article: &'a str,
    /// The actor's name.
    pub actor: &'a str,
    /// The actor's code (state and sector), if known.
    pub actor_code: Option<&'a str>,
    /// The event.
    pub event: &'a str,
    /// The stance (`supportive`, `skeptical`, `mixed`, …).
    pub stance: &'a str,
    /// The row's confidence.
    pub confidence: f64,
    /// The row's evidence sentences.
    pub evidence: &'a [EvidenceRow<'a>],
    /// The article's date, if known (its leading `YYYY-MM` places it on the timeline).
    pub date: Option<&'a str>,
}

/// One evidence sentence of a cell.
#[derive(Debug, Clone, PartialEq)]
pub struct CellEvidence {
    /// Index of the article in [`CorpusReport::articles`].
    pub article: u32,
    /// The sentence's score.
    pub score: f64,
    /// The sentence (cut to [`CorpusLimits::sentence_chars`]).
    pub sentence: String,
}

/// One actor × event cell.
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    /// Index into [`CorpusReport::actors`].
    pub actor: u32,
    /// Index into [`CorpusReport::events`].
    pub event: u32,
    /// Rows per stance, by index into [`CorpusReport::stances`].
    pub counts: Vec<u64>,
    /// Rows (one per article and stance verdict).
    pub rows: u64,
    /// Distinct articles.
    pub articles: u64,
    /// Mean confidence of the rows.
    pub confidence: f64,
    /// Evidence sentences of the rows (distinct sentences).
    pub evidence_total: u64,
    /// The best evidence sentences, by score (highest first), as many as the limits allow.
    pub evidence: Vec<CellEvidence>,
    /// Rows per month (index into [`CorpusReport::months`]) and stance, for dated articles.
    pub months: Vec<(u32, Vec<u64>)>,
}

/// An actor: name and code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// The name.
    pub name: String,
    /// The first code seen with the name, if any.
    pub code: Option<String>,
}

/// The aggregated corpus, cells ordered by how much they say.
#[derive(Debug, Clone, PartialEq)]
pub struct CorpusReport {
    /// Stance names, in the order of every count vector.
    pub stances: Vec<String>,
    /// The actors of the cells kept, in the order of their first cell.
    pub actors: Vec<Actor>,
    /// The events of the cells kept, in the order of their first cell.
    pub events: Vec<String>,
    /// Ids of the articles the kept evidence comes from.
    pub articles: Vec<String>,
    /// Months (`YYYY-MM`) of the dated rows, ascending.
    pub months: Vec<String>,
    /// The cells: most articles first, then most rows, most evidence, highest
    /// mean confidence, then by actor and event name.
    pub cells: Vec<Cell>,
    /// Cells not kept (past [`CorpusLimits::max_cells`]).
    pub cells_dropped: u64,
    /// Items (articles) the run processed, when told ([`CorpusBuilder::set_items`]).
    pub items: Option<u64>,
    /// Distinct articles with at least one row.
    pub articles_with_rows: u64,
    /// Rows aggregated.
    pub rows: u64,
    /// Error records seen.
    pub errors: u64,
    /// Rows with a date that has no leading `YYYY-MM`.
    pub undated: u64,
}

/// Strings to small indices.
#[derive(Debug, Default)]
struct Interner {
    index: HashMap<String, u32>,
    names: Vec<String>,
}

impl Interner {
    fn get(&mut self, s: &str) -> u32 {
        if let Some(&i) = self.index.get(s) {
            return i;
        }
        let i = self.names.len() as u32;
        self.index.insert(s.to_string(), i);
        self.names.push(s.to_string());
        i
    }
}

#[derive(Debug, Default)]
struct CellAcc {
    counts: Vec<u64>,
    rows: u64,
    confidence_sum: f64,
    articles: HashSet<u32>,
    /// Distinct sentences seen.
    sentences: HashSet<u64>,
    /// The best `evidence_per_cell` (article, score, sentence), highest score first, earliest first among equals.
    best: Vec<(u32, f64, String)>,
    months: BTreeMap<String, Vec<u64>>,
}

/// Aggregates article rows into a [`CorpusReport`].
///
/// ```
/// use stance::report::{CorpusBuilder, CorpusLimits, EvidenceRow, StanceRow};
///
/// let mut b = CorpusBuilder::new(CorpusLimits::default());
/// let evidence = [EvidenceRow { sentence: "Turkey questioned the ceasefire.", score: 0.9 }];
/// b.add(&StanceRow {
///     article: "a1", actor: "Turkey", actor_code: Some("TUR GOV"), event: "ceasefire",
///     stance: "skeptical", confidence: 0.8, evidence: &evidence, date: Some("2020-08-21"),
/// });
/// let report = b.finish();
/// assert_eq!(report.cells[0].articles, 1);
/// assert_eq!(report.months, ["2020-08"]);
/// ```
#[derive(Debug)]
pub struct CorpusBuilder {
    limits: CorpusLimits,
    stances: Interner,
    actors: Interner,
    codes: Vec<Option<String>>,
    events: Interner,
    articles: Interner,
    cells: HashMap<(u32, u32), CellAcc>,
    rows: u64,
    errors: u64,
    undated: u64,
    items: Option<u64>,
}

/// The leading `YYYY-MM` of a date, if it has one.
fn month_of(date: &str) -> Option<&str> {
    let b = date.as_bytes();
    let digits = |r: std::ops::Range<usize>| b.get(r).is_some_and(|d| d.iter().all(u8::is_ascii_digit));
    (digits(0..4) && b.get(4) == Some(&b'-') && digits(5..7) && (b.len() == 7 || !b[7].is_ascii_digit()))
        .then(|| &date[..7])
}

/// `s` cut to `n` characters, with `…` when cut.
fn cut(s: &str, n: usize) -> String {
    match s.char_indices().nth(n) {
        Some((at, _)) => format!("{}…", s[..at].trim_end()),
        None => s.to_string(),
    }
}

impl CorpusBuilder {
    /// An empty aggregation.
    pub fn new(limits: CorpusLimits) -> Self {
        let mut stances = Interner::default();
        for s in STANCES {
            stances.get(s);
        }
        Self {
            limits,
            stances,
            actors: Interner::default(),
            codes: Vec::new(),
            events: Interner::default(),
            articles: Interner::default(),
            cells: HashMap::new(),
            rows: 0,
            errors: 0,
            undated: 0,
            items: None,
        }
    }

    /// Adds one row.
    pub fn add(&mut self, row: &StanceRow<'_>) {
        self.rows += 1;
        let actor = self.actors.get(row.actor);
        if self.codes.len() <= actor as usize {
            self.codes.push(None);
        }
        if self.codes[actor as usize].is_none() {
            self.codes[actor as usize] = row.actor_code.map(|c| c.trim().to_string()).filter(|c| !c.is_empty());
        }
        let event = self.events.get(row.event);
        let stance = self.stances.get(row.stance) as usize;
        let article = self.articles.get(row.article);
        let k = self.limits.evidence_per_cell;
        let chars = self.limits.sentence_chars;
        let cell = self.cells.entry((actor, event)).or_default();
        if cell.counts.len() <= stance {
            cell.counts.resize(stance + 1, 0);
        }
        cell.counts[stance] += 1;
        cell.rows += 1;
        cell.confidence_sum += if row.confidence.is_finite() { row.confidence } else { 0.0 };
        cell.articles.insert(article);
        match row.date.map(|d| (d, month_of(d))) {
            Some((_, Some(month))) => {
                let m = cell.months.entry(month.to_string()).or_default();
                if m.len() <= stance {
                    m.resize(stance + 1, 0);
                }
                m[stance] += 1;
            }
            Some((d, None)) if !d.trim().is_empty() => self.undated += 1,
            _ => {}
        }
        for e in row.evidence {
            let score = if e.score.is_finite() { e.score } else { 0.0 };
            let sentence = cut(e.sentence, chars);
            if !cell.sentences.insert(crate::hash::fnv1a64(0, e.sentence.as_bytes())) {
                // The same sentence again (another article or row): it keeps its best score.
                match cell.best.iter().position(|b| b.2 == sentence) {
                    Some(pos) if score > cell.best[pos].1 => {
                        cell.best.remove(pos);
                    }
                    Some(_) => continue,
                    None => {}
                }
            }
            let at = cell.best.iter().position(|b| score > b.1).unwrap_or(cell.best.len());
            if at < k {
                cell.best.insert(at, (article, score, sentence));
                cell.best.truncate(k);
            }
        }
    }

    /// Counts one error record.
    pub fn add_error(&mut self) {
        self.errors += 1;
    }

    /// The number of items (articles) the run processed, rows or not.
    pub fn set_items(&mut self, items: u64) {
        self.items = Some(items);
    }

    /// The report: cells ordered, evidence within the budget, only the articles it cites.
    pub fn finish(self) -> CorpusReport {
        let limits = self.limits;
        let n_stances = self.stances.names.len();
        let articles_with_rows = self.cells.values().flat_map(|c| c.articles.iter()).collect::<HashSet<_>>().len();
        let mut accs: Vec<((u32, u32), CellAcc)> = self.cells.into_iter().collect();
        let actor_names = &self.actors.names;
        let event_names = &self.events.names;
        let mean = |c: &CellAcc| c.confidence_sum / c.rows.max(1) as f64;
        accs.sort_by(|(ka, a), (kb, b)| {
            b.articles
                .len()
                .cmp(&a.articles.len())
                .then(b.rows.cmp(&a.rows))
                .then(b.sentences.len().cmp(&a.sentences.len()))
                .then(mean(b).total_cmp(&mean(a)))
                .then_with(|| actor_names[ka.0 as usize].cmp(&actor_names[kb.0 as usize]))
                .then_with(|| event_names[ka.1 as usize].cmp(&event_names[kb.1 as usize]))
        });
        let cells_dropped = accs.len().saturating_sub(limits.max_cells) as u64;
        accs.truncate(limits.max_cells);
        // Evidence within the budget: each cell's best sentence first, then the others.
        let mut take = vec![0usize; accs.len()];
        let mut used = 0usize;
        let mut cited: HashSet<u32> = HashSet::new();
        let article_names = &self.articles.names;
        for round in 0..limits.evidence_per_cell {
            for (i, (_, acc)) in accs.iter().enumerate() {
                let Some((article, _, sentence)) = acc.best.get(round) else { continue };
                if take[i] != round {
                    continue;
                }
                let id_cost = if cited.contains(article) { 0 } else { article_names[*article as usize].len() + 4 };
                let cost = sentence.len() + id_cost + 16;
                if used + cost > limits.evidence_bytes {
                    continue;
                }
                used += cost;
                cited.insert(*article);
                take[i] += 1;
            }
        }
        // Only the actors, events, articles and months the kept cells use: in the cells' order, and ascending.
        let mut kept_articles = Interner::default();
        let (mut kept_actors, mut kept_events) = (Interner::default(), Interner::default());
        let mut codes = Vec::new();
        for ((actor, event), _) in &accs {
            if kept_actors.get(&actor_names[*actor as usize]) as usize == codes.len() {
                codes.push(self.codes[*actor as usize].clone());
            }
            kept_events.get(&event_names[*event as usize]);
        }
        let months: Vec<String> = accs
            .iter()
            .flat_map(|(_, a)| a.months.keys())
            .cloned()
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        let month_index: HashMap<&str, u32> = months.iter().enumerate().map(|(i, m)| (m.as_str(), i as u32)).collect();
        let pad = |mut v: Vec<u64>| {
            v.resize(n_stances, 0);
            v
        };
        let cells = accs
            .iter()
            .zip(&take)
            .map(|(((actor, event), acc), &n)| Cell {
                actor: kept_actors.index[&actor_names[*actor as usize]],
                event: kept_events.index[&event_names[*event as usize]],
                counts: pad(acc.counts.clone()),
                rows: acc.rows,
                articles: acc.articles.len() as u64,
                confidence: mean(acc),
                evidence_total: acc.sentences.len() as u64,
                evidence: acc.best[..n]
                    .iter()
                    .map(|(a, score, sentence)| CellEvidence {
                        article: kept_articles.get(&article_names[*a as usize]),
                        score: *score,
                        sentence: sentence.clone(),
                    })
                    .collect(),
                months: acc.months.iter().map(|(m, v)| (month_index[m.as_str()], pad(v.clone()))).collect(),
            })
            .collect();
        CorpusReport {
            stances: self.stances.names,
            actors: kept_actors.names.into_iter().zip(codes).map(|(name, code)| Actor { name, code }).collect(),
            events: kept_events.names,
            articles: kept_articles.names,
            months,
            cells,
            cells_dropped,
            items: self.items,
            articles_with_rows: articles_with_rows as u64,
            rows: self.rows,
            errors: self.errors,
            undated: self.undated,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    fn row<'a>(
        article: &'a str,
        actor: &'a str,
        stance: &'a str,
        confidence: f64,
        evidence: &'a [EvidenceRow<'a>],
        date: Option<&'a str>,
    ) -> StanceRow<'a> {
        StanceRow { article, actor, actor_code: None, event: "ceasefire", stance, confidence, evidence, date }
    }

    fn ev(sentence: &str, score: f64) -> EvidenceRow<'_> {
        EvidenceRow { sentence, score }
    }

    /// Three articles: Turkey twice skeptical and once supportive (two articles), Russia once supportive.
    fn example(limits: CorpusLimits) -> CorpusReport {
        let mut b = CorpusBuilder::new(limits);
        b.add(&row("a1", "Turkey", "skeptical", 0.9, &[ev("S1", 0.8), ev("S2", 0.5)], Some("2020-08-21")));
        b.add(&row("a2", "Turkey", "skeptical", 0.7, &[ev("S3", 0.6)], Some("2020-09-01")));
        b.add(&row("a2", "Turkey", "supportive", 0.5, &[ev("S1", 0.9)], Some("2020-09-01")));
        b.add(&row("a3", "Russia", "supportive", 0.8, &[ev("S4", 0.7)], Some("21 Aug 2020")));
        b.add_error();
        b.set_items(4);
        b.finish()
    }

    #[test]
    fn cells_match_hand_computed_values() {
        let r = example(CorpusLimits::default());
        assert_eq!(r.stances, ["supportive", "skeptical", "mixed"]);
        assert_eq!((r.rows, r.errors, r.items, r.articles_with_rows, r.undated), (4, 1, Some(4), 3, 1));
        // Turkey says the most: two articles.
        let t = &r.cells[0];
        assert_eq!(r.actors[t.actor as usize].name, "Turkey");
        assert_eq!(t.counts, [1, 2, 0]);
        assert_eq!((t.rows, t.articles, t.evidence_total), (3, 2, 3));
        assert!((t.confidence - 0.7).abs() < 1e-12, "(0.9 + 0.7 + 0.5) / 3");
        // S1 twice: kept once, with its best score (0.9, from a2); then S3 0.6, S2 0.5.
        let got: Vec<(&str, f64, &str)> = t
            .evidence
            .iter()
            .map(|e| (r.articles[e.article as usize].as_str(), e.score, e.sentence.as_str()))
            .collect();
        assert_eq!(got, [("a2", 0.9, "S1"), ("a2", 0.6, "S3"), ("a1", 0.5, "S2")]);
        assert_eq!(r.months, ["2020-08", "2020-09"]);
        assert_eq!(t.months, [(0, vec![0, 1, 0]), (1, vec![1, 1, 0])]);
        let russia = &r.cells[1];
        assert_eq!((russia.articles, russia.counts.clone(), russia.confidence), (1, vec![1, 0, 0], 0.8));
        assert!(russia.months.is_empty(), "'21 Aug 2020' has no leading YYYY-MM");
        assert_eq!(r.stance_totals(), [2, 2, 0]);
    }

    #[test]
    fn limits_cap_evidence_and_cells() {
        let r = example(CorpusLimits { evidence_per_cell: 2, ..CorpusLimits::default() });
        assert_eq!(r.cells[0].evidence.len(), 2);
        assert_eq!(r.cells[0].evidence_total, 3, "all sentences are still counted");
        // A budget for one sentence and its id: the first cell's best only.
        let r = example(CorpusLimits { evidence_bytes: 2 + 2 + 4 + 16, ..CorpusLimits::default() });
        assert_eq!((r.cells[0].evidence.len(), r.cells[1].evidence.len()), (1, 0));
        assert_eq!(r.articles, ["a2"], "only cited articles are kept");
        let r = example(CorpusLimits { max_cells: 1, ..CorpusLimits::default() });
        assert_eq!((r.cells.len(), r.cells_dropped), (1, 1));
        assert_eq!(cut("abcdef", 3), "abc…");
        assert_eq!(month_of("2019-12-31T10:00"), Some("2019-12"));
        assert_eq!(month_of("2019-123"), None);
    }

    #[test]
    fn a_page_of_any_corpus_stays_under_five_megabytes() {
        // The worst case: every row a new actor and event with long names, five long sentences and long ids.
        let long = "x".repeat(600);
        let mut b = CorpusBuilder::new(CorpusLimits::default());
        for i in 0..20_000 {
            let ids: Vec<String> = (0..5).map(|j| format!("https://example.org/{long}/{i}/{j}")).collect();
            let sentences: Vec<String> = (0..5).map(|j| format!("{i} {j} {long}")).collect();
            let evidence: Vec<EvidenceRow<'_>> =
                sentences.iter().map(|s| EvidenceRow { sentence: s, score: 0.5 }).collect();
            let (actor, event) = (format!("actor {i} {}", &long[..40]), format!("event {i} {}", &long[..40]));
            b.add(&StanceRow {
                article: &ids[i % 5],
                actor: &actor,
                actor_code: Some("XXX GOV"),
                event: &event,
                stance: "supportive",
                confidence: 0.5,
                evidence: &evidence,
                date: Some("2020-01-01"),
            });
        }
        let r = b.finish();
        assert_eq!((r.cells.len(), r.cells_dropped), (10_000, 10_000));
        assert_eq!((r.actors.len(), r.events.len()), (10_000, 10_000), "only the kept cells' names");
        let html = r.to_html(&CorpusMeta::default());
        assert!(html.len() <= 5_000_000, "{} bytes", html.len());
    }

    #[test]
    fn ties_are_ordered_by_rows_evidence_confidence_then_name() {
        let mut b = CorpusBuilder::new(CorpusLimits::default());
        b.add(&row("a", "B", "mixed", 0.5, &[], None));
        b.add(&row("a", "A", "mixed", 0.5, &[], None));
        b.add(&row("a", "C", "mixed", 0.6, &[], None));
        b.add(&row("a", "D", "mixed", 0.1, &[ev("x", 0.1)], None));
        let r = b.finish();
        let names: Vec<&str> = r.cells.iter().map(|c| r.actors[c.actor as usize].name.as_str()).collect();
        assert_eq!(names, ["D", "C", "A", "B"]);
    }

    #[test]
    fn text_from_articles_cannot_inject_markup() {
        let mut b = CorpusBuilder::new(CorpusLimits::default());
        let evil = "</script><script>alert(1)</script><img src=x onerror=alert(2)>";
        let evidence = [ev(evil, 0.9)];
        let r = StanceRow {
            article: "<b>id</b>",
            actor: evil,
            actor_code: Some("<i>"),
            event: "<svg onload=alert(3)>",
            stance: "supportive",
            confidence: 0.9,
            evidence: &evidence,
            date: None,
        };
        b.add(&r);
        let report = b.finish();
        let meta = CorpusMeta { title: evil.into(), inputs: vec![evil.into()] };
        let html = report.to_html(&meta);
        for bad in ["<script>alert", "<img", "<svg onload", "<b>id", "<i>"] {
            assert!(!html.contains(bad), "{bad} in the page");
        }
        // The data block reads back as the same text.
        let start = html.find(r#"<script id="data" type="application/json">"#).unwrap();
        let json = &html[start..];
        let json = &json[json.find('>').unwrap() + 1..json.find("</script>").unwrap()];
        let data: Value = serde_json::from_str(json).unwrap();
        assert_eq!(data["actors"][0][0], evil);
        assert_eq!(data["cells"][0]["v"][0][2], evil);
        assert_eq!(html.matches("<script").count(), 2, "the data block and the page's script only");
    }
}
