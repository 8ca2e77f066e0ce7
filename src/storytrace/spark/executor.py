"""The Spark executor: the stages' steps as Spark jobs, results back in input order.

:class:`SparkExecutor` is the :class:`storytrace.executor.Executor` seam on Apache Spark: each
``map`` of a step becomes Spark jobs over the step's items, one per ``Step.window`` of them
(``parallelize`` into partitions, the step's plain function applied in Spark's Python workers,
the window's results collected in order), so results come in input order and the driver never
holds a whole batch's: the next window's job runs while the driver consumes one window's
results, so two windows are in flight at most, as in the local engine's pool. The step's
context travels as one broadcast variable, pickled once rather than with every task: what the
local engine's forked workers inherit (``inherit_context``) is broadcast here, after the step's
``before_fork`` has finished computing its lazy parts in the driver.

Every step runs on Spark whatever its size (the local engine's ``parallel_from`` is about when a
process pool repays its start; on a cluster the user has chosen the engine for the size of the
data). Steps a stage keeps in the driver (``serial()``) run in this process, counted in the same
statistics. An exception raised by a step in a worker is raised again in the driver with its own
type and message, so callers see the same errors as on the local engine.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
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

# Makes one window's job and collects its results: (the step's function, the window, the broadcast context).
_WindowRun = Callable[[Any, list[Any], Any], list[Any]]

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


@dataclass(frozen=True, slots=True)
class _KeyedByUrl:
    """A step's function over a fetched file, its result keyed by the file's URL (Spark gives a
    window's files back in an order of its own)."""

    function: Any

    def __call__(self, context: Any, fetched: FetchedFile) -> tuple[str, Any]:
        return fetched.url, self.function(context, fetched)


def _as_fetched(pair: tuple[str, bytes]) -> FetchedFile:  # runs in a Spark Python worker
    return FetchedFile(*pair)


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
        return self._windowed(step, items, context, self._items_window)

    def list_files(self, urls: Iterable[str]) -> Iterator[ListedFile | Problem]:
        """The files under each URL, through Spark's Hadoop file systems (``spark.files``)."""
        return list_files(self.spark, urls)

    def map_files(self, step: Step[C, FetchedFile, R], files: Iterable[ListedFile], context: C) -> Iterator[R]:
        """``step.function(context, fetched)`` for each file, in order, each file read by an
        executor's JVM (``binaryFiles``) and handed to one Python worker: one job per window of
        files, so that the driver never holds a file's bytes."""
        return self._windowed(step, files, context, self._files_window)

    def _windowed(self, step: Step[C, Any, R], items: Iterable[Any], context: C, run: _WindowRun) -> Iterator[R]:
        """One job per window of items (``run`` makes and collects it), all its partitions at once
        (``toLocalIterator`` would compute one partition at a time), so the driver holds two
        windows' items and results at most; the context broadcast once for them all, timed and counted."""
        batches = windows(items, step.window)
        first = next(batches, [])
        yield from self.counter.timed(step.name, max(1, min(len(first), self.parallelism)),
                                      self._jobs(step, first, batches, context, run))  # fmt: skip

    def _jobs(
        self,
        step: Step[C, Any, R],
        first: list[Any],
        rest: Iterator[list[Any]],
        context: C,
        run: _WindowRun,
    ) -> Iterator[R]:
        if not first:
            return
        if step.before_fork is not None:
            step.before_fork(context)  # computed once here, then broadcast with the context
        broadcast = self.spark.broadcast(context)
        # The next window's job is submitted before this one's results are handed on: the cluster
        # computes it while the driver consumes (the story index taking features, say) and takes
        # the window after from a stream (a reader's documents), as the local engine's pool keeps
        # two windows in flight. One submitting thread runs the jobs one after another, in order.
        submitter = ThreadPoolExecutor(1, thread_name_prefix="storytrace-spark-jobs")
        try:
            pending = submitter.submit(run, step.function, first, broadcast)
            for window in rest:
                following = submitter.submit(run, step.function, window, broadcast)
                yield from map(_raised, pending.result())
                pending = following
            yield from map(_raised, pending.result())
        except BaseException:
            self.spark.cancelAllJobs()  # Ctrl-C or an error: the cluster stops working for nothing
            raise
        finally:
            submitter.shutdown(wait=True, cancel_futures=True)
            broadcast.destroy()

    def _partitions(self, count: int) -> int:
        return min(count, self.parallelism * PARTITIONS_PER_CORE)

    def _items_window(self, function: Any, window: list[Any], broadcast: Broadcast[Any]) -> list[Any]:
        rdd = self.spark.parallelize(window, self._partitions(len(window)))
        return rdd.mapPartitions(lambda part: _apply_partition(function, broadcast, part)).collect()

    def _files_window(self, function: Any, window: list[ListedFile], broadcast: Broadcast[Any]) -> list[Any]:
        distinct = list(dict.fromkeys(listed.url for listed in window))
        rdd = self.spark.binaryFiles(",".join(map(input_path, distinct)), self._partitions(len(distinct)))
        keyed = _KeyedByUrl(function)
        results = rdd.map(_as_fetched).mapPartitions(lambda part: _apply_partition(keyed, broadcast, part)).collect()
        by_url = dict(map(_raised, results))
        missing = [listed.url for listed in window if listed.url not in by_url]
        if missing:
            raise StorytraceError(f"Spark read no file {missing[0]} (its file system renamed it?)")
        return [by_url[listed.url] for listed in window]  # a file given twice: read once, its results twice

    def statistics(self) -> tuple[StepStatistics, ...]:
        """What each step ran so far (``processes``: the cores its job ran on at most)."""
        return self.counter.statistics()
