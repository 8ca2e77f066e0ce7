"""Main-text and metadata extraction from HTML through trafilatura."""

from __future__ import annotations

from dataclasses import dataclass

import trafilatura

# Publication date as the page states it (original, not last-modified); htmldate's extensive
# search also reads dates in the visible text when the markup has none.
_DATE_PARAMS = {"extensive_search": True, "original_date": True}


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
    text = (document.text or "") if document is not None else ""
    if not text.strip():
        text = trafilatura.html2txt(html) or ""
    if document is None:
        return ExtractedPage(text=text)
    return ExtractedPage(
        text=text,
        title=document.title or None,
        outlet=document.sitename or None,
        author=document.author or None,
        published=document.date or None,
        url=document.url or None,
        language=document.language or None,
    )
