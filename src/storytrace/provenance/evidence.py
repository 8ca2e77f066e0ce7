"""What an alignment says about a pair: coverages, rewriting, and so the kind of copy.

Every threshold is in :class:`~storytrace.settings.Settings` (see docs/copies.md for the
rules and their measurements).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from storytrace.align import Alignment, ArticleFeatures, Block, different_languages
from storytrace.embed import PassageCosines
from storytrace.settings import Settings

BlockCosines = Sequence[float | None]  # per block: the embedding cosine of its two sides, where measured


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
    passage_chars: int = 0  # characters in the longest run of adjacent copied sentences (shorter side)
    lone_chars: int = 0  # characters in the longest sentence copied on its own evidence (shorter side)


def measure(
    alignment: Alignment,
    first: ArticleFeatures,
    second: ArticleFeatures,
    settings: Settings,
    passage: PassageCosines | None = None,
    cosines: BlockCosines = (),
) -> PairEvidence:
    """Coverages, rewriting and shared passages of an aligned pair; ``passage`` (the embedder's
    cosines) and ``cosines`` (per block, where measured) let reworded and translated sentences count."""
    sides = (first, second)
    coverage: list[float] = []
    unquoted: list[float] = []
    aligned_counts: list[int] = []
    quoted_elsewhere = _quoted_by_the_other(alignment, first, second)
    for side, article in enumerate(sides):
        aligned = alignment.aligned(side)
        total = max(1, article.chars)
        covered = sum(article.sentences[i].chars for i in aligned)
        free_total = sum(s.chars * (1 - s.quoted_share) for s in article.sentences)
        free_covered = sum(
            article.sentences[i].chars
            * (1 - max(article.sentences[i].quoted_share, quoted_elsewhere[side].get(i, 0.0)))
            for i in aligned
        )
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
        **_passages(alignment, first, second, settings, passage, cosines),
    )


def _quoted_by_the_other(
    alignment: Alignment, first: ArticleFeatures, second: ArticleFeatures
) -> tuple[dict[int, float], dict[int, float]]:
    """Per side, for its aligned sentences, how much of the matching text on the other side is quoted:
    what one outlet quotes, another may print plainly, and it is the same statement."""
    shares: tuple[dict[int, float], dict[int, float]] = ({}, {})
    for block in alignment.blocks:
        a_quoted = max(s.quoted_share for s in first.sentences[block.a_start : block.a_end])
        b_quoted = max(s.quoted_share for s in second.sentences[block.b_start : block.b_end])
        for i in range(block.a_start, block.a_end):
            shares[0][i] = max(shares[0].get(i, 0.0), b_quoted)
        for j in range(block.b_start, block.b_end):
            shares[1][j] = max(shares[1].get(j, 0.0), a_quoted)
    return shares


def _passages(
    alignment: Alignment,
    first: ArticleFeatures,
    second: ArticleFeatures,
    settings: Settings,
    passage: PassageCosines | None,
    cosines: BlockCosines,
) -> dict[str, int]:
    """The longest run of adjacent copied sentences and the longest lone copied sentence, in characters.

    In one language a run may also hold edited sentences (lexical similarity at least
    ``copy_min_similarity``, the floor of whole copies) when it holds a sentence copied in nearly
    the same words: a copy that keeps one sentence of a paragraph and rewrites half of the next.
    """
    cross = different_languages(first, second)
    longest_run = lone = 0
    copied_run = _Run()  # adjacent copied sentences
    edited_run = _Run()  # adjacent copied or edited sentences, counted once one is copied in the same words
    previous: Block | None = None
    for index, block in enumerate(alignment.blocks):
        cosine = cosines[index] if index < len(cosines) else None
        copied, alone = _copied(block, cosine, cross, settings, passage)
        edited = not cross and block.similarity >= settings.copy_min_similarity
        if _quoted(block, first, second, settings):
            copied = alone = edited = False
        chars = min(_chars(first, block.a_start, block.a_end), _chars(second, block.b_start, block.b_end))
        adjacent = previous is not None and previous.a_end == block.a_start and previous.b_end == block.b_start
        copied_run.extend(copied, adjacent, chars, anchored=True)
        edited_run.extend(copied or edited, adjacent, chars, anchored=alone and not cross)
        for run in (copied_run, edited_run):
            if run.anchored and run.blocks >= settings.copy_passage_min_sentences:
                longest_run = max(longest_run, run.chars)
        if alone:
            lone = max(lone, chars)
        previous = block
    return {"passage_chars": longest_run, "lone_chars": lone}


@dataclass(slots=True)
class _Run:
    """A run of adjacent aligned blocks being measured: its blocks, characters, and whether it counts."""

    blocks: int = 0
    chars: int = 0
    anchored: bool = False

    def extend(self, member: bool, adjacent: bool, chars: int, anchored: bool) -> None:
        """Add the next block: a member continues the run (or starts one), anything else ends it."""
        if not (member and adjacent and self.blocks):
            self.blocks, self.chars, self.anchored = 0, 0, False
        if member:
            self.blocks, self.chars, self.anchored = self.blocks + 1, self.chars + chars, self.anchored or anchored


def _copied(
    block: Block, cosine: float | None, cross: bool, settings: Settings, passage: PassageCosines | None
) -> tuple[bool, bool]:
    """Whether an aligned block is copied text, and whether it is so on its own evidence.

    Across languages the block's similarity is its cosine: adjacent translated sentences count at
    the embedder's ``translation`` cosine, a lone one at ``lone_translation``. In one language a
    sentence is copied when it is nearly the same words (alone too), or the same meaning in
    reworded form (only in a run).
    """
    if cross:
        if passage is None:
            return False, False
        return block.similarity >= passage.translation, block.similarity >= passage.lone_translation
    # A reworded sentence alone is no evidence: two reporters paraphrase one statement alike (the
    # example corpus' two reports of the inquiry's opening reach 0.89 on one sentence).
    same_words = block.similarity >= settings.copy_passage_similarity
    reworded = cosine is not None and passage is not None and cosine >= passage.paraphrase
    return same_words or reworded, same_words


def _quoted(block: Block, first: ArticleFeatures, second: ArticleFeatures, settings: Settings) -> bool:
    return any(
        s.quoted_share >= settings.copy_quoted_block_share
        for s in (*first.sentences[block.a_start : block.a_end], *second.sentences[block.b_start : block.b_end])
    )


def _chars(article: ArticleFeatures, start: int, end: int) -> int:
    return sum(sentence.chars for sentence in article.sentences[start:end])


def reworded_blocks(
    alignment: Alignment, first: ArticleFeatures, second: ArticleFeatures, settings: Settings
) -> list[int]:
    """Blocks of a same-language pair that only an embedding can confirm as copied (reworded,
    unquoted), when together they could make a shared passage: the pairs worth embedding."""
    if different_languages(first, second):
        return []
    wanted = [
        index
        for index, block in enumerate(alignment.blocks)
        if block.similarity < settings.copy_passage_similarity and not _quoted(block, first, second, settings)
    ]
    chars = sum(
        min(_chars(first, b.a_start, b.a_end), _chars(second, b.b_start, b.b_end))
        for b in (alignment.blocks[i] for i in wanted)
    )
    return wanted if chars >= settings.copy_passage_min_chars else []


def shares_passage(evidence: PairEvidence, settings: Settings) -> bool:
    """Whether the pair shares copied text beyond quotations: a run of sentences or one long sentence."""
    return evidence.passage_chars >= settings.copy_passage_min_chars or (
        evidence.lone_chars >= settings.copy_passage_lone_chars
    )


def is_contained(evidence: PairEvidence, side: int, settings: Settings) -> bool:
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
