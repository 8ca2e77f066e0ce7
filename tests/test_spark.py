"""The Spark engine (storytrace.spark) on ``local[2]``: steps as Spark jobs, the same results.

Needs pyspark (the ``spark`` extra) and Java; CI sets STORYTRACE_REQUIRE_SPARK=1 so that a
missing one fails the run instead of skipping. One Spark session serves the whole module (its
JVM takes seconds to start).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator

import pytest

from storytrace import ConfigError
from storytrace.executor import Step

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


def _failing(_: None, item: int) -> int:
    if item == 7:
        raise ValueError("item 7 is bad")
    return item


class _Lazy:
    def __init__(self) -> None:
        self.prepared_in: list[int] = []

    def prepare(self) -> None:
        self.prepared_in.append(os.getpid())


def _prepared(context: _Lazy, item: int) -> tuple[int, list[int]]:
    return item, context.prepared_in


def test_results_come_in_input_order_from_spark_workers(spark) -> None:  # type: ignore[no-untyped-def]
    step = Step("doubled", _doubled, parallel_from=1_000)  # the local threshold does not apply on Spark
    items = list(range(50))
    results = list(spark.map(step, items, 3))
    assert [value for value, _ in results] == [i * 2 + 3 for i in items]
    assert os.getpid() not in {pid for _, pid in results}  # ran in Spark's Python workers
    assert list(spark.map(step, [], 3)) == []
    (statistics,) = [s for s in spark.statistics() if s.name == "doubled"]
    assert (statistics.items, statistics.processes) == (50, 2)


def test_a_failing_item_raises_its_own_error_in_the_driver(spark) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match="item 7 is bad"):
        list(spark.map(Step("failing", _failing), list(range(30)), None))
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
