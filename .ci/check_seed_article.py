#!/usr/bin/env python3
"""Checks stance-tag on the seed article: Turkey skeptical of the ceasefire and Russia
supportive, each with the quoted evidence among its top two sentences.

Usage: check_seed_article.py ARTICLE -- STANCE_TAG [ARGS...]
"""
import json, subprocess, sys

cut = sys.argv.index("--")
article, command = sys.argv[1], sys.argv[cut + 1:]
out = subprocess.run(command + ["--format", "jsonl", "-q", article], capture_output=True, text=True, check=True).stdout
rows = [json.loads(l) for l in out.splitlines()]
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
sys.exit(1 if failed else 0)
