"""Tag a table of news articles with PySpark: one row per (article, actor, event) stance.

    spark-submit examples/spark_tag_articles.py articles.csv stances.parquet --id-col url
    python examples/spark_tag_articles.py articles.jsonl stances.parquet --master 'local[2]'

The input is CSV (with a header), JSONL or Parquet, chosen by its extension; it needs a
text column and an id column (each article's name in the output). The output is a Parquet
table with the columns and values of ``stance-tag --format jsonl`` (``evidence`` an array
of ``{sentence, score}``, ``warnings`` an array of strings or null).

Each executor's Python worker builds the tagger once (``_tagger``, cached per process, as
Spark reuses its Python workers) and tags every Arrow batch of its partitions with it,
on ``--threads`` threads per task. On a cluster the ``stance`` wheel must be importable by
the executors' Python: see the README's "Spark" section.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any, Iterator, Optional

import pandas as pd
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import types as T

# The columns of `stance-tag --format jsonl` article records, in order (`error` is always null
# here: an article given as a string cannot be a bad record).
SCHEMA = T.StructType(
    [
        T.StructField("article", T.StringType(), False),
        T.StructField("actor", T.StringType(), True),
        T.StructField("code", T.StringType(), True),
        T.StructField("actor_code", T.StringType(), True),
        T.StructField("event", T.StringType(), True),
        T.StructField("stance", T.StringType(), True),
        T.StructField("confidence", T.DoubleType(), True),
        T.StructField(
            "evidence",
            T.ArrayType(
                T.StructType(
                    [T.StructField("sentence", T.StringType(), True), T.StructField("score", T.DoubleType(), True)]
                )
            ),
            True,
        ),
        T.StructField("warnings", T.ArrayType(T.StringType()), True),
    ]
)

_TAGGERS: "dict[tuple[Any, ...], Any]" = {}


def _tagger(threads: int, stance_model: Optional[str]) -> Any:
    """The tagger of this Python worker, built on first use (models load once per executor process)."""
    key = (threads, stance_model)
    if key not in _TAGGERS:
        import stance

        _TAGGERS[key] = stance.Tagger(stance_model, threads=threads)
    return _TAGGERS[key]


def tag_frame(
    articles: DataFrame, text_col: str = "text", id_col: str = "id", threads: int = 1, stance_model: Optional[str] = None
) -> DataFrame:
    """The stance rows of every article in ``articles``, as a DataFrame with ``SCHEMA``."""
    names = [f.name for f in SCHEMA.fields]

    def tag_batches(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        tagger = _tagger(threads, stance_model)
        for batch in batches:
            records = tagger.tag_many(batch[text_col].tolist(), batch[id_col].astype(str).tolist())
            yield pd.DataFrame([{n: r.get(n) for n in names} for r in records], columns=names)

    return articles.select(text_col, id_col).mapInPandas(tag_batches, SCHEMA)


def session(app: str, master: Optional[str]) -> SparkSession:
    """A Spark session; in local mode its Python workers run this interpreter (the one with ``stance``)."""
    builder = SparkSession.builder.appName(app)
    if master:
        builder = builder.master(master)
        if master.startswith("local"):
            os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    return builder.getOrCreate()


def read_table(spark: SparkSession, path: str) -> DataFrame:
    """A CSV (header row, quoted multi-line fields), JSONL or Parquet table, by extension (a directory: Parquet)."""
    if path.endswith(".parquet") or path.endswith("/"):
        return spark.read.parquet(path)
    if path.endswith(".jsonl") or path.endswith(".json"):
        return spark.read.json(path)
    return spark.read.csv(path, header=True, multiLine=True, escape='"')


def main(argv: Optional[list[str]] = None, spark: Optional[SparkSession] = None) -> None:
    """Runs the job as the command line says, in ``spark`` when given (and left running), else in a new session."""
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("input", help="articles: .csv, .jsonl or .parquet")
    p.add_argument("output", help="Parquet output directory")
    p.add_argument("--text-col", default="text")
    p.add_argument("--id-col", default="id")
    p.add_argument("--stance-model", help="a stance model file readable on every executor (default: shipped)")
    p.add_argument("--threads", type=int, default=1, help="tagger threads per Spark task (default 1)")
    p.add_argument("--master", help="e.g. local[2]; spark-submit sets it otherwise")
    p.add_argument("--partitions", type=int, help="repartition the input first")
    a = p.parse_args(argv)
    own = spark is None
    if spark is None:
        spark = session("stance-tag-articles", a.master)
    articles = read_table(spark, a.input)
    if a.partitions:
        articles = articles.repartition(a.partitions)
    rows = tag_frame(articles, a.text_col, a.id_col, a.threads, a.stance_model)
    rows.write.mode("overwrite").parquet(a.output)
    if own:
        spark.stop()


if __name__ == "__main__":
    main()
