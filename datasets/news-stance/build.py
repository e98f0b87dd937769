#!/usr/bin/env python3
"""Writes the news-stance training set: the project's written sentences (part-a.csv, part-b.csv) and its
annotated real Wikinews sentences (../wikinews/annotations/sentences-*.jsonl, favor / against / none mapped to
supportive / skeptical / neutral; sentences with no holder–event pair left out), as one CSV with the columns text, holder, event, stance, article.

Usage: python3 datasets/news-stance/build.py OUT.csv [--exclude IDS.txt] [--real-only]
  --exclude: a file of Wikinews article ids (one per line) whose sentences stay out, so that a model can be
             scored by cross-validation on those articles.
  --real-only: leave the written sentences out.
Deterministic: rows in file order.
"""
import csv, glob, json, os, sys

here = os.path.dirname(os.path.abspath(__file__))
STANCE = {"favor": "supportive", "against": "skeptical", "none": "neutral"}


def main(argv):
    if not argv or argv[0].startswith("-"):
        sys.exit(__doc__)
    out, exclude = argv[0], set()
    if "--exclude" in argv:
        with open(argv[argv.index("--exclude") + 1], encoding="utf-8") as f:
            exclude = {line.strip() for line in f if line.strip()}
    rows = []
    for part in () if "--real-only" in argv else ("part-a.csv", "part-b.csv"):
        with open(os.path.join(here, part), encoding="utf-8", newline="") as f:
            for r in csv.DictReader(f):
                rows.append([r["text"], r["holder"], r["event"], r["stance"], ""])
    written = len(rows)
    for path in sorted(glob.glob(os.path.join(here, "..", "wikinews", "annotations", "sentences-*.jsonl"))):
        with open(path, encoding="utf-8") as f:
            for n, line in enumerate(f, 1):
                r = json.loads(line)
                # A sentence annotated as naming no holder-event pair gives no link to learn from.
                if r["article"] in exclude or not (r["holder"] and r["event"]):
                    continue
                if r["stance"] not in STANCE:
                    sys.exit(f"{path}:{n}: stance {r['stance']!r} is not one of {sorted(STANCE)}")
                rows.append([r["sentence"], r["holder"], r["event"], STANCE[r["stance"]], r["article"]])
    tmp = out + ".partial"
    with open(tmp, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["text", "holder", "event", "stance", "article"])
        w.writerows(rows)
    os.replace(tmp, out)
    print(f"{out}: {written} written sentences, {len(rows) - written} real news rows", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1:])
