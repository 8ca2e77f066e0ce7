"""Sentence spans (character offsets into the cleaned text) through sentencex, each bounded in length."""

from __future__ import annotations

import re

import sentencex

from storytrace.model import Span
from storytrace.settings import DEFAULT_SETTINGS

# Paragraphs of a cleaned text are separated by one blank line.
PARAGRAPH_SEPARATOR = "\n\n"
_SPACE = re.compile(r"\s")


def _bounded(start: int, end: int, text: str, max_chars: int) -> list[Span]:
    """A span cut into pieces of at most ``max_chars``, each at the last space before the bound
    (a hard cut where a piece has no space), whitespace trimmed."""
    pieces: list[Span] = []
    while end - start > max_chars:
        bound = start + max_chars
        cut = max((match.start() for match in _SPACE.finditer(text, start + 1, bound + 1)), default=bound)
        piece_end = len(text[start:cut].rstrip()) + start
        pieces.append((start, piece_end))
        start = cut
        while start < end and text[start].isspace():
            start += 1
    if start < end:
        pieces.append((start, end))
    return pieces


def sentence_spans(
    text: str, language: str | None, max_chars: int = DEFAULT_SETTINGS.max_sentence_chars
) -> tuple[Span, ...]:
    """Split ``text`` into sentences and return their ``(start, end)`` offsets, whitespace trimmed.

    sentencex yields consecutive pieces covering the text, so offsets are recovered by walking it.
    A "sentence" over ``max_chars`` (a page without sentence ends) is split at spaces.
    """
    spans: list[Span] = []
    cursor = 0
    for piece in sentencex.segment(language or "en", text):
        start = text.find(piece, cursor)
        if start < 0:  # defensive: a segmenter that normalised whitespace; resynchronise
            continue
        cursor = start + len(piece)
        stripped = piece.strip()
        if stripped:
            offset = start + piece.index(stripped)
            spans.extend(_bounded(offset, offset + len(stripped), text, max_chars))
    return tuple(spans)
