"""Starting and stopping the Spark session a run's :class:`SparkExecutor` uses."""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager

from storytrace.errors import ConfigError
from storytrace.spark.executor import SparkExecutor

# Settings storytrace sets unless the user's --spark-conf says otherwise: the run shows its own
# progress bars (Spark's console bar would draw over them), and Spark's INFO log would bury the
# summary (warnings and errors still show).
DEFAULT_CONF: Mapping[str, str] = {"spark.ui.showConsoleProgress": "false"}
_LOG_LEVEL = "ERROR"


def parse_conf(pairs: Iterable[str]) -> dict[str, str]:
    """``KEY=VALUE`` strings (``--spark-conf``) as a mapping; a pair without ``=`` is a ConfigError."""
    conf: dict[str, str] = {}
    for pair in pairs:
        key, equals, value = pair.partition("=")
        if not equals or not key.strip():
            raise ConfigError(f"--spark-conf takes KEY=VALUE, got {pair!r}")
        conf[key.strip()] = value.strip()
    return conf


@contextmanager
def spark_executor(master: str = "local[*]", conf: Mapping[str, str] | None = None) -> Iterator[SparkExecutor]:
    """A Spark session on ``master`` (``local[N]``, ``spark://…``, ``yarn``, ``k8s://…``) as an
    executor, stopped on exit; a missing pyspark or Java is a ConfigError saying what to install."""
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise ConfigError("the Spark engine needs pyspark: pip install 'storytrace[spark]'") from None
    if not (os.environ.get("JAVA_HOME") or shutil.which("java")):
        raise ConfigError("the Spark engine needs Java 17 or newer (java on PATH or JAVA_HOME); on Debian: "
                          "apt-get install openjdk-17-jre-headless")  # fmt: skip
    if master.startswith("local"):
        # Local workers are this machine's processes: they must run this Python, which has storytrace.
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    builder = SparkSession.builder.master(master).appName("storytrace")
    for key, value in {**DEFAULT_CONF, **(conf or {})}.items():
        builder = builder.config(key, value)
    try:
        session = builder.getOrCreate()
    except Exception as error:  # the JVM did not start: a bad master URL or conf, no usable Java
        raise ConfigError(f"Spark did not start on {master}: {str(error).strip().splitlines()[0]}") from None
    session.sparkContext.setLogLevel(_LOG_LEVEL)
    try:
        yield SparkExecutor(session.sparkContext)
    finally:
        session.stop()
