"""Python `Model.predict` throughput beside `stance-tag bench` (the CLI's in-process sentences/s).

    .ci/.venv/bin/python benches/python/predict.py [--shared ../shared] [--bin target/release]

Builds a 200,000-tweet CSV by repeating the tweeteval-sentiment training texts (as
benches/compare does), trains a model on train.csv with stance-train's defaults, then
measures, on 1 thread and on all cores:
- `stance-tag bench --model m.stance 200k.csv` (the library's in-process prediction loop);
- Python: `Model.load(m, threads=N).predict(batch)` over the 200k texts in batches of 10,000
  (list-of-str input; the time includes passing the strings to Rust and building the result arrays).
Each Python figure is the best of --repeat passes. A benchmark, not a test: nothing is asserted.
"""

from __future__ import annotations

import argparse
import csv
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import stance

ROOT = Path(__file__).resolve().parents[2]


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--shared", default=str(ROOT.parent / "shared"))
    p.add_argument("--bin", default=str(ROOT / "target" / "release"))
    p.add_argument("-n", type=int, default=200_000)
    p.add_argument("--batch", type=int, default=10_000)
    p.add_argument("--repeat", type=int, default=3)
    a = p.parse_args()
    train = Path(a.shared) / "datasets/tweeteval-sentiment/train.csv"
    with open(train, newline="", encoding="utf-8") as f:
        base = [r["text"] for r in csv.DictReader(f)]
    texts = (base * (a.n // len(base) + 1))[: a.n]
    cores = os.cpu_count() or 1
    with tempfile.TemporaryDirectory() as tmp:
        data, model = Path(tmp, "200k.csv"), Path(tmp, "m.stance")
        with open(data, "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(["text"])
            w.writerows([t] for t in texts)
        subprocess.run([f"{a.bin}/stance-train", "--train", str(train), "--output", str(model), "-q"], check=True,
                       stdout=subprocess.DEVNULL)
        bench = subprocess.run([f"{a.bin}/stance-tag", "bench", "--model", str(model), "--threads", str(cores),
                                str(data)], check=True, capture_output=True, text=True).stdout
        print("stance-tag bench:\n" + bench)
        for threads in sorted({1, cores}):
            m = stance.Model.load(model, threads=threads)
            best = float("inf")
            for _ in range(a.repeat):
                start = time.perf_counter()
                for i in range(0, len(texts), a.batch):
                    m.predict(texts[i : i + a.batch])
                best = min(best, time.perf_counter() - start)
            print(f"python predict, {threads} thread(s), batches of {a.batch}: {len(texts) / best:,.0f} sentences/s "
                  f"({best:.3f} s for {len(texts):,})")
    print(f"python {sys.version.split()[0]}, stance {stance.__version__}, {cores} cores")


if __name__ == "__main__":
    main()
