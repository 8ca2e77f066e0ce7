"""A small thread-safe cache for the web app's story lists and story views."""

from __future__ import annotations

import gc
import threading
from collections import OrderedDict
from collections.abc import Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class LRUCache(Generic[K, V]):
    """At most ``size`` values, the least recently used dropped first, and all of them dropped
    when the version they were stored under changes (request threads share one)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._entries: OrderedDict[K, V] = OrderedDict()
        self._version: Hashable = None
        self._lock = threading.Lock()

    def get(self, key: K, version: Hashable = None) -> V | None:
        """The value stored under ``key`` at this version, or None."""
        with self._lock:
            if version != self._version or key not in self._entries:
                return None
            self._entries.move_to_end(key)
            return self._entries[key]

    def put(self, key: K, value: V, version: Hashable = None) -> None:
        """Keep ``value`` under ``key``; a new version first drops every value of the old one."""
        with self._lock:
            if version != self._version:
                self._entries.clear()
                self._version = version
            self._entries[key] = value
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)

    def __len__(self) -> int:
        """How many values are kept."""
        with self._lock:
            return len(self._entries)


def settle_long_lived() -> None:
    """Collect the garbage, then move every surviving object out of the cyclic collector's reach
    (``gc.freeze``): the cached views and the loaded models live as long as the server, and a full
    collection rescanning them stalled every request for its duration. Called after a view is
    built (rare). Frozen objects are still freed by reference counting; only a reference cycle
    among objects alive at a freeze (a request in flight) is never reclaimed, a small cost beside
    the stalls. With the collector off, p99 on a 3,000-article store fell from 251 to 167 ms;
    with this, 170 ms (docs/benchmark-web.md)."""
    gc.collect()
    gc.freeze()
