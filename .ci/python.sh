#!/usr/bin/env bash
# The Python package (issue 13): build the wheel with maturin, install it into a fresh virtualenv and run
# the README's three lines there, then install it into the checks' virtualenv ($PY, from .ci/setup.sh) and
# run python/tests/ (which compare with target/release/stance-tag and stance-train, and run the Spark
# examples in local[2] on ../shared).
# Usage: PY=.ci/.venv/bin/python bash .ci/python.sh WORKDIR
set -euo pipefail
cd "$(dirname "$0")/.."
WORK=$1
: "${PY:?set PY to the checks virtualenv python (.ci/setup.sh prints it)}"

echo "-- maturin build --release (python/, its own target dir: target/python)"
start=$SECONDS
CARGO_TARGET_DIR=target/python nice -n 5 "$PY" -m maturin build --release --quiet -m python/Cargo.toml -o "$WORK/wheels"
WHEEL=$(ls "$WORK"/wheels/stance-*.whl)
echo "built $(basename "$WHEEL") in $((SECONDS - start)) s"

echo "-- pip install into a fresh virtualenv, then train, predict and tag as the README shows"
python3 -m venv "$WORK/fresh"
"$WORK/fresh/bin/python" -m pip install --quiet "$WHEEL"
(cd "$WORK" && "$WORK/fresh/bin/python" - "$OLDPWD" <<'PY'
import sys, stance
root = sys.argv[1]
report = stance.train(f"{root}/tests/fixtures/reviews_train.csv", "mine.stance", text_col="sentence", label_col="verdict", cv=3)
labels = stance.Model.load("mine.stance").predict(["The cakes were lovely", "Cold soup and rude staff"])
rows = stance.Tagger().tag(open(f"{root}/datasets/articles/black-sea-pipeline.txt").read())
print(report["selection"]["method"], list(labels), [(r["actor"], r["event"], r["stance"]) for r in rows][:3])
assert report["selection"]["method"] == "cv3" and list(labels) == ["pos", "neg"]
assert ("Turkey", "pipeline", "supportive") in [(r["actor"], r["event"], r["stance"]) for r in rows]
PY
)

echo "-- pytest python/tests (the wheel installed into the checks' virtualenv)"
"$PY" -m pip install --quiet --force-reinstall --no-deps "$WHEEL"
start=$SECONDS
SHARED=${SHARED:-../shared} STANCE_BIN_DIR=target/release "$PY" -m pytest -q -p no:cacheprovider python/tests
echo "pytest took $((SECONDS - start)) s"
