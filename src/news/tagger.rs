//! The article tagger: runs every news stage over an article.
//!
//! Over 400 lines: the per-sentence loop and the helpers only it uses (cue
//! blending, object targets, sentence bounds) share the tagger's private state.

use std::collections::BTreeMap;

use super::actors::{ActorMention, AliasKind, Gazetteer};
use super::aggregate::{aggregate, AggregateParams, Evidence, Verdict};
use super::coref;
use super::events::{find_events, DeclaredTarget, EventClusters, EventMention};
use super::holders::link;
use super::paths::{self, PathLink};
use super::salience::Salience;
use super::tree::Tree;
use super::NewsError;
use crate::features::{Doc, LexiconHit, LexiconMatcher, TargetRef};
use crate::model::{Classifier, PredictScratch};
use crate::syntax::{SyntaxModel, SyntaxScratch};
use crate::text::{split_sentences, SentenceSpan, Token};

macro_rules! shipped_stance_model {
    () => {
        "models/news-stance.stance"
    };
}

/// Where the shipped news stance model is, relative to the project.
pub const SHIPPED_STANCE_MODEL_PATH: &str = shipped_stance_model!();

/// The news stance model shipped with the crate ([`SHIPPED_STANCE_MODEL_PATH`]).
pub const SHIPPED_STANCE_MODEL: &[u8] = include_bytes!(concat!("../../", shipped_stance_model!()));

/// Words that cannot start an object target.
const OBJECT_STOP: &[&str] = &[
    "of",
    "from",
    "by",
    "in",
    "on",
    "for",
    "with",
    "to",
    "as",
    "at",
    "and",
    "or",
    "but",
    "that",
    "which",
    "who",
    "whom",
    "whose",
    "when",
    "where",
    "while",
    "if",
    "because",
    "than",
    "into",
    "over",
    "after",
    "before",
    "about",
    "it",
    "he",
    "she",
    "they",
    "we",
    "i",
    "you",
    "his",
    "her",
    "their",
    "its",
    "is",
    "was",
    "were",
    "are",
    "be",
    "been",
    "has",
    "have",
    "had",
    "will",
    "would",
    "could",
    "should",
    "may",
    "might",
    "not",
    "also",
    "so",
    "said",
    "says",
    "since",
    "him",
    "them",
    "me",
    "us",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "yesterday",
    "today",
    "tomorrow",
];

/// Words that end an object phrase once it holds a content word.
const OBJECT_BREAK: &[&str] = &[
    "for", "of", "in", "on", "at", "from", "by", "with", "and", "or", "but", "since", "after", "before", "during",
    "over", "to", "as", "than", "that", "which", "who", "was", "were", "is", "are", "died", "would", "will",
];

/// Link weight factor for a holder whose target is the article's latest event.
const TOPIC_WEIGHT: f32 = 0.7;
/// How far the holder's own stance cue moves the model's probabilities (times the cue's strength).
const CUE_WEIGHT: f32 = 0.5;
/// Link weight factor for the per-sentence fallback target.
const FALLBACK_WEIGHT: f32 = 0.6;

/// Longest stretch of text read as one sentence, in bytes: a longer one (a list,
/// a table, a page with no full stops) is cut at clause punctuation or spaces, so
/// that linking, which compares every actor with every event, stays bounded.
pub const MAX_SENTENCE_BYTES: usize = 600;

/// The sentence `text[start..end]` as pieces of at most [`MAX_SENTENCE_BYTES`],
/// cut after the last `;`, `,` or `:` (else space) before each limit.
fn bounded(text: &str, mut start: usize, end: usize) -> Vec<SentenceSpan> {
    let mut pieces = Vec::new();
    while end - start > MAX_SENTENCE_BYTES {
        let mut limit = start + MAX_SENTENCE_BYTES;
        while !text.is_char_boundary(limit) {
            limit -= 1;
        }
        let window = &text[start..limit];
        let cut = window
            .rfind([';', ',', ':'])
            .map(|i| i + 1)
            .or_else(|| window.rfind(char::is_whitespace))
            .filter(|&i| i > 0)
            .unwrap_or(window.len());
        pieces.push(SentenceSpan { start, end: start + cut });
        start += cut;
    }
    pieces.push(SentenceSpan { start, end });
    pieces
}

/// Byte span of the sentence's first stance cue.
fn first_cue((tokens, hits): &(Vec<Token>, Vec<LexiconHit>)) -> Option<(usize, usize)> {
    let hit = hits.first()?;
    Some((tokens[hit.start].start, tokens[hit.end - 1].end))
}

/// The words after a sentence's first agent, up to the clause end (at most ten).
fn clause_after_first_agent(s: &str, actors: &[ActorMention]) -> Option<EventMention> {
    let first = actors.iter().find(|a| !a.locative)?;
    let rest = &s[first.end..];
    let end = rest.find([',', ';', '.', ':']).unwrap_or(rest.len());
    let words: Vec<(usize, &str)> =
        rest[..end].split_whitespace().map(|w| (w.as_ptr() as usize - s.as_ptr() as usize, w)).take(10).collect();
    let (&(start, _), &(last, w)) = (words.first()?, words.last()?);
    Some(EventMention {
        start,
        end: last + w.len(),
        head: "object".into(),
        name: Some(s[start..last + w.len()].to_lowercase()),
    })
}

/// Tagger settings.
#[derive(Debug, Clone)]
pub struct TaggerConfig {
    /// User-declared targets.
    pub targets: Vec<DeclaredTarget>,
    /// Aggregation thresholds.
    pub aggregate: AggregateParams,
    /// Evidence sentences per row (0: all).
    pub max_evidence: usize,
    /// Take the words after a stance cue as a target ("rejected an Australian
    /// ultimatum") where they name no event.
    pub object_targets: bool,
    /// Per-sentence view: a sentence with no link still reports its first
    /// agent's stance toward the rest of its clause.
    pub sentence_fallback: bool,
    /// Stronger evidence for rows about events the article is not about;
    /// `None` treats every event alike.
    pub salience: Option<Salience>,
    /// Least summed evidence for a row whose holder has no state: a name the
    /// gazetteer does not know, in sentences that name no state.
    pub min_mass_unplaced: f32,
    /// Link weight factor for a holder link that only the dependency tree finds
    /// (0: the tree only confirms word-pattern links and gives their cue).
    pub tree_only_weight: f32,
}

/// The default [`TaggerConfig::tree_only_weight`], chosen by cross-validation
/// on the project's own annotated articles (README, "Actor → event stance").
pub const DEFAULT_TREE_ONLY_WEIGHT: f32 = 0.4;

/// The default [`TaggerConfig::min_mass_unplaced`], chosen by cross-validation
/// on the project's own annotated articles (README, "Actor → event stance").
pub const DEFAULT_MIN_EVIDENCE_UNPLACED: f32 = 0.6;

impl Default for TaggerConfig {
    fn default() -> Self {
        Self {
            targets: Vec::new(),
            aggregate: AggregateParams::default(),
            max_evidence: 3,
            object_targets: true,
            sentence_fallback: false,
            salience: Some(Salience::default()),
            min_mass_unplaced: DEFAULT_MIN_EVIDENCE_UNPLACED,
            tree_only_weight: DEFAULT_TREE_ONLY_WEIGHT,
        }
    }
}

/// One scored holder–target link in one sentence.
#[derive(Debug, Clone, PartialEq)]
pub struct SentenceLink {
    /// Sentence index in the article.
    pub sentence: usize,
    /// Actor id.
    pub actor: String,
    /// The state the actor belongs to.
    pub country: String,
    /// Actor sector.
    pub sector: String,
    /// The holder's surface form in the sentence.
    pub holder_text: String,
    /// Event cluster index.
    pub event: usize,
    /// The target's surface form in the sentence.
    pub target_text: String,
    /// Probabilities from the stance model.
    pub supportive: f32,
    /// Probability of skepticism.
    pub skeptical: f32,
    /// Probability of no stance.
    pub neutral: f32,
    /// Link confidence.
    pub link: f32,
    /// The dependency path from the target up to the holder's predicate, when
    /// the tree found the link ("airstrike >nsubj illegal >ccomp said <subject").
    pub path: Option<String>,
}

/// An evidence sentence with its score.
#[derive(Debug, Clone, PartialEq)]
pub struct EvidenceSentence {
    /// The sentence text.
    pub sentence: String,
    /// Its score for the verdict.
    pub score: f32,
}

/// One output row: an actor's stance toward an event.
#[derive(Debug, Clone, PartialEq)]
pub struct StanceRow {
    /// Actor id (ISO 3166 alpha-3 or organisation code).
    pub actor: String,
    /// The state the actor belongs to (ISO 3166 alpha-3), or the organisation code.
    pub country: String,
    /// Readable actor name.
    pub actor_name: String,
    /// Most frequent sector among the holder's mentions.
    pub sector: String,
    /// Event name.
    pub event: String,
    /// The verdict.
    pub verdict: Verdict,
    /// Confidence in [0, 1].
    pub confidence: f32,
    /// Evidence, strongest first.
    pub evidence: Vec<EvidenceSentence>,
}

/// Everything the tagger found in one article.
#[derive(Debug, Clone, Default)]
pub struct ArticleAnalysis {
    /// Sentence texts.
    pub sentences: Vec<String>,
    /// Event cluster names.
    pub events: Vec<String>,
    /// Scored links.
    pub links: Vec<SentenceLink>,
    /// Every event mention: (event cluster, sentence index).
    pub mentions: Vec<(usize, usize)>,
    /// What the reader should know about how the article was read (over-long
    /// sentences cut into pieces); empty for most articles.
    pub warnings: Vec<String>,
}

/// Per-thread buffers for [`ArticleTagger::analyze`].
#[derive(Debug, Default)]
pub struct ArticleScratch {
    /// The stance model's buffers.
    pub predict: PredictScratch,
    syntax: SyntaxScratch,
}

/// Tags actors' stances toward events in articles.
pub struct ArticleTagger {
    gazetteer: Gazetteer,
    model: Classifier,
    syntax: Option<SyntaxModel>,
    cues: Option<LexiconMatcher>,
    labels: [usize; 3],
    config: TaggerConfig,
}

impl std::fmt::Debug for ArticleTagger {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ArticleTagger({:?}, {} labels)", self.gazetteer, self.model.labels().len())
    }
}

impl ArticleTagger {
    /// The shipped news stance model ([`SHIPPED_STANCE_MODEL_PATH`]).
    pub fn shipped_model() -> Result<Classifier, crate::model::ModelError> {
        crate::model::file::from_bytes(std::path::Path::new(SHIPPED_STANCE_MODEL_PATH), SHIPPED_STANCE_MODEL)
    }

    /// A tagger from a gazetteer and a stance model whose labels include
    /// `supportive`, `skeptical` and `neutral`.
    pub fn new(gazetteer: Gazetteer, model: Classifier, config: TaggerConfig) -> Result<Self, NewsError> {
        let find = |name: &str| {
            model.labels().iter().position(|l| l == name).ok_or_else(|| {
                NewsError::Model(format!("needs a {name:?} label; it has {}", model.labels().join(", ")))
            })
        };
        let labels = [find("supportive")?, find("skeptical")?, find("neutral")?];
        let cues =
            model.featurizer().config().lexicon.as_ref().map(|l| LexiconMatcher::new(l, model.featurizer().pipeline()));
        Ok(Self { gazetteer, model, syntax: None, cues, labels, config })
    }

    /// Reads holder links from dependency trees that `syntax` parses.
    pub fn with_syntax(mut self, syntax: SyntaxModel) -> Self {
        self.syntax = Some(syntax);
        self
    }

    /// The gazetteer.
    pub fn gazetteer(&self) -> &Gazetteer {
        &self.gazetteer
    }

    /// Finds and scores every holder–event link in `text`.
    pub fn analyze(&self, text: &str, scratch: &mut ArticleScratch) -> ArticleAnalysis {
        let mut out = ArticleAnalysis::default();
        let mut clusters = EventClusters::default();
        let mut last_holder: Option<ActorMention> = None;
        let mut topic: Option<usize> = None;
        let mut people = super::people::ArticlePeople::default();
        let mut probs = vec![0f32; self.model.labels().len()];
        let mut spans = Vec::new();
        for span in split_sentences(text) {
            let pieces = bounded(text, span.start, span.end);
            if pieces.len() > 1 {
                out.warnings.push(format!(
                    "a sentence of {} bytes was cut into {} pieces at clause punctuation (sentences {} to {})",
                    span.end - span.start,
                    pieces.len(),
                    spans.len(),
                    spans.len() + pieces.len() - 1
                ));
            }
            spans.extend(pieces);
        }
        for (si, span) in spans.into_iter().enumerate() {
            // Line breaks and runs of spaces inside a sentence are layout, not text.
            let sentence = text[span.start..span.end].split_whitespace().collect::<Vec<_>>().join(" ");
            let s = sentence.as_str();
            out.sentences.push(sentence.clone());
            let mut actors = self.gazetteer.find(s);
            let mut unknown = super::names::unknown_names(s, &actors, &self.gazetteer);
            // An unknown name takes the state the sentence names, when it names just one
            // ("President Levy Mwanawasa ... the Zambian people").
            let mut states: Vec<&str> = actors
                .iter()
                .filter(|a| !matches!(a.kind, AliasKind::Org | AliasKind::Group))
                .map(|a| a.country.as_str())
                .collect();
            states.sort_unstable();
            states.dedup();
            if let [only] = states.as_slice() {
                let only = only.to_string();
                unknown.iter_mut().for_each(|u| u.country.clone_from(&only));
            }
            actors.extend(unknown);
            actors.sort_by_key(|a| a.start);
            people.resolve(&mut actors);
            coref::resolve(s, &mut actors, last_holder.as_ref());
            // The sentence's tokens and stance-cue hits, computed once for every use below.
            let cue_hits = self.cue_hits(s);
            let mut events = find_events(s, &self.config.targets);
            // A name inside an actor's name ("Government of National Accord") is not an event.
            events.retain(|e| !actors.iter().any(|a| e.start < a.end && e.end > a.start));
            if self.config.object_targets {
                let objects: Vec<EventMention> = self
                    .object_events(s, &cue_hits)
                    .into_iter()
                    .filter(|o| !events.iter().any(|e| o.start < e.end && o.end > e.start))
                    .collect();
                events.extend(objects);
                events.sort_by_key(|e| e.start);
            }
            let ids: Vec<usize> = events.iter().map(|e| clusters.assign(e, si)).collect();
            out.mentions.extend(ids.iter().map(|&id| (id, si)));
            // The sentence's tree, parsed the first time a link needs it.
            let mut tree: Option<Tree> = None;
            let mut link = |actors: &[ActorMention], events: &[EventMention]| -> Vec<PathLink> {
                let words: Vec<PathLink> = link(s, actors, events)
                    .into_iter()
                    .map(|link| PathLink { link, path: Vec::new(), negated: false, explain: String::new() })
                    .collect();
                match &self.syntax {
                    // Places ("in Libya") hold nothing: a sentence with no other actor is not parsed.
                    Some(model) if actors.iter().any(|a| !a.locative) && !events.is_empty() => {
                        let tree = tree.get_or_insert_with(|| Tree::parse(model, s, &mut scratch.syntax));
                        self.agree(paths::link(tree, actors, events), words)
                    }
                    _ => words,
                }
            };
            let mut links = link(&actors, &events);
            let mut targets: Vec<(usize, Option<(usize, usize)>)> = links
                .iter()
                .map(|l| (ids[l.link.event], Some((events[l.link.event].start, events[l.link.event].end))))
                .collect();
            if links.is_empty() && self.config.sentence_fallback {
                if let Some(rest) = clause_after_first_agent(s, &actors) {
                    let id = clusters.assign(&rest, si);
                    for mut l in link(&actors, std::slice::from_ref(&rest)) {
                        l.link.weight *= FALLBACK_WEIGHT;
                        links.push(l);
                        targets.push((id, Some((rest.start, rest.end))));
                    }
                }
            }
            if links.is_empty() {
                // No event here: a holder with a stance cue speaks about the article's latest event.
                if let (Some(topic), Some(cue)) = (topic, first_cue(&cue_hits)) {
                    let pseudo = [EventMention { start: cue.0, end: cue.1, head: String::new(), name: None }];
                    for mut l in link(&actors, &pseudo) {
                        l.link.weight *= TOPIC_WEIGHT;
                        links.push(l);
                        targets.push((topic, None));
                    }
                }
            }
            for (pl, &(event, span)) in links.iter().zip(&targets) {
                let l = &pl.link;
                let a = &actors[l.actor];
                let doc = Doc {
                    text: s,
                    target: span.map(|(b, e)| TargetRef { name: &s[b..e], span: Some((b, e)) }),
                    holder: Some(TargetRef { name: &s[a.start..a.end], span: Some((a.start, a.end)) }),
                };
                self.model.predict_into(doc, &mut scratch.predict, &mut probs);
                let cue =
                    if pl.path.is_empty() { self.holder_cue(&cue_hits, a.end) } else { self.path_cue(&cue_hits, pl) };
                if let Some(cue) = cue {
                    self.blend_cue(&mut probs, cue);
                }
                out.links.push(SentenceLink {
                    sentence: si,
                    actor: a.actor.clone(),
                    country: a.country.clone(),
                    sector: a.sector.clone(),
                    holder_text: s[a.start..a.end].to_string(),
                    event,
                    target_text: span.map_or_else(String::new, |(b, e)| s[b..e].to_string()),
                    supportive: probs[self.labels[0]],
                    skeptical: probs[self.labels[1]],
                    neutral: probs[self.labels[2]],
                    link: l.weight,
                    path: (!pl.explain.is_empty()).then(|| pl.explain.clone()),
                });
            }
            if let Some(last) = events.iter().zip(&ids).rev().find(|(e, _)| e.head != "object").map(|(_, &i)| i) {
                topic = Some(clusters.root(last));
            }
            let holder = links.last().map(|l| &actors[l.link.actor]).or_else(|| actors.iter().find(|a| !a.locative));
            if let Some(h) = holder {
                last_holder = Some(h.clone());
            }
        }
        for l in &mut out.links {
            l.event = clusters.root(l.event);
        }
        for m in &mut out.mentions {
            m.0 = clusters.root(m.0);
        }
        out.events = clusters.names;
        out
    }

    /// Stance rows for `text`: one per (actor, event) with enough evidence.
    pub fn tag(&self, text: &str, scratch: &mut ArticleScratch) -> Vec<StanceRow> {
        self.rows(&self.analyze(text, scratch))
    }

    /// The stance rows of an analysis from [`ArticleTagger::analyze`] (what
    /// [`ArticleTagger::tag`] gives).
    pub fn rows(&self, analysis: &ArticleAnalysis) -> Vec<StanceRow> {
        let mut groups: BTreeMap<(usize, String), Vec<&SentenceLink>> = BTreeMap::new();
        for l in &analysis.links {
            groups.entry((l.event, l.actor.clone())).or_default().push(l);
        }
        let salient = self.config.salience.map(|s| (s, s.salient(&analysis.mentions, analysis.events.len())));
        let mut rows = Vec::new();
        for ((event, actor), links) in groups {
            let mut params = self.config.aggregate;
            if let Some((s, salient)) = &salient {
                if !salient[event] {
                    params.min_mass = params.min_mass.max(s.min_mass_other);
                }
            }
            if links[0].country.is_empty() {
                params.min_mass = params.min_mass.max(self.config.min_mass_unplaced);
            }
            let items: Vec<Evidence> = links
                .iter()
                .map(|l| Evidence {
                    sentence: l.sentence,
                    supportive: l.supportive,
                    skeptical: l.skeptical,
                    neutral: l.neutral,
                    link: l.link,
                })
                .collect();
            let Some(agg) = aggregate(&items, params) else { continue };
            let mut sectors: BTreeMap<&str, usize> = BTreeMap::new();
            links.iter().for_each(|l| *sectors.entry(&l.sector).or_default() += 1);
            let sector = sectors.iter().max_by_key(|(s, n)| (**n, std::cmp::Reverse(**s))).map_or("GOV", |(s, _)| s);
            let keep = if self.config.max_evidence == 0 { usize::MAX } else { self.config.max_evidence };
            rows.push(StanceRow {
                actor_name: self.gazetteer.display_name(&actor).to_string(),
                country: links[0].country.clone(),
                actor,
                sector: sector.to_string(),
                event: analysis.events[event].clone(),
                verdict: agg.verdict,
                confidence: agg.confidence,
                evidence: agg
                    .ranked
                    .iter()
                    .take(keep)
                    .map(|&(i, score)| EvidenceSentence { sentence: analysis.sentences[i].clone(), score })
                    .collect(),
            });
        }
        rows.sort_by(|a, b| b.confidence.total_cmp(&a.confidence).then(a.actor.cmp(&b.actor)));
        rows
    }

    /// The tokens of `s` and their stance-cue hits (empty without a cue lexicon).
    fn cue_hits(&self, s: &str) -> (Vec<Token>, Vec<LexiconHit>) {
        let Some(cues) = &self.cues else { return (Vec::new(), Vec::new()) };
        let tokens = self.model.featurizer().pipeline().analyze(s);
        let hits = cues.hits(&tokens);
        (tokens, hits)
    }

    /// The first stance cue after byte `from` in the holder's clause: its class
    /// (flipped when negated, as a `supportive` → index pair) and strength.
    fn holder_cue(&self, (tokens, hits): &(Vec<Token>, Vec<LexiconHit>), from: usize) -> Option<(usize, f32)> {
        let hit = hits.iter().find(|h| {
            tokens[h.start].start >= from
                && !tokens[..h.start]
                    .iter()
                    .any(|t| t.start >= from && t.kind.is_clause_break(&t.text) && t.text != ",")
        })?;
        self.cue_label(hit, tokens[hit.start].negated)
    }

    /// A cue hit's stance label (flipped when `negated`) and strength; `None`
    /// for a cue of no stance.
    fn cue_label(&self, hit: &LexiconHit, negated: bool) -> Option<(usize, f32)> {
        let lexicon = self.model.featurizer().config().lexicon.as_ref()?;
        let supportive = match lexicon.classes.get(usize::from(hit.class))?.as_str() {
            "supportive" => true,
            "skeptical" => false,
            _ => return None,
        };
        let supportive = supportive != negated;
        Some((self.labels[if supportive { 0 } else { 1 }], hit.strength))
    }

    /// Holder links from the tree and from word patterns, merged: a pair both
    /// find takes the tree's weight and path; a pair only the words find keeps
    /// its weight; a pair only the tree finds is weighed down by
    /// [`TaggerConfig::tree_only_weight`].
    fn agree(&self, tree: Vec<PathLink>, words: Vec<PathLink>) -> Vec<PathLink> {
        let same = |a: &PathLink, b: &PathLink| a.link.actor == b.link.actor && a.link.event == b.link.event;
        let mut all: Vec<PathLink> = tree
            .into_iter()
            .map(|mut t| {
                if !words.iter().any(|w| same(&t, w)) {
                    t.link.weight *= self.config.tree_only_weight;
                }
                t
            })
            .filter(|t| t.link.weight > 0.0)
            .collect();
        let found: Vec<bool> = words.iter().map(|w| all.iter().any(|t| same(t, w))).collect();
        all.extend(words.into_iter().zip(found).filter(|(_, f)| !f).map(|(w, _)| w));
        all
    }

    /// The stance cue on a link's dependency path nearest the holder's
    /// predicate ("voiced opposition to", "did not welcome"), flipped when a
    /// word on the path is negated.
    fn path_cue(&self, (tokens, hits): &(Vec<Token>, Vec<LexiconHit>), link: &PathLink) -> Option<(usize, f32)> {
        let on_path = |h: &LexiconHit| {
            let (a, b) = (tokens[h.start].start, tokens[h.end - 1].end);
            link.path.iter().rposition(|&(s, e)| s < b && e > a)
        };
        let (_, hit) = hits.iter().filter_map(|h| Some((on_path(h)?, h))).max_by_key(|(i, _)| *i)?;
        self.cue_label(hit, link.negated)
    }

    /// Moves the model's probabilities toward the holder's own cue: the model
    /// reads the whole sentence; the cue says what the holder did.
    fn blend_cue(&self, probs: &mut [f32], (label, strength): (usize, f32)) {
        let w = CUE_WEIGHT * strength;
        for (i, p) in probs.iter_mut().enumerate() {
            *p = (1.0 - w) * *p + if i == label { w } else { 0.0 };
        }
    }

    /// Targets taken from the words after the first stance cue of a sentence.
    fn object_events(&self, s: &str, (tokens, hits): &(Vec<Token>, Vec<LexiconHit>)) -> Vec<EventMention> {
        let Some(hit) = hits.first() else { return Vec::new() };
        // Token texts are stemmed: compare the words as written.
        let word = |t: &Token| s[t.start..t.end].to_lowercase();
        let mut rest: Vec<_> =
            tokens[hit.end..].iter().take_while(|t| !t.kind.is_clause_break(&t.text)).take(6).collect();
        // The phrase ends before a preposition or conjunction that follows a content word
        // ("parliament for parts of september and" is "parliament").
        if let Some(cut) = (1..rest.len()).find(|&i| {
            OBJECT_BREAK.contains(&word(rest[i]).as_str())
                && rest[..i].iter().any(|t| t.text.chars().count() >= 4 && t.text.chars().all(char::is_alphabetic))
        }) {
            rest.truncate(cut);
        }
        // An object starts with a determiner or a content word and holds a content word:
        // "from the committee", "and spiritual ..." or "that he ..." are not targets.
        let starts_well = rest.first().is_some_and(|t| !OBJECT_STOP.contains(&word(t).as_str()));
        let has_content = rest.iter().any(|t| t.text.chars().count() >= 4 && t.text.chars().all(char::is_alphabetic));
        // (The per-sentence view keeps every object: it reports links, not aggregated rows.)
        if !(self.config.sentence_fallback || starts_well && has_content) {
            return Vec::new();
        }
        match (rest.first(), rest.last()) {
            (Some(a), Some(b)) => vec![EventMention {
                start: a.start,
                end: b.end,
                head: "object".into(),
                name: Some(s[a.start..b.end].to_lowercase()),
            }],
            _ => Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::file::from_bytes;
    use crate::text::wrap;

    fn rows(tagger: &ArticleTagger, text: &str) -> Vec<(String, String, Verdict, Vec<String>)> {
        let mut scratch = ArticleScratch::default();
        let mut rows: Vec<_> = tagger
            .tag(text, &mut scratch)
            .into_iter()
            .map(|r| (r.actor, r.event, r.verdict, r.evidence.into_iter().map(|e| e.sentence).collect()))
            .collect();
        rows.sort_by(|a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));
        rows
    }

    #[test]
    fn over_long_sentences_are_cut_at_clause_punctuation() {
        let text = format!("{}end", "Egypt backed the deal, ".repeat(200));
        let pieces = bounded(&text, 0, text.len());
        assert!(pieces.len() > 1 && pieces.iter().all(|p| p.end - p.start <= MAX_SENTENCE_BYTES));
        assert!(pieces.windows(2).all(|w| w[0].end == w[1].start) && pieces.last().unwrap().end == text.len());
        assert!(pieces[..pieces.len() - 1].iter().all(|p| text[..p.end].ends_with(',')), "cut after commas");
        let no_spaces = "x".repeat(4000);
        assert_eq!(bounded(&no_spaces, 0, 4000).len(), 7);
    }

    #[test]
    fn an_event_named_once_late_needs_more_evidence_than_the_lead_event() {
        let tagger = |salience| {
            let model = from_bytes(std::path::Path::new("shipped"), SHIPPED_STANCE_MODEL).unwrap();
            let config = TaggerConfig { salience, ..TaggerConfig::default() };
            ArticleTagger::new(Gazetteer::new(Vec::new()).unwrap(), model, config).unwrap()
        };
        let text = "Leaders meet over the ceasefire.\n\nTalks on the ceasefire went on in Berlin. \
                    Diplomats met again. Officials spoke. Ministers arrived. Egypt welcomed the ceasefire. \
                    Later, Egypt praised the pipeline.";
        let events = |t: &ArticleTagger| -> Vec<String> { rows(t, text).into_iter().map(|r| r.1).collect() };
        let all = events(&tagger(None));
        assert!(all.contains(&"ceasefire".to_string()) && all.contains(&"pipeline".to_string()), "{all:?}");
        let salient = events(&tagger(Some(Salience::default())));
        assert_eq!(salient, ["ceasefire"], "the pipeline is named once, late, with one weak sentence");
    }

    #[test]
    fn a_holder_with_no_state_needs_more_evidence() {
        let tagger = |min_mass_unplaced| {
            let model = from_bytes(std::path::Path::new("shipped"), SHIPPED_STANCE_MODEL).unwrap();
            let config = TaggerConfig { min_mass_unplaced, ..TaggerConfig::default() };
            ArticleTagger::new(Gazetteer::new(Vec::new()).unwrap(), model, config).unwrap()
        };
        let text = "Leaders meet over the ceasefire.\n\nMarta Quillfeather welcomed the ceasefire. \
                    Egypt welcomed the ceasefire too.";
        let actors = |t: &ArticleTagger| -> Vec<String> { rows(t, text).into_iter().map(|r| r.0).collect() };
        assert_eq!(actors(&tagger(0.3)), ["EGY", "Marta Quillfeather"]);
        assert_eq!(actors(&tagger(5.0)), ["EGY"], "the unknown name needs more than one sentence");
    }

    #[test]
    fn a_cut_sentence_is_reported_and_other_articles_have_no_warnings() {
        let model = from_bytes(std::path::Path::new("shipped"), SHIPPED_STANCE_MODEL).unwrap();
        let tagger = ArticleTagger::new(Gazetteer::new(Vec::new()).unwrap(), model, TaggerConfig::default()).unwrap();
        let mut scratch = ArticleScratch::default();
        let long =
            format!("Egypt backed the deal. {}end. Turkey rejected it.", "Russia praised the ceasefire, ".repeat(100));
        let analysis = tagger.analyze(&long, &mut scratch);
        let cut = analysis.sentences.len() - 2;
        assert_eq!(
            analysis.warnings,
            [format!(
                "a sentence of 3004 bytes was cut into {cut} pieces at clause punctuation (sentences 1 to {cut})"
            )]
        );
        assert_eq!(tagger.rows(&analysis).len(), tagger.tag(&long, &mut scratch).len());
        let article = include_str!("../../datasets/articles/belarus-sanctions.txt");
        assert!(tagger.analyze(article, &mut scratch).warnings.is_empty());
    }

    #[test]
    fn wrapped_crlf_and_paragraph_lines_give_the_same_rows() {
        let model = from_bytes(std::path::Path::new("shipped"), SHIPPED_STANCE_MODEL).unwrap();
        let tagger = ArticleTagger::new(Gazetteer::new(Vec::new()).unwrap(), model, TaggerConfig::default()).unwrap();
        for article in [
            include_str!("../../datasets/articles/belarus-sanctions.txt"),
            include_str!("../../datasets/articles/black-sea-pipeline.txt"),
            include_str!("../../datasets/articles/eu-mercosur-agreement.txt"),
            include_str!("../../datasets/articles/georgia-election.txt"),
        ] {
            let want = rows(&tagger, article);
            assert!(!want.is_empty());
            assert_eq!(rows(&tagger, &wrap(article, 70)), want, "wrapped at 70 columns");
            assert_eq!(rows(&tagger, &wrap(article, 70).replace('\n', "\r\n")), want, "CRLF");
            assert_eq!(rows(&tagger, &article.replace("\n\n", "\n")), want, "one paragraph a line");
        }
    }
}
