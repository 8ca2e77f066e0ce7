"""Positions in one article's text and spaCy parse that quotes and speakers share: paragraphs, sentences, tree paths."""

from __future__ import annotations

from typing import Any

from storytrace.model import Span
from storytrace.quotes.words import DOCUMENT_NOUNS

# Dependency labels of a clause subject, in spaCy's English and Universal Dependencies schemes.
SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass", "nsubj:pass"})


def word_count(text: str) -> int:
    """Whitespace-separated words in a text, the unit quote length thresholds are given in."""
    return len(text.split())


def overlap(first: Span, second: Span) -> int:
    """Characters two spans share."""
    return max(0, min(first[1], second[1]) - max(first[0], second[0]))


def paragraph_around(text: str, start: int, end: int) -> Span:
    """The paragraph (line) holding ``start`` through ``end``: cues and clauses never cross one."""
    paragraph_end = text.find("\n", end)
    return text.rfind("\n", 0, start) + 1, len(text) if paragraph_end < 0 else paragraph_end


def paragraphs_between(text: str, start: int, end: int) -> int:
    """Paragraph breaks between two offsets, a single line break counting as one."""
    return text.count("\n\n", start, end) + (1 if "\n" in text[start:end] and "\n\n" not in text[start:end] else 0)


def clean_span(text: str, start: int, end: int) -> Span:
    """Trim spaces, quotation marks and the closing punctuation a clause span picks up."""
    strip_left = " \n\t\"“”„«»‘'’,;:—–-"
    strip_right = ' \n\t"“”„«»,;:—–-.'
    while start < end and text[start] in strip_left:
        start += 1
    while end > start and text[end - 1] in strip_right:
        end -= 1
    return start, end


def sentence_start(doc: Any, offset: int) -> int:
    """Where the sentence holding ``offset`` starts (``offset`` itself off the tokens)."""
    span = doc.char_span(offset, offset + 1, alignment_mode="expand")
    return span.sent.start_char if span is not None and len(span) else offset


def sentence_end(doc: Any, offset: int) -> int:
    """Where the sentence holding ``offset`` ends (just after ``offset`` off the tokens)."""
    span = doc.char_span(offset, offset + 1, alignment_mode="expand")
    return span.sent.end_char if span is not None and len(span) else offset + 1


def path_up(token: Any, top: Any) -> list[Any]:
    """Tokens from ``token`` up to (not including) ``top`` in the parse tree."""
    path = []
    while token.i != top.i and token.head.i != token.i:
        path.append(token)
        token = token.head
    return path


def possessor(token: Any, top: Any) -> bool:
    """True when ``token`` is in a possessive below ``top``: "the star's" in "the star's rep Jack Ketsoyan"."""
    return any(t.dep_ == "poss" or t.tag_ == "POS" for t in [token, *path_up(token, top)]) or any(
        c.tag_ == "POS" for c in token.children
    )


def is_document(token: Any) -> bool:
    """True for a noun naming a document ("data" has the lemma "datum")."""
    return token.pos_ == "NOUN" and (token.lemma_.lower() in DOCUMENT_NOUNS or token.lower_ in DOCUMENT_NOUNS)
