"""The Apache Spark engine: the local engine's steps run as Spark jobs (``analyze --engine spark``).

Needs the ``spark`` extra (pyspark) and Java 17 or newer; nothing here is imported unless the
engine is chosen. See ``docs/spark.md``.
"""

from storytrace.spark.executor import SparkExecutor
from storytrace.spark.session import parse_conf, spark_executor

__all__ = ["SparkExecutor", "parse_conf", "spark_executor"]
