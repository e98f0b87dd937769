#!/usr/bin/env python3
"""Prints a metric from a stance-train --metrics-json report and fails below a bar.

Usage: check_metric.py REPORT.json SPLIT METRIC MIN LABEL
"""
import json, sys

path, split, metric, bar, label = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4]), sys.argv[5]
value = json.load(open(path))[split][metric]
ok = value is not None and value >= bar
print(f"{label}: {split} {metric} = {value:.4f} (bar {bar}) {'ok' if ok else 'BELOW THE BAR'}")
sys.exit(0 if ok else 1)
