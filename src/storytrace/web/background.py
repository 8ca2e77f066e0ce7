"""Slow views built off the request: a story page whose comparison is not cached yet.

A story's first view may parse its articles (seconds for a 20-article story). The request waits
a moment for it (most views are cached or quick), and otherwise answers at once that the page is
being built, while one worker thread goes on building it; the page then reloads itself (a meta
refresh: the Content-Security-Policy allows no script) and finds it done. One build per key at
a time, so a reader reloading does not start the work again.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as Pending
from typing import Generic, TypeVar

# Seconds a "being built" page waits before it reloads itself (and the Retry-After it sends).
RETRY_SECONDS = 3

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class StillBuilding(Exception):
    """A page's view is being built in the background: the app answers 202 and "try again shortly"."""


class BackgroundBuilds(Generic[K, V]):
    """Builds values in one worker thread; ``get`` waits up to ``wait_s`` for one, else says None."""

    def __init__(self, wait_s: float) -> None:
        self.wait_s = wait_s
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="storytrace-view")
        self._building: dict[K, Future[V]] = {}
        self._lock = threading.Lock()

    def get(self, key: K, build: Callable[[], V]) -> V | None:
        """The built value (an error the build raised is raised here), or None while it is being built."""
        with self._lock:
            future = self._building.get(key)
            if future is None:
                future = self._building[key] = self._pool.submit(build)
        try:
            return future.result(timeout=self.wait_s)
        except Pending:
            return None
        finally:
            if future.done():
                with self._lock:
                    if self._building.get(key) is future:
                        del self._building[key]

    def close(self) -> None:
        """Stop taking builds; one in progress finishes in its thread."""
        self._pool.shutdown(wait=False, cancel_futures=True)
