"""Plain-text articles: one article per ``.txt`` file (optionally gzipped), as scraped."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from storytrace.ingest.decode import decode_text, read_bytes, require_language
from storytrace.model import Problem, ProblemKind, RawDocument
from storytrace.settings import Settings


def read_text_file(path: Path, article_id: str, settings: Settings) -> Iterator[RawDocument | Problem]:
    """Yield the file's one article; a non-UTF-8 file is decoded and reported as a warning,
    and text that is not language (random bytes some code page "explains") is refused."""
    text, warning = decode_text(read_bytes(path, settings), str(path), settings)
    require_language(text, str(path), settings)
    if warning:
        yield Problem(str(path), warning, ProblemKind.WARNING)
    yield RawDocument(source=str(path), text=text, id=article_id)
