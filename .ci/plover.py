#!/usr/bin/env python3
"""Scores stance-tag's holder resolution and polarity on the PLOVER stance subset.

Usage: plover.py PLOVER_JSONL MIN_ACTOR MIN_POLARITY -- STANCE_TAG [ARGS...]

Each sentence is tagged on its own (`--per-sentence --format jsonl`). The link with the
strongest polar score (link weight times max(supportive, skeptical)) gives the predicted
source actor and polarity. The actor is right when its code is one of the gold source codes
(an organisation counts as IGO when the gold says IGO); the polarity is right when
supportive/skeptical matches favor/against. A sentence with no link is wrong on both.
Prints both accuracies and exits 1 when either is below its bar.
"""
import csv, json, os, subprocess, sys, tempfile


def main(argv):
    cut = argv.index("--")
    path, min_actor, min_pol = argv[0], float(argv[1]), float(argv[2])
    command = argv[cut + 1:]
    gold = [json.loads(l) for l in open(path, encoding="utf-8") if l.strip()]
    with tempfile.TemporaryDirectory() as tmp:
        data = os.path.join(tmp, "plover.csv")
        with open(data, "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(["id", "text"])
            for g in gold:
                w.writerow([g["id"], g["text"]])
        r = subprocess.run(command + ["--per-sentence", "--format", "jsonl", "--text-col", "text", "--id-col", "id", "-q", data],
                           capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"stance-tag failed ({r.returncode}): {r.stderr[-400:]}")
    best = {}
    for line in r.stdout.splitlines():
        p = json.loads(line)
        score = p["link"] * max(p["supportive"], p["skeptical"])
        if p["article"] not in best or score > best[p["article"]][0]:
            best[p["article"]] = (score, p)
    actor_ok = pol_ok = 0
    for g in gold:
        hit = best.get(g["id"])
        if not hit:
            continue
        p = hit[1]
        codes = {s["code"] for s in g["source"]}
        # A gold IGO source is matched by any organisation code (anything but an ISO 3166 alpha-3 code).
        code = p["code"] or ""  # null for a holder the gazetteer does not know
        is_state = len(code) == 3 and code.isalpha() and code.isupper()
        if code in codes or ("IGO" in codes and code and not is_state):
            actor_ok += 1
        predicted = "favor" if p["supportive"] >= p["skeptical"] else "against"
        pol_ok += predicted == g["derived_polarity"]
    n = len(gold)
    a, b = actor_ok / n, pol_ok / n
    print(f"PLOVER ({n} sentences): source actor {a:.3f} (bar {min_actor}), polarity {b:.3f} (bar {min_pol}); "
          f"{len(best)} sentences had a link")
    sys.exit(0 if a >= min_actor and b >= min_pol else 1)


if __name__ == "__main__":
    main(sys.argv[1:])
