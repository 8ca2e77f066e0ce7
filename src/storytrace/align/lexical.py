"""Lexical similarity of sentences, the one measure alignment and candidate checks share.

A sentence is an item ``(words, content words)``. The score is a weighted mean of a
word-level and a character-level similarity (``align_word_weight``). The word level compares
content words only: two sentences built on one template ("The minister of X said on Monday
that ...") share their function words in order, which is not copying; a copy shares the
names, numbers and most other content words, even when a spinner swapped some of them.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.distance import Indel

from storytrace.align.features import SentenceFeatures
from storytrace.settings import Settings

Item = tuple[list[str], list[str]]  # (words, content words)


def sentence_items(sentences: Sequence[SentenceFeatures]) -> list[Item]:
    """Each sentence as an item."""
    return [(list(sentence.words), list(sentence.content)) for sentence in sentences]


def joined_items(sentences: Sequence[SentenceFeatures]) -> list[Item]:
    """Each sentence joined with the next (candidates for 2-1 merges), as items."""
    return [
        (list(sentences[i].words + sentences[i + 1].words), list(sentences[i].content + sentences[i + 1].content))
        for i in range(len(sentences) - 1)
    ]


def lexical_similarity(first: Sequence[Item], second: Sequence[Item], settings: Settings) -> np.ndarray:
    """Similarity of every ``first`` item with every ``second`` item, one row per ``first`` item."""
    if not first or not second:
        return np.zeros((len(first), len(second)), dtype=np.float32)
    # Word level: Indel (LCS) similarity over content-word sequences, so word order counts.
    words = process.cdist(
        [c for _, c in first], [c for _, c in second], scorer=Indel.normalized_similarity, dtype=np.float32
    )
    # Character level, on all words: partial credit for inflections, spelling and punctuation.
    chars = process.cdist(
        [" ".join(w) for w, _ in first], [" ".join(w) for w, _ in second], scorer=fuzz.ratio, dtype=np.float32
    )
    return _weighted(words, chars, settings)


def paired_similarity(pairs: Sequence[tuple[SentenceFeatures, SentenceFeatures]], settings: Settings) -> np.ndarray:
    """Similarity of each given pair of sentences (one value per pair, not a matrix)."""
    words = np.array([Indel.normalized_similarity(a.content, b.content) for a, b in pairs], dtype=np.float32)
    chars = np.array([fuzz.ratio(" ".join(a.words), " ".join(b.words)) for a, b in pairs], dtype=np.float32)
    return _weighted(words, chars, settings)


def _weighted(words: np.ndarray, chars: np.ndarray, settings: Settings) -> np.ndarray:
    weight = settings.align_word_weight
    return weight * words + (1 - weight) * chars / 100
