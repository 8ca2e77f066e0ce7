"""WARC/ARC archives through warcio: each HTML response record is one article."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from storytrace.errors import InputError
from storytrace.ingest.decode import decode_text
from storytrace.model import Problem, ProblemKind, RawDocument
from storytrace.settings import Settings

_HTML_TYPES = ("text/html", "application/xhtml+xml")


def _record_id(record_id: str | None) -> str | None:
    """``<urn:uuid:…>`` → ``urn:uuid:…``: the record's own identifier, kept as the article id."""
    return record_id.strip("<>") if record_id else None


def read_warc_file(path: Path, settings: Settings) -> Iterator[RawDocument | Problem]:
    """Yield an HTML document per response record; other records are skipped silently."""
    source = str(path)
    if path.stat().st_size == 0:
        raise InputError(source, "empty file")
    count = 0
    try:
        with path.open("rb") as stream:
            for record in ArchiveIterator(stream, arc2warc=True):
                if record.rec_type != "response" or record.http_headers is None:
                    continue
                content_type = (record.http_headers.get_header("Content-Type") or "").lower()
                if not content_type.startswith(_HTML_TYPES):
                    continue
                url = record.rec_headers.get_header("WARC-Target-URI")
                where = f"{source}#{url}"
                count += 1
                payload = record.content_stream().read(settings.max_record_bytes + 1)
                if len(payload) > settings.max_record_bytes:
                    yield Problem(where, "record is over the size limit (Settings.max_record_bytes)")
                    continue
                try:
                    html, warning = decode_text(payload, where, settings)
                except InputError as error:
                    yield Problem(where, error.reason)
                    continue
                if warning:
                    yield Problem(where, warning, ProblemKind.WARNING)
                yield RawDocument(
                    source=where,
                    html=html,
                    id=_record_id(record.rec_headers.get_header("WARC-Record-ID")),
                    url=url,
                    fetched=record.rec_headers.get_header("WARC-Date"),
                )
    except ArchiveLoadFailed as error:
        yield Problem(source, f"not a readable WARC/ARC file ({error.msg})")
    except EOFError:
        yield Problem(source, f"truncated archive after {count} HTML records; those were kept")
    except OSError as error:
        yield Problem(source, f"unreadable archive after {count} HTML records ({error})")
