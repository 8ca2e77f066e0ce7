"""Ingest: find inputs, pick the reader for each, and yield raw documents or problems.

Every reader turns one kind of input into :class:`~storytrace.model.RawDocument` records;
a broken input becomes a :class:`~storytrace.model.Problem` naming it, and the batch goes on.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from storytrace.errors import InputError
from storytrace.ingest.decode import looks_binary
from storytrace.ingest.feed import read_feed_file
from storytrace.ingest.html import read_html_file
from storytrace.ingest.jsonl import read_jsonl_file, read_jsonl_stream, read_records
from storytrace.ingest.text import read_text_file
from storytrace.ingest.warc import read_warc_file
from storytrace.model import Problem, ProblemKind, RawDocument
from storytrace.settings import Settings

__all__ = ["InputItem", "discover", "read_inputs", "reader_for"]

InputItem = str | os.PathLike[str] | Mapping[str, Any]
Reader = Callable[[Path, Settings], Iterator[RawDocument | Problem]]

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
    with path.open("rb") as stream:
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
        return lambda file, config: single(file, stem, config)
    return _MULTI_ARTICLE[suffix]


def discover(paths: Iterable[str | os.PathLike[str]]) -> Iterator[Path | Problem]:
    """Expand directories recursively (sorted, hidden entries skipped); report missing paths."""
    for item in paths:
        path = Path(item)
        if path.is_dir():
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(name for name in dirs if not name.startswith("."))
                for name in sorted(files):
                    if not name.startswith("."):
                        yield Path(root, name)
        elif path.is_file():
            yield path
        else:
            yield Problem(str(path), "no such file or directory")


def read_inputs(inputs: Iterable[InputItem], settings: Settings) -> Iterator[RawDocument | Problem]:
    """Yield every raw document of the inputs: paths, directories, ``-`` (JSONL on stdin) or dicts."""
    paths: list[str | os.PathLike[str]] = []
    records: list[Mapping[str, Any]] = []
    for item in inputs:
        if isinstance(item, Mapping):
            records.append(item)
        elif str(item) == "-":
            yield from read_jsonl_stream(sys.stdin.buffer, "<stdin>", settings)
        else:
            paths.append(item)
    if records:
        yield from read_records(records, "<records>")
    for found in discover(paths):
        if isinstance(found, Problem):
            yield found
            continue
        try:
            yield from reader_for(found, settings)(found, settings)
        except UnsupportedFile as error:
            yield Problem(error.source, error.reason, ProblemKind.WARNING)
        except InputError as error:
            yield Problem(error.source, error.reason)
        except OSError as error:
            yield Problem(str(found), f"cannot read ({error.strerror or error})")
