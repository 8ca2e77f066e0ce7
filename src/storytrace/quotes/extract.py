"""Quotes of one article: direct quotations and reported speech, each with its resolved speaker.

Quotation marks are read by :mod:`storytrace.quotes.marks`; spaCy's parse finds the reporting verb
("said", "told", "according to") framing each quote (:mod:`storytrace.quotes.frames`) and its
subject; :mod:`storytrace.quotes.speakers` turns the subject into a full name. Reported speech is a
reporting verb's clausal complement ("Putin said that …"). Scraped text that lost its quotation
marks keeps its frame (", he said."), which is read as a quote of the paragraph before it. The
finders are in :mod:`storytrace.quotes.finders`; this module runs them and keeps one quote per
stretch of text.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from storytrace.model import Article, Quote
from storytrace.quotes.finders import direct_quotes, reported_speech, unmarked_quotes
from storytrace.quotes.parse import overlap, paragraphs_between
from storytrace.quotes.speakers import SpeakerReader
from storytrace.quotes.words import FRAMING_VERBS
from storytrace.settings import Settings

# benchmarks/quotes.py reads speakers through ``_Reader`` and benchmarks/compare.py imports
# FRAMING_VERBS from here; both names stay importable from this module.
_Reader = SpeakerReader
__all__ = ["FRAMING_VERBS", "extract_quotes"]


def _without_overlaps(quotes: list[Quote]) -> list[Quote]:
    """Keep one quote per stretch of text.

    A reported clause holding a partial direct quote is one quote (the annotation guideline:
    'said the plan was "a disaster"'); otherwise direct quotes win, then longer reported clauses.
    """
    direct = [quote.span for quote in quotes if quote.kind == "direct"]

    def rank(quote: Quote) -> tuple[int, int]:
        holds_direct = quote.kind == "reported" and any(
            quote.span[0] <= a and b <= quote.span[1] and (a, b) != quote.span for a, b in direct
        )
        order = 0 if holds_direct else 1 if quote.kind == "direct" else 2
        return order, -(quote.span[1] - quote.span[0])

    kept: list[Quote] = []
    for quote in sorted(quotes, key=rank):
        if all(overlap(quote.span, other.span) == 0 for other in kept):
            kept.append(quote)
    return sorted(kept, key=lambda q: q.span)


def extract_quotes(article: Article, doc: Any, settings: Settings) -> list[Quote]:
    """All quotes of one article, in text order, from its spaCy ``doc`` (parsed from ``article.text``)."""
    reader = SpeakerReader(article, doc, settings)
    direct = direct_quotes(reader, settings)
    unmarked = unmarked_quotes(reader, settings)
    reported = reported_speech(reader, direct + unmarked, settings)
    return _continued(reader.text, _without_overlaps(direct + unmarked + reported))


def _continued(text: str, quotes: list[Quote]) -> list[Quote]:
    """A quote paragraph with no frame of its own continues the quote just before it, in the
    previous paragraph or the same one: 'Erekat said it was …' / '"They wanted us on our knees …"'."""
    result: list[Quote] = []
    for quote in quotes:
        before = result[-1] if result else None
        if (
            quote.cue is None
            and quote.speaker is None
            and before is not None
            and before.speaker is not None
            and paragraphs_between(text, before.span[1], quote.span[0]) <= 1
        ):
            quote = replace(quote, speaker=before.speaker, speaker_span=before.speaker_span, cue="continued")
        result.append(quote)
    return result
