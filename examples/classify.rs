//! Train a sentiment classifier on a small CSV, save it, load it back and
//! classify new sentences: the library behind `stance-train` and `stance-tag --model`.
//!
//! `cargo run --release --example classify`

use stance::features::Doc;
use stance::model::{load, save};
use stance::train::{train, Quiet, TrainOptions};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut opts = TrainOptions::new(vec!["tests/fixtures/reviews_train.csv".into()], "sentence", "verdict");
    opts.test = Some("tests/fixtures/reviews_test.csv".into());
    opts.features.hash_bits = 14;
    let outcome = train(&opts, &Quiet)?;
    print!("{}", outcome.summary());

    let path = std::env::temp_dir().join("stance-example-classify.stance");
    save(&outcome.classifier, &path)?;
    let classifier = load(&path)?;
    let texts = ["Lovely staff and wonderful cakes", "A miserable, noisy evening"];
    let docs: Vec<Doc<'_>> = texts.iter().map(|t| Doc::plain(t)).collect();
    for (text, p) in texts.iter().zip(classifier.predict(&docs, 1)) {
        println!("{text:40} {} ({:.2})", classifier.labels()[p.label], p.probs[p.label]);
    }
    std::fs::remove_file(&path)?;
    Ok(())
}
