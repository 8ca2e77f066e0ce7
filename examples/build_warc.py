#!/usr/bin/env python3
"""Build the example web-archive file ``examples/corpus/warc/crawl.warc.gz``.

The bundled storytrace example corpus (see ``examples/corpus/README.md``)
includes a small WARC file, as a web crawler such as Heritrix or
``wget --warc-file`` would write it. This script rebuilds that file from the
two article pages kept as plain HTML under ``examples/pages/``:

* ``portside-news-bridge.html``  -- Portside News, 14 Oct 2025: an independent
  report of the Old Quay Bridge collapse;
* ``portside-news-inquiry.html`` -- Portside News, 21 Oct 2025: follow-up on the
  inquiry opening and the mayor's resignation.

Records written, in order (each one its own gzip member, as usual for
``.warc.gz``):

1. ``warcinfo``  -- describes the (fictional) crawl;
2. ``request``   -- the HTTP GET for the first article (not an article:
   readers must skip it);
3. ``response``  -- ``text/html; charset=utf-8``, Portside News bridge article;
4. ``response``  -- ``text/html; charset=utf-8``, Portside News inquiry article;
5. ``response``  -- ``text/css`` stylesheet (not an article: readers must skip
   it).

So a reader that keeps only HTML ``response`` records should yield exactly two
documents. WARC-Date values and WARC-Record-IDs are fixed (record IDs are
UUIDv5 values derived from the target URI), and warcio's gzip members carry no
timestamp, so running the script twice produces byte-identical output.

Usage (from the repository root)::

    .venv/bin/python examples/build_warc.py            # writes the default file
    .venv/bin/python examples/build_warc.py -o out.warc.gz

Requires ``warcio``. Everything in the pages is fictional; all hosts use the
reserved ``.example`` top-level domain.
"""

from __future__ import annotations

import argparse
import uuid
from datetime import UTC, datetime
from email.utils import format_datetime
from io import BytesIO
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

HERE = Path(__file__).resolve().parent
PAGES_DIR = HERE / "pages"
DEFAULT_OUTPUT = HERE / "corpus" / "warc" / "crawl.warc.gz"

# Namespace for deterministic record IDs.
_ID_NAMESPACE = uuid.UUID("5b0e6a4e-2f4c-4f0e-9d1c-0c1e5a7e2b01")

# (page file, target URI, WARC-Date of the capture)
HTML_PAGES = [
    (
        "portside-news-bridge.html",
        "https://portsidenews.example/local/old-quay-bridge-13-injured-central-span-falls",
        "2025-10-14T10:31:07Z",
    ),
    (
        "portside-news-inquiry.html",
        "https://portsidenews.example/politics/dorrit-quits-as-mayor-bridge-inquiry-opens",
        "2025-10-21T16:48:52Z",
    ),
]

CSS_URI = "https://portsidenews.example/assets/site.css"
CSS_DATE = "2025-10-14T10:31:08Z"
CSS_BODY = b"""/* Portside News site stylesheet (excerpt) */
body { font-family: Georgia, serif; margin: 0; color: #1b1b1b; }
.header { background: #0b3954; color: #fff; padding: 0.75rem 1rem; }
.article__headline { font-size: 2rem; line-height: 1.2; }
.article__body p { max-width: 38em; margin: 0 0 1em; }
.inline-ad, .promo-strip { background: #f2f2f2; font-size: 0.8rem; }
"""

USER_AGENT = "storytrace-example-crawler/1.0 (+https://storytrace.example/bot)"


def _record_id(kind: str, uri: str) -> str:
    return "<urn:uuid:{}>".format(uuid.uuid5(_ID_NAMESPACE, kind + " " + uri))


def _http_date(warc_date: str) -> str:
    """Turn a WARC-Date (ISO 8601, UTC) into an RFC 7231 HTTP date."""
    dt = datetime.strptime(warc_date, "%Y-%m-%dT%H:%M:%SZ")
    dt = dt.replace(tzinfo=UTC)
    return format_datetime(dt, usegmt=True)


def _response(
    writer: WARCWriter, uri: str, warc_date: str, body: bytes, content_type: str, concurrent_to: str | None = None
):
    http_headers = StatusAndHeaders(
        "200 OK",
        [
            ("Date", _http_date(warc_date)),
            ("Server", "nginx"),
            ("Content-Type", content_type),
            ("Content-Length", str(len(body))),
            ("Cache-Control", "max-age=300"),
            ("Connection", "close"),
        ],
        protocol="HTTP/1.1",
    )
    warc_headers = {
        "WARC-Record-ID": _record_id("response", uri),
        "WARC-Date": warc_date,
    }
    if concurrent_to:
        warc_headers["WARC-Concurrent-To"] = concurrent_to
    return writer.create_warc_record(
        uri,
        "response",
        payload=BytesIO(body),
        length=len(body),
        http_headers=http_headers,
        warc_headers_dict=warc_headers,
    )


def _request(writer: WARCWriter, uri: str, warc_date: str, concurrent_to: str):
    path = "/" + uri.split("://", 1)[1].split("/", 1)[1]
    host = uri.split("://", 1)[1].split("/", 1)[0]
    http_headers = StatusAndHeaders(
        f"GET {path} HTTP/1.1",
        [
            ("Host", host),
            ("User-Agent", USER_AGENT),
            ("Accept", "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8"),
            ("Accept-Language", "en-GB,en;q=0.8"),
            ("Connection", "close"),
        ],
        is_http_request=True,
    )
    return writer.create_warc_record(
        uri,
        "request",
        payload=BytesIO(b""),
        length=0,
        http_headers=http_headers,
        warc_headers_dict={
            "WARC-Record-ID": _record_id("request", uri),
            "WARC-Date": warc_date,
            "WARC-Concurrent-To": concurrent_to,
        },
    )


def _warcinfo(writer: WARCWriter, filename: str, warc_date: str):
    fields = (
        b"software: storytrace examples/build_warc.py (warcio)\r\n"
        b"format: WARC File Format 1.1\r\n"
        b"operator: storytrace example corpus (fictional crawl)\r\n"
        b"description: Two Portside News article pages about the fictional "
        b"Old Quay Bridge collapse in Valmora, plus non-article records.\r\n"
        b"robots: obey\r\n"
    )
    return writer.create_warc_record(
        "",
        "warcinfo",
        payload=BytesIO(fields),
        length=len(fields),
        warc_content_type="application/warc-fields",
        warc_headers_dict={
            "WARC-Record-ID": _record_id("warcinfo", filename),
            "WARC-Date": warc_date,
            "WARC-Filename": filename,
        },
    )


def build(output: Path = DEFAULT_OUTPUT) -> Path:
    """Write the example WARC to *output* and return its path."""
    output.parent.mkdir(parents=True, exist_ok=True)
    with open(output, "wb") as fh:
        writer = WARCWriter(fh, gzip=True, warc_version="WARC/1.1")
        writer.write_record(_warcinfo(writer, output.name, HTML_PAGES[0][2]))

        for index, (page, uri, warc_date) in enumerate(HTML_PAGES):
            body = (PAGES_DIR / page).read_bytes()
            body.decode("utf-8")  # fail early if a page is not valid UTF-8
            response_id = _record_id("response", uri)
            if index == 0:
                # One request record, as crawlers write before each response.
                writer.write_record(_request(writer, uri, warc_date, response_id))
            writer.write_record(_response(writer, uri, warc_date, body, "text/html; charset=utf-8"))

        writer.write_record(_response(writer, CSS_URI, CSS_DATE, CSS_BODY, "text/css; charset=utf-8"))
    return output


def summarize(path: Path) -> list[tuple[str, str, str]]:
    """Read *path* back with warcio; return (type, content type, URI) rows."""
    rows = []
    with open(path, "rb") as fh:
        for record in ArchiveIterator(fh):
            ctype = ""
            if record.http_headers is not None:
                ctype = record.http_headers.get_header("Content-Type") or ""
            rows.append(
                (
                    record.rec_type,
                    ctype,
                    record.rec_headers.get_header("WARC-Target-URI") or "",
                )
            )
            record.content_stream().read()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "-o", "--output", type=Path, default=DEFAULT_OUTPUT, help="where to write the .warc.gz (default: %(default)s)"
    )
    args = parser.parse_args()
    path = build(args.output)
    print("wrote", path)
    for rec_type, ctype, uri in summarize(path):
        print("  {:<9} {:<26} {}".format(rec_type, ctype or "-", uri or "-"))


if __name__ == "__main__":
    main()
