"""The Spark executor: the stages' steps as Spark jobs, results back in input order.

:class:`SparkExecutor` is the :class:`storytrace.executor.Executor` seam on Apache Spark: each
``map`` of a step becomes Spark jobs over the step's items, one per ``Step.window`` of them
(``parallelize`` into partitions, the step's plain function applied in Spark's Python workers,
the window's results collected in order), so results come in input order and the driver never
holds a whole batch's. The step's context travels as one broadcast variable, pickled once
rather than with every task: what the local engine's forked workers inherit
(``inherit_context``) is broadcast here, after the step's ``before_fork`` has finished computing
its lazy parts in the driver.

Every step runs on Spark whatever its size (the local engine's ``parallel_from`` is about when a
process pool repays its start; on a cluster the user has chosen the engine for the size of the
data). Steps a stage keeps in the driver (``serial()``) run in this process, counted in the same
statistics. An exception raised by a step in a worker is raised again in the driver with its own
type and message, so callers see the same errors as on the local engine.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import chain
from typing import TYPE_CHECKING, Any, TypeVar

from storytrace.errors import StorytraceError
from storytrace.executor import FetchedFile, ListedFile, LocalExecutor, Step, StepCounter, windows
from storytrace.model import Problem, StepStatistics
from storytrace.spark.files import input_path, list_files

if TYPE_CHECKING:
    from pyspark import SparkContext
    from pyspark.broadcast import Broadcast

C = TypeVar("C")
T = TypeVar("T")
R = TypeVar("R")

# Partitions per core of the cluster: a few per core keep every core busy while one partition is
# slower than the others (Spark's tuning guide suggests 2-3 tasks per core).
PARTITIONS_PER_CORE = 3


@dataclass(frozen=True, slots=True)
class _Failure:
    """An exception a step raised in a worker, carried back to be raised in the driver."""

    error: BaseException


def _raised(result: Any) -> Any:
    """A worker's result, or its exception raised here."""
    if isinstance(result, _Failure):
        raise result.error
    return result


def _apply_files(
    function: Any, context: Broadcast[Any], files: Iterable[tuple[str, bytes]]
) -> Iterator[tuple[str, Any]]:  # runs in a Spark Python worker
    """The step's function over one partition's files, each result keyed by its file's URL."""
    value = context.value
    for url, data in files:
        try:
            yield url, function(value, FetchedFile(url, data))
        except Exception as error:  # noqa: BLE001 - carried to the driver and raised there as itself
            yield url, _Failure(error)
            return


def _apply_partition(
    function: Any, context: Broadcast[Any], items: Iterable[Any]
) -> Iterator[Any]:  # runs in a Spark Python worker
    """The step's function over one partition's items; the first exception ends the partition."""
    value = context.value
    for item in items:
        try:
            yield function(value, item)
        except Exception as error:  # noqa: BLE001 - carried to the driver and raised there as itself
            yield _Failure(error)
            return


class SparkExecutor:
    """Runs steps as jobs of a running Spark context (``local[N]`` or a cluster's)."""

    def __init__(self, spark: SparkContext, counter: StepCounter | None = None) -> None:
        self.spark = spark
        self.counter = counter if counter is not None else StepCounter()

    @property
    def parallelism(self) -> int:
        """The cluster's cores (Spark's default parallelism)."""
        return max(1, self.spark.defaultParallelism)

    def serial(self) -> LocalExecutor:
        """An executor for steps that stay in the driver, sharing these statistics."""
        return LocalExecutor(1, self.counter)

    def map(self, step: Step[C, T, R], items: Iterable[T], context: C) -> Iterator[R]:
        """``step.function(context, item)`` for each item, in order, as Spark jobs of a window each
        (a stream of items is taken a window at a time)."""
        batches = windows(items, step.window)
        first = next(batches, [])
        cores = self.parallelism
        job = self._jobs(step, first, batches, context, cores * PARTITIONS_PER_CORE)
        yield from self.counter.timed(step.name, max(1, min(len(first), cores)), job)

    def _jobs(
        self, step: Step[C, T, R], first: list[T], rest: Iterator[list[T]], context: C, partitions: int
    ) -> Iterator[R]:
        """One job per window of items, all its partitions at once (``toLocalIterator`` would
        compute one partition at a time), so the driver holds one window's items and results."""
        if not first:
            return
        function = step.function
        with self._broadcasting(step, context) as broadcast:
            for window in chain([first], rest):
                rdd = self.spark.parallelize(window, min(len(window), partitions))
                for result in rdd.mapPartitions(lambda part: _apply_partition(function, broadcast, part)).collect():
                    yield _raised(result)

    def list_files(self, urls: Iterable[str]) -> Iterator[ListedFile | Problem]:
        """The files under each URL, through Spark's Hadoop file systems (``spark.files``)."""
        return list_files(self.spark, urls)

    def map_files(self, step: Step[C, FetchedFile, R], files: Iterable[ListedFile], context: C) -> Iterator[R]:
        """``step.function(context, fetched)`` for each file, in order, each file read by an
        executor's JVM (``binaryFiles``) and handed to one Python worker: one job per window of
        files, so that the driver never holds a file's bytes."""
        batches = windows(files, step.window)
        first = next(batches, [])
        job = self._file_jobs(step, first, batches, context, self.parallelism * PARTITIONS_PER_CORE)
        yield from self.counter.timed(step.name, max(1, min(len(first), self.parallelism)), job)

    def _file_jobs(
        self,
        step: Step[C, FetchedFile, R],
        first: list[ListedFile],
        rest: Iterator[list[ListedFile]],
        context: C,
        partitions: int,
    ) -> Iterator[R]:
        if not first:
            return
        function = step.function
        with self._broadcasting(step, context) as broadcast:
            for window in chain([first], rest):
                distinct = list(dict.fromkeys(listed.url for listed in window))
                rdd = self.spark.binaryFiles(",".join(map(input_path, distinct)), min(len(distinct), partitions))
                by_url = dict(rdd.mapPartitions(lambda part: _apply_files(function, broadcast, part)).collect())
                for listed in window:  # a file given twice is read once and its results given twice
                    if listed.url not in by_url:
                        raise StorytraceError(f"Spark read no file {listed.url} (its file system renamed it?)")
                    yield _raised(by_url[listed.url])

    @contextmanager
    def _broadcasting(self, step: Step[C, Any, Any], context: C) -> Iterator[Broadcast[C]]:
        """The step's context broadcast for its jobs (after its ``before_fork``), destroyed after
        them; an error or Ctrl-C on the way cancels the running jobs."""
        if step.before_fork is not None:
            step.before_fork(context)  # computed once here, then broadcast with the context
        broadcast = self.spark.broadcast(context)
        try:
            yield broadcast
        except BaseException:
            self.spark.cancelAllJobs()  # Ctrl-C or an error: the cluster stops working for nothing
            raise
        finally:
            broadcast.destroy()

    def statistics(self) -> tuple[StepStatistics, ...]:
        """What each step ran so far (``processes``: the cores its job ran on at most)."""
        return self.counter.statistics()
