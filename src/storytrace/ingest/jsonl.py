"""JSONL: one article per line, ``{"id"?, "url"?, "title"?, "published"?, "outlet"?,
"language"?, "author"?, "text"?, "html"?, "summary_only"?}``. Bad lines are reported one by one;
good lines go on. Lines are read with a bounded ``readline``, so a file (or a gzip member) without
newlines never sits in memory whole."""

from __future__ import annotations

import gzip
import io
import json
import re
import zlib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, BinaryIO

from storytrace.errors import InputError
from storytrace.ingest.decode import file_size, open_regular
from storytrace.model import Problem, ProblemKind, RawDocument
from storytrace.settings import Settings

# The id may also be a JSON integer (converted to its digits); every other field is a string.
_STRING_FIELDS = ("id", "url", "title", "published", "outlet", "language", "author", "text", "html")
_KNOWN_FIELDS = frozenset((*_STRING_FIELDS, "summary_only"))
# The rest of an over-long line is skipped in pieces of this size (never held whole).
_SKIP_CHUNK = 1 << 20
# Unknown field names listed in the warning (a hostile record may have thousands).
_SHOWN_FIELDS = 10
_JSON_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"')
_NOT_BRACKET = re.compile(rb"[^\[\]{}]+")


class _NumberTooLong(ValueError):
    """A JSON number with more digits than any field holds (Python refuses 4,300 and more)."""


def _parse_int(digits: str, max_digits: int) -> int:
    if len(digits.lstrip("-")) > max_digits:
        raise _NumberTooLong(f"a number of {len(digits):,} digits, longer than any field (Settings.max_id_chars)")
    return int(digits)


def _too_deep(line: bytes, limit: int) -> bool:
    """True when the JSON's arrays and objects nest deeper than ``limit`` (string contents ignored)."""
    if line.count(b"[") + line.count(b"{") <= limit:  # cannot nest deeper than it has openings
        return False
    depth = 0
    for byte in _NOT_BRACKET.sub(b"", _JSON_STRING.sub(b"", line)):
        depth += 1 if byte in b"[{" else -1
        if depth > limit:
            return True
    return False


def _field(record: Mapping[str, Any], name: str, source: str) -> str | None:
    """One field as a string (``None`` when absent); an id may be an integer, others must be strings."""
    value = record.get(name)
    if value is None or isinstance(value, str):
        return value
    if name == "id" and isinstance(value, int) and not isinstance(value, bool):
        try:
            return str(value)
        except ValueError:  # over Python's 4,300-digit conversion limit
            raise InputError(source, 'field "id" is a number too long to be an id') from None
    raise InputError(source, f'field "{name}" must be a string, got {type(value).__name__}')


def _has_words(text: str | None) -> bool:
    """True when a text holds a letter or digit: blanks, byte order marks and separators are no text."""
    return bool(text) and any(character.isalnum() for character in text or "")


def record_to_document(record: Any, source: str) -> RawDocument:
    """Validate one JSON object (or API dict) and turn it into a raw document."""
    if not isinstance(record, Mapping):
        raise InputError(source, f"expected a JSON object, got {type(record).__name__}")
    values = {name: _field(record, name, source) for name in _STRING_FIELDS}
    summary_only = record.get("summary_only", False)
    if not isinstance(summary_only, bool):
        raise InputError(source, f'field "summary_only" must be true or false, got {type(summary_only).__name__}')
    text, html = values.pop("text"), values.pop("html")
    worded = _has_words(text)
    if not worded and not (html and html.strip()):
        raise InputError(source, 'record has neither "text" nor "html"')
    return RawDocument(
        source=source,
        text=text if worded else None,
        html=None if worded else html,
        summary_only=summary_only,
        **values,
    )


def _unknown_fields(record: Any) -> set[str]:
    return {str(name) for name in record if name not in _KNOWN_FIELDS} if isinstance(record, Mapping) else set()


def _ignored_warning(source: str, ignored: set[str]) -> Iterator[Problem]:
    """One warning per input naming the fields it had that storytrace does not read."""
    if not ignored:
        return
    names = sorted(ignored)
    shown = ", ".join(name[:40] for name in names[:_SHOWN_FIELDS])
    more = f" and {len(names) - _SHOWN_FIELDS} more" if len(names) > _SHOWN_FIELDS else ""
    yield Problem(source, f"ignored unknown fields: {shown}{more}", ProblemKind.WARNING)


def read_records(records: Iterable[Mapping[str, Any]], source: str) -> Iterator[RawDocument | Problem]:
    """Yield documents from in-memory records (the Python API's input), numbering them in ``source``."""
    ignored: set[str] = set()
    for number, record in enumerate(records, start=1):
        where = f"{source}[{number}]"
        ignored |= _unknown_fields(record)
        try:
            yield record_to_document(record, where)
        except InputError as error:
            yield Problem(where, error.reason)
    yield from _ignored_warning(source, ignored)


def _lines(stream: BinaryIO, limit: int) -> Iterator[bytes | None]:
    """The stream's lines, each read with a bounded ``readline``; ``None`` for a line over
    ``limit`` bytes, whose rest is skipped in bounded chunks."""
    while line := stream.readline(limit + 1):
        if len(line) <= limit:
            yield line
            continue
        while line and not line.endswith(b"\n"):
            line = stream.readline(_SKIP_CHUNK)
        yield None


def _parse_line(raw_line: bytes, where: str, settings: Settings) -> Any:
    """One line's JSON value; raises :class:`InputError` saying why it cannot be read."""
    if _too_deep(raw_line, settings.max_json_depth):
        raise InputError(where, f"JSON nested deeper than {settings.max_json_depth} levels (Settings.max_json_depth)")
    try:
        return json.loads(raw_line.decode("utf-8-sig"), parse_int=partial(_parse_int, max_digits=settings.max_id_chars))
    except UnicodeDecodeError as error:
        raise InputError(where, f"not UTF-8 (invalid byte at column {error.start + 1})") from None
    except json.JSONDecodeError as error:
        raise InputError(where, f"invalid JSON ({error.msg} at column {error.colno})") from None
    except _NumberTooLong as error:
        raise InputError(where, f"invalid record ({error})") from None


@dataclass(slots=True)
class LineTally:
    """What a run over JSONL lines saw: the last line's number, the records (non-blank lines)
    and the unknown field names; the file's closing problems are made from it."""

    lines: int = 0
    records: int = 0
    ignored: set[str] = field(default_factory=set)

    def add(self, other: LineTally) -> None:
        self.lines = max(self.lines, other.lines)
        self.records += other.records
        self.ignored |= other.ignored


def _records(
    stream: BinaryIO, source: str, settings: Settings, tally: LineTally, first_line: int = 1
) -> Iterator[RawDocument | Problem]:
    """One document per good line, each bad line reported with its number and reason."""
    for number, raw_line in enumerate(_lines(stream, settings.max_record_bytes), start=first_line):
        tally.lines = number
        where = f"{source}:{number}"
        if raw_line is not None and not raw_line.strip():
            continue
        tally.records += 1
        if raw_line is None:
            yield Problem(where, f"line is over the {settings.max_record_bytes / 1e6:.0f} MB record limit")
            continue
        try:
            record = _parse_line(raw_line, where, settings)
            tally.ignored |= _unknown_fields(record)
            yield record_to_document(record, where)
        except InputError as error:
            yield Problem(where, error.reason)


def closing_problems(source: str, tally: LineTally) -> Iterator[Problem]:
    """What a whole file's lines leave to say at its end: no records at all, unknown fields."""
    if tally.records == 0:
        yield Problem(source, "no records (only blank lines)" if tally.lines else "no records")
    yield from _ignored_warning(source, tally.ignored)


def read_jsonl_stream(stream: BinaryIO, source: str, settings: Settings) -> Iterator[RawDocument | Problem]:
    """Yield one document per good line; report each bad line with its number and reason."""
    tally = LineTally()
    try:
        yield from _records(stream, source, settings, tally)
    except EOFError:
        yield Problem(source, f"truncated gzip file: stopped after line {tally.lines}; earlier lines were kept")
        yield from _ignored_warning(source, tally.ignored)
    except (gzip.BadGzipFile, zlib.error, OSError) as error:
        yield Problem(source, f"unreadable after line {tally.lines} ({error})")
        yield from _ignored_warning(source, tally.ignored)
    else:
        yield from closing_problems(source, tally)


@dataclass(frozen=True, slots=True)
class JsonlPart:
    """Whole lines of one uncompressed JSONL file, bytes ``start`` to ``end``, the first one
    numbered ``first_line``: a stretch a worker reads while others read the rest."""

    path: Path
    start: int
    end: int
    first_line: int


def jsonl_parts(path: Path, part_bytes: int) -> list[JsonlPart]:
    """The file in stretches of about ``part_bytes`` that begin at line starts, each with its
    first line's number (newlines are counted on the way, in bounded reads)."""
    parts: list[JsonlPart] = []
    with open_regular(path) as stream:
        size = file_size(stream)
        start, line = 0, 1
        while start < size:
            stream.seek(min(size, start + part_bytes))
            piece = stream.readline(_SKIP_CHUNK)  # on to the next line's start
            while piece and not piece.endswith(b"\n"):
                piece = stream.readline(_SKIP_CHUNK)
            end = stream.tell()
            parts.append(JsonlPart(path, start, end, line))
            stream.seek(start)
            for offset in range(start, end, _SKIP_CHUNK):
                line += stream.read(min(_SKIP_CHUNK, end - offset)).count(b"\n")
            start = end
    return parts


def read_jsonl_part(part: JsonlPart, settings: Settings, tally: LineTally) -> Iterator[RawDocument | Problem]:
    """The documents and problems of one stretch, as reading the whole file gives them there."""
    with open_regular(part.path) as stream:
        stream.seek(part.start)
        limited = io.BufferedReader(_Window(stream, part.end - part.start))
        yield from _records(limited, str(part.path), settings, tally, part.first_line)


class _Window(io.RawIOBase):
    """At most ``size`` bytes of a stream from where it stands: readers stop at a part's end."""

    def __init__(self, stream: BinaryIO, size: int) -> None:
        self.stream, self.left = stream, size

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        wanted = min(len(buffer), self.left)
        if wanted <= 0:
            return 0
        data = self.stream.read(wanted)
        buffer[: len(data)] = data
        self.left -= len(data)
        return len(data)


def read_jsonl_file(path: Path, settings: Settings) -> Iterator[RawDocument | Problem]:
    """Stream a ``.jsonl`` or ``.jsonl.gz`` file."""
    with open_regular(path) as stream:
        if file_size(stream) == 0:
            raise InputError(str(path), "empty file")
        if path.name.lower().endswith(".gz"):
            with gzip.GzipFile(fileobj=stream) as unpacked:
                yield from read_jsonl_stream(unpacked, str(path), settings)  # type: ignore[arg-type]
        else:
            yield from read_jsonl_stream(stream, str(path), settings)
