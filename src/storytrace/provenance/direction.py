"""Which of two aligned articles is the original.

Publication dates decide when both are known and differ. Otherwise asymmetric textual
evidence decides, strongest first (the order measured in docs/copies.md §4):

1. an agency dateline ("LONDON (AP) —") that only one of them opens with: that one is the
   agency's text, or the copy nearer to it (a copy that keeps the credit has dropped less);
2. containment: when only one article is mostly made of the other's text, it is the copy
   (an excerpt, a trimmed copy). On real pages this is a weak sign (a page cut short or an
   agency alert is contained in its own later write-through), so a dateline outweighs it;
3. rewriting echoes, for rewritten (spun) copies: the words only the original uses recur in
   the other articles of the batch (independent reports of the event use the same names and
   standard wording), while a spinner's synonyms and a round-trip translation's choices rarely
   do. General word frequency is no guide: on the seeds the machine-translated copy uses the
   *more* common words ("reinforced" for "beefed"), while WordNet spinners pick rarer ones;
4. when both are mostly made of each other, a clear coverage gap marks the fuller text;
5. for two texts made of each other in one language, the fuller text (more characters); in two
   languages, the shorter one: translations run longer than their sources, in either direction
   (explicitation; Frankenberg-Garcia 2009 measured it both ways between English and Portuguese),
   when the lengths differ by at least ``direction_translation_min_expansion``.

Two excerpts that only share a passage (pages cut at different places) carry none of this;
their relation says ``undecided`` (listed with the smaller id first) rather than guessing.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from storytrace.align import Alignment, ArticleFeatures
from storytrace.days import publication_moment
from storytrace.provenance.evidence import PairEvidence, is_contained, shares_passage
from storytrace.settings import Settings


def _earlier_by_date(first: ArticleFeatures, second: ArticleFeatures) -> int | None:
    """0 or 1 for the article published first; None when a date is missing or they tie.

    A date-only value ties with any time on that day: "2021-12-23" says nothing about
    which of two articles of that day came first.
    """
    a, b = publication_moment(first.published), publication_moment(second.published)
    if a is None or b is None:
        return None
    if len(first.published or "") <= 10 or len(second.published or "") <= 10:
        a, b = datetime.combine(a.date(), datetime.min.time()), datetime.combine(b.date(), datetime.min.time())
    if a == b:
        return None
    return 0 if a < b else 1


def _far_apart(first: ArticleFeatures, second: ArticleFeatures, settings: Settings) -> bool:
    """Whether both are dated more than ``copy_passage_max_days`` apart: a passage shared across
    such a gap is an agency's background paragraph reused for another event, not a copy."""
    a, b = publication_moment(first.published), publication_moment(second.published)
    return a is not None and b is not None and abs((a.date() - b.date()).days) > settings.copy_passage_max_days


DocumentFrequency = Callable[[str], int]  # articles of the batch containing a content word


def _echo_original(
    alignment: Alignment,
    first: ArticleFeatures,
    second: ArticleFeatures,
    document_frequency: DocumentFrequency,
    settings: Settings,
) -> int | None:
    """The side whose rewritten wording recurs in more other articles, if clearly so."""
    first_words = {w for s in first.sentences for w in s.content}
    second_words = {w for s in second.sentences for w in s.content}
    echoes = [0, 0]
    for block in alignment.blocks:
        a_words = {w for s in first.sentences[block.a_start : block.a_end] for w in s.content}
        b_words = {w for s in second.sentences[block.b_start : block.b_end] for w in s.content}
        for side, own in enumerate((a_words - b_words, b_words - a_words)):
            for word in own:
                # Occurrences in articles other than this pair.
                echoes[side] += document_frequency(word) - (word in first_words) - (word in second_words)
    low, high = sorted(echoes)
    if high < settings.direction_echo_ratio * low + settings.direction_min_echoes:
        return None
    return 0 if echoes[0] > echoes[1] else 1


def original_side(
    alignment: Alignment,
    first: ArticleFeatures,
    second: ArticleFeatures,
    evidence: PairEvidence,
    document_frequency: DocumentFrequency,
    settings: Settings,
) -> tuple[int, str] | None:
    """(side of the original, the evidence used), or None when neither article is a copy of the other."""
    contained = [side for side in (0, 1) if is_contained(evidence, side, settings)]
    if not contained and not (shares_passage(evidence, settings) and not _far_apart(first, second, settings)):
        return None
    earlier = _earlier_by_date(first, second)
    if earlier is not None:
        return earlier, "publication date"
    if (first.dateline is None) != (second.dateline is None):
        return (0 if first.dateline is not None else 1), "agency dateline"
    if len(contained) == 1:
        return 1 - contained[0], "containment"
    if not evidence.cross_language and evidence.rewritten_share >= settings.spun_min_rewritten_share:
        echoed = _echo_original(alignment, first, second, document_frequency, settings)
        if echoed is not None:
            return echoed, "wording echoed by other articles"
    if not contained:
        return (0 if first.id <= second.id else 1), UNDECIDED
    gap = evidence.coverage[0] - evidence.coverage[1]
    if abs(gap) >= settings.direction_min_coverage_gap:
        return (0 if gap < 0 else 1), "containment"
    if evidence.cross_language:
        shorter, longer = sorted((first.chars, second.chars))
        if longer >= shorter * (1 + settings.direction_translation_min_expansion):
            return (0 if first.chars < second.chars else 1), "shorter translation"
        return (0 if first.id <= second.id else 1), UNDECIDED
    if first.chars != second.chars:
        return (0 if first.chars > second.chars else 1), "fuller text"
    return (0 if first.id <= second.id else 1), UNDECIDED


# The direction of a copy relation no evidence decides.
UNDECIDED = "undecided"
