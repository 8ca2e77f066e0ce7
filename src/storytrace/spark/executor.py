"""The Spark executor: the stages' steps as Spark jobs, results back in input order.

:class:`SparkExecutor` is the :class:`storytrace.executor.Executor` seam on Apache Spark: each
``map`` of a step becomes one job over the step's items (``parallelize`` into partitions, the
step's plain function applied in Spark's Python workers, results streamed back partition by
partition with ``toLocalIterator``, so in input order and never all at once). The step's context
travels as one broadcast variable per job, pickled once rather than with every task: what the
local engine's forked workers inherit (``inherit_context``) is broadcast here, after the step's
``before_fork`` has finished computing its lazy parts in the driver.

Every step runs on Spark whatever its size (the local engine's ``parallel_from`` is about when a
process pool repays its start; on a cluster the user has chosen the engine for the size of the
data). Steps a stage keeps in the driver (``serial()``) run in this process, counted in the same
statistics. An exception raised by a step in a worker is raised again in the driver with its own
type and message, so callers see the same errors as on the local engine.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from storytrace.executor import LocalExecutor, Step, StepCounter
from storytrace.model import StepStatistics

if TYPE_CHECKING:
    from pyspark import SparkContext
    from pyspark.broadcast import Broadcast

C = TypeVar("C")
T = TypeVar("T")
R = TypeVar("R")

# Partitions per core of the cluster: a few per core keep every core busy while one partition is
# slower than the others (Spark's tuning guide suggests 2-3 tasks per core), and bound how many
# results the driver holds at once (one partition's, with toLocalIterator's prefetch one more).
PARTITIONS_PER_CORE = 3


@dataclass(frozen=True, slots=True)
class _Failure:
    """An exception a step raised in a worker, carried back to be raised in the driver."""

    error: BaseException


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

    def serial(self) -> LocalExecutor:
        """An executor for steps that stay in the driver, sharing these statistics."""
        return LocalExecutor(1, self.counter)

    def map(self, step: Step[C, T, R], items: Sequence[T], context: C) -> Iterator[R]:
        """``step.function(context, item)`` for each item, in order, as one Spark job."""
        cores = max(1, self.spark.defaultParallelism)
        partitions = min(len(items), cores * PARTITIONS_PER_CORE)
        job = self._job(step, items, context, partitions)
        yield from self.counter.timed(step.name, len(items), max(1, min(partitions, cores)), job)

    def _job(self, step: Step[C, T, R], items: Sequence[T], context: C, partitions: int) -> Iterator[R]:
        if not items:
            return
        if step.before_fork is not None:
            step.before_fork(context)  # computed once here, then broadcast with the context
        broadcast = self.spark.broadcast(context)
        function = step.function
        try:
            rdd = self.spark.parallelize(items, partitions)
            applied = rdd.mapPartitions(lambda part: _apply_partition(function, broadcast, part))
            for result in applied.toLocalIterator(prefetchPartitions=True):
                if isinstance(result, _Failure):
                    raise result.error
                yield result
        except BaseException:
            self.spark.cancelAllJobs()  # Ctrl-C or an error: the cluster stops working for nothing
            raise
        finally:
            broadcast.destroy()

    def statistics(self) -> tuple[StepStatistics, ...]:
        """What each step ran so far (``processes``: the cores its job ran on at most)."""
        return self.counter.statistics()
