"""Run one system of a benchmark in a forked process and measure its time and its own peak memory.

Shared by the benchmark scripts beside this file (imported as ``from measure import measured``).
"""

from __future__ import annotations

import multiprocessing
import resource
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

import psutil


@dataclass
class Measured:
    """A system's output with what it cost."""

    output: Any
    seconds: float
    peak_mib: float


def _child(system: Callable[[Any], Any], data: Any, pipe: Connection) -> None:
    """In the forked process: run, time and measure ``system``, and send the outcome back."""
    try:
        start_rss = psutil.Process().memory_info().rss
        started = time.perf_counter()
        output = system(data)
        seconds = time.perf_counter() - started
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux
        pipe.send(("ok", output, seconds, max(0, peak - start_rss) / 2**20))
    except BaseException:  # report any failure to the parent, which stops the benchmark
        pipe.send(("error", traceback.format_exc()))


def measured(name: str, system: Callable[[Any], Any], data: Any) -> Measured:
    """Run ``system(data)`` in a forked process, so that its peak memory is its own.

    A forked child starts with a fresh ``ru_maxrss`` high-water mark and the parent's memory
    (the prepared corpus) resident, so peak minus starting RSS is what the call added.
    """
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(system, data, sender))  # not daemonic: may use a pool
    process.start()
    sender.close()
    message = receiver.recv()  # before join: a large result would block the child's exit
    process.join()
    if message[0] == "error":
        raise SystemExit(f"{name} failed:\n{message[1]}")
    return Measured(*message[1:])
