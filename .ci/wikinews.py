#!/usr/bin/env python3
"""Scores stance-tag on annotated Wikinews articles with the shared scorer, prints each gold file and the pooled
precision, recall, F1 and failed traps, and fails below a bar.

Usage: wikinews.py SCORER [--articles DIR] [--min-precision P] [--min-f1 F] GOLD.jsonl... -- STANCE_TAG [ARGS...]
"""
import argparse, json, os, subprocess, sys

cut = sys.argv.index("--")
ap = argparse.ArgumentParser()
ap.add_argument("scorer")
ap.add_argument("gold", nargs="+")
ap.add_argument("--articles", help="directory of the article files (default: beside each gold file)")
ap.add_argument("--min-precision", type=float, default=0.0)
ap.add_argument("--min-f1", type=float, default=0.0)
args = ap.parse_args(sys.argv[1:cut])
command = sys.argv[cut + 1:]
tp = fp = fn = traps = trap_total = 0
for gold in args.gold:
    where = ["--articles", args.articles] if args.articles else []
    out = subprocess.run([sys.executable, args.scorer, gold, *where, "--json", "--"] + command,
                         capture_output=True, text=True, check=True).stdout
    r = json.loads(out.strip().splitlines()[-1])
    print(f"{os.path.basename(gold)}: P {r['precision']:.3f} R {r['recall']:.3f} F1 {r['f1']:.3f} "
          f"(tp {r['tp']}, fp {r['fp']}, fn {r['fn']}; traps failed {r['traps_failed']}/{r['traps']})")
    tp, fp, fn = tp + r["tp"], fp + r["fp"], fn + r["fn"]
    traps, trap_total = traps + r["traps_failed"], trap_total + r["traps"]
p = tp / (tp + fp) if tp + fp else 0.0
rc = tp / (tp + fn) if tp + fn else 0.0
f1 = 2 * p * rc / (p + rc) if p + rc else 0.0
ok = p >= args.min_precision and f1 >= args.min_f1
print(f"pooled: P {p:.3f} R {rc:.3f} F1 {f1:.3f} (tp {tp}, fp {fp}, fn {fn}; traps failed {traps}/{trap_total}); "
      f"bars P {args.min_precision} F1 {args.min_f1}: {'ok' if ok else 'BELOW THE BAR'}")
sys.exit(0 if ok else 1)
