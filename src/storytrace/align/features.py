"""Per-article features for copy detection: normalised sentence words and quoted spans.

Computed once per article and shared by candidate generation and alignment, so the text of
an article is tokenised only once however many candidate pairs it belongs to.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

from storytrace.clean.lines import stopwords
from storytrace.model import Article, Span
from storytrace.settings import Settings

_WORD = re.compile(r"\w+")

# Opening mark -> closing marks that end a quotation. Straight double quotes close themselves;
# „ and ‚ are German low quotes; « » appear in both orders (French «…», German »…«).
_QUOTE_PAIRS = {'"': '"', "“": '”"', "„": '“”"', "«": "»", "»": "«", "‘": "’", "‚": "‘’"}
_QUOTE_OPENERS = re.compile("|".join(re.escape(mark) for mark in _QUOTE_PAIRS))
# A quotation longer than this without its closing mark is scraping damage, not a quote.
_MAX_QUOTE_CHARS = 2_000
# A paragraph ending in a colon ("issued the following statement:", "Here's the full statement:")
# introduces a statement printed without quotation marks: its following paragraphs, up to a
# signature line ("– OceanGate Inc.") or _MAX_QUOTE_CHARS, count as quoted. Two outlets printing
# one statement are not copying each other (pages-dev: three Titan pages print OceanGate's).
_INTRODUCED_BLOCK = re.compile(r":[ \t]*\n\s*\n")
_SIGNATURE_LINE = re.compile(r"\n[ \t]*[–—-][ \t]*\S[^\n]{0,80}(?:\n|$)")
# An agency dateline opening a sentence: "LONDON (AP) —", "(Reuters) -", "BERLIN (dpa) -",
# "VATICAN CITY (Associated Press) —": a parenthesised credit of up to three words followed by
# a dash. The article carrying it is the agency's text, or a copy closer to it than one that
# dropped it.
_DATELINE = re.compile(r"[^\n()]{0,40}?\(([A-Za-z][\w.&-]{1,15}(?:[ /][A-Za-z][\w.&-]{1,15}){0,2})\)\s*[—–-]")


class SentenceFeatures(NamedTuple):
    """One sentence: its span, casefolded words, content-word set and share inside quotation marks.

    A named tuple rather than a frozen dataclass: a large batch makes millions of them, and a
    frozen dataclass's ``__init__`` (one ``object.__setattr__`` per field) was a third of the
    time spent on features at 20,000 articles; a tuple is as immutable.
    """

    span: Span
    words: tuple[str, ...]
    content: tuple[str, ...]  # distinct non-stop words (a tuple: a third of a frozenset's memory)
    quoted_share: float

    @property
    def chars(self) -> int:
        """Length of the sentence in characters (the weight of the sentence in coverages)."""
        return self.span[1] - self.span[0]


@dataclass(frozen=True, slots=True)
class ArticleFeatures:
    """An article's sentences as copy detection sees them."""

    id: str
    language: str | None
    published: str | None
    sentences: tuple[SentenceFeatures, ...]
    dateline: str | None = None  # the agency an opening dateline credits ("AP" for "LONDON (AP) —")

    @property
    def chars(self) -> int:
        """Characters in all sentences."""
        return sum(sentence.chars for sentence in self.sentences)


def different_languages(first: ArticleFeatures, second: ArticleFeatures) -> bool:
    """Both languages known and not the same (an unknown language is compared lexically)."""
    return first.language is not None and second.language is not None and first.language != second.language


def quoted_spans(text: str) -> list[Span]:
    """Character spans inside quotation marks (marks included), for the shared-quotation rule.

    Scraped text often has unbalanced marks; an opener whose closer never comes within
    ``_MAX_QUOTE_CHARS`` is skipped rather than swallowing the rest of the article.
    """
    spans: list[Span] = []
    position = 0
    while match := _QUOTE_OPENERS.search(text, position):
        start = match.end()
        closers = _QUOTE_PAIRS[match.group()]
        end = min(
            (i for i in (text.find(mark, start, start + _MAX_QUOTE_CHARS) for mark in closers) if i >= 0), default=-1
        )
        if end < 0:
            position = start
            continue
        spans.append((match.start(), end + 1))
        position = end + 1
    return _merged(spans + _introduced_statements(text))


def _introduced_statements(text: str) -> list[Span]:
    """Paragraphs after one that ends in a colon, up to a signature line or ``_MAX_QUOTE_CHARS``."""
    spans: list[Span] = []
    for match in _INTRODUCED_BLOCK.finditer(text):
        start = match.end()
        signature = _SIGNATURE_LINE.search(text, start, start + _MAX_QUOTE_CHARS)
        spans.append((start, signature.end() if signature else min(len(text), start + _MAX_QUOTE_CHARS)))
    return spans


def _merged(spans: list[Span]) -> list[Span]:
    """Sorted spans with overlapping ones joined, so that no character counts twice."""
    joined: list[Span] = []
    for start, end in sorted(spans):
        if joined and start <= joined[-1][1]:
            joined[-1] = (joined[-1][0], max(end, joined[-1][1]))
        else:
            joined.append((start, end))
    return joined


def _dateline(article: Article, sentences: int) -> str | None:
    """The agency credited by a dateline opening one of the article's first ``sentences``, if any."""
    for start, end in article.sentences[:sentences]:
        if match := _DATELINE.match(article.text, start, min(end, start + 80)):
            return match.group(1)
    return None


def _quoted_shares(spans: Sequence[Span], quotes: list[Span]) -> list[float]:
    """Share of each span inside ``quotes``; both sorted and non-overlapping, so one sweep serves all."""
    shares: list[float] = []
    first = 0  # the first quotation that can still overlap the current span
    for start, end in spans:
        while first < len(quotes) and quotes[first][1] <= start:
            first += 1
        inside = 0
        for q_start, q_end in quotes[first:]:
            if q_start >= end:
                break
            inside += min(end, q_end) - max(start, q_start)
        shares.append(inside / max(1, end - start))
    return shares


def article_features(article: Article, settings: Settings) -> ArticleFeatures:
    """Tokenise an article's sentences (casefolded ``\\w+`` words; content words drop the stop list)."""
    stop = stopwords(article.language)
    quotes = quoted_spans(article.text)
    shares = _quoted_shares(article.sentences, quotes) if quotes else [0.0] * len(article.sentences)
    sentences = []
    for span, share in zip(article.sentences, shares, strict=True):
        # Interned, every occurrence of a word is one string object: a large batch holds
        # millions of word references, and this keeps its features within memory.
        words = tuple(map(sys.intern, _WORD.findall(article.text[span[0] : span[1]].casefold())))
        if not words:
            continue
        content = tuple(word for word in dict.fromkeys(words) if word not in stop)
        sentences.append(SentenceFeatures(span, words, content, share))
    return ArticleFeatures(
        article.id,
        article.language,
        article.published,
        tuple(sentences),
        _dateline(article, settings.direction_dateline_sentences),
    )
