"""WARC/ARC archives through warcio: each HTML response record is one article.

Each record is read on its own, so one broken record is reported and the archive's other
records go on; the records skipped (requests, warcinfo, non-HTML responses) are counted and
reported, so the report accounts for everything the archive held.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

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
    if not arc and record.rec_headers.get_header("Content-Length") is None:
        return [Problem(where, "record has no Content-Length, so where it ends is unknown")]
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
    """Yield an HTML document per response record; a broken record is a problem of its own."""
    source = str(path)
    skipped: Counter[str] = Counter()
    number = articles = 0
    broken = False
    arc = path.name.lower().removesuffix(".gz").endswith(".arc")
    with open_regular(path) as stream:
        if file_size(stream) == 0:
            raise InputError(source, "empty file")
        records = iter(ArchiveIterator(stream, arc2warc=True, no_record_parse=True))
        while not broken:
            try:
                record = next(records, None)
            except Exception as error:  # noqa: BLE001 - warcio raises many kinds on a broken archive
                yield Problem(source, _broken_archive(number, articles, error))
                broken = True
                continue
            if record is None:
                break
            number += 1
            if record.rec_type != "response":
                skipped[str(record.rec_type or "untyped")] += 1
                continue
            url = record.rec_headers.get_header("WARC-Target-URI")
            where = f"{source}#{url or f'record {number}'}"
            try:
                kind = _skipped_as(record, arc)
                results = [] if kind else _read_record(record, where, arc, settings)
            except Exception as error:  # noqa: BLE001 - a hostile record may break warcio's parsing: report it
                kind, results = None, [Problem(where, f"unreadable record ({type(error).__name__}: {error})")]
            if kind:
                skipped[kind] += 1
                continue
            articles += 1
            yield from results
    if articles == 0 and not broken:
        yield Problem(source, f"no HTML response records ({_counted(skipped)})" if number else "no records")
    elif skipped:
        yield Problem(source, f"skipped records that are not HTML pages ({_counted(skipped)})", ProblemKind.WARNING)


def _broken_archive(number: int, articles: int, error: Exception) -> str:
    """Why the archive could not be read on, and what was kept before."""
    if number == 0:
        return f"not a readable WARC/ARC file ({_unreadable(error)})"
    return f"unreadable after record {number} ({_unreadable(error)}); the {articles} HTML records before were kept"
