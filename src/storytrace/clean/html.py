"""Main-text and metadata extraction from HTML through trafilatura."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import trafilatura

# Publication date as the page states it (original, not last-modified); htmldate's extensive
# search also reads dates in the visible text when the markup has none. The time is asked for
# too: which of two same-day articles came first decides who copied whom.
_DATE_PARAMS: dict[str, Any] = {"extensive_search": True, "original_date": True, "outputformat": "%Y-%m-%dT%H:%M:%S%z"}
# htmldate fills a missing time with midnight and no zone: that is a date alone.
_UNKNOWN_TIME = "T00:00:00"


def _page_date(value: str | None) -> str | None:
    """htmldate's stamp as ISO 8601: the date alone when no time was stated, else with its zone."""
    if not value:
        return None
    if value.endswith(_UNKNOWN_TIME):
        return value.removesuffix(_UNKNOWN_TIME)
    try:
        return datetime.strptime(value, _DATE_PARAMS["outputformat"]).isoformat()
    except ValueError:  # a stamp without a zone
        return value


@dataclass(frozen=True, slots=True)
class ExtractedPage:
    """What trafilatura found in a page; every field may be missing."""

    text: str
    title: str | None = None
    outlet: str | None = None
    author: str | None = None
    published: str | None = None
    url: str | None = None
    language: str | None = None


def extract_html(html: str, url: str | None) -> ExtractedPage:
    """Extract the main text and metadata; fall back to all visible text for short fragments
    (feed summaries) that trafilatura judges too small to be an article."""
    document = trafilatura.bare_extraction(
        html,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_images=False,
        date_extraction_params=_DATE_PARAMS,
    )
    fields: dict[str, Any] = {}
    if isinstance(document, dict):
        fields = document
    elif document is not None:
        fields = document.as_dict()
    text = fields.get("text") or ""
    if not text.strip():
        text = trafilatura.html2txt(html) or ""
    return ExtractedPage(
        text=text,
        title=fields.get("title") or None,
        outlet=fields.get("sitename") or None,
        author=fields.get("author") or None,
        published=_page_date(fields.get("date")),
        url=fields.get("url") or None,
        language=fields.get("language") or None,
    )
