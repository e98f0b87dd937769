#!/usr/bin/env python3
"""Copies the Wikinews articles that are NOT in the 27-article dev set into articles/ (CC BY 2.5).

Usage: python3 datasets/wikinews/import.py [../shared/datasets]
Writes articles/<id>.txt verbatim and index.jsonl (id, url, date, title, file, sha256, licence).
"""
import csv, hashlib, json, os, re, sys

shared = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "../../../shared/datasets")
here = os.path.dirname(os.path.abspath(__file__))
csv.field_size_limit(10**8)
dev = set()
for name in ("dev_2019.jsonl", "dev_2020.jsonl"):
    with open(os.path.join(shared, "wikinews-stance-dev", name), encoding="utf-8") as f:
        dev.update(json.loads(line)["url"] for line in f if line.strip())
os.makedirs(os.path.join(here, "articles"), exist_ok=True)
rows = []
with open(os.path.join(shared, "wikinews", "articles.csv"), newline="", encoding="utf-8") as f:
    for a in csv.DictReader(f):
        if a["url"] in dev:
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
print(f"{len(rows)} articles written ({len(dev)} dev articles left out)")
