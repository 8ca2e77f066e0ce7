"""JSONL: one article per line, ``{"id"?, "url"?, "title"?, "published"?, "outlet"?,
"language"?, "author"?, "text"?, "html"?}``. Bad lines are reported one by one; good lines go on."""

from __future__ import annotations

import gzip
import json
import zlib
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from storytrace.errors import InputError
from storytrace.model import Problem, RawDocument
from storytrace.settings import Settings

_STRING_FIELDS = ("id", "url", "title", "published", "outlet", "language", "author", "text", "html")


def record_to_document(record: Any, source: str) -> RawDocument:
    """Validate one JSON object (or API dict) and turn it into a raw document."""
    if not isinstance(record, Mapping):
        raise InputError(source, f"expected a JSON object, got {type(record).__name__}")
    values: dict[str, str | None] = {}
    for name in _STRING_FIELDS:
        value = record.get(name)
        if value is not None and (isinstance(value, bool) or not isinstance(value, (str, int))):
            raise InputError(source, f'field "{name}" must be a string, got {type(value).__name__}')
        values[name] = None if value is None else str(value)
    text, html = values.pop("text"), values.pop("html")
    if not (text and text.strip()) and not (html and html.strip()):
        raise InputError(source, 'record has neither "text" nor "html"')
    return RawDocument(
        source=source,
        text=text if text and text.strip() else None,
        html=None if text and text.strip() else html,
        summary_only=bool(record.get("summary_only", False)),
        **values,
    )


def read_records(records: Iterable[Mapping[str, Any]], source: str) -> Iterator[RawDocument | Problem]:
    """Yield documents from in-memory records (the Python API's input), numbering them in ``source``."""
    for number, record in enumerate(records, start=1):
        where = f"{source}[{number}]"
        try:
            yield record_to_document(record, where)
        except InputError as error:
            yield Problem(where, error.reason)


def read_jsonl_stream(stream: Iterable[bytes], source: str, settings: Settings) -> Iterator[RawDocument | Problem]:
    """Yield one document per good line; report each bad line with its number and reason."""
    number = 0
    try:
        for number, raw_line in enumerate(stream, start=1):
            where = f"{source}:{number}"
            if not raw_line.strip():
                continue
            if len(raw_line) > settings.max_record_bytes:
                yield Problem(where, f"line is over the {settings.max_record_bytes / 1e6:.0f} MB record limit")
                continue
            try:
                record = json.loads(raw_line.decode("utf-8-sig"))
            except UnicodeDecodeError as error:
                yield Problem(where, f"not UTF-8 (invalid byte at column {error.start + 1})")
                continue
            except json.JSONDecodeError as error:
                yield Problem(where, f"invalid JSON ({error.msg} at column {error.colno})")
                continue
            try:
                yield record_to_document(record, where)
            except InputError as error:
                yield Problem(where, error.reason)
    except EOFError:
        yield Problem(source, f"truncated gzip file: stopped after line {number}; earlier lines were kept")
    except (gzip.BadGzipFile, zlib.error, OSError) as error:
        yield Problem(source, f"unreadable after line {number} ({error})")


def read_jsonl_file(path: Path, settings: Settings) -> Iterator[RawDocument | Problem]:
    """Stream a ``.jsonl`` or ``.jsonl.gz`` file."""
    if path.stat().st_size == 0:
        raise InputError(str(path), "empty file")
    opener = gzip.open if path.name.lower().endswith(".gz") else open
    with opener(path, "rb") as stream:
        yield from read_jsonl_stream(stream, str(path), settings)
