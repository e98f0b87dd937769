//! Classify every line of a file with a model and write JSON Lines through a
//! resumable, never-destructive output file: the run behind `stance-tag --model`.
//!
//! `cargo run --release --example batch_to_file`

use stance::batch::{ModelOptions, TagOptions, TagRun};
use stance::output::OutputFormat;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let output = std::env::temp_dir().join("stance-example-batch.jsonl");
    let options = TagOptions {
        inputs: vec!["tests/fixtures/sentences.txt".into()],
        models: ModelOptions { model: Some("models/sentiment-news.stance".into()), ..ModelOptions::default() },
        format: OutputFormat::Jsonl,
        top_k: 2,
        output: Some(output.clone()),
        ..TagOptions::default()
    };
    let summary = TagRun::new(options)?.run(&mut |_| {}, &mut |w| eprintln!("warning: {w}"))?;
    println!("{} items, {} records, {} errors → {}", summary.items, summary.rows, summary.errors, output.display());
    print!("{}", std::fs::read_to_string(&output)?);
    std::fs::remove_file(&output)?;
    Ok(())
}
