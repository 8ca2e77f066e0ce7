"""The Spark engine (storytrace.spark) on ``local[2]``: steps as Spark jobs, the same results.

Needs pyspark (the ``spark`` extra) and Java; CI sets STORYTRACE_REQUIRE_SPARK=1 so that a
missing one fails the run instead of skipping. One Spark session serves the whole module (its
JVM takes seconds to start).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from typer.testing import CliRunner

from storytrace import ConfigError, analyze, to_dict
from storytrace.cli import app
from storytrace.executor import Step
from tests.conftest import EXAMPLES, REPO
from tests.test_executor import _failing, _Lazy, _prepared

REQUIRE_SPARK = os.environ.get("STORYTRACE_REQUIRE_SPARK") == "1"


def _spark_available() -> str | None:
    try:
        import pyspark  # noqa: F401
    except ImportError:
        return "pyspark is not installed (pip install -e '.[spark]')"
    if not (os.environ.get("JAVA_HOME") or shutil.which("java")):
        return "Java is not installed (scripts/spark.sh)"
    return None


@pytest.fixture(scope="module")
def spark() -> Iterator[object]:
    missing = _spark_available()
    if missing:
        if REQUIRE_SPARK:
            pytest.fail(f"STORYTRACE_REQUIRE_SPARK=1 but {missing}")
        pytest.skip(f"Spark tests: {missing}")
    from storytrace.spark import spark_executor

    with spark_executor("local[2]") as executor:
        yield executor


def _doubled(offset: int, item: int) -> tuple[int, int]:
    return item * 2 + offset, os.getpid()


def test_results_come_in_input_order_from_spark_workers(spark) -> None:  # type: ignore[no-untyped-def]
    step = Step("doubled", _doubled, parallel_from=1_000)  # the local threshold does not apply on Spark
    items = list(range(50))
    results = list(spark.map(step, items, 3))
    assert [value for value, _ in results] == [i * 2 + 3 for i in items]
    assert os.getpid() not in {pid for _, pid in results}  # ran in Spark's Python workers
    assert list(spark.map(step, [], 3)) == []
    streamed = list(spark.map(replace(step, window=7), iter(items), 3))  # a stream: one job per window of 7
    assert [value for value, _ in streamed] == [i * 2 + 3 for i in items]
    (statistics,) = [s for s in spark.statistics() if s.name == "doubled"]
    assert (statistics.items, statistics.processes) == (100, 2)


def test_a_failing_item_raises_its_own_error_in_the_driver(spark) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match="item 7 is bad"):
        list(spark.map(Step("failing", _failing), list(range(30)), None))
    assert [value for value, _ in spark.map(Step("after", _doubled), [1, 2], 0)] == [2, 4]  # still usable


def _marked(folder: str, item: int) -> int:
    (Path(folder) / f"started-{item}").touch()
    return item


def test_the_next_window_runs_while_the_driver_consumes_the_one_before(spark, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]  # noqa: E501
    results = spark.map(Step("marked", _marked, window=1), iter(range(3)), str(tmp_path))
    assert next(results) == 0
    # Holding the first result, the driver is not asking for more: the second window's job was
    # submitted before it was handed on, so its task starts anyway.
    deadline = time.monotonic() + 60
    while not (tmp_path / "started-1").exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert (tmp_path / "started-1").exists()
    assert not (tmp_path / "started-2").exists()  # no more than the next window is in flight
    assert list(results) == [1, 2]


def test_a_failure_in_the_window_run_ahead_is_raised_when_its_turn_comes(spark) -> None:  # type: ignore[no-untyped-def]
    results = spark.map(Step("failing", _failing, window=4), iter(range(12)), None)
    assert [next(results) for _ in range(4)] == [0, 1, 2, 3]  # the window before the bad item
    with pytest.raises(ValueError, match="item 7 is bad"):
        list(results)
    assert [value for value, _ in spark.map(Step("after", _doubled), [1, 2], 0)] == [2, 4]  # still usable


def test_the_context_is_prepared_once_in_the_driver_and_broadcast(spark) -> None:  # type: ignore[no-untyped-def]
    step = Step("lazy", _prepared, inherit_context=True, before_fork=_Lazy.prepare)
    context = _Lazy()
    results = list(spark.map(step, list(range(10)), context))
    assert context.prepared_in == [os.getpid()]
    assert all(prepared == [os.getpid()] for _, prepared in results)


def test_serial_steps_stay_in_the_driver_and_share_the_statistics(spark) -> None:  # type: ignore[no-untyped-def]
    results = list(spark.serial().map(Step("in driver", _doubled), [1, 2, 3], 0))
    assert {pid for _, pid in results} == {os.getpid()}
    assert "in driver" in [s.name for s in spark.statistics()]


def test_spark_conf_pairs_are_parsed_and_a_bad_one_is_named() -> None:
    from storytrace.spark import parse_conf

    conf = parse_conf(["spark.executor.memory=4g", " spark.a = b=c "])
    assert conf == {"spark.executor.memory": "4g", "spark.a": "b=c"}
    with pytest.raises(ConfigError, match="KEY=VALUE, got 'spark.executor.memory'"):
        parse_conf(["spark.executor.memory"])


# --- the pipeline on Spark ---------------------------------------------------------------------


def test_files_are_read_and_cleaned_in_spark_workers(spark, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from storytrace import Settings
    from storytrace.batch import FILES_PER_WORKER, read_batch
    from storytrace.executor import LocalExecutor
    from storytrace.progress import SilentProgress

    folder = tmp_path / "in"
    shutil.copytree(EXAMPLES, folder)
    (folder / "broken.jsonl").write_text('{"id": "x", "text": "no end\n', encoding="utf-8")
    inputs = [str(folder), str(tmp_path / "missing.html")]
    assert len([path for path in folder.rglob("*") if path.is_file()]) >= FILES_PER_WORKER * 2
    on_spark = read_batch(inputs, Settings(), SilentProgress(), spark)
    assert on_spark == read_batch(inputs, Settings(), SilentProgress(), LocalExecutor(1))
    (reading,) = [s for s in spark.statistics() if s.name == "reading and cleaning"]
    assert reading.processes == 2
    assert [problem.source.rsplit("/", 1)[-1] for problem in on_spark[1]][-1] == "missing.html"


def _as_local(found: object, root: Path) -> object:
    """A record read through Hadoop's local file system, its source as the local path's
    (Hadoop writes ``file:/path``)."""
    prefix = f"file:{root}"
    source = found.source  # type: ignore[attr-defined]
    return replace(found, source=str(root) + source[len(prefix) :]) if source.startswith(prefix) else found  # type: ignore[type-var]


def test_file_system_urls_are_listed_by_spark_and_read_in_its_tasks(spark, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]  # noqa: E501
    from storytrace import Settings
    from storytrace.batch import read_batch
    from storytrace.executor import LocalExecutor
    from storytrace.progress import SilentProgress

    folder = tmp_path / "in corpus"  # a space: Hadoop paths are written as they are
    shutil.copytree(EXAMPLES, folder)
    (folder / "broken.jsonl").write_text('{"id": "x", "text": "no end\n', encoding="utf-8")
    (folder / "text" / ".draft.txt").write_text("A hidden draft is not an input.", encoding="utf-8")
    marked = tmp_path / "wire[1].txt"  # glob marks in a file's own name
    shutil.copy(EXAMPLES / "text" / "newsfarm-bridge.txt", marked)
    local = read_batch([str(folder), str(marked)], Settings(), SilentProgress(), LocalExecutor(1))
    # Spark's URLs are paths as written (Hadoop's Path), not percent-encoded ones (Path.as_uri).
    urls = [f"file://{folder}", f"file://{marked}", f"file://{tmp_path}/missing", f"file://{folder}/*.nothing",
            "nosuchfs://host/news.jsonl"]  # fmt: skip
    before = {s.name: s.items for s in spark.statistics()}.get("reading and cleaning", 0)
    articles, problems = read_batch(urls, Settings(), SilentProgress(), spark)
    assert [_as_local(article, tmp_path) for article in articles] == local[0]
    assert [_as_local(problem, tmp_path) for problem in problems[: len(local[1])]] == local[1]
    assert local[1][0].source.endswith("broken.jsonl:1") and local[0][-1].id == "wire[1]"
    missing, pattern, scheme = problems[len(local[1]) :]
    assert (missing.source, missing.reason) == (urls[2], "no such file or directory")
    assert (pattern.source, pattern.reason) == (urls[3], "no file matches this pattern")
    assert scheme.source == urls[4] and "no connector for this file system" in scheme.reason
    assert "nosuchfs" in scheme.reason  # Hadoop's own words come along
    (reading,) = [s for s in spark.statistics() if s.name == "reading and cleaning"]
    files = [path for path in folder.rglob("*") if path.is_file() and not path.name.startswith(".")]
    assert reading.items - before == len(files) + 1 and reading.processes == 2


def test_analyze_of_a_file_url_on_spark_equals_the_local_engine_on_its_path(spark, seeds: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]  # noqa: E501
    local = analyze([str(seeds)], db=tmp_path / "local.db", embedder=None, compare=False, workers=1)
    on_spark = analyze([f"file://{seeds}"], db=tmp_path / "spark.db", embedder=None, compare=False, executor=spark)
    assert [_as_local(article, seeds) for article in on_spark.articles] == list(local.articles)
    assert (on_spark.copies, on_spark.stories) == (local.copies, local.stories) and len(local.articles) == 5


def test_the_seeds_compared_on_spark_equal_the_local_engine(spark, seeds: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]  # noqa: E501
    # With the comparison on, spaCy parses in Spark's Python workers.
    local = analyze([str(seeds)], db=tmp_path / "local.db", embedder=None, workers=1)
    on_spark = analyze([str(seeds)], db=tmp_path / "spark.db", embedder=None, executor=spark)
    assert (on_spark.articles, on_spark.copies, on_spark.stories) == (local.articles, local.copies, local.stories)
    assert on_spark.comparisons == local.comparisons and len(on_spark.comparisons) == 2
    assert {step.name: step.processes for step in on_spark.steps}["cleaning"] == 2


def test_stories_grouped_in_blocks_on_spark_equal_the_local_engines(spark, seeds: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]  # noqa: E501
    from storytrace import Settings

    week = Settings(story_block_days=7)
    inputs = [str(seeds), str(EXAMPLES)]
    local = analyze(inputs, db=tmp_path / "local.db", settings=week, embedder=None, compare=False, workers=1)
    on_spark = analyze(inputs, db=tmp_path / "spark.db", settings=week, embedder=None, compare=False, executor=spark)
    assert (on_spark.stories, on_spark.storylines) == (local.stories, local.storylines)
    (blocks,) = [s for s in on_spark.steps if s.name == "story blocks"]
    assert blocks.items >= 3 and blocks.processes == 2


def test_analyze_engine_spark_equals_the_local_engine_on_real_pages(seeds: Path, tmp_path: Path) -> None:
    # The command as a user runs it, on the seeds, the example corpus and the labelled real pages.
    missing = _spark_available()
    if missing:
        (pytest.fail if REQUIRE_SPARK else pytest.skip)(f"Spark tests: {missing}")
    pages = REPO.parent / "shared" / "data" / "pages-dev" / "articles.jsonl"
    if not pages.is_file():
        pytest.fail(f"labelled data not found at {pages} (the shared/ folder must sit beside the repository)")
    inputs = [str(seeds), str(EXAMPLES), str(pages)]
    local = to_dict(analyze(inputs, db=tmp_path / "local.db", compare=False))
    spark_db, spark_json = str(tmp_path / "spark.db"), str(tmp_path / "spark.json")
    command = [sys.executable, "-m", "storytrace.cli", "analyze", *inputs, "--db", spark_db, "--no-compare",
               "--engine", "spark", "--master", "local[2]", "--json", spark_json]  # fmt: skip
    result = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    on_spark = json.loads((tmp_path / "spark.json").read_text(encoding="utf-8"))
    for table in ("articles", "copies", "copy_families", "stories", "storylines"):
        assert on_spark[table] == local[table], table
    assert len(local["articles"]) > 140 and len(local["copies"]) > 30


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--master", "local[2]"], "--master and --spark-conf need --engine spark"),
        (["--engine", "spark", "--workers", "2"], "--workers is for the local engine"),
        (["--engine", "spark", "--spark-conf", "spark.executor.memory"], "KEY=VALUE"),
    ],
)
def test_engine_options_of_the_other_engine_exit_2(tmp_path: Path, options: list[str], message: str) -> None:
    result = CliRunner().invoke(app, ["analyze", str(EXAMPLES), "--db", str(tmp_path / "s.db"), *options])
    assert result.exit_code == 2 and message in result.output
    assert not (tmp_path / "s.db").exists()
