"""The record passed between the per-document and the corpus-level cleaning steps."""

from __future__ import annotations

from dataclasses import dataclass

from storytrace.model import RawDocument, RemovedLine


@dataclass(frozen=True, slots=True)
class Draft:
    """An article between per-document and corpus-level cleaning."""

    raw: RawDocument
    paragraphs: tuple[str, ...]
    removed: tuple[RemovedLine, ...]
    title: str | None
    url: str | None
    outlet: str | None
    published: str | None
    language: str | None
    author: str | None
