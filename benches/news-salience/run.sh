#!/usr/bin/env bash
# Chooses the article tagger's salience defaults (src/news/salience.rs) by 5-fold cross-validation over the
# project's own annotated Wikinews articles (datasets/wikinews/annotations/articles-*.jsonl), never on the
# shared dev set: each setting is scored per fold with the shared scorer, then select.py picks by F0.5
# (precision first) on four folds and scores the fifth.
# Usage: bash benches/news-salience/run.sh [STANCE_TAG]   (from the project root; needs ../shared)
set -euo pipefail
TAG=${1:-./target/release/stance-tag}
SCORER=../shared/tools/score_actor_stance.py
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat datasets/wikinews/annotations/articles-*.jsonl > "$work/all.jsonl"
python3 - "$work" <<'PY'
import sys
work = sys.argv[1]
articles = open(f"{work}/all.jsonl").readlines()
for k in range(5):
    open(f"{work}/fold{k}.jsonl", "w").writelines(articles[k::5])
PY
# mentions, lead sentences, evidence for other events ("all" = --all-events)
for setting in "3 3 1.0" "3 3 1.5" "4 3 1.0" "3 3 0.8" "2 3 0.8" "2 3 0.5" "2 3 0.7" "2 3 1.0" "3 3 0.6" "2 5 0.8" "2 2 0.8" "all"; do
  if [ "$setting" = all ]; then opts=(--all-events); else
    set -- $setting; opts=(--salient-mentions "$1" --salient-lead "$2" --min-evidence-other "$3"); fi
  for k in 0 1 2 3 4; do
    r=$(python3 "$SCORER" "$work/fold$k.jsonl" --articles datasets/wikinews --json -- "$TAG" --format jsonl -q "${opts[@]}" | tail -1)
    echo "$setting|$k|$r"
  done
done > "$work/results.txt"
python3 "$(dirname "$0")/select.py" "$work/results.txt"
