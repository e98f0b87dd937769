#!/usr/bin/env python3
"""Validates the Wikinews annotations and prints their counts.

Usage: python3 datasets/wikinews/check.py [FILES...]   (default: every annotations/*.jsonl)
Exit 1 on any error, each named by file and line.
"""
import glob, hashlib, json, os, sys

here = os.path.dirname(os.path.abspath(__file__))
index = {}
with open(os.path.join(here, "index.jsonl"), encoding="utf-8") as f:
    for line in f:
        r = json.loads(line)
        index[r["id"]] = r
texts = {}


def text(article):
    if article not in texts:
        with open(os.path.join(here, index[article]["file"]), encoding="utf-8", newline="") as f:
            texts[article] = f.read()
    return texts[article]


STANCES = {"favor", "against", "none"}
ARTICLE_STANCES = {"favor", "against", "mixed", "none"}
errors = []
counts = {"sentence rows": 0, "sentences": set(), "stance rows": 0, "articles (sentence level)": set(),
          "articles (article level)": set(), "article stance rows": 0}


def err(path, n, msg):
    errors.append(f"{path}:{n}: {msg}")


def check_sentence(path, n, r):
    for k in ("article", "sentence", "holder", "holder_actor", "event", "event_canonical", "stance"):
        if k not in r:
            return err(path, n, f"missing field {k!r}")
    if r["article"] not in index:
        return err(path, n, f"unknown article {r['article']!r} (dev articles are not allowed)")
    s = r["sentence"]
    if not isinstance(s, str) or not s.strip() or s not in text(r["article"]):
        return err(path, n, "sentence is not an exact substring of the article")
    if "\n" in s:
        err(path, n, "sentence spans a line break")
    if r["stance"] not in STANCES:
        err(path, n, f"stance {r['stance']!r} not in {sorted(STANCES)}")
    for k in ("holder", "event"):
        v = r[k]
        if v is not None and (not isinstance(v, str) or not v or v not in s):
            err(path, n, f"{k} {v!r} is not an exact substring of the sentence")
    if r["stance"] != "none" and (r["holder"] is None or r["event"] is None):
        err(path, n, "a favor/against row needs a holder and an event")
    if (r["holder"] is None) != (r["holder_actor"] is None) and r["holder"] is not None:
        err(path, n, "holder without holder_actor")
    if (r["event"] is None) != (r["event_canonical"] is None):
        err(path, n, "event and event_canonical go together")
    counts["sentence rows"] += 1
    counts["sentences"].add((r["article"], s))
    counts["articles (sentence level)"].add(r["article"])
    counts["stance rows"] += r["stance"] != "none"


def check_article(path, n, r):
    for k in ("id", "title", "date", "url", "text_file", "text_sha256", "license", "annotation_by", "targets",
              "stances", "traps"):
        if k not in r:
            return err(path, n, f"missing field {k!r}")
    if r["id"] not in index:
        return err(path, n, f"unknown article {r['id']!r} (dev articles are not allowed)")
    meta, t = index[r["id"]], text(r["id"])
    if r["url"] != meta["url"] or r["text_sha256"] != hashlib.sha256(t.encode()).hexdigest():
        err(path, n, "url or text_sha256 does not match index.jsonl")
    if not isinstance(r["targets"], dict) or not r["targets"]:
        return err(path, n, "targets must be a non-empty object id -> aliases")
    for tid, aliases in r["targets"].items():
        for a in aliases:
            if a not in t:
                err(path, n, f"target {tid}: alias {a!r} is not in the text")
    for i, s in enumerate(r["stances"]):
        for k in ("actor", "actor_code", "holder_mentions", "target", "stance", "strength", "evidence", "notes"):
            if k not in s:
                err(path, n, f"stance {i}: missing {k!r}")
                break
        else:
            if s["target"] not in r["targets"]:
                err(path, n, f"stance {i}: target {s['target']!r} not among targets")
            if s["stance"] not in ARTICLE_STANCES:
                err(path, n, f"stance {i}: {s['stance']!r}")
            if s["strength"] not in ("explicit", "implicit"):
                err(path, n, f"stance {i}: strength {s['strength']!r}")
            for m in s["holder_mentions"]:
                if m not in t:
                    err(path, n, f"stance {i}: holder mention {m!r} not in the text")
            for e in s["evidence"]:
                if e not in t:
                    err(path, n, f"stance {i}: evidence {e[:60]!r}... not in the text")
            counts["article stance rows"] += 1
    counts["articles (article level)"].add(r["id"])


files = sys.argv[1:] or sorted(glob.glob(os.path.join(here, "annotations", "*.jsonl")))
for path in files:
    kind = check_article if os.path.basename(path).startswith("articles") else check_sentence
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                r = json.loads(line)
            except json.JSONDecodeError as e:
                err(path, n, f"not JSON: {e}")
                continue
            kind(path, n, r)
for e in errors[:50]:
    print(e)
for k, v in counts.items():
    print(f"{k}: {len(v) if isinstance(v, set) else v}")
sys.exit(1 if errors else 0)
