#!/usr/bin/env python3
"""Checks stance-tag on the seed article: Turkey skeptical of the ceasefire and Russia
supportive, each with the quoted evidence among its top two sentences; and the same rows
when the article is hard-wrapped at 70 columns, or has CRLF line ends.

Usage: check_seed_article.py ARTICLE -- STANCE_TAG [ARGS...]
"""
import json, os, subprocess, sys, tempfile, textwrap

cut = sys.argv.index("--")
article, command = sys.argv[1], sys.argv[cut + 1:]


def tag(path):
    out = subprocess.run(command + ["--format", "jsonl", "-q", path], capture_output=True, text=True, check=True).stdout
    return [json.loads(l) for l in out.splitlines()]


rows = tag(article)
expect = [
    ("TUR", "skeptical", ["questioned the viability of the ceasefire", "lacking in credibility"]),
    ("RUS", "supportive", ["Russia praised the ceasefire agreement"]),
]
failed = False
for code, stance, quotes in expect:
    row = next((r for r in rows if r["code"] == code and "ceasefire" in r["event"]), None)
    top = [e["sentence"] for e in row["evidence"][:2]] if row else []
    ok = bool(row) and row["stance"] == stance and all(any(q in s for s in top) for q in quotes)
    got = f"{row['stance']} ({row['confidence']:.2f})" if row else "no row"
    print(f"seed article: {code} -> ceasefire: expected {stance}, got {got}; evidence ok: {ok}")
    for s in top:
        print(f"    {s[:110]}")
    failed |= not ok
text = open(article, encoding="utf-8").read()
wrapped = "\n\n".join(textwrap.fill(p, 70) for p in text.split("\n\n"))
with tempfile.TemporaryDirectory() as d:
    for name, variant in [("wrapped at 70 columns", wrapped), ("CRLF", text.replace("\n", "\r\n"))]:
        path = os.path.join(d, "article.txt")
        with open(path, "w", encoding="utf-8", newline="") as f:
            f.write(variant)
        strip = lambda rs: [{k: v for k, v in r.items() if k != "article"} for r in rs]
        same = strip(tag(path)) == strip(rows)
        print(f"seed article {name}: {'same rows' if same else 'DIFFERENT ROWS'}")
        failed |= not same
sys.exit(1 if failed else 0)
