"""How a step runs over many records: in this process, or in worker processes that Ctrl-C stops at once.

Steps are plain functions over records; ``ordered_map`` runs one over items and yields the results
in input order, whoever computes them. Worker processes ignore SIGINT, so a Ctrl-C reaches only
the parent, which then terminates the pool instead of waiting for it: with a plain process pool the
workers got the signal too, printed tracebacks, and left the parent waiting on work that would
never come back.
"""

from __future__ import annotations

import multiprocessing
import signal
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from typing import TypeVar

__all__ = ["ordered_map"]

T = TypeVar("T")
R = TypeVar("R")


def _ignore_interrupts() -> None:
    """Worker start-up: leave Ctrl-C to the parent."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _windows(items: Iterable[T], size: int) -> Iterator[list[T]]:
    iterator = iter(items)
    while window := list(islice(iterator, size)):
        yield window


def ordered_map(
    function: Callable[[T], R],
    items: Iterable[T],
    *,
    workers: int = 1,
    chunksize: int = 1,
    window: int = 10_000,
    fork: bool = False,
) -> Iterator[R]:
    """``map(function, items)``, in ``workers`` processes when more than one.

    At most two ``window``s of items are in flight, so results wait in memory only for a slow
    consumer's next window, never for the whole input. ``fork`` asks for forked workers (they
    inherit the parent's memory, such as module state set just before the call); otherwise the
    platform's default start method is used. Stopping early (an exception, ``close()``, Ctrl-C)
    terminates the workers at once.
    """
    if workers < 2:
        yield from map(function, items)
        return
    context = multiprocessing.get_context("fork" if fork else None)
    pool = context.Pool(workers, initializer=_ignore_interrupts)
    try:
        windows = _windows(items, window)
        pending = pool.imap(function, next(windows, []), chunksize)
        for following in windows:
            submitted = pool.imap(function, following, chunksize)
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
