"""How steps run: stages hand an executor their steps, and the executor decides where they run.

A :class:`Step` is a plain module-level function of ``(context, item)`` with its name and what
an executor needs to know to run it elsewhere: from how many items a pool repays its start, how
many items a worker takes at a time, and whether its context is too large to send with every
task (then forked workers inherit it). Stages never start processes themselves; the seam is
:class:`Executor`, so another engine (a cluster's) can run the same steps.

:class:`LocalExecutor` runs a step in this process, or in worker processes that Ctrl-C stops at
once: worker processes ignore SIGINT, so a Ctrl-C reaches only the parent, which then terminates
the pool instead of waiting for it (with a plain process pool the workers got the signal too,
printed tracebacks, and left the parent waiting on work that would never come back). Each step's
items, processes and seconds are counted (:meth:`LocalExecutor.statistics`), as datatrove's
pipeline statistics are, and the report lists them.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import partial
from itertools import chain, islice
from typing import Any, Generic, Protocol, TypeVar, runtime_checkable

from storytrace.errors import ConfigError
from storytrace.model import Problem, StepStatistics

__all__ = [
    "SERIAL",
    "Executor",
    "FetchedFile",
    "FileReadingExecutor",
    "ListedFile",
    "LocalExecutor",
    "Step",
    "StepCounter",
    "windows",
]

C = TypeVar("C")
T = TypeVar("T")
R = TypeVar("R")
# A step that takes wider items can run where narrower ones are given (a reader of paths or
# fetched files over fetched files), so a step is contravariant in its items.
T_item = TypeVar("T_item", contravariant=True)


@dataclass(frozen=True, slots=True)
class Step(Generic[C, T_item, R]):
    """A named plain function ``function(context, item) -> result`` and how it may be run.

    ``function`` is defined at module level (worker processes find it by name). Below
    ``parallel_from`` items a step runs in the calling process: starting workers would cost more
    than they save. ``chunk`` items go to a worker at a time. ``inherit_context``: workers are
    forked from the parent and inherit the context (every article's features, say: too large to
    pickle with each task) and what the parent loaded (spaCy pipelines); where forking is not
    available (not Linux) such a step runs in the calling process; ``before_fork`` then finishes
    what the context computes lazily, once in the parent rather than once in every worker. At most
    two ``window``s of
    items (and their results) are in flight in a pool, so a slow consumer never makes the results
    of a whole batch wait in memory, and items given as a stream (a reader's documents) are
    taken from it a window at a time.
    """

    name: str
    function: Callable[[C, T_item], R]
    parallel_from: int = 1
    chunk: int = 1
    inherit_context: bool = False
    window: int = 10_000
    before_fork: Callable[[C], object] | None = None


class Executor(Protocol):
    """Runs steps over items (a sequence, or a stream taken a window at a time) and yields their
    results in input order."""

    @property
    def parallelism(self) -> int:
        """How many items it can work on at once (processes, or a cluster's cores)."""
        ...

    def map(self, step: Step[C, T, R], items: Iterable[T], context: C) -> Iterator[R]:
        """``step.function(context, item)`` for each item, in order."""
        ...

    def serial(self) -> Executor:
        """An executor for steps that must stay in this process (it keeps the same statistics)."""
        ...

    def statistics(self) -> tuple[StepStatistics, ...]:
        """What each step ran so far: items, processes, seconds."""
        ...


@dataclass(frozen=True, slots=True)
class ListedFile:
    """A file an engine's file systems found under a URL the user gave (``hdfs://…``)."""

    url: str


@dataclass(frozen=True, slots=True)
class FetchedFile:
    """A listed file's bytes, as the engine read them in a worker, for a step to take apart."""

    url: str
    data: bytes


@runtime_checkable
class FileReadingExecutor(Executor, Protocol):
    """An executor that reads files named by URLs through file systems of its own (Spark's Hadoop
    file systems: ``hdfs://``, ``s3a://`` with the user's connectors), in its workers: this
    process may have no way to open them at all."""

    def list_files(self, urls: Iterable[str]) -> Iterator[ListedFile | Problem]:
        """The files under each URL (a file, a folder listed recursively, or a glob pattern), in
        order, or the problem with it."""
        ...

    def map_files(self, step: Step[C, FetchedFile, R], files: Iterable[ListedFile], context: C) -> Iterator[R]:
        """``step.function(context, fetched)`` for each file, read by a worker, in order."""
        ...


class StepCounter:
    """Items, processes at most and seconds per step name, in the order the steps first ran."""

    def __init__(self) -> None:
        self._counts: dict[str, list[float]] = {}  # name -> [items, largest process count, seconds]

    def timed(self, name: str, processes: int, results: Iterator[R]) -> Iterator[R]:
        """``results`` passed through, counted under ``name`` (one item each).

        Seconds are the time the consumer waited for results: the step's own time when serial,
        the wall time not covered by the workers when parallel (the consumer's time is left out).
        """
        counts = self._counts.setdefault(name, [0, 1, 0.0])
        counts[1] = max(counts[1], processes)
        while True:
            started = time.perf_counter()
            try:
                result = next(results)
            except StopIteration:
                counts[2] += time.perf_counter() - started
                return
            counts[2] += time.perf_counter() - started
            counts[0] += 1
            yield result

    def statistics(self) -> tuple[StepStatistics, ...]:
        """What each step ran so far."""
        return tuple(
            StepStatistics(name, int(items), int(processes), round(seconds, 3))
            for name, (items, processes, seconds) in self._counts.items()
        )


class LocalExecutor:
    """Runs steps in this process, or in ``workers`` processes for steps with enough items."""

    def __init__(self, workers: int = 1, counter: StepCounter | None = None) -> None:
        if workers < 1:
            raise ConfigError(f"workers must be at least 1, got {workers}")
        self.workers = workers
        self.counter = counter if counter is not None else StepCounter()

    @property
    def parallelism(self) -> int:
        """Its worker processes."""
        return self.workers

    def serial(self) -> LocalExecutor:
        """This executor in one process, sharing its statistics."""
        return LocalExecutor(1, self.counter)

    def map(self, step: Step[C, T, R], items: Iterable[T], context: C) -> Iterator[R]:
        """``step.function(context, item)`` for each item, in order, timed and counted under the
        step's name. Of a stream, the first ``parallel_from`` items are read to decide whether a
        pool repays its start."""
        iterator = iter(items)
        head = list(islice(iterator, max(step.parallel_from, self.workers)))
        processes = min(self.workers, len(head)) if len(head) >= step.parallel_from else 1
        if step.inherit_context and sys.platform != "linux":
            processes = 1  # inheriting needs fork
        work = self._run(step, chain(head, iterator), context, processes)
        yield from self.counter.timed(step.name, processes, work)

    def _run(self, step: Step[C, T, R], items: Iterable[T], context: C, processes: int) -> Iterator[R]:
        if processes < 2:
            return (step.function(context, item) for item in items)
        # A window holds at least two tasks per process, so that no process idles for want of work
        # on a machine with more cores than a window has chunks.
        window = max(step.window, 2 * processes * step.chunk)
        if step.inherit_context:
            if step.before_fork is not None:
                step.before_fork(context)
            call: Callable[[T], R] = _InheritedCall(step.function)
            return _in_pool(call, items, processes, step.chunk, window, fork=True, inherited=context)
        return _in_pool(partial(step.function, context), items, processes, step.chunk, window)

    def statistics(self) -> tuple[StepStatistics, ...]:
        """What each step ran so far, in the order the steps first ran."""
        return self.counter.statistics()


SERIAL = LocalExecutor()
"""Runs everything in the calling process (the stages' default; its statistics are not read)."""


def run_executor(workers: int | None, executor: Executor | None = None) -> Executor:
    """The executor a run uses: the one given, or local processes (``workers``, default all cores)."""
    if executor is None:
        return LocalExecutor(workers if workers is not None else (os.cpu_count() or 1))
    if workers is not None:
        raise ConfigError("give workers or an executor, not both (an executor sets its own parallelism)")
    return executor


# The context forked workers inherit: set in the parent just before the pool forks, so that it is
# shared copy-on-write instead of pickled to every worker; cleared when the step ends.
_INHERITED: Any = None


@dataclass(frozen=True, slots=True)
class _InheritedCall:
    """``function(inherited context, item)`` in a forked worker."""

    function: Callable[[Any, Any], Any]

    def __call__(self, item: Any) -> Any:
        return self.function(_INHERITED, item)


def _ignore_interrupts() -> None:
    """Worker start-up: leave Ctrl-C to the parent."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def windows(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """The items in lists of ``size`` (the last one shorter), taken from ``items`` as needed."""
    iterator = iter(items)
    while window := list(islice(iterator, size)):
        yield window


def _in_pool(
    function: Callable[[T], R],
    items: Iterable[T],
    workers: int,
    chunk: int,
    window: int,
    fork: bool = False,
    inherited: Any = None,
) -> Iterator[R]:
    """``map(function, items)`` in ``workers`` processes; with ``fork``, forked ones that inherit
    ``inherited`` as the steps' context (otherwise the platform's default start method).

    Stopping early (an exception, ``close()``, Ctrl-C) terminates the workers at once.
    """
    global _INHERITED
    context = multiprocessing.get_context("fork" if fork else None)
    if fork:
        _INHERITED = inherited  # kept while the pool lives: a worker that replaces a dead one forks too
    pool = context.Pool(workers, initializer=_ignore_interrupts)
    try:
        batches = windows(items, window)
        pending = pool.imap(function, next(batches, []), chunk)
        for following in batches:
            submitted = pool.imap(function, following, chunk)
            yield from pending
            pending = submitted
        yield from pending
    except BaseException:
        pool.terminate()
        raise
    else:
        pool.close()
    finally:
        pool.join()
        if fork:
            _INHERITED = None
