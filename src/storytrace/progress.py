"""Progress reporting shared by every stage: the pipeline passes a sink, the CLI draws it."""

from __future__ import annotations

from typing import Protocol


class ProgressSink(Protocol):
    """Receives progress: a new stage with its total (``None`` if unknown), then advances, and notes."""

    def stage(self, name: str, total: int | None) -> None: ...

    def advance(self, count: int = 1) -> None: ...

    def note(self, message: str) -> None:
        """A message to show even where no bar is drawn (a run waiting for another, say)."""


class SilentProgress:
    """A sink that shows nothing (the API's default)."""

    def stage(self, name: str, total: int | None) -> None:
        """Ignore a new stage."""

    def advance(self, count: int = 1) -> None:
        """Ignore progress."""

    def note(self, message: str) -> None:
        """Ignore a message."""
