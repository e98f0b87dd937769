//! Model-format compatibility: `tests/fixtures/compat-v1.stance` was written by
//! format version 1 (`stance-train --train tests/fixtures/reviews_train.csv
//! --text-col sentence --label-col verdict --hash-bits 12`). Later builds must keep
//! reading it with the same predictions, or refuse it with a clear message.

use std::path::Path;

use stance::features::Doc;
use stance::model::file::from_bytes;
use stance::model::{load, FORMAT_VERSION, MAGIC};

const FIXTURE: &str = "tests/fixtures/compat-v1.stance";

#[test]
fn version_1_fixture_loads_and_predicts_as_when_written() {
    let bytes = std::fs::read(FIXTURE).unwrap();
    assert_eq!(&bytes[..8], MAGIC);
    assert_eq!(u32::from_le_bytes(bytes[8..12].try_into().unwrap()), 1);
    let model = load(Path::new(FIXTURE)).unwrap();
    assert_eq!(model.labels(), ["neg", "neu", "pos"]);
    let texts = ["Wonderful cakes and lovely staff", "Awful rude staff and stale bread", "The shop opens at nine"];
    let docs: Vec<Doc<'_>> = texts.iter().map(|t| Doc::plain(t)).collect();
    let labels: Vec<&str> = model.predict(&docs, 1).iter().map(|p| model.labels()[p.label].as_str()).collect();
    assert_eq!(labels, ["pos", "neg", "neu"]);
}

#[test]
fn a_newer_version_is_refused_clearly() {
    let mut bytes = std::fs::read(FIXTURE).unwrap();
    bytes[8..12].copy_from_slice(&(FORMAT_VERSION + 1).to_le_bytes());
    let err = from_bytes(Path::new("future.stance"), &bytes).unwrap_err().to_string();
    assert!(
        err.contains(&format!("model format version {} is newer than this build reads", FORMAT_VERSION + 1)),
        "{err}"
    );
}
