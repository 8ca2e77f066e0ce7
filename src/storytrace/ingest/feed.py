"""RSS and Atom feeds through feedparser: one article per entry.

Entries carrying full content (``content:encoded``, Atom ``content``) go through the HTML path;
entries with only a summary become articles marked ``summary_only``.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import feedparser

from storytrace.errors import InputError
from storytrace.ingest.decode import read_bytes
from storytrace.model import Problem, RawDocument
from storytrace.settings import Settings

# A numeric character reference (``&#233;``, ``&#xE9;``); feedparser crashes on one past U+10FFFF.
_CHAR_REFERENCE = re.compile(rb"&#(?:[xX]([0-9a-fA-F]+)|([0-9]+));")
_LAST_CODE_POINT = 0x10FFFF
_SURROGATES = (0xD800, 0xDFFF)


def _valid_reference(match: re.Match[bytes]) -> bytes:
    """The reference itself, or one to U+FFFD when it names no character (``&#xFFFFFFF;``, ``&#xD800;``)."""
    hexadecimal, decimal = match.groups()
    digits = (hexadecimal or decimal).lstrip(b"0")
    # U+10FFFF has 7 decimal digits: checking the length first keeps int() small.
    code = int(digits or b"0", 16 if hexadecimal else 10) if len(digits) <= 7 else _LAST_CODE_POINT + 1
    # A surrogate is no character either: feedparser would pass it on, unencodable, to the store.
    fits = code <= _LAST_CODE_POINT and not _SURROGATES[0] <= code <= _SURROGATES[1]
    return match.group() if fits else b"&#xFFFD;"


def _entry_date(entry: Any) -> str | None:
    """The entry's publication (else update) time as ISO 8601 in UTC, from feedparser's parse."""
    for key in ("published_parsed", "updated_parsed"):
        parsed = entry.get(key)
        if parsed:
            return time.strftime("%Y-%m-%dT%H:%M:%S+00:00", parsed)
    return None


def read_feed_file(path: Path, settings: Settings) -> Iterator[RawDocument | Problem]:
    """Yield one document per feed entry; a feed with no entries is an error."""
    source = str(path)
    data = _CHAR_REFERENCE.sub(_valid_reference, read_bytes(path, settings))
    try:
        parsed = feedparser.parse(data, sanitize_html=False, resolve_relative_uris=False)
    except Exception as error:  # noqa: BLE001 - feedparser on hostile markup may raise anything
        raise InputError(source, f"not a readable feed ({type(error).__name__}: {error})") from None
    if not parsed.entries:
        reason = f"not a readable feed ({parsed.bozo_exception})" if parsed.bozo else "feed has no entries"
        raise InputError(source, reason)
    outlet = parsed.feed.get("title") or None
    language = (parsed.feed.get("language") or "").split("-")[0].lower() or None
    for number, entry in enumerate(parsed.entries, start=1):
        url = entry.get("link") or None
        where = f"{source}#{url or number}"
        full = [part.get("value", "") for part in entry.get("content", []) if part.get("value", "").strip()]
        summary = entry.get("summary", "")
        body = max(full, key=len) if full else summary
        if not body.strip():
            yield Problem(where, "entry has neither content nor summary")
            continue
        yield RawDocument(
            source=where,
            html=f"<html><body><article>{body}</article></body></html>",
            id=entry.get("id") or url,
            url=url,
            title=entry.get("title") or None,
            published=_entry_date(entry),
            outlet=outlet,
            language=language,
            author=entry.get("author") or None,
            summary_only=not full,
        )
