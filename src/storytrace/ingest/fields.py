"""What every document leaving ingest (and every cleaned article) must be to be stored anywhere.

Strings must encode as UTF-8 and hold no NUL (PostgreSQL refuses both and loses the batch), an
empty metadata string means "not stated", and values must fit the store's columns. Text fields
get U+FFFD for a lone surrogate; identity fields (id, URL, source path) show undecodable bytes
as ``\\xNN`` instead, so two distinct ids never become one and a file name read through
Python's surrogateescape gives the same id on every run.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from storytrace.errors import InputError
from storytrace.model import Article, Problem, ProblemKind, RawDocument
from storytrace.settings import Settings

__all__ = ["check_article", "check_document", "key_value", "language_code", "text_value"]

_SURROGATE = re.compile("[\ud800-\udfff]")
# Control characters and lone surrogates: what a printable key must not hold.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f\ud800-\udfff]")
# Python's surrogateescape maps an undecodable byte 0xNN to U+DCNN.
_ESCAPED_BYTES = range(0xDC80, 0xDD00)
_ISO_639 = re.compile("[a-z]{2,3}")
# The store's published column is 40 characters; an ISO 8601 date-time with offset has 32.
_PUBLISHED_CHARS = 40


def text_value(value: str) -> str:
    """The string without NUL characters and with U+FFFD for each lone surrogate."""
    value = value.replace("\x00", "")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return _SURROGATE.sub("\ufffd", value)
    return value


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code in _ESCAPED_BYTES:
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def key_value(value: str) -> str:
    """An id, URL or path with control characters, undecodable bytes and lone surrogates
    written as backslash escapes: printable, valid UTF-8, and distinct for distinct inputs."""
    return _UNPRINTABLE.sub(_escape, value)


def language_code(value: str | None) -> str | None:
    """``"en-GB"``/``"pt_BR"``/``"EN"`` → the ISO 639 code; ``None`` when the value is no such code."""
    code = re.split(r"[-_]", (value or "").strip(), maxsplit=1)[0].lower()
    return code if _ISO_639.fullmatch(code) else None


def _stated(value: str | None, clean: Callable[[str], str]) -> str | None:
    """A metadata string cleaned and trimmed, ``None`` when empty: an empty field states nothing."""
    if value is None:
        return None
    return clean(value).strip() or None


def _metadata(record: RawDocument | Article, source: str, settings: Settings) -> tuple[dict[str, Any], list[str]]:
    """The record's checked metadata fields and the warnings for values changed on the way.

    Raises :class:`InputError` for an id longer than the store's id column: cutting it could
    merge two articles, so the record is refused.
    """
    notes: list[str] = []
    identifier = _stated(record.id, key_value)
    if identifier is not None and len(identifier) > settings.max_id_chars:
        raise InputError(
            source,
            f"id is {len(identifier):,} characters, over the {settings.max_id_chars} the store's id column "
            "holds (Settings.max_id_chars)",
        )
    url = _stated(record.url, key_value)
    if url is not None and len(url.encode("utf-8")) > settings.max_url_bytes:
        notes.append(f"URL of {len(url):,} characters dropped: over Settings.max_url_bytes")
        url = None
    values: dict[str, Any] = {"id": identifier, "url": url}
    for name, limit in (
        ("title", settings.max_metadata_chars),
        ("author", settings.max_metadata_chars),
        ("outlet", settings.max_outlet_chars),
    ):
        value = _stated(getattr(record, name), text_value)
        if value is not None and len(value) > limit:
            notes.append(f"{name} cut from {len(value):,} to {limit} characters")
            value = value[:limit].rstrip()
        values[name] = value
    stated_language = _stated(record.language, text_value)
    values["language"] = language_code(stated_language)
    if stated_language is not None and values["language"] is None:
        notes.append(f"language {stated_language[:20]!r} is not an ISO 639 code; left unknown")
    published = _stated(record.published, text_value)
    if published is not None and len(published) > settings.max_metadata_chars:
        notes.append(f"stated date of {len(published):,} characters dropped: not a date")
        published = None
    values["published"] = published
    return values, notes


def check_document(document: RawDocument, settings: Settings) -> tuple[RawDocument, list[Problem]]:
    """The document as the store can hold it, with a warning for each value changed.

    Raises :class:`InputError` when the document must be refused (an over-long id).
    """
    source = key_value(document.source)
    values, notes = _metadata(document, source, settings)
    fetched = _stated(document.fetched, text_value)
    checked = replace(
        document,
        source=source,
        text=None if document.text is None else text_value(document.text),
        html=None if document.html is None else text_value(document.html),
        fetched=fetched if fetched is None or len(fetched) <= settings.max_metadata_chars else None,
        **values,
    )
    return checked, [Problem(source, note, ProblemKind.WARNING) for note in notes]


def check_article(article: Article, settings: Settings) -> Article:
    """The cleaned article's metadata (much of it read from hostile HTML) as the store can hold it.

    Over-long values are capped without a warning: the cleaner returns articles, not problems,
    and the caps lie far beyond any real headline, byline or outlet name. The text itself is
    made safe before sentences are cut (its spans must stay exact). Raises :class:`InputError`
    for an over-long id.
    """
    values, _capped = _metadata(article, article.source, settings)
    published = values["published"]
    values["published"] = published if published is None or len(published) <= _PUBLISHED_CHARS else None
    return replace(article, source=key_value(article.source), **values)
