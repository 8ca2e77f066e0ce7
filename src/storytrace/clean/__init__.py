"""Clean: turn raw documents into articles — main text without boilerplate, and metadata.

Per document, :func:`clean_document` (:func:`draft_article` extracts, cleans lines and reads
metadata; :func:`finish_article` cuts sentences); then per corpus, :func:`remove_outlet_repeats`
sees every article of an outlet at once.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from storytrace.clean.corpus import remove_outlet_repeats
from storytrace.clean.dating import DateEvidence, date_article, split_page_stamp
from storytrace.clean.html import extract_html
from storytrace.clean.lines import clean_lines, normalize_line
from storytrace.clean.metadata import detect_language, outlet_from_url
from storytrace.clean.segment import PARAGRAPH_SEPARATOR, sentence_spans
from storytrace.clean.timeout import time_limit
from storytrace.ingest.fields import check_article, check_document, language_code, text_value
from storytrace.model import Article, RawDocument, Removal, RemovedLine
from storytrace.settings import DEFAULT_SETTINGS, Settings

__all__ = ["Draft", "clean_document", "clean_documents", "draft_article", "finish_article", "remove_outlet_repeats"]


@dataclass(frozen=True, slots=True)
class Draft:
    """An article's cleaned paragraphs and metadata, before sentences are cut."""

    raw: RawDocument
    paragraphs: tuple[str, ...]
    removed: tuple[RemovedLine, ...]
    title: str | None
    url: str | None
    outlet: str | None
    published: str | None
    language: str | None
    author: str | None
    date_source: str = "none"  # where ``published`` came from (metadata.DATE_SOURCES)


def _fallback_id(raw: RawDocument, paragraphs: tuple[str, ...]) -> str:
    """A stable id for inputs that state none: from the URL, else from the text."""
    basis = raw.url or PARAGRAPH_SEPARATOR.join(paragraphs) or raw.source
    return hashlib.sha1(basis.encode("utf-8")).hexdigest()[:16]


def draft_article(raw: RawDocument, settings: Settings) -> Draft:
    """Extract (HTML) and clean one document's text, and gather the metadata it states."""
    title = normalize_line(raw.title) if raw.title else None
    url, outlet, author, published = raw.url, raw.outlet, raw.author, raw.published
    language = raw.language
    page_date = None
    if raw.html is not None:
        page = extract_html(raw.html, raw.url)
        text = text_value(page.text)  # lxml turns a hostile "&#0;" or "&#xD800;" into NUL or a surrogate
        title = title or page.title
        url = url or page.url
        outlet = outlet or page.outlet
        author = author or page.author
        language = language or page.language
        page_date = page.published
    else:
        text = raw.text or ""
    # A scraped page's leading "date 2022-09-08" stamp is the scraper's, glued to the first
    # line: cut it off (recorded as a removed dateline) so it neither dates nor opens the lede.
    stamp, text = split_page_stamp(text) if raw.html is None else (None, text)
    # Stated, else identified once from the longest raw lines (the body); the stop list for
    # cleaning needs it before the clutter is gone.
    language = language_code(language) or detect_language(text.splitlines(), settings)
    cleaned = clean_lines(text, settings, language, title, scraped=raw.html is None)
    removed = ((RemovedLine(stamp, Removal.DATELINE),) if stamp else ()) + cleaned.removed
    evidence = DateEvidence(
        stated=published,
        metadata=page_date,
        stamp=stamp,
        removed=removed,
        paragraphs=cleaned.paragraphs,
        url=url,
        fetched=raw.fetched,
        language=language,
    )
    dating = date_article(evidence, settings)
    return Draft(
        raw=raw,
        paragraphs=cleaned.paragraphs,
        removed=removed,
        title=cleaned.title or title,
        url=url,
        outlet=outlet or outlet_from_url(url),
        published=dating.published,
        language=language,
        author=author,
        date_source=dating.source,
    )


def finish_article(draft: Draft, settings: Settings = DEFAULT_SETTINGS) -> Article:
    """Join the kept paragraphs and cut sentences (none longer than ``Settings.max_sentence_chars``)."""
    text = PARAGRAPH_SEPARATOR.join(draft.paragraphs)
    language = draft.language
    return Article(
        id=draft.raw.id or _fallback_id(draft.raw, draft.paragraphs),
        source=draft.raw.source,
        text=text,
        url=draft.url,
        outlet=draft.outlet,
        title=draft.title,
        published=draft.published,
        date_source=draft.date_source,
        language=language,
        author=draft.author,
        summary_only=draft.raw.summary_only,
        sentences=sentence_spans(text, language, settings.max_sentence_chars),
        removed=draft.removed,
    )


def clean_document(raw: RawDocument, settings: Settings) -> Article:
    """The per-document cleaning steps: extract, clean lines, metadata, sentences.

    The document is checked as ingest checks it (callers may build one directly) and the
    article's metadata, much of it read from the page, once more at the end. Raises
    :class:`~storytrace.errors.InputError` for a document that cannot be an article: a refused
    id, or extraction over ``Settings.clean_timeout_s``.
    """
    checked, _warnings = check_document(raw, settings)  # read_inputs has reported these already
    with time_limit(settings.clean_timeout_s, checked.source):
        article = finish_article(draft_article(checked, settings), settings)
    return check_article(article, settings)


def clean_documents(raws: list[RawDocument], settings: Settings) -> list[Article]:
    """Every cleaning step over a batch of documents, the corpus-level one included."""
    return remove_outlet_repeats([clean_document(raw, settings) for raw in raws], settings)
