#!/usr/bin/env python3
"""Copies the Wikinews articles that are NOT in the 27-article dev set into articles/ (CC BY 2.5).

Usage: python3 datasets/wikinews/import.py [../shared/datasets]
Writes articles/<id>.txt verbatim and index.jsonl (id, url, date, title, file, sha256, licence).
An article that shares any run of 10 words with the dev articles or with other shared data (Wikinews
repeats background sentences across its election coverage) is left out too, so that nothing trained
on these articles has seen a dev sentence.
"""
import csv, hashlib, json, os, re, sys

N = 10
WORD = re.compile(r"[a-z0-9']+")


def runs(text, step=1):
    w = WORD.findall(text.lower())
    return {" ".join(w[i:i + N]) for i in range(0, max(len(w) - N + 1, 0), step)}


def shared_runs(shared):
    """Every 10-word run of the shared data other than wikinews/articles.csv."""
    seen = set()
    for d, _, fs in os.walk(shared):
        for f in fs:
            p = os.path.join(d, f)
            if p.endswith(os.path.join("wikinews", "articles.csv")):
                continue
            try:
                if f.endswith(".txt"):
                    seen |= runs(open(p, encoding="utf-8", errors="replace").read())
                elif f.endswith(".csv"):
                    for row in csv.reader(open(p, newline="", encoding="utf-8", errors="replace")):
                        for cell in row:
                            seen |= runs(cell)
                elif f.endswith(".conllu"):
                    for line in open(p, encoding="utf-8", errors="replace"):
                        if line.startswith("# text = "):
                            seen |= runs(line[9:])
                elif f.endswith(".jsonl"):
                    for line in open(p, encoding="utf-8", errors="replace"):
                        o = json.loads(line)
                        for k in ("sentence_normalized", "text"):
                            if isinstance(o.get(k), str):
                                seen |= runs(o[k])
            except (OSError, ValueError):
                pass
    return seen

shared = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "../../../shared/datasets")
here = os.path.dirname(os.path.abspath(__file__))
csv.field_size_limit(10**8)
dev = set()
for name in ("dev_2019.jsonl", "dev_2020.jsonl"):
    with open(os.path.join(shared, "wikinews-stance-dev", name), encoding="utf-8") as f:
        dev.update(json.loads(line)["url"] for line in f if line.strip())
os.makedirs(os.path.join(here, "articles"), exist_ok=True)
known = shared_runs(shared)
rows = []
overlapping = 0
with open(os.path.join(shared, "wikinews", "articles.csv"), newline="", encoding="utf-8") as f:
    for a in csv.DictReader(f):
        if a["url"] in dev:
            continue
        if runs(a["text"]) & known:
            overlapping += 1
            continue
        slug = "-".join(re.findall(r"[a-z0-9]+", a["title"].lower())[:6])
        ident = f"wn-{a['date']}-{slug}"
        assert ident not in {r["id"] for r in rows}, ident
        path = os.path.join("articles", ident + ".txt")
        with open(os.path.join(here, path), "w", encoding="utf-8", newline="") as out:
            out.write(a["text"])
        rows.append({"id": ident, "url": a["url"], "date": a["date"], "title": a["title"], "file": path,
                     "sha256": hashlib.sha256(a["text"].encode()).hexdigest(),
                     "license": "CC BY 2.5 (Wikinews contributors; attribution: the article URL)"})
with open(os.path.join(here, "index.jsonl"), "w", encoding="utf-8") as out:
    for r in rows:
        out.write(json.dumps(r, ensure_ascii=False) + "\n")
print(f"{len(rows)} articles written ({len(dev)} dev articles and {overlapping} sharing text with shared data left out)")
