"""The Spark engine beside the local engine on a generated corpus of real text (issue 17).

What it runs
    One corpus, built once with a fixed seed by ``benchmarks/copy_corpus.py`` and written once
    to a temporary JSONL file that every run reads: for ``--articles N`` at least the size of
    the whole labelled corpus (the 1,160 real articles and their 2,000 copies, about 3,160),
    ``build_scale_corpus(N, seed)`` (the labelled corpus among background articles); below
    that, ``build_corpus(seed, limit=L)`` with ``L`` real articles chosen so that they and their
    copies (scaled down as ``build_corpus`` does) make about N articles, all labelled. The
    output prints the count it got.

    Runs, in this order, each in a forked process of its own (``measure.measured``, so that each
    one's peak memory is its own) and into a fresh temporary SQLite database, all with
    ``storytrace.analyze(..., compare=False, embedder=None)`` with default settings, or with
    ``--story-block-days N`` ``Settings(story_block_days=N)`` for every run (stories grouped in
    parallel blocks of N days, ``stories/blocks.py``):

    * ``local, 1 process``: the local engine with ``workers=1``, the named baseline;
    * ``local, N processes``: the local engine with ``workers=N`` (``--workers``, default 2);
    * ``spark local[N]``: ``with spark_executor("local[N]") as executor: analyze(...,
      executor=executor)`` (``--masters``, default ``local[1],local[2]``).

    ``compare=False``: the comparison stage (spaCy parsing, quotes, facts) has its own
    benchmark, ``benchmarks/compare.py``, and would dwarf the rest here. ``embedder=None``: an
    embedder's TensorFlow session stays in the driver on Spark (a forked or pickled session
    does not survive), so it would measure the driver, not the engine; copies and stories are
    then found lexically, by both engines alike.

What it reports, per run
    * seconds: wall time of the ``analyze`` call alone; for Spark the session's start (JVM and
      gateway, ``spark_executor``'s entry) and stop are timed apart from it;
    * articles/s: the corpus' articles over those seconds;
    * per-step seconds from ``Report.steps`` (``cleaning``, ``aligning candidates``, ``story
      features``: the time the run waited for each step's results) and the rest of the call
      (``driver``: reading, the per-outlet cleaning pass, storing, candidate generation, the
      story index); the progress stages' wall times are printed below the table and kept in
      the JSON;
    * peak memory: ``ru_maxrss`` of the forked process that ran the call (the driver; it
      includes the corpus the parent had built), and the peak of the summed RSS of its child
      processes (the local engine's worker processes; for Spark the JVM and, apart, its Python
      daemon and workers), sampled every 0.5 s by a thread with ``psutil``. Summed RSS counts
      pages shared after a fork once per process, so it is an upper bound;
    * equal to the baseline: the report's ``articles``, ``copies``, ``copy_families``,
      ``stories`` and ``storylines`` compared exactly with the baseline's (the ids that differ
      are printed and kept in the JSON);
    * copy precision and recall against the corpus' gold pairs with ``benchmarks/copies.py``'s
      ``Scorer`` and ``figures`` (transitive pairs inside a family count, partial reuse is
      ignored; see that script).

Command (from the repository root; needs the bench extra, ``scripts/bench-setup.sh``, and for
Spark pyspark and Java 17, ``scripts/spark.sh``)::

    .venv/bin/python benchmarks/spark_scale.py --articles 100                     # a smoke run
    .venv/bin/python benchmarks/spark_scale.py --json docs/spark-scale-benchmark.json
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

import psutil
from copies import Run, Scorer, figures  # beside this script
from copy_corpus import Corpus, build_corpus, build_scale_corpus, load_sources, write_corpus  # beside this script
from measure import measured  # beside this script

from storytrace import Settings, analyze, to_dict
from storytrace.model import Report

REPO_ROOT = Path(__file__).resolve().parent.parent
DERIVATIVES = 2000  # copy_corpus' default number of copies of the full labelled corpus
SAMPLE_SECONDS = 0.5
MIB = 2**20
TABLES = ("articles", "copies", "copy_families", "stories", "storylines")
QUALITY_KEYS = (
    "predicted_pairs",
    "true_gold_pairs",
    "true_family_pairs",
    "ignored_partial_reuse_pairs",
    "false_positives",
    "precision",
    "recall",
    "recall_exact_pair",
    "f1",
    "recall_synthetic",
    "ari",
    "per_kind",
)


@dataclass(frozen=True)
class Engine:
    """One run: the local engine with ``workers`` processes, or Spark on ``master``."""

    name: str
    workers: int | None = None
    master: str | None = None


# --- the corpus ------------------------------------------------------------------------------


def corpus_of(size: int, seed: int) -> Corpus:
    """About ``size`` articles: the labelled corpus among background ones, or a labelled part of it."""
    sources = len(load_sources(random.Random(seed)))
    if size >= sources + DERIVATIVES:
        return build_scale_corpus(size, seed, DERIVATIVES)
    limit = max(1, round(size * sources / (sources + DERIVATIVES)))
    return build_corpus(seed, DERIVATIVES, limit)


# --- measuring one run -------------------------------------------------------------------------


class StageClock:
    """A progress sink keeping the wall seconds of each stage the pipeline announces."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self._current: str | None = None
        self._since = time.perf_counter()

    def stage(self, name: str, total: int | None) -> None:
        self.finish()
        self._current, self._since = name, time.perf_counter()

    def advance(self, count: int = 1) -> None:
        """Nothing to count."""

    def note(self, message: str) -> None:
        """Nothing to show."""

    def finish(self) -> None:
        """Close the current stage (a stage announced twice is summed)."""
        if self._current is not None:
            elapsed = time.perf_counter() - self._since
            self.seconds[self._current] = self.seconds.get(self._current, 0.0) + elapsed
            self._current = None


@dataclass
class ChildMemory:
    """Peaks of the summed RSS of this process' descendants, by kind, sampled in a thread."""

    peaks: dict[str, float] = field(default_factory=dict)  # MiB
    most_processes: int = 0
    samples: int = 0
    _stop: threading.Event = field(default_factory=threading.Event)

    @staticmethod
    def kind(process: psutil.Process) -> str:
        """``jvm`` for Java, ``python workers`` for every other child (pool or Spark workers)."""
        return "jvm" if process.name().startswith("java") else "python workers"

    def sample(self) -> None:
        totals: dict[str, float] = {}
        children = psutil.Process().children(recursive=True)
        for child in children:
            try:
                kind = self.kind(child)
                totals[kind] = totals.get(kind, 0.0) + child.memory_info().rss / MIB
            except psutil.Error:  # it ended between the listing and the reading
                continue
        for kind, total in totals.items():
            self.peaks[kind] = max(self.peaks.get(kind, 0.0), total)
        self.most_processes = max(self.most_processes, len(children))
        self.samples += 1

    @contextmanager
    def sampling(self) -> Iterator[ChildMemory]:
        def loop() -> None:
            while not self._stop.wait(SAMPLE_SECONDS):
                self.sample()

        thread = threading.Thread(target=loop, daemon=True)
        thread.start()
        try:
            yield self
        finally:
            self._stop.set()
            thread.join()


def run_engine(engine: Engine, documents: Path, folder: Path, settings: Settings) -> dict[str, Any]:
    """In the forked process: one ``analyze`` of the corpus into its own database, with its costs."""
    database = folder / f"{engine.name.replace(' ', '-').replace(',', '')}.db"
    clock = StageClock()
    memory = ChildMemory()
    start_rss = psutil.Process().memory_info().rss / MIB
    spark_start = spark_stop = None
    with memory.sampling():
        if engine.master is None:
            started = time.perf_counter()
            report = analyze([str(documents)], db=database, settings=settings, progress=clock,
                             workers=engine.workers, embedder=None, compare=False)  # fmt: skip
            seconds = time.perf_counter() - started
        else:
            from storytrace.spark import spark_executor

            started = time.perf_counter()
            with spark_executor(engine.master) as executor:
                spark_start = time.perf_counter() - started
                called = time.perf_counter()
                report = analyze([str(documents)], db=database, settings=settings, progress=clock,
                                 executor=executor, embedder=None, compare=False)  # fmt: skip
                seconds = time.perf_counter() - called
                stopping = time.perf_counter()
            spark_stop = time.perf_counter() - stopping
        clock.finish()
    return {
        "report": report,
        "seconds": seconds,
        "spark_start_seconds": spark_start,
        "spark_stop_seconds": spark_stop,
        "stages": clock.seconds,
        "driver_start_rss_mib": start_rss,
        "driver_peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,  # KiB on Linux
        "children_peak_rss_mib": memory.peaks,
        "children_most_processes": memory.most_processes,
        "memory_samples": memory.samples,
    }


# --- comparing and scoring -----------------------------------------------------------------------


def _keyed(table: str, record: dict[str, Any]) -> str:
    if table == "copies":
        return f"{record['original']} -> {record['copy']}"
    return str(record["id"])


def differences(report: dict[str, Any], baseline: dict[str, Any]) -> dict[str, list[str]]:
    """Per table, the ids (copies: original -> copy) whose records differ from the baseline's,
    or are only on one side; a table in another order is named as ``(order)``."""
    found: dict[str, list[str]] = {}
    for table in TABLES:
        if report[table] == baseline[table]:
            continue
        mine = {_keyed(table, record): record for record in report[table]}
        theirs = {_keyed(table, record): record for record in baseline[table]}
        ids = sorted(key for key in mine.keys() | theirs.keys() if mine.get(key) != theirs.get(key))
        found[table] = ids or ["(order)"]
    return found


def quality(report: Report, corpus: Corpus, name: str, seconds: float) -> dict[str, Any]:
    """Copy precision/recall against the gold pairs, with benchmarks/copies.py's scoring."""
    articles = list(report.articles)
    stored = {article.id for article in articles}
    missing = sorted({article for pair in corpus.gold for article in (pair.original, pair.copy)} - stored)
    # A labelled article whose cleaned text another article of its outlet already has (the
    # background draws from the same real articles: 4 of 10,000 at seed 1) is stored as that
    # one's duplicate and is not in the report: its gold pairs cannot be scored, so they are
    # left out, and counted.
    kept = [pair for pair in corpus.gold if pair.original in stored and pair.copy in stored]
    scorer = Scorer(replace(corpus, gold=kept), articles)
    result = figures(Run(name, list(report.copies), seconds, 0.0), scorer.score(list(report.copies)), scorer,
                     len(articles), 0.0)  # fmt: skip
    return {key: result[key] for key in QUALITY_KEYS} | {
        "labelled_articles_stored_as_duplicates": len(missing),
        "gold_pairs_not_scored": len(corpus.gold) - len(kept),
    }


# --- the report ----------------------------------------------------------------------------------


def _command(arguments: list[str]) -> str:
    try:
        result = subprocess.run(arguments, capture_output=True, text=True, timeout=30, cwd=REPO_ROOT)
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return (result.stdout or result.stderr).strip()


def environment() -> dict[str, Any]:
    """Date, commit, Python, cores, and the versions that matter here."""
    try:
        import pyspark

        spark_version = pyspark.__version__
    except ImportError:
        spark_version = None
    java = _command(["java", "-version"]).splitlines()
    changed = _command(["git", "status", "--porcelain", "--", "src"]).splitlines()
    return {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "commit": _command(["git", "rev-parse", "--short", "HEAD"]),
        # Other work in progress that the run measured along with the commit.
        "uncommitted_src_files": [line.split(maxsplit=1)[-1] for line in changed],
        "python": platform.python_version(),
        "cpu_count": os.cpu_count(),
        "machine": platform.platform(),
        "pyspark": spark_version,
        "java": java[0] if java else None,
        "load_average_at_start": os.getloadavg(),
    }


def _cell(value: float | None, digits: int = 1) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def _step_cell(step: dict[str, Any] | None) -> str:
    """A step's seconds with the processes (cores, on Spark) it ran on at most."""
    return "-" if step is None else f"{step['seconds']:.1f} ({step['processes']})"


def print_table(rows: list[dict[str, Any]], step_names: list[str]) -> None:
    """The runs side by side, then each run's progress stages."""
    header = ["engine", "start s", "analyze s", "art/s", *step_names, "driver s", "peak MiB", "children MiB",
              "= baseline", "copy P", "copy R"]  # fmt: skip
    lines = []
    for row in rows:
        steps = row["steps"]
        children = row["children_peak_rss_mib"]
        lines.append(
            [
                row["engine"],
                _cell(row["spark_start_seconds"]),
                _cell(row["seconds"]),
                _cell(row["articles_per_second"], 0),
                *(_step_cell(steps.get(name)) for name in step_names),
                _cell(row["driver_seconds"]),
                _cell(row["driver_peak_rss_mib"], 0),
                " + ".join(f"{kind} {value:.0f}" for kind, value in sorted(children.items())) or "-",
                "yes" if row["equal_to_baseline"] else "NO",
                _cell(row["quality"]["precision"], 3),
                _cell(row["quality"]["recall"], 3),
            ]
        )
    widths = [max(len(str(cell)) for cell in column) for column in zip(header, *lines, strict=True)]
    print()
    print("  ".join(cell.ljust(width) if i == 0 else cell.rjust(width) for i, (cell, width) in
                    enumerate(zip(header, widths, strict=True))))  # fmt: skip
    print("  ".join("-" * width for width in widths))
    for line in lines:
        print("  ".join(cell.ljust(width) if i == 0 else cell.rjust(width) for i, (cell, width) in
                        enumerate(zip(line, widths, strict=True))))  # fmt: skip
    print("(a step's seconds, then in brackets the processes, or on Spark the cores, it ran on at most)")
    print("\nprogress stages (wall seconds):")
    for row in rows:
        print(f"  {row['engine']:18} " + ", ".join(f"{name} {value:.1f}" for name, value in row["stages"].items()))
    for row in rows:
        if not row["equal_to_baseline"]:
            print(f"\n{row['engine']} differs from the baseline:")
            for table, ids in row["differences"].items():
                print(f"  {table}: {len(ids)} differ, e.g. {', '.join(ids[:10])}")


def main(argv: list[str] | None = None) -> None:
    """Build the corpus once, run every engine on it in the same run, print and save the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=2000, help="articles in the corpus (default 2000)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", default="2", help="local engine process counts besides 1 (comma-separated)")
    parser.add_argument("--masters", default="local[1],local[2]", help="Spark masters (comma-separated; '' for none)")
    parser.add_argument(
        "--story-block-days",
        type=int,
        default=0,
        help="Settings.story_block_days for every run (default 0: the sequential story index)",
    )
    parser.add_argument("--json", type=Path, help="write every figure here")
    args = parser.parse_args(argv)
    settings = Settings(story_block_days=args.story_block_days)

    setting = environment()
    engines = [Engine("local, 1 process", workers=1)]
    engines += [Engine(f"local, {n} processes", workers=n) for n in map(int, filter(None, args.workers.split(",")))]
    engines += [Engine(f"spark {master}", master=master) for master in filter(None, args.masters.split(","))]

    started = time.perf_counter()
    corpus = corpus_of(args.articles, args.seed)
    documents = len(corpus.documents)
    print(
        f"corpus: {documents} articles ({corpus.background} background), seed {args.seed}, {len(corpus.gold)} gold "
        f"copy pairs, {len(corpus.partial)} partial-reuse pairs (not scored); built in "
        f"{time.perf_counter() - started:.0f} s"
    )
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="spark-scale-") as folder:
        write_corpus(corpus, Path(folder))
        path = Path(folder) / "documents.jsonl"
        baseline: dict[str, Any] | None = None
        for engine in engines:
            system: Callable[[Path], dict[str, Any]] = partial(run_engine, engine, folder=Path(folder),
                                                               settings=settings)  # fmt: skip
            outcome = measured(engine.name, system, path).output
            report: Report = outcome.pop("report")
            tables = to_dict(report)
            if baseline is None:
                baseline = tables
            found = differences(tables, baseline)
            steps = {step.name: step.to_record() for step in report.steps}
            seconds = outcome["seconds"]
            row = {
                "engine": engine.name,
                "workers": engine.workers,
                "master": engine.master,
                "articles_read": documents,
                "articles": len(report.articles),
                "copies": len(report.copies),
                "stories": len(report.stories),
                "problems": len(report.problems),
                **outcome,
                "articles_per_second": documents / seconds if seconds else None,
                "steps": steps,
                "driver_seconds": seconds - sum(step["seconds"] for step in steps.values()),
                "equal_to_baseline": not found,
                "differences": found,
                "quality": quality(report, corpus, engine.name, seconds),
            }
            rows.append(row)
            print(
                f"{engine.name}: {seconds:.1f} s, {row['articles']} articles, {row['copies']} copies, "
                f"{row['stories']} stories; equal to the baseline: {'yes' if not found else 'NO'}",
                flush=True,
            )
    step_names = list(dict.fromkeys(name for row in rows for name in row["steps"]))
    print_table(rows, step_names)
    equal = all(row["equal_to_baseline"] for row in rows)
    print(
        "\nevery engine's articles, copies, copy families, stories and storylines equal the baseline's"
        if equal
        else "\nSOME ENGINE'S RESULTS DIFFER FROM THE BASELINE'S (a bug: see above)"
    )
    if args.json:
        setting["load_average_at_end"] = os.getloadavg()
        result = {
            **setting,
            "command": " ".join([Path(sys.executable).name, *sys.argv]),
            "seed": args.seed,
            "story_block_days": args.story_block_days,
            "articles": documents,
            "background": corpus.background,
            "gold_pairs": len(corpus.gold),
            "partial_reuse_pairs": len(corpus.partial),
            "all_equal_to_baseline": equal,
            "runs": rows,
        }
        args.json.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
        print(f"figures written to {args.json}")


if __name__ == "__main__":
    main()
