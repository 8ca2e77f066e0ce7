"""Find quoted stretches of text by their quotation marks, tolerating what scraping does to them.

Written by hand because no library handles scraped news: textacy's ``direct_quotations`` raises on
an odd number of quotation marks, and scraped or spun text often has them (a closing mark typed as
an opening one, a lost closing mark, a quote reopened on each paragraph). The rules:

* double marks (" “ ” „ « » and their kin) pair up within a paragraph whatever their direction,
  since a second double mark inside an open quote is almost always its (mis-typed) end;
* a quote still open at a paragraph's end continues when the next paragraph opens with a mark
  (the typographic convention for quotes over several paragraphs), else it ends with the paragraph;
* single marks (‘ ’ ' ‹ ›) count only outside double quotes, open at a word start and close before
  a non-letter, so apostrophes ("don't", "leaders' summit") are not taken for quotes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from storytrace.model import Span

DOUBLE_MARKS = '"“”„‟«»〝〞＂'
# A double mark, including the two-character stand-ins typewriter-era and scraped text use (’’ '' `` ‘‘).
_DOUBLE = re.compile(r"’’|''|‘‘|``|,,|[\"“”„‟«»〝〞＂]")
_SINGLE_OPEN = re.compile(r"(?:(?<=^)|(?<=[\s(\[—–-]))[‘'‹](?=[^\s'’‘])")
_SINGLE_CLOSE = re.compile(r"(?<=\S)[’'›](?=$|[\s,.;:!?)\]—–-])")
_PARAGRAPH = re.compile(r"[^\n]+")


@dataclass(frozen=True, slots=True)
class QuotedStretch:
    """Characters between quotation marks (marks excluded, surrounding spaces trimmed)."""

    span: Span
    balanced: bool  # False when the closing mark was missing and the paragraph end closed it


def _trim(text: str, start: int, end: int) -> Span:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _paragraphs(text: str) -> list[Span]:
    return [(match.start(), match.end()) for match in _PARAGRAPH.finditer(text) if match.group().strip()]


def _opens_paragraph(text: str, paragraph: Span) -> re.Match[str] | None:
    """The double mark a paragraph starts with, if any."""
    start, end = _trim(text, *paragraph)
    return _DOUBLE.match(text, start, end) if start < end else None


def _closes_below(text: str, paragraphs: list[Span], number: int, most: int) -> bool:
    """True when a quote left open at the end of line ``number - 1`` closes a few lines below.

    Text with one sentence a line (wire copy, ECB+) runs a quote over lines joined by single line
    breaks: '"Trust me, my body is tired.' / 'I partied hard.' / 'But …," she said.' The quote goes
    on through lines without marks to the first line with an odd number of them (which closes
    it), never across a blank line and at most ``most`` lines.
    """
    for index in range(number, min(number + most, len(paragraphs))):
        gap = text[paragraphs[index - 1][1] : paragraphs[index][0]]
        if gap.count("\n") > 1:
            return False
        marks = len(_DOUBLE.findall(text, *paragraphs[index]))
        if marks:
            return marks % 2 == 1
    return False


def double_quoted(text: str, continued_lines: int) -> list[QuotedStretch]:
    """Stretches inside double quotation marks, in text order; an unclosed quote runs over at most
    ``continued_lines`` following lines (see ``_closes_below``)."""
    stretches: list[QuotedStretch] = []
    paragraphs = _paragraphs(text)
    open_at: int | None = None  # content start of the quote being read
    for number, (start, end) in enumerate(paragraphs):
        skip: int | None = None
        if open_at is not None:
            continuation = _opens_paragraph(text, (start, end))
            if continuation is not None:
                skip = continuation.start()
            elif not _closes_below(
                text, paragraphs, number, continued_lines
            ):  # the previous paragraph's quote never closed
                stretches.append(QuotedStretch(_trim(text, open_at, paragraphs[number - 1][1]), False))
                open_at = None
        for mark in _DOUBLE.finditer(text, start, end):
            if mark.start() == skip:
                continue
            if open_at is None:
                open_at = mark.end()
            else:
                stretches.append(QuotedStretch(_trim(text, open_at, mark.start()), True))
                open_at = None
    if open_at is not None and paragraphs:
        stretches.append(QuotedStretch(_trim(text, open_at, paragraphs[-1][1]), False))
    return [stretch for stretch in stretches if stretch.span[1] > stretch.span[0]]


def single_quoted(text: str, outside: list[Span]) -> list[QuotedStretch]:
    """Stretches inside single quotation marks that lie outside the given (double-quoted) spans."""
    stretches: list[QuotedStretch] = []
    for start, end in _paragraphs(text):
        paragraph = text[start:end]
        position = 0
        while (opener := _SINGLE_OPEN.search(paragraph, position)) is not None:
            closer = _SINGLE_CLOSE.search(paragraph, opener.end())
            if closer is None:
                break
            span = _trim(text, start + opener.end(), start + closer.start())
            if not any(a <= span[0] < b for a, b in outside):
                stretches.append(QuotedStretch(span, True))
            position = closer.end()
    return stretches


def quoted_stretches(text: str, continued_lines: int) -> list[QuotedStretch]:
    """All quoted stretches (double, then single outside them), sorted by start; ``continued_lines``
    is ``Settings.quote_continued_lines``."""
    doubles = double_quoted(text, continued_lines)
    singles = single_quoted(text, [stretch.span for stretch in doubles])
    return sorted(doubles + singles, key=lambda stretch: stretch.span)
