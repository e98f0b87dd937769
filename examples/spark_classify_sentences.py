"""Classify a table of sentences with a trained model in PySpark (``mapInArrow``).

    spark-submit examples/spark_classify_sentences.py models/sentiment-news.stance sentences.csv labels.parquet
    python examples/spark_classify_sentences.py mine.stance tweets.jsonl out.parquet --master 'local[2]' --target-col target

The model file is shipped to the executors with ``SparkContext.addFile`` and loaded once per
Python worker; each Arrow batch is classified in Rust without going through pandas. The
output keeps the input's columns and adds ``label`` (as ``stance-tag --model`` gives it) and
``probs`` (the class probabilities, in the order of the model's labels, which the driver
prints).
"""

from __future__ import annotations

import argparse
import os
from typing import Any, Iterator, Optional

import pyarrow as pa
from pyspark import SparkFiles
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import types as T
from pyspark.sql.pandas.types import to_arrow_schema
from spark_tag_articles import read_table, session  # the sibling example

_MODELS: "dict[str, Any]" = {}


def _model(name: str, threads: int) -> Any:
    """This Python worker's model, loaded from the file Spark shipped, on first use."""
    if name not in _MODELS:
        import stance

        _MODELS[name] = stance.Model.load(SparkFiles.get(name), threads=threads)
    return _MODELS[name]


def classify_frame(
    spark: SparkSession, model_path: str, sentences: DataFrame, text_col: str = "text",
    target_col: Optional[str] = None, threads: int = 1,
) -> DataFrame:
    """``sentences`` with a ``label`` and a ``probs`` column from the model at ``model_path``."""
    spark.sparkContext.addFile(model_path)
    name = os.path.basename(model_path)
    schema = T.StructType(
        sentences.schema.fields
        + [T.StructField("label", T.StringType(), False), T.StructField("probs", T.ArrayType(T.DoubleType()), False)]
    )
    arrow_schema = to_arrow_schema(schema)

    def classify(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        model = _model(name, threads)
        for batch in batches:
            targets = None if target_col is None else batch.column(target_col)
            probs = model.predict_proba(batch.column(text_col), targets)
            labels = model.classes_[probs.argmax(axis=1)] if len(probs) else []
            columns = batch.columns + [
                pa.array(list(labels), pa.string()),
                pa.array(list(probs), pa.list_(pa.float64())),
            ]
            yield pa.RecordBatch.from_arrays(columns, schema=arrow_schema)

    return sentences.mapInArrow(classify, schema)


def main(argv: Optional[list[str]] = None) -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("model", help="a model file from stance-train")
    p.add_argument("input", help="sentences: .csv (with a header), .jsonl or .parquet")
    p.add_argument("output", help="Parquet output directory")
    p.add_argument("--text-col", default="text")
    p.add_argument("--target-col", help="column naming each sentence's stance target")
    p.add_argument("--threads", type=int, default=1, help="threads per Spark task (default 1)")
    p.add_argument("--master", help="e.g. local[2]; spark-submit sets it otherwise")
    a = p.parse_args(argv)
    spark = session("stance-classify-sentences", a.master)
    df = read_table(spark, a.input)
    import stance

    print("labels:", ", ".join(stance.Model.load(a.model).classes_))
    classify_frame(spark, a.model, df, a.text_col, a.target_col, a.threads).write.mode("overwrite").parquet(a.output)
    spark.stop()


if __name__ == "__main__":
    main()
