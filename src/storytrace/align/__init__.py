"""Passage alignment of two articles: which sentences of one match which of the other.

The sentence similarity matrix (rapidfuzz, or embedding cosine across languages) is turned
into a maximum-weight monotone chain of aligned blocks: 1-1 sentence pairs plus 2-1 and 1-2
merges for split or joined sentences (dynamic programming over the matrix's positive cells).
Pairs outside the chain that are still very similar are added as moved passages, since
edited copies reorder paragraphs. Adjacent blocks merge into passages.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from storytrace.align.candidates import embedding_candidates, shingle_candidates, sketch_candidates, strongest
from storytrace.align.features import (
    ArticleFeatures,
    article_features,
    different_languages,
    quoted_spans,
)
from storytrace.align.lexical import joined_items, lexical_similarity, sentence_items
from storytrace.model import Passage
from storytrace.settings import Settings

__all__ = [
    "Alignment",
    "ArticleFeatures",
    "Block",
    "align_pair",
    "article_features",
    "different_languages",
    "embedding_candidates",
    "quoted_spans",
    "shingle_candidates",
    "sketch_candidates",
    "strongest",
]


@dataclass(frozen=True, slots=True)
class Block:
    """Sentences ``first[a_start:a_end]`` aligned with ``second[b_start:b_end]`` at a similarity."""

    a_start: int
    a_end: int
    b_start: int
    b_end: int
    similarity: float


@dataclass(frozen=True, slots=True)
class Alignment:
    """The aligned blocks of two articles and the passages they form (spans in each text)."""

    blocks: tuple[Block, ...]
    passages: tuple[tuple[tuple[int, int], tuple[int, int], float], ...]

    def aligned(self, side: int) -> set[int]:
        """Sentence indexes of the first (``side=0``) or second article that are aligned."""
        return {
            i
            for block in self.blocks
            for i in (range(block.a_start, block.a_end) if side == 0 else range(block.b_start, block.b_end))
        }

    def as_passages(self, first_is_original: bool) -> tuple[Passage, ...]:
        """The passages as model records, original side first."""
        return tuple(
            Passage(original=a, copy=b, similarity=s)
            if first_is_original
            else Passage(original=b, copy=a, similarity=s)
            for a, b, s in self.passages
        )


def _reachable_share(similarity: np.ndarray, article: ArticleFeatures, axis: int, floor: float) -> float:
    """Share of an article's characters in sentences that could align (their best cell is near the floor)."""
    if similarity.size == 0:
        return 0.0
    possible = similarity.max(axis=axis) >= floor
    chars = np.fromiter((s.chars for s in article.sentences), dtype=np.float64, count=len(article.sentences))
    return float(chars[possible].sum() / max(1.0, chars.sum()))


def align_pair(
    first: ArticleFeatures,
    second: ArticleFeatures,
    settings: Settings,
    vectors: tuple[np.ndarray, np.ndarray] | None = None,
    min_coverage: float = 0.0,
    match_cosine: float = 1.0,
) -> Alignment:
    """Align two articles' sentences; ``vectors`` (sentence embeddings) are used across languages,
    where sentences align when their cosine reaches the embedder's ``match_cosine``.

    With ``min_coverage``, a pair where neither article can reach that aligned share is
    aligned 1-1 only (merges skipped): copy detection needs no more to reject it.
    """
    a_words = sentence_items(first.sentences)
    b_words = sentence_items(second.sentences)
    cross_language = vectors is not None and different_languages(first, second)
    no_merges = np.zeros((0, 0), dtype=np.float32)
    if cross_language and vectors is not None:
        a_vectors, b_vectors = vectors
        similarity = a_vectors @ b_vectors.T
        floor = match_cosine
        # Merges need the joined sentence's embedding, which would cost another model call
        # per candidate; translations keep sentence boundaries well enough without them.
        joined_a = joined_b = no_merges
    else:
        similarity = lexical_similarity(a_words, b_words, settings)
        floor = settings.align_min_similarity
        reach = floor - settings.align_merge_slack
        promising = max(_reachable_share(similarity, first, 1, reach), _reachable_share(similarity, second, 0, reach))
        if promising < min_coverage:
            joined_a = joined_b = no_merges
        else:
            joined_a = lexical_similarity(joined_items(first.sentences), b_words, settings)
            joined_b = lexical_similarity(a_words, joined_items(second.sentences), settings).T
    blocks = _chain(similarity, joined_a, joined_b, floor, settings.align_best_per_line)
    blocks = _add_moved(blocks, similarity, max(floor, settings.align_moved_min_similarity))
    return Alignment(tuple(blocks), _passages(blocks, first, second))


def _chain(
    similarity: np.ndarray, joined_a: np.ndarray, joined_b: np.ndarray, floor: float, best_per_line: int
) -> list[Block]:
    """Maximum-weight monotone chain of blocks whose similarity exceeds ``floor``.

    A block gains (similarity - floor) times the sentences it covers (averaged over both
    sides), so one good 2-1 merge beats a 1-1 pair that leaves a sentence out. Only positive
    cells can be in the chain, so the DP runs over those (few, except for real copies),
    not over the whole matrix.
    """
    items: list[Block] = [
        Block(int(i), int(i) + 1, int(j), int(j) + 1, float(similarity[i, j]))
        for i, j in zip(*np.nonzero((similarity > floor) & _near_best(similarity, best_per_line)), strict=True)
    ]
    items += [
        Block(int(i), int(i) + 2, int(j), int(j) + 1, float(joined_a[i, j]))
        for i, j in zip(*np.nonzero(joined_a > floor), strict=True)
        if joined_a[i, j] > max(similarity[i, j], similarity[i + 1, j])
    ]
    items += [
        Block(int(i), int(i) + 1, int(j), int(j) + 2, float(joined_b[j, i]))
        for j, i in zip(*np.nonzero(joined_b > floor), strict=True)
        if joined_b[j, i] > max(similarity[i, j], similarity[i, j + 1])
    ]
    if not items:
        return []
    return _best_chain(items, floor, len(similarity[0]) if len(similarity) else 0)


def _near_best(similarity: np.ndarray, best: int) -> np.ndarray:
    """Mask of cells among the ``best`` highest of their row or of their column."""
    rows, columns = similarity.shape
    mask = np.zeros(similarity.shape, dtype=bool)
    if rows == 0 or columns == 0:
        return mask
    if columns > best:
        top = np.argpartition(-similarity, best - 1, axis=1)[:, :best]
        mask[np.arange(rows)[:, None], top] = True
    else:
        mask[:] = True
    if rows > best:
        top = np.argpartition(-similarity, best - 1, axis=0)[:best, :]
        mask[top, np.arange(columns)[None, :]] = True
    else:
        mask[:] = True
    return mask


def _best_chain(items: list[Block], floor: float, columns: int) -> list[Block]:
    """The chain of blocks, increasing on both sides, with the largest total gain.

    Blocks are visited by start row; a block becomes available to later ones once their start
    row reaches its end row, and a Fenwick tree over end columns gives the best chain ending
    before any column in O(log m): O(k log m) for k blocks instead of O(k^2), which matters
    for long near-identical articles where most cells are positive.
    """

    def gain(block: Block) -> float:
        covered = (block.a_end - block.a_start + block.b_end - block.b_start) / 2
        return (block.similarity - floor) * covered

    tree_value = [0.0] * (columns + 1)  # best chain gain ending at column < index (1-based Fenwick)
    tree_item = [-1] * (columns + 1)

    def record(column_end: int, value: float, item: int) -> None:
        position = column_end  # chains ending at b_end are usable by blocks starting at b_end or later
        while position <= columns:
            if value > tree_value[position]:
                tree_value[position], tree_item[position] = value, item
            position += position & -position

    def best_before(column_start: int) -> tuple[float, int]:
        value, item, position = 0.0, -1, column_start
        while position > 0:
            if tree_value[position] > value:
                value, item = tree_value[position], tree_item[position]
            position -= position & -position
        return value, item

    by_start = sorted(range(len(items)), key=lambda k: (items[k].a_start, items[k].b_start))
    by_end = sorted(range(len(items)), key=lambda k: items[k].a_end)
    total = [0.0] * len(items)
    previous = [-1] * len(items)
    released = 0
    for k in by_start:
        block = items[k]
        while released < len(by_end) and items[by_end[released]].a_end <= block.a_start:
            done = by_end[released]
            record(items[done].b_end, total[done], done)
            released += 1
        value, before = best_before(block.b_start)
        total[k], previous[k] = value + gain(block), before
    k = max(range(len(items)), key=total.__getitem__)
    chain: list[Block] = []
    while k >= 0:
        chain.append(items[k])
        k = previous[k]
    return chain[::-1]


def _add_moved(blocks: list[Block], similarity: np.ndarray, floor: float) -> list[Block]:
    """Add very similar 1-1 pairs left out of the monotone chain (reordered sentences), greedily."""
    used_a = {i for b in blocks for i in range(b.a_start, b.a_end)}
    used_b = {j for b in blocks for j in range(b.b_start, b.b_end)}
    rows, columns = np.nonzero(similarity >= floor)
    order = np.argsort(-similarity[rows, columns], kind="stable")
    moved = list(blocks)
    for i, j in zip(rows[order].tolist(), columns[order].tolist(), strict=True):
        if i not in used_a and j not in used_b:
            moved.append(Block(i, i + 1, j, j + 1, float(similarity[i, j])))
            used_a.add(i)
            used_b.add(j)
    return sorted(moved, key=lambda block: (block.a_start, block.b_start))


def _passages(
    blocks: list[Block], first: ArticleFeatures, second: ArticleFeatures
) -> tuple[tuple[tuple[int, int], tuple[int, int], float], ...]:
    """Merge blocks adjacent on both sides into passages with character spans and a mean similarity."""
    groups: list[list[Block]] = []
    for block in blocks:
        if groups and groups[-1][-1].a_end == block.a_start and groups[-1][-1].b_end == block.b_start:
            groups[-1].append(block)
        else:
            groups.append([block])
    passages = []
    for group in groups:
        a_span = (first.sentences[group[0].a_start].span[0], first.sentences[group[-1].a_end - 1].span[1])
        b_span = (second.sentences[group[0].b_start].span[0], second.sentences[group[-1].b_end - 1].span[1])
        weights = [sum(s.chars for s in first.sentences[b.a_start : b.a_end]) for b in group]
        mean = sum(w * b.similarity for w, b in zip(weights, group, strict=True)) / max(1, sum(weights))
        passages.append((a_span, b_span, round(mean, 4)))
    return tuple(passages)
