"""WARC/ARC archives through warcio: each HTML response record is one article.

Each record is read on its own, so one broken record is reported and the archive's other
records go on; the records skipped (requests, warcinfo, non-HTML responses) are counted and
reported, so the report accounts for everything the archive held.
"""

from __future__ import annotations

import gzip
import io
import zlib
from collections import Counter
from collections.abc import Iterator
from contextlib import redirect_stderr
from pathlib import Path
from typing import Any, BinaryIO

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.statusandheaders import StatusAndHeadersParser

from storytrace.errors import InputError
from storytrace.ingest.decode import decode_text, file_size, open_regular
from storytrace.model import Problem, ProblemKind, RawDocument
from storytrace.settings import Settings

_HTML_TYPES = ("text/html", "application/xhtml+xml")
# warcio is told not to parse HTTP headers (it crashes, ending the archive, on a response record
# without WARC-Target-URI); each response's headers are parsed here, inside its own record's guard.
_HTTP_PARSER = StatusAndHeadersParser(["HTTP/1.0", "HTTP/1.1"], verify=False)
# Decompressed bytes read at a time when checking that a gzipped archive is whole.
_GZIP_PIECE = 1 << 20


def _record_id(record_id: str | None) -> str | None:
    """``<urn:uuid:…>`` → ``urn:uuid:…``: the record's own identifier, kept as the article id."""
    return record_id.strip("<>") if record_id else None


def _skipped_as(record: Any, arc: bool) -> str | None:
    """Why a response record is not an article, ``None`` for an HTML page; parses its HTTP headers.

    An ARC record's block always starts with the HTTP headers; a WARC record says so in its type.
    """
    if not arc and not (record.content_type or "").startswith("application/http"):
        return "non-HTTP response"
    record.http_headers = _HTTP_PARSER.parse(record.raw_stream)
    content_type = (record.http_headers.get_header("Content-Type") or "").lower()
    return None if content_type.startswith(_HTML_TYPES) else "non-HTML response"


def _read_record(record: Any, where: str, arc: bool, settings: Settings) -> list[RawDocument | Problem]:
    """One HTML response record as a document (with its decoding warning), or the problem with it.

    ARC records have no record id (warcio invents a random one on conversion), so their id is
    left to the URL's hash, the same on every run.
    """
    payload = record.content_stream().read(settings.max_record_bytes + 1)
    if len(payload) > settings.max_record_bytes:
        return [Problem(where, "record is over the size limit (Settings.max_record_bytes)")]
    missing = getattr(record.raw_stream, "limit", 0)  # what the stated length promised and the file lacks
    if missing:
        return [Problem(where, f"truncated record: the file ends {missing} bytes before its stated length")]
    try:
        html, warning = decode_text(payload, where, settings)
    except InputError as error:
        return [Problem(where, error.reason)]
    headers = record.rec_headers
    document = RawDocument(
        source=where,
        html=html,
        id=None if arc else _record_id(headers.get_header("WARC-Record-ID")),
        url=headers.get_header("WARC-Target-URI") or None,
        fetched=headers.get_header("WARC-Date"),
    )
    return [Problem(where, warning, ProblemKind.WARNING), document] if warning else [document]


def _counted(skipped: Counter[str]) -> str:
    return ", ".join(f"{count} {kind}" for kind, count in skipped.most_common())


def _unreadable(error: Exception) -> str:
    return str(error.msg) if isinstance(error, ArchiveLoadFailed) else f"{type(error).__name__}: {error}"


def read_warc_file(path: Path, settings: Settings) -> Iterator[RawDocument | Problem]:
    """Yield an HTML document per response record; a broken record is a problem of its own.

    A record's document is yielded only once the next record has been reached: warcio finds a
    wrong Content-Length only then (the record is not followed by its blank lines), and such a
    record is reported instead of stored with a cut or padded page.
    """
    source = str(path)
    skipped: Counter[str] = Counter()
    number = articles = broken_records = 0
    broken = False
    arc = path.name.lower().removesuffix(".gz").endswith(".arc")
    pending: list[RawDocument | Problem] = []
    with open_regular(path) as stream:
        if file_size(stream) == 0:
            raise InputError(source, "empty file")
        if path.name.lower().endswith(".gz") and (cut := _truncated_gzip(stream)):
            yield Problem(source, cut)
        iterator = ArchiveIterator(stream, arc2warc=True, no_record_parse=True)
        records = iter(iterator)
        while not broken:
            mismatches = iterator.err_count
            try:
                with redirect_stderr(io.StringIO()):  # warcio prints its length warnings there
                    record = next(records, None)
            except Exception as error:  # noqa: BLE001 - warcio raises many kinds on a broken archive
                yield Problem(source, _broken_archive(number, articles, error))
                broken = True
                continue
            if iterator.err_count > mismatches and pending:
                where = next(item.source for item in pending)
                pending = [Problem(where, "its Content-Length does not match the record (not followed by the "
                                          "blank lines that end a record)")]  # fmt: skip
            yield from pending
            pending = []
            if record is None:
                break
            number += 1
            url = record.rec_headers.get_header("WARC-Target-URI")
            where = f"{source}#{url or f'record {number}'}"
            if record.rec_type is None or (not arc and record.rec_headers.get_header("Content-Length") is None):
                # What warcio makes of a record cut inside its headers, or one whose end is unknown.
                yield Problem(where, "a record without a WARC-Type or Content-Length (cut short or broken)")
                broken_records += 1
                continue
            if record.rec_type != "response":
                skipped[str(record.rec_type)] += 1
                continue
            try:
                kind = _skipped_as(record, arc)
                results = [] if kind else _read_record(record, where, arc, settings)
            except Exception as error:  # noqa: BLE001 - a hostile record may break warcio's parsing: report it
                kind, results = None, [Problem(where, f"unreadable record ({type(error).__name__}: {error})")]
            if kind:
                skipped[kind] += 1
                continue
            articles += 1
            pending = results
    yield from pending
    if articles == 0 and not broken and not broken_records:
        yield Problem(source, f"no HTML response records ({_counted(skipped)})" if number else "no records")
    elif skipped:
        yield Problem(source, f"skipped records that are not HTML pages ({_counted(skipped)})", ProblemKind.WARNING)


def _truncated_gzip(stream: BinaryIO) -> str | None:
    """Why a gzipped archive is cut short (None when whole), read through once in bounded pieces.

    warcio stops quietly where a gzip member lacks its end (a cut trailer): Python's gzip says so.
    """
    try:
        with gzip.GzipFile(fileobj=stream) as whole:
            while whole.read(_GZIP_PIECE):
                pass
    except EOFError:
        return "truncated gzip file (ends before its end-of-stream marker); the records before the cut were kept"
    except (OSError, zlib.error):
        return None  # not gzip after all, or damaged: warcio's own reading reports it
    finally:
        stream.seek(0)
    return None


def _broken_archive(number: int, articles: int, error: Exception) -> str:
    """Why the archive could not be read on, and what was kept before."""
    if number == 0:
        return f"not a readable WARC/ARC file ({_unreadable(error)})"
    return f"unreadable after record {number} ({_unreadable(error)}); the {articles} HTML records before were kept"
