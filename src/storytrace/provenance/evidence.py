"""What an alignment says about a pair: coverages, rewriting, and so the kind of copy.

Every threshold is in :class:`~storytrace.settings.Settings` (see docs/copies.md for the
rules and their measurements).
"""

from __future__ import annotations

from dataclasses import dataclass

from storytrace.align import Alignment, ArticleFeatures, different_languages
from storytrace.settings import Settings


@dataclass(frozen=True, slots=True)
class PairEvidence:
    """Measurements of one aligned pair; index 0 is the first article, 1 the second."""

    coverage: tuple[float, float]  # share of each article's characters that is aligned
    unquoted_coverage: tuple[float, float]  # the same, counting only text outside quotation marks
    aligned_sentences: tuple[int, int]
    sentences: tuple[int, int]
    rewritten_share: float  # share of aligned characters in blocks below copy_identical_similarity
    identical_share: float  # share of aligned characters in blocks at or above it
    similarity: float  # character-weighted mean similarity of the aligned blocks
    cross_language: bool


def measure(alignment: Alignment, first: ArticleFeatures, second: ArticleFeatures, settings: Settings) -> PairEvidence:
    """Coverages and rewriting of an aligned pair."""
    sides = (first, second)
    coverage: list[float] = []
    unquoted: list[float] = []
    aligned_counts: list[int] = []
    for side, article in enumerate(sides):
        aligned = alignment.aligned(side)
        total = max(1, article.chars)
        covered = sum(article.sentences[i].chars for i in aligned)
        free_total = sum(s.chars * (1 - s.quoted_share) for s in article.sentences)
        free_covered = sum(article.sentences[i].chars * (1 - article.sentences[i].quoted_share) for i in aligned)
        coverage.append(covered / total)
        # An article made only of quotations has nothing unquoted: its plain coverage stands.
        unquoted.append(free_covered / free_total if free_total > 0 else covered / total)
        aligned_counts.append(len(aligned))
    weights = [sum(s.chars for s in first.sentences[b.a_start : b.a_end]) for b in alignment.blocks]
    total_weight = max(1, sum(weights))
    identical = sum(
        w for w, b in zip(weights, alignment.blocks, strict=True) if b.similarity >= settings.copy_identical_similarity
    )
    mean = sum(w * b.similarity for w, b in zip(weights, alignment.blocks, strict=True)) / total_weight
    return PairEvidence(
        coverage=(coverage[0], coverage[1]),
        unquoted_coverage=(unquoted[0], unquoted[1]),
        aligned_sentences=(aligned_counts[0], aligned_counts[1]),
        sentences=(len(first.sentences), len(second.sentences)),
        rewritten_share=(sum(weights) - identical) / total_weight if alignment.blocks else 0.0,
        identical_share=identical / total_weight if alignment.blocks else 0.0,
        similarity=mean,
        cross_language=different_languages(first, second),
    )


def is_copy_side(evidence: PairEvidence, side: int, settings: Settings) -> bool:
    """Whether the article on ``side`` is mostly made of the other's text (outside shared quotations)."""
    needed = min(settings.copy_min_aligned_sentences, evidence.sentences[side])
    return (
        evidence.aligned_sentences[side] >= max(1, needed)
        and evidence.unquoted_coverage[side] >= settings.copy_min_coverage
        and (
            evidence.similarity >= settings.copy_min_similarity
            or min(evidence.aligned_sentences) >= settings.copy_strong_alignment_sentences
        )
    )


def kind_of(evidence: PairEvidence, copy_side: int, settings: Settings) -> str:
    """verbatim | edited | spun | translated | excerpt, for the copy on ``copy_side``."""
    source_side = 1 - copy_side
    if evidence.cross_language:
        return "translated"
    if evidence.coverage[source_side] < settings.excerpt_max_source_coverage:
        return "excerpt"
    if evidence.rewritten_share >= settings.spun_min_rewritten_share:
        return "spun"
    if (
        min(evidence.coverage) >= settings.verbatim_min_coverage
        and evidence.identical_share >= settings.verbatim_min_identical_share
    ):
        return "verbatim"
    return "edited"


def score_of(evidence: PairEvidence, copy_side: int) -> float:
    """How much of the copy is the source's text, weighted by how faithfully: in [0, 1]."""
    return round(evidence.coverage[copy_side] * evidence.similarity, 4)
