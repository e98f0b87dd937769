"""Spark local[2] article tagging beside the CLI on the 28,900-article batch (a benchmark, not a test).

    .ci/.venv/bin/python benches/python/spark_articles.py [--shared ../shared] [--copies 100]

Writes the 289 Wikinews articles --copies times (each copy's url suffixed with #N) to a CSV,
then times:
- `stance-tag --format jsonl --threads 2 --text-col text --id-col url` over it (output to /dev/null);
- examples/spark_tag_articles.py's `tag_frame` in a local[2] session (2 partitions, 1 tagger
  thread per task), writing Parquet; the session's start-up is timed apart.
Prints both times, articles/s, and the output row counts (which must agree).
"""

from __future__ import annotations

import argparse
import csv
import importlib.util
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--shared", default=str(ROOT.parent / "shared"))
    p.add_argument("--bin", default=str(ROOT / "target" / "release"))
    p.add_argument("--copies", type=int, default=100)
    a = p.parse_args()
    csv.field_size_limit(1 << 30)
    with open(Path(a.shared) / "datasets/wikinews/articles.csv", newline="", encoding="utf-8") as f:
        articles = list(csv.DictReader(f))
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp, "articles.csv")
        with open(data, "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(["url", "text"])
            for n in range(a.copies):
                w.writerows([f"{r['url']}#{n}", r["text"]] for r in articles)
        total = len(articles) * a.copies
        start = time.perf_counter()
        out = subprocess.run([f"{a.bin}/stance-tag", "--format", "jsonl", "--threads", "2", "-q", "--text-col", "text",
                              "--id-col", "url", str(data)], check=True, capture_output=True, text=True).stdout
        cli = time.perf_counter() - start
        cli_rows = out.count("\n")
        print(f"CLI: {total:,} articles in {cli:.2f} s ({total / cli:,.0f} articles/s), {cli_rows:,} rows")

        os.environ["PYSPARK_PYTHON"] = sys.executable
        spec = importlib.util.spec_from_file_location("ex", ROOT / "examples/spark_tag_articles.py")
        ex = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(ex)
        from pyspark.sql import SparkSession

        start = time.perf_counter()
        spark = (SparkSession.builder.master("local[2]").config("spark.ui.enabled", "false").getOrCreate())
        spark.sparkContext.setLogLevel("ERROR")
        boot = time.perf_counter() - start
        start = time.perf_counter()
        frame = ex.read_table(spark, str(data)).repartition(2)
        ex.tag_frame(frame, "text", "url").write.mode("overwrite").parquet(str(Path(tmp, "out.parquet")))
        job = time.perf_counter() - start
        rows = spark.read.parquet(str(Path(tmp, "out.parquet"))).count()
        spark.stop()
        print(f"Spark local[2]: session start {boot:.2f} s; job {job:.2f} s ({total / job:,.0f} articles/s), {rows:,} rows")
        print(f"Spark job / CLI: {job / cli:.2f}x the time")


if __name__ == "__main__":
    main()
