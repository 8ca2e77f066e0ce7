"""Sentence spans (character offsets into the cleaned text) through sentencex."""

from __future__ import annotations

import sentencex

from storytrace.model import Span

# Paragraphs of a cleaned text are separated by one blank line.
PARAGRAPH_SEPARATOR = "\n\n"


def sentence_spans(text: str, language: str | None) -> tuple[Span, ...]:
    """Split ``text`` into sentences and return their ``(start, end)`` offsets, whitespace trimmed.

    sentencex yields consecutive pieces covering the text, so offsets are recovered by walking it.
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
            spans.append((offset, offset + len(stripped)))
    return tuple(spans)
