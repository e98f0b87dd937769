#!/usr/bin/env python3
"""Scores stance-tag on the Wikinews actor-stance dev set (both files) with the shared scorer,
prints each file and the pooled precision, recall, F1 and failed traps, and fails below a bar.

Usage: wikinews.py SCORER DEV_DIR MIN_F1 -- STANCE_TAG [ARGS...]
"""
import json, os, subprocess, sys

cut = sys.argv.index("--")
scorer, dev, bar = sys.argv[1], sys.argv[2], float(sys.argv[3])
command = sys.argv[cut + 1:]
tp = fp = fn = traps = trap_total = 0
for name in ("dev_2019", "dev_2020"):
    out = subprocess.run([sys.executable, scorer, os.path.join(dev, name + ".jsonl"), "--json", "--"] + command,
                         capture_output=True, text=True, check=True).stdout
    r = json.loads(out.strip().splitlines()[-1])
    print(f"{name}: P {r['precision']:.3f} R {r['recall']:.3f} F1 {r['f1']:.3f} "
          f"(tp {r['tp']}, fp {r['fp']}, fn {r['fn']}; traps failed {r['traps_failed']}/{r['traps']})")
    tp, fp, fn = tp + r["tp"], fp + r["fp"], fn + r["fn"]
    traps, trap_total = traps + r["traps_failed"], trap_total + r["traps"]
p = tp / (tp + fp) if tp + fp else 0.0
rc = tp / (tp + fn) if tp + fn else 0.0
f1 = 2 * p * rc / (p + rc) if p + rc else 0.0
print(f"both files: P {p:.3f} R {rc:.3f} F1 {f1:.3f} (tp {tp}, fp {fp}, fn {fn}; traps failed {traps}/{trap_total}); "
      f"bar F1 {bar}: {'ok' if f1 >= bar else 'BELOW THE BAR'}")
sys.exit(0 if f1 >= bar else 1)
