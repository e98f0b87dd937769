//! The corpus page: a [`CorpusReport`] as the JSON its script reads and as
//! the whole self-contained page (the aggregation is `corpus.rs`'s).

use maud::{html, PreEscaped};
use serde_json::{json, Value};

use super::corpus::{CorpusMeta, CorpusReport};
use super::page::{page, script_json};
use super::svg::stance_colour;
use crate::rounding::round_score;

/// The page's script (renders the matrix, timeline, cell list and evidence from the JSON block).
const SCRIPT: &str = include_str!("assets/corpus.js");

impl CorpusReport {
    /// The data the page's script reads (compact keys: `a` actor, `e` event, `n`
    /// counts per stance, `r` rows, `d` articles, `c` mean confidence, `x`
    /// evidence sentences in all, `v` kept evidence as `[article, score, sentence]`,
    /// `t` months as `[month, count per stance…]`).
    pub fn to_json(&self) -> Value {
        let cells: Vec<Value> = self
            .cells
            .iter()
            .map(|c| {
                let mut v = json!({
                    "a": c.actor, "e": c.event, "n": c.counts, "r": c.rows, "d": c.articles,
                    "c": round_score(c.confidence, 3), "x": c.evidence_total,
                    "v": c.evidence.iter().map(|e| json!([e.article, round_score(e.score, 3), e.sentence])).collect::<Vec<_>>(),
                });
                if !c.months.is_empty() {
                    v["t"] = c.months.iter().map(|(m, n)| json!([m, n])).collect();
                }
                v
            })
            .collect();
        json!({
            "stances": self.stances,
            "colours": self.stances.iter().map(|s| stance_colour(s)).collect::<Vec<_>>(),
            "actors": self.actors.iter().map(|a| json!([a.name, a.code])).collect::<Vec<_>>(),
            "events": self.events,
            "articles": self.articles,
            "months": self.months,
            "cells": cells,
        })
    }

    /// Rows per stance over all cells kept.
    pub fn stance_totals(&self) -> Vec<u64> {
        let mut totals = vec![0; self.stances.len()];
        for c in &self.cells {
            for (t, n) in totals.iter_mut().zip(&c.counts) {
                *t += n;
            }
        }
        totals
    }

    /// The whole page.
    pub fn to_html(&self, meta: &CorpusMeta) -> String {
        let title = if meta.title.is_empty() { "Stance report" } else { &meta.title };
        let totals = self.stance_totals();
        let all: u64 = totals.iter().sum();
        let body = html! {
            header {
                h1 { (title) }
                p class="facts" id="summary" {
                    @if let Some(items) = self.items { span { b { (items) } " articles" } }
                    span { b { (self.articles_with_rows) } " with stances" }
                    span { b { (self.rows) } " rows" }
                    span { b { (self.cells.len() as u64 + self.cells_dropped) } " actor × event cells" }
                    span { b { (self.actors.len()) } " actors" }
                    span { b { (self.events.len()) } " events" }
                    @if self.errors > 0 { span class="bad" { b { (self.errors) } " records could not be read" } }
                }
                @if !meta.inputs.is_empty() {
                    p class="inputs" { "Inputs: " @for (i, input) in meta.inputs.iter().enumerate() {
                        @if i > 0 { ", " } code { (input) }
                    } }
                }
                @if all > 0 {
                    div class="stancebar" title="rows per stance" {
                        @for (s, n) in self.stances.iter().zip(&totals) {
                            @if *n > 0 {
                                span style=(format!("flex:{n};background:{}", stance_colour(s))) { (s) " " (n) }
                            }
                        }
                    }
                }
                @if self.cells_dropped > 0 {
                    p class="note" { (self.cells_dropped) " cells that say the least are not in this page." }
                }
            }
            noscript { p class="note" { "This report draws its matrix, timeline and lists with JavaScript." } }
            section id="filters" {
                label { "Actor " input id="f-actor" type="search" list="actors" placeholder="any"; }
                label { "Event " input id="f-event" type="search" list="events" placeholder="any"; }
                label { "Least confidence " input id="f-conf" type="range" min="0" max="1" step="0.05" value="0";
                    output id="f-conf-value" { "0.00" } }
                label { "Least articles " input id="f-articles" type="number" min="1" value="1"; }
                span id="f-count" {}
                datalist id="actors" {}
                datalist id="events" {}
            }
            main {
                section id="matrix-section" {
                    h2 { "Actors × events" }
                    p class="hint" { "The actors and events that say the most under the filters; a cell's colour is its "
                        "commonest stance, its number the articles. Click a cell for its evidence." }
                    div id="matrix" {}
                }
                aside id="evidence" { p class="hint" { "Click a cell to see its evidence." } }
            }
            @if !self.months.is_empty() {
                section id="timeline-section" {
                    h2 { "Timeline" }
                    p class="hint" { "Rows per month and stance under the filters." }
                    div id="timeline" {}
                }
            }
            section id="cells-section" {
                h2 { "All cells" }
                p class="hint" { "Ordered by how much they say: articles, rows, evidence, confidence." }
                div id="cells" {}
            }
            script id="data" type="application/json" { (PreEscaped(script_json(&self.to_json()))) }
        };
        page(title, body, Some(SCRIPT))
    }
}
