//! Tag the shipped example articles: who holds which stance toward which event,
//! with the shipped stance model and actors; the library behind `stance-tag`.
//!
//! `cargo run --release --example tag_articles`

use stance::batch::{ArticleOptions, ModelOptions};
use stance::news::ArticleScratch;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let tagger = ModelOptions::default().tagger(&ArticleOptions::default())?;
    let mut scratch = ArticleScratch::default();
    for name in ["black-sea-pipeline", "belarus-sanctions"] {
        let article = std::fs::read_to_string(format!("datasets/articles/{name}.txt"))?;
        println!("{name}:");
        for row in tagger.tag(&article, &mut scratch) {
            println!("  {:24} {:28} {:10} {:.2}", row.actor_name, row.event, row.verdict.as_str(), row.confidence);
        }
    }
    Ok(())
}
