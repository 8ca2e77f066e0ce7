"""A time limit on one document's extraction and cleaning, through a timer signal.

Only where it is safe: on the main thread (signals are delivered there) and when no other
timer is running (``setitimer`` has one per process, so another would be clobbered). The
handler raises between Python bytecodes, never inside lxml's C code, so a stopped extraction
leaves no half-built C state; trafilatura keeps nothing across calls that a stop could corrupt.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

from storytrace.errors import InputError


def _usable(seconds: float) -> bool:
    return (
        seconds > 0
        and hasattr(signal, "setitimer")
        and threading.current_thread() is threading.main_thread()
        and signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    )


@contextmanager
def time_limit(seconds: float, source: str) -> Iterator[None]:
    """Raise :class:`InputError` for ``source`` when the block runs over ``seconds`` (0: no limit)."""
    if not _usable(seconds):
        yield
        return

    def expire(_signum: int, _frame: FrameType | None) -> None:
        raise InputError(source, f"extraction took over {seconds:g} s (Settings.clean_timeout_s)")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
