//! Measures the syntax model on one thread: load time, and tagging + parsing
//! speed over a CoNLL-U file's sentences (gold words kept), best of 5 passes.
//!
//! `cargo run --release --example syntax_speed -- [MODEL] CONLLU`
use std::path::PathBuf;
use std::time::Instant;

use stance::syntax::{read_treebank, shipped_model_path, SyntaxModel, SyntaxScratch};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args: Vec<PathBuf> = std::env::args_os().skip(1).map(PathBuf::from).collect();
    let data = args.pop().ok_or("usage: syntax_speed [MODEL] CONLLU")?;
    let model_path = args.pop().unwrap_or_else(shipped_model_path);
    let start = Instant::now();
    let model = SyntaxModel::load(&model_path)?;
    let load = start.elapsed();
    let sentences = read_treebank(&data)?;
    let words: usize = sentences.iter().map(|s| s.words.len()).sum();
    let mut scratch = SyntaxScratch::default();
    let mut best = f64::INFINITY;
    for _ in 0..5 {
        let mut batch = sentences.clone();
        let start = Instant::now();
        for s in &mut batch {
            model.annotate(s, &mut scratch);
        }
        best = best.min(start.elapsed().as_secs_f64());
    }
    println!(
        "load {:.0} ms; {} sentences ({words} words): {:.0} sentences/s, {:.0} words/s on one thread",
        load.as_secs_f64() * 1e3,
        sentences.len(),
        sentences.len() as f64 / best,
        words as f64 / best
    );
    Ok(())
}
