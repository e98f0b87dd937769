#!/usr/bin/env bash
# Measures what the project's annotated real news sentences add to the news-stance model
# (datasets/news-stance/build.py), by 5-fold cross-validation over the project's own annotated Wikinews
# articles (never the shared dev set): for each fold, a model is trained on the written sentences plus the
# real sentences of the other folds' articles, and the fold's articles are tagged with it and scored with the
# shared scorer; the shipped model's scores on the same folds are printed beside it.
# Usage: bash benches/news-stance/run.sh [STANCE_TAG] [STANCE_TRAIN] [EXTRA TAG OPTIONS...]
#   (from the project root; needs ../shared)
set -euo pipefail
TAG=${1:-./target/release/stance-tag}
TRAIN=${2:-./target/release/stance-train}
shift $(( $# < 2 ? $# : 2 ))
SCORER=../shared/tools/score_actor_stance.py
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat datasets/wikinews/annotations/articles-*.jsonl > "$work/all.jsonl"
python3 - "$work" <<'PY'
import json, sys
work = sys.argv[1]
articles = open(f"{work}/all.jsonl").readlines()
for k in range(5):
    fold = articles[k::5]
    open(f"{work}/fold{k}.jsonl", "w").writelines(fold)
    open(f"{work}/fold{k}.ids", "w").writelines(json.loads(a)["id"] + "\n" for a in fold)
PY
for k in 0 1 2 3 4; do
  python3 datasets/news-stance/build.py "$work/train$k.csv" --exclude "$work/fold$k.ids" ${BUILD_OPTS:-} 2>/dev/null
  "$TRAIN" --train "$work/train$k.csv" --text-col text --label-col stance --target-col event --holder-col holder \
    --lexicon models/cues.tsv --cv 5 --output "$work/m$k.stance" -q > /dev/null
  for model in shipped real; do
    opts=("$@")
    [ "$model" = real ] && opts+=(--stance-model "$work/m$k.stance")
    r=$(python3 "$SCORER" "$work/fold$k.jsonl" --articles datasets/wikinews --json -- "$TAG" --format jsonl -q \
      ${opts[@]+"${opts[@]}"} | tail -1)
    echo "$model|$k|$r"
  done
done > "$work/results.txt"
python3 - "$work/results.txt" <<'PY'
import json, sys
tot = {}
for line in open(sys.argv[1]):
    model, k, r = line.rstrip("\n").split("|", 2)
    r = json.loads(r)
    t = tot.setdefault(model, [0, 0, 0])
    for i, key in enumerate(("tp", "fp", "fn")):
        t[i] += r[key]
for model, (tp, fp, fn) in tot.items():
    p = tp / (tp + fp) if tp + fp else 0.0
    rec = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * p * rec / (p + rec) if p + rec else 0.0
    f05 = 1.25 * p * rec / (0.25 * p + rec) if p + rec else 0.0
    print(f"{model:8} pooled over 5 folds: P {p:.3f} R {rec:.3f} F1 {f1:.3f} F0.5 {f05:.3f} (tp {tp}, fp {fp}, fn {fn})")
PY
