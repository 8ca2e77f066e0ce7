"""Ingest: find inputs, pick the reader for each, and yield raw documents or problems.

Every reader turns one kind of input into :class:`~storytrace.model.RawDocument` records;
a broken input becomes a :class:`~storytrace.model.Problem` naming it, and the batch goes on.
Nothing a reader raises escapes :func:`read_inputs`, an input that yields nothing is reported,
and every document leaving it passes :func:`~storytrace.ingest.fields.check_document`.
"""

from __future__ import annotations

import glob
import os
import stat
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from storytrace.errors import InputError
from storytrace.ingest.decode import file_kind, looks_binary, open_regular
from storytrace.ingest.feed import read_feed_file
from storytrace.ingest.fields import check_document, key_value, text_value
from storytrace.ingest.html import read_html_file
from storytrace.ingest.jsonl import (
    JsonlPart,
    LineTally,
    closing_problems,
    jsonl_parts,
    read_jsonl_file,
    read_jsonl_part,
    read_jsonl_stream,
    read_records,
)
from storytrace.ingest.text import read_text_file
from storytrace.ingest.warc import read_warc_file
from storytrace.model import Problem, ProblemKind, RawDocument
from storytrace.settings import Settings

__all__ = [
    "InputItem",
    "JsonlPart",
    "LineTally",
    "closing_problems",
    "discover",
    "file_parts",
    "printable",
    "read_file",
    "read_inputs",
    "read_part",
    "reader_for",
    "split_inputs",
]

InputItem = str | os.PathLike[str] | Mapping[str, Any]
Reader = Callable[[Path, Settings], Iterator[RawDocument | Problem]]
Found = RawDocument | Problem

# Single-article formats take the file name (less its extensions) as the article id.
_SINGLE_ARTICLE = {".txt": read_text_file, ".text": read_text_file, ".html": read_html_file, ".htm": read_html_file}
_MULTI_ARTICLE: dict[str, Reader] = {
    ".jsonl": read_jsonl_file,
    ".ndjson": read_jsonl_file,
    ".warc": read_warc_file,
    ".arc": read_warc_file,
    ".rss": read_feed_file,
    ".atom": read_feed_file,
    ".xml": read_feed_file,
}


def _split_name(path: Path) -> tuple[str, str]:
    """``a/b.warc.gz`` → (``b``, ``.warc``): the stem and the format suffix under any ``.gz``."""
    name = path.name
    if name.lower().endswith(".gz"):
        name = name[:-3]
    stem, dot, suffix = name.rpartition(".")
    return (stem, f".{suffix.lower()}") if dot and stem else (name, "")


def _sniff(path: Path, settings: Settings) -> str | None:
    """Guess the format of a file without a known extension from its first bytes.

    Raises :class:`InputError` for binary content; returns ``None`` for text of no known format.
    """
    with open_regular(path) as stream:
        head = stream.read(4096)
    if not head:
        raise InputError(str(path), "empty file")
    if looks_binary(head, settings):
        raise InputError(str(path), f"binary file ({path.suffix or 'no extension'}), not an article")
    lowered = head.lstrip().lower()
    if lowered.startswith((b"<!doctype html", b"<html")):
        return ".html"
    if lowered.startswith(b"<?xml") and (b"<rss" in lowered or b"<feed" in lowered):
        return ".rss"
    if lowered.startswith(b"warc/"):
        return ".warc"
    return ".txt" if path.suffix == "" else None


class UnsupportedFile(InputError):
    """A text file of a format storytrace does not read (a README beside the articles)."""


def reader_for(path: Path, settings: Settings) -> Reader:
    """The reader for a file, by extension (then by content for files without a known one)."""
    stem, suffix = _split_name(path)
    if suffix not in _SINGLE_ARTICLE and suffix not in _MULTI_ARTICLE:
        sniffed = _sniff(path, settings)
        if sniffed is None:
            raise UnsupportedFile(str(path), f"skipped: {path.suffix} is not an article format storytrace reads")
        suffix = sniffed
    if suffix in _SINGLE_ARTICLE:
        single = _SINGLE_ARTICLE[suffix]
        # The id is the file name: a name that is not UTF-8 gets its bytes written as \xNN.
        return lambda file, config: single(file, key_value(stem), config)
    return _MULTI_ARTICLE[suffix]


def _entry(path: Path) -> Path | Problem:
    """A path to read, or the problem with it: missing, unreadable, or not a regular file."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        reason = "broken symbolic link" if path.is_symlink() else "no such file or directory"
        return Problem(str(path), reason)
    except OSError as error:
        return Problem(str(path), f"cannot read ({error.strerror or error})")
    return path if stat.S_ISREG(mode) else Problem(str(path), f"not a regular file ({file_kind(mode)})")


def _walk(root: Path) -> Iterator[Path | Problem]:
    """A directory's files, recursively and sorted (hidden entries skipped); unreadable folders
    and linked folders (not followed, so a link loop cannot recurse) are reported."""
    errors: list[OSError] = []
    for folder, dirs, files in os.walk(root, onerror=errors.append):
        yield from (Problem(str(error.filename), f"cannot read ({error.strerror or error})") for error in errors)
        errors.clear()
        dirs[:] = sorted(name for name in dirs if not name.startswith("."))
        for name in dirs:
            if Path(folder, name).is_symlink():
                yield Problem(str(Path(folder, name)), "linked folder not followed", ProblemKind.WARNING)
        for name in sorted(files):
            if not name.startswith("."):
                yield _entry(Path(folder, name))
    yield from (Problem(str(error.filename), f"cannot read ({error.strerror or error})") for error in errors)


_GLOB_MARKS = ("*", "?", "[")


def discover(paths: Iterable[str | os.PathLike[str]]) -> Iterator[Path | Problem]:
    """Expand directories recursively (sorted, hidden entries skipped) and glob patterns that
    name no file themselves (``crawl/*.warc.gz``, ``data/**/*.jsonl``; sorted); report missing
    paths, patterns matching nothing and anything that is not a regular file (a FIFO would block
    the reader forever)."""
    for item in paths:
        path = Path(item)
        if path.is_dir():
            yield from _walk(path)
        elif not os.path.lexists(path) and any(mark in str(item) for mark in _GLOB_MARKS):
            matches = sorted(glob.glob(str(item), recursive=True))
            if not matches:
                yield Problem(str(item), "no file matches this pattern")
            yield from discover(matches)
        else:
            yield _entry(path)


def _guarded(source: str, read: Callable[..., Iterator[Found]], *arguments: Any) -> Iterator[Found]:
    """Run one reader so that nothing it raises escapes and an input never vanishes silently."""
    found = False
    try:
        for item in read(*arguments):
            found = True
            yield item
    except UnsupportedFile as error:
        yield Problem(error.source, error.reason, ProblemKind.WARNING)
    except InputError as error:
        yield Problem(error.source, error.reason)
    except OSError as error:
        yield Problem(source, f"cannot read ({error.strerror or error})")
    except Exception as error:  # noqa: BLE001 - hostile input may break any parser: report it, go on
        yield Problem(source, f"cannot read ({type(error).__name__}: {error})")
    else:
        if not found:
            yield Problem(source, "nothing read from it (no article and no reason found)")


def _read_file(path: Path, settings: Settings) -> Iterator[Found]:
    yield from reader_for(path, settings)(path, settings)


def split_inputs(inputs: Iterable[InputItem]) -> tuple[list[InputItem], list[str | os.PathLike[str]]]:
    """The inputs in two kinds, each in its given order: what only this process can read
    (``-`` for standard input, record dicts), and paths (files or directories)."""
    direct: list[InputItem] = []
    paths: list[str | os.PathLike[str]] = []
    for item in inputs:
        if isinstance(item, Mapping) or str(item) == "-":
            direct.append(item)
        else:
            paths.append(item)
    return direct, paths


def _read_all(inputs: Iterable[InputItem], settings: Settings) -> Iterator[Found]:
    """Every reader's output over the inputs: stdin first, then records, then the files."""
    direct, paths = split_inputs(inputs)
    records = [item for item in direct if isinstance(item, Mapping)]
    for _ in range(len(direct) - len(records)):  # each "-"
        yield from _guarded("<stdin>", read_jsonl_stream, sys.stdin.buffer, "<stdin>", settings)
    if records:
        yield from _guarded("<records>", read_records, records, "<records>")
    for found in discover(paths):
        if isinstance(found, Problem):
            yield found
        else:
            yield from _guarded(str(found), _read_file, found, settings)


def _checked(found: Iterable[Found], settings: Settings) -> Iterator[RawDocument | Problem]:
    """Documents checked for what the store can hold (warnings for values changed, a problem for
    a refused one); every problem's source and reason made printable."""
    for item in found:
        if isinstance(item, Problem):
            yield printable(item)
            continue
        try:
            document, warnings = check_document(item, settings)
        except InputError as error:
            yield Problem(error.source, error.reason)
            continue
        yield from warnings
        yield document


def printable(problem: Problem) -> Problem:
    """The problem with its source and reason safe to print (control characters escaped)."""
    return Problem(key_value(problem.source), text_value(problem.reason), problem.kind)


def read_inputs(inputs: Iterable[InputItem], settings: Settings) -> Iterator[RawDocument | Problem]:
    """Yield every raw document of the inputs: paths, directories, ``-`` (JSONL on stdin) or dicts.

    Documents are checked for what the store can hold (warnings for values changed, a problem
    for a refused one); every problem's source and reason are made printable.
    """
    yield from _checked(_read_all(inputs, settings), settings)


def read_file(path: Path, settings: Settings) -> Iterator[RawDocument | Problem]:
    """One file ``discover`` found, read and checked exactly as ``read_inputs`` reads it (so a
    worker process can read the files it is given itself)."""
    yield from _checked(_guarded(str(path), _read_file, path, settings), settings)


def file_parts(path: Path, part_bytes: Callable[[int], int]) -> list[JsonlPart] | None:
    """An uncompressed JSONL file in stretches of whole lines of ``part_bytes(its size)`` bytes,
    for workers to read together; None for a file no larger than that, or any other file (it is
    read whole)."""
    _, suffix = _split_name(path)
    if path.name.lower().endswith(".gz") or suffix not in (".jsonl", ".ndjson"):
        return None
    try:
        size = path.stat().st_size
        if size <= part_bytes(size):
            return None
        return jsonl_parts(path, part_bytes(size))
    except (OSError, InputError):
        return None  # read whole, so that its reader reports what is wrong


def read_part(part: JsonlPart, settings: Settings) -> tuple[list[RawDocument | Problem], LineTally]:
    """One stretch of a JSONL file, read and checked as ``read_file`` reads those lines; the
    tally lets the caller say what the whole file leaves to say (``closing_problems``)."""
    tally = LineTally()
    found: list[RawDocument | Problem] = []
    try:
        found.extend(_checked(read_jsonl_part(part, settings, tally), settings))
    except OSError as error:
        found.append(printable(Problem(str(part.path), f"unreadable after line {tally.lines} ({error})")))
    return found, tally
