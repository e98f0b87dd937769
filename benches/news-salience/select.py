#!/usr/bin/env python3
"""Reads SETTING|FOLD|scorer-JSON lines; prints each setting's pooled scores and a cross-validated estimate of
choosing by F0.5 (each fold scored with the setting that won on the other four). F0.5 within 0.001 of the best
is a tie, won by the setting listed first (the grid lists the milder settings first)."""
import collections, json, sys

results = collections.defaultdict(dict)
for line in open(sys.argv[1]):
    setting, fold, r = line.rstrip("\n").split("|", 2)
    results[setting][int(fold)] = json.loads(r)

def counts(setting, folds):
    return [sum(results[setting][k][key] for k in folds) for key in ("tp", "fp", "fn")]

def f_beta(tp, fp, fn, beta):
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    b2 = beta * beta
    return ((1 + b2) * p * r / (b2 * p + r) if p + r else 0.0), p, r

def choose(on):
    scores = {s: f_beta(*counts(s, on), 0.5)[0] for s in results}
    top = max(scores.values())
    return next(s for s in results if scores[s] >= top - 0.001)

folds = sorted(next(iter(results.values())))
print("setting (mentions lead other unplaced tree) F0.5    P      R      F1")
for setting in results:
    f, p, r = f_beta(*counts(setting, folds), 0.5)
    print(f"{setting:38s} {f:.3f}  {p:.3f}  {r:.3f}  {f_beta(*counts(setting, folds), 1.0)[0]:.3f}")
total = [0, 0, 0]
for k in folds:
    best = choose([j for j in folds if j != k])
    total = [a + b for a, b in zip(total, counts(best, [k]))]
    print(f"fold {k}: chosen on the other folds: {best}")
f, p, r = f_beta(*total, 0.5)
print(f"cross-validated choice: F0.5 {f:.3f}, P {p:.3f}, R {r:.3f}")
best = choose(folds)
print(f"chosen on all folds: {best}")
