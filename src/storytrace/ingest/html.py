"""HTML pages: one article per ``.html``/``.htm`` file (optionally gzipped)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from storytrace.ingest.decode import decode_text, read_bytes
from storytrace.model import Problem, ProblemKind, RawDocument
from storytrace.settings import Settings


def read_html_file(path: Path, article_id: str, settings: Settings) -> Iterator[RawDocument | Problem]:
    """Yield the page as a raw document; extraction happens in the clean stage."""
    html, warning = decode_text(read_bytes(path, settings), str(path), settings)
    if warning:
        yield Problem(str(path), warning, ProblemKind.WARNING)
    yield RawDocument(source=str(path), html=html, id=article_id)
