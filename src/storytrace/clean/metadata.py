"""Article metadata cleaning derives besides the date (``dating.py``): the outlet and the language."""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlsplit

import py3langid

from storytrace.settings import Settings


def outlet_from_url(url: str | None) -> str | None:
    """The site's domain without ``www.``; ``None`` when there is no URL (never invented)."""
    if not url:
        return None
    host = (urlsplit(url).hostname or "").lower()
    return host.removeprefix("www.") or None


def detect_language(paragraphs: Sequence[str], settings: Settings) -> str | None:
    """ISO 639-1 code of the longest paragraphs (the story body), through py3langid."""
    sample: list[str] = []
    size = 0
    for paragraph in sorted(paragraphs, key=len, reverse=True):
        sample.append(paragraph)
        size += len(paragraph)
        if size >= settings.language_sample_chars:
            break
    text = " ".join(sample)[: settings.language_sample_chars]
    if len(text) < settings.language_min_chars:
        return None
    code, _score = py3langid.classify(text)
    return str(code)
