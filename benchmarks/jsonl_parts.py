"""Reading one mid-sized JSONL file: parts of 64 MB only, or as many parts as the workers need.

What it runs
    One corpus from ``benchmarks/copy_corpus.py`` (``build_scale_corpus(N, seed)``, text records
    of real articles and their copies among background articles; 100,000 articles make a file
    of about 260 MB), written once as one JSONL file. Then ``storytrace.batch.read_batch`` on it,
    each run in a forked process of its own (``measure.measured``), on 2 local worker processes
    and on Spark ``local[2]``, two ways each:

    * ``64 MB parts (before)``, the named baseline: ``MIN_PART_BYTES`` set to ``PART_BYTES``,
      the rule before this change (parts of 64 MB: a file under 8 x 64 MB gives the 2 workers
      fewer than 4 parts each, so the driver reads it and the workers clean its documents);
    * ``parts for every worker``: today's rule (``batch._part_bytes``), parts between 8 and 64 MB,
      4 per worker.

What it reports
    Per run: seconds (Spark's session start excluded), documents/s, the step that ran (``cleaning``:
    the driver read; ``reading and cleaning``: the workers read the parts) with its items, the
    driver's peak RSS, and whether the articles and problems equal the first run's.

Command (from the repository root; needs the bench extra and, for Spark, ``scripts/spark.sh``)::

    .venv/bin/python benchmarks/jsonl_parts.py --articles 100000      # about 6 minutes on 2 cores
"""

from __future__ import annotations

import argparse
import os
import resource
import tempfile
import time
from functools import partial
from pathlib import Path
from typing import Any
from unittest import mock

from copy_corpus import build_scale_corpus, write_corpus  # beside this script
from measure import measured  # beside this script

from storytrace import Settings, batch
from storytrace.executor import LocalExecutor
from storytrace.progress import SilentProgress

WAYS = {"64 MB parts (before)": batch.PART_BYTES, "parts for every worker": batch.MIN_PART_BYTES}


def run(engine: str, smallest: int, path: Path) -> dict[str, Any]:
    """In the forked process: ``read_batch`` of the file with parts of at least ``smallest`` bytes."""
    with mock.patch.object(batch, "MIN_PART_BYTES", smallest):
        if engine == "local":
            executor = LocalExecutor(2)
            started = time.perf_counter()
            result = batch.read_batch([str(path)], Settings(), SilentProgress(), executor)
            seconds = time.perf_counter() - started
            steps = executor.statistics()
        else:
            from storytrace.spark import spark_executor

            with spark_executor(engine) as spark:
                started = time.perf_counter()
                result = batch.read_batch([str(path)], Settings(), SilentProgress(), spark)
                seconds = time.perf_counter() - started
                steps = spark.statistics()
    return {
        "seconds": seconds,
        "result": result,
        "steps": [(step.name, step.items) for step in steps],
        "driver_peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def main(argv: list[str] | None = None) -> None:
    """Build the file once, read it every way, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--engines", default="local,local[2]", help="'local' (2 processes) and Spark masters")
    args = parser.parse_args(argv)
    corpus = build_scale_corpus(args.articles, args.seed)
    with tempfile.TemporaryDirectory(prefix="jsonl-parts-") as name:
        write_corpus(corpus, Path(name))
        path = Path(name) / "documents.jsonl"
        size = path.stat().st_size
        print(f"{len(corpus.documents)} records, {size / 1e6:.0f} MB; load average {os.getloadavg()[0]:.1f}")
        first: Any = None
        print(f"{'engine':9} {'way':24} {'seconds':>8} {'docs/s':>7} {'driver MiB':>10}  step (items)  same")
        for engine in args.engines.split(","):
            for way, smallest in WAYS.items():
                outcome = measured(way, partial(run, engine, smallest), path).output
                first = first or outcome["result"]
                steps = ", ".join(f"{step} ({items})" for step, items in outcome["steps"])
                same = "yes" if outcome["result"] == first else "NO"
                rate = len(corpus.documents) / outcome["seconds"]
                print(f"{engine:9} {way:24} {outcome['seconds']:8.1f} {rate:7.0f} "
                      f"{outcome['driver_peak_mib']:10.0f}  {steps}  {same}")  # fmt: skip
    print(f"load average at the end {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
