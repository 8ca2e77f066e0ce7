"""Steps run by executors (storytrace.executor): in order, in this process or in workers, counted."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from dataclasses import replace

import pytest

from storytrace import ConfigError
from storytrace.executor import SERIAL, LocalExecutor, Step


def _scaled(factor: int, item: int) -> tuple[int, int]:
    return item * factor, os.getpid()


def _with_lock(context: dict[str, object], item: int) -> tuple[int, int]:
    # The context holds a lock, which cannot be pickled: only an inherited context reaches workers.
    assert isinstance(context["lock"], type(threading.Lock()))
    return item + int(context["offset"]), os.getpid()  # type: ignore[call-overload]


def _failing(_: None, item: int) -> int:
    if item == 7:
        raise ValueError("item 7 is bad")
    return item


SCALED = Step("scaled", _scaled, parallel_from=10, chunk=3)


def test_results_come_in_input_order_from_this_process_or_from_workers() -> None:
    items = list(range(40))
    serial = list(SERIAL.map(SCALED, items, 3))
    pooled = list(LocalExecutor(2).map(SCALED, items, 3))
    assert [value for value, _ in serial] == [value for value, _ in pooled] == [i * 3 for i in items]
    assert {pid for _, pid in serial} == {os.getpid()}
    assert os.getpid() not in {pid for _, pid in pooled}


def test_a_step_with_few_items_stays_in_this_process() -> None:
    results = list(LocalExecutor(2).map(SCALED, list(range(9)), 1))  # parallel_from is 10
    assert {pid for _, pid in results} == {os.getpid()}


def test_a_stream_of_items_is_taken_as_needed_and_decided_by_its_head() -> None:
    taken: list[int] = []

    def stream(count: int) -> Iterator[int]:
        for item in range(count):
            taken.append(item)
            yield item

    step = replace(SCALED, window=5, chunk=1)
    results = LocalExecutor(2).map(step, stream(40), 2)
    first = next(results)
    assert first[0] == 0 and first[1] != os.getpid()  # 40 items: a pool
    assert len(taken) <= 15  # the head of 10 (two windows of 5) and at most one window more
    assert [value for value, _ in results] == [i * 2 for i in range(1, 40)]
    taken.clear()
    # Tasks of 3 items: a window grows to two tasks for each of the 2 processes (12 items).
    chunked = LocalExecutor(2).map(replace(step, chunk=3), stream(40), 2)
    assert next(chunked)[0] == 0 and len(taken) == 24 and len(list(chunked)) == 39
    short = list(LocalExecutor(2).map(step, stream(9), 1))  # the stream ends before parallel_from
    assert {pid for _, pid in short} == {os.getpid()} and [value for value, _ in short] == list(range(9))


def test_an_inherited_context_reaches_forked_workers_without_pickling() -> None:
    step = Step("locked", _with_lock, parallel_from=1, inherit_context=True, window=4)
    context = {"lock": threading.Lock(), "offset": 100}
    results = list(LocalExecutor(2).map(step, list(range(20)), context))
    assert [value for value, _ in results] == [i + 100 for i in range(20)]
    assert os.getpid() not in {pid for _, pid in results}
    # Sent with each task instead, the same context cannot be pickled.
    with pytest.raises(TypeError, match="pickle"):
        list(LocalExecutor(2).map(replace(step, inherit_context=False), list(range(20)), context))


def test_a_failing_item_stops_the_step_with_its_error() -> None:
    step = Step("failing", _failing, parallel_from=1)
    with pytest.raises(ValueError, match="item 7 is bad"):
        list(LocalExecutor(2).map(step, list(range(30)), None))


def test_statistics_count_items_and_processes_per_step() -> None:
    executor = LocalExecutor(2)
    list(executor.map(SCALED, list(range(30)), 1))
    list(executor.serial().map(SCALED, list(range(5)), 1))  # counted in the same table
    list(executor.map(Step("other", _scaled), [1, 2], 1))
    first, second = executor.statistics()
    assert (first.name, first.items, first.processes) == ("scaled", 35, 2)
    assert (second.name, second.items, second.processes) == ("other", 2, 2)
    assert first.seconds >= 0 and second.to_record()["name"] == "other"


def test_workers_must_be_at_least_one() -> None:
    with pytest.raises(ConfigError, match="at least 1"):
        LocalExecutor(0)


class _Lazy:
    """A context with a part computed on demand, as the aligner's document frequencies are."""

    def __init__(self) -> None:
        self.prepared_in: list[int] = []

    def prepare(self) -> None:
        self.prepared_in.append(os.getpid())


def _prepared(context: _Lazy, item: int) -> tuple[int, list[int]]:
    return item, context.prepared_in


def test_before_fork_prepares_the_context_once_in_the_parent_and_only_for_a_pool() -> None:
    step = Step("lazy", _prepared, parallel_from=5, inherit_context=True, before_fork=_Lazy.prepare)
    serial_context = _Lazy()
    list(LocalExecutor(2).map(step, [1, 2], serial_context))  # under parallel_from: no fork
    assert serial_context.prepared_in == []
    context = _Lazy()
    results = list(LocalExecutor(2).map(step, list(range(10)), context))
    assert context.prepared_in == [os.getpid()]
    assert all(prepared == [os.getpid()] for _, prepared in results)  # the workers inherited it
