"""RSS and Atom feeds through feedparser: one article per entry.

Entries carrying full content (``content:encoded``, Atom ``content``) go through the HTML path;
entries with only a summary become articles marked ``summary_only``.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import feedparser

from storytrace.errors import InputError
from storytrace.ingest.decode import read_bytes
from storytrace.model import Problem, RawDocument
from storytrace.settings import Settings


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
    parsed = feedparser.parse(read_bytes(path, settings), sanitize_html=False, resolve_relative_uris=False)
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
