//! News stage: who holds which stance toward which event in an article.
//!
//! Sentences → actor mentions (gazetteer) and event mentions (triggers,
//! clustered) → holder–event links (word patterns and dependency paths from
//! the syntax stage's trees, light coreference) → a stance
//! per link from a model trained with `stance-train` (holder and event
//! masked, cue lexicon features) → aggregation per (actor, event), with
//! stronger evidence asked of rows about events the article is not about.

mod actors;
mod aggregate;
mod coref;
mod error;
mod events;
mod holders;
mod names;
mod paths;
mod people;
mod salience;
mod tagger;
mod tree;

pub use actors::{parse_actors, ActorEntry, ActorMention, AliasKind, Gazetteer, SHIPPED_ACTORS};
pub use aggregate::{aggregate, Aggregate, AggregateParams, Evidence, Verdict, DEFAULT_MIN_EVIDENCE};
pub use error::NewsError;
pub use events::{find_events, DeclaredTarget, EventClusters, EventMention};
pub use holders::{link, Link};
pub use paths::PathLink;
pub use people::ArticlePeople;
pub use salience::Salience;
pub use tagger::{
    ArticleAnalysis, ArticleScratch, ArticleTagger, EvidenceSentence, SentenceLink, StanceRow, TaggerConfig,
    DEFAULT_MIN_EVIDENCE_UNPLACED, DEFAULT_TREE_ONLY_WEIGHT, SHIPPED_STANCE_MODEL, SHIPPED_STANCE_MODEL_PATH,
};
pub use tree::Tree;
