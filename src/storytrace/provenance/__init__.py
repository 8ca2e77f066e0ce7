"""Copy detection: candidates → alignment → evidence → kind and direction → nearest source.

``detect_copies`` is the stage's one entry point; it works on cleaned articles and returns
one :class:`~storytrace.model.Copy` per derived article and source.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from threadpoolctl import threadpool_limits

from storytrace.align import (
    Alignment,
    ArticleFeatures,
    align_pair,
    article_features,
    different_languages,
    embedding_candidates,
    shingle_candidates,
    sketch_candidates,
    strongest,
)
from storytrace.embed import Embedder, PassageCosines, embed_unique, lead_vectors
from storytrace.executor import SERIAL, Executor, Step
from storytrace.model import Article, Copy, Passage
from storytrace.progress import ProgressSink, SilentProgress
from storytrace.provenance.direction import UNDECIDED, original_side
from storytrace.provenance.evidence import BlockCosines, kind_of, measure, reworded_blocks, score_of
from storytrace.settings import DEFAULT_SETTINGS, Settings

__all__ = ["UNDECIDED", "compare_articles", "detect_copies", "nearest_sources"]


def _sentence_texts(feature: ArticleFeatures, article: Article, limit: int | None = None) -> list[str]:
    return [article.text[s.span[0] : s.span[1]] for s in feature.sentences[:limit]]


def detect_copies(
    articles: Sequence[Article],
    settings: Settings = DEFAULT_SETTINGS,
    embedder: Embedder | None = None,
    progress: ProgressSink | None = None,
    executor: Executor = SERIAL,
) -> list[Copy]:
    """Every copy relation among ``articles``, each copy pointing to its nearest source.

    Without an embedder only same-language copies are found (lexical features); with one,
    translations too. Pairs are never enumerated exhaustively: see ``storytrace.align.candidates``.
    Candidate pairs are aligned by ``executor`` (step ``aligning candidates``).
    """
    sink = progress or SilentProgress()
    sink.stage("finding copy candidates", None)
    features = [article_features(article, settings) for article in articles]
    candidates = sketch_candidates(features, settings)
    for pair, estimate in shingle_candidates(features, settings).items():
        candidates[pair] = max(estimate, candidates.get(pair, 0.0))
    if embedder is not None and len({f.language for f in features if f.language}) > 1:
        means = lead_vectors(articles, embedder, settings.copy_embedding_lead_sentences)
        for pair, cosine in embedding_candidates(features, means, embedder.match_cosine, settings).items():
            candidates[pair] = max(cosine, candidates.get(pair, 0.0))
    pairs = strongest(candidates, settings.copy_candidate_max_per_article)
    # Sentence embeddings only for the articles of cross-language candidates.
    vectors: dict[int, np.ndarray] = {}
    if embedder is not None:
        crossing = sorted({i for pair in pairs if different_languages(*(features[k] for k in pair)) for i in pair})
        texts = [_sentence_texts(features[i], articles[i]) for i in crossing]
        matrix = embed_unique([text for sentences in texts for text in sentences], embedder)
        offset = 0
        for index, sentences in zip(crossing, texts, strict=True):
            vectors[index] = matrix[offset : offset + len(sentences)]
            offset += len(sentences)

    aligner = _PairAligner(features, vectors, settings, embedder)
    sink.stage("aligning candidates", len(pairs))
    copies: list[Copy] = []
    reworded: list[_Reworded] = []
    for result in _align_all(aligner, pairs, executor, sink):
        if isinstance(result, Copy):
            copies.append(result)
        elif result is not None:
            reworded.append(result)
    if reworded and embedder is not None:
        sink.stage("checking reworded passages", len(reworded))
        copies.extend(_confirm_reworded(reworded, aligner, articles, embedder, sink))
    return nearest_sources(copies, {article.id: max(1, len(article.text)) for article in articles}, settings)


def compare_articles(
    first: Article,
    second: Article,
    settings: Settings = DEFAULT_SETTINGS,
    embedder: Embedder | None = None,
    context: Sequence[ArticleFeatures] = (),
    features: tuple[ArticleFeatures, ArticleFeatures] | None = None,
) -> tuple[tuple[Passage, ...], Copy | None]:
    """Align two articles: their shared passages (``first``'s spans as ``original``) and the copy relation, if any.

    The verdict is the one ``detect_copies`` gives the pair in a batch made of the two and
    ``context``: other articles of the same story, whose words shared with each side are the
    echoes that can tell the original from the copy. ``storytrace add``, ``storytrace compare``
    and the web's side-by-side view judge pairs this way. ``features`` are the two articles'
    ``article_features`` under ``settings`` when the caller has them already (``add`` does, for
    its candidates: computing them again was a third of the time spent judging pairs).
    """
    if features is None:
        features = (article_features(first, settings), article_features(second, settings))
    vectors = None
    if embedder is not None and different_languages(*features):
        vectors = (
            embed_unique(_sentence_texts(features[0], first), embedder),
            embed_unique(_sentence_texts(features[1], second), embedder),
        )
    alignment = align_pair(
        features[0], features[1], settings, vectors, match_cosine=embedder.match_cosine if embedder else 1.0
    )
    frequency = _DocumentFrequency([*features, *context])
    passage = embedder.passage if embedder is not None else None
    relation = _relation(alignment, features[0], features[1], frequency, settings, passage)
    if (
        relation is None
        and embedder is not None
        and (blocks := reworded_blocks(alignment, features[0], features[1], settings))
    ):
        pending = _Reworded(0, 1, alignment, tuple(blocks))
        cosines = _block_cosines([pending], features, [first, second], embedder)[0]
        relation = _relation(alignment, features[0], features[1], frequency, settings, passage, cosines)
    return alignment.as_passages(first_is_original=True), relation


@dataclass(frozen=True, slots=True)
class _Reworded:
    """A same-language pair whose alignment makes a copy only if embeddings confirm its reworded blocks."""

    first: int
    second: int
    alignment: Alignment
    blocks: tuple[int, ...]


class _PairAligner:
    """Aligns one candidate pair and judges it; holds what every pair needs."""

    def __init__(
        self,
        features: Sequence[ArticleFeatures],
        vectors: dict[int, np.ndarray],
        settings: Settings,
        embedder: Embedder | None,
    ) -> None:
        self.features = features
        self.vectors = vectors
        self.settings = settings
        self.match_cosine = embedder.match_cosine if embedder is not None else 1.0
        self.passage = embedder.passage if embedder is not None else None
        self.frequency = _DocumentFrequency(features)

    def __call__(self, pair: tuple[int, int]) -> Copy | _Reworded | None:
        """The pair's copy relation; or, with an embedder, the reworded blocks still to confirm."""
        first, second = self.features[pair[0]], self.features[pair[1]]
        pair_vectors = None
        if different_languages(first, second):
            if pair[0] not in self.vectors:
                return None  # lexical similarity means nothing across languages
            pair_vectors = (self.vectors[pair[0]], self.vectors[pair[1]])
        settings = self.settings
        alignment = align_pair(first, second, settings, pair_vectors, settings.copy_min_coverage, self.match_cosine)
        relation = _relation(alignment, first, second, self.frequency, settings, self.passage)
        if relation is not None or self.passage is None:
            return relation
        blocks = reworded_blocks(alignment, first, second, settings)
        return _Reworded(pair[0], pair[1], alignment, tuple(blocks)) if blocks else None

    def confirm(self, pending: _Reworded, cosines: BlockCosines) -> Copy | None:
        """The relation of a reworded pair once its blocks' cosines are known."""
        first, second = self.features[pending.first], self.features[pending.second]
        return _relation(pending.alignment, first, second, self.frequency, self.settings, self.passage, cosines)


def _block_cosines(
    pending: Sequence[_Reworded],
    features: Sequence[ArticleFeatures],
    articles: Sequence[Article],
    embedder: Embedder,
) -> list[list[float | None]]:
    """Per pair, the embedding cosine of each reworded block's two sides (None for other blocks),
    all pairs' block texts embedded in one call."""
    texts: list[str] = []
    for item in pending:
        for side, index in ((0, item.first), (1, item.second)):
            sentences = _sentence_texts(features[index], articles[index])  # once per article, not per block
            for number in item.blocks:
                block = item.alignment.blocks[number]
                start, end = (block.a_start, block.a_end) if side == 0 else (block.b_start, block.b_end)
                texts.append(" ".join(sentences[start:end]))
    vectors = embed_unique(texts, embedder)
    cosines: list[list[float | None]] = []
    offset = 0
    for item in pending:
        count = len(item.blocks)
        left, right = vectors[offset : offset + count], vectors[offset + count : offset + 2 * count]
        offset += 2 * count
        values: list[float | None] = [None] * len(item.alignment.blocks)
        for number, cosine in zip(item.blocks, np.einsum("ij,ij->i", left, right).tolist(), strict=True):
            values[number] = float(cosine)
        cosines.append(values)
    return cosines


def _confirm_reworded(
    pending: Sequence[_Reworded],
    aligner: _PairAligner,
    articles: Sequence[Article],
    embedder: Embedder,
    sink: ProgressSink,
) -> list[Copy]:
    """The copies among pairs whose reworded blocks embeddings confirm, in batches of bounded memory."""
    found: list[Copy] = []
    for start in range(0, len(pending), _ALIGN_CHUNK):
        chunk = pending[start : start + _ALIGN_CHUNK]
        for item, cosines in zip(chunk, _block_cosines(chunk, aligner.features, articles, embedder), strict=True):
            if (relation := aligner.confirm(item, cosines)) is not None:
                found.append(relation)
        sink.advance(len(chunk))
    return found


def _align_chunk(aligner: _PairAligner, pairs: list[tuple[int, int]]) -> list[Copy | _Reworded | None]:
    """Align and judge a chunk of candidate pairs."""
    # Alignment multiplies many small matrices: BLAS threads only add hand-over costs there
    # (and spin against each other on a busy machine), so they are held to one.
    with threadpool_limits(limits=1, user_api="blas"):
        return [aligner(pair) for pair in pairs]


_ALIGN_CHUNK = 256


def _count_words(aligner: _PairAligner) -> None:
    aligner.frequency.counts()


# Chunks of 256 pairs; below 8 chunks (about 2,000 pairs) starting workers costs more than it
# saves. Workers inherit the aligner (every article's features) by forking: copy-on-write
# instead of pickled to each, with its document frequencies counted first (once, not per worker).
ALIGNING = Step("aligning candidates", _align_chunk, parallel_from=8, inherit_context=True, before_fork=_count_words)


def _align_all(
    aligner: _PairAligner, pairs: list[tuple[int, int]], executor: Executor, sink: ProgressSink
) -> Iterator[Copy | _Reworded | None]:
    """Align every pair with the executor's ``aligning candidates`` step."""
    chunks = [pairs[start : start + _ALIGN_CHUNK] for start in range(0, len(pairs), _ALIGN_CHUNK)]
    # A forked process inherits no threads: once an embedder has run here (sentence vectors),
    # its thread pool would not survive a fork, so the alignment stays in this process.
    runner = executor.serial() if aligner.vectors else executor
    for chunk, results in zip(chunks, runner.map(ALIGNING, chunks, aligner), strict=True):
        sink.advance(len(chunk))
        yield from results


class _DocumentFrequency:
    """Articles containing each content word, counted on first use (most batches never need it)."""

    def __init__(self, features: Sequence[ArticleFeatures]) -> None:
        self.features = features
        self._counts: Counter[str] | None = None

    def counts(self) -> Counter[str]:
        """The counts, computed once."""
        if self._counts is None:
            self._counts = Counter(w for f in self.features for w in {w for s in f.sentences for w in s.content})
        return self._counts

    def __call__(self, word: str) -> int:
        return self.counts()[word]


def _relation(
    alignment: Alignment,
    first: ArticleFeatures,
    second: ArticleFeatures,
    frequency: _DocumentFrequency,
    settings: Settings,
    passage: PassageCosines | None = None,
    cosines: BlockCosines = (),
) -> Copy | None:
    """The copy relation an alignment supports, or None (never an article with itself)."""
    if not alignment.blocks or first.id == second.id:
        return None
    evidence = measure(alignment, first, second, settings, passage, cosines)
    decided = original_side(alignment, first, second, evidence, frequency, settings)
    if decided is None:
        return None
    original, basis = decided
    copy_side = 1 - original
    return Copy(
        original=(first, second)[original].id,
        copy=(first, second)[copy_side].id,
        kind=kind_of(evidence, copy_side, settings),
        score=score_of(evidence, copy_side),
        passages=alignment.as_passages(first_is_original=original == 0),
        direction=basis,
    )


def nearest_sources(
    copies: Sequence[Copy], lengths: Mapping[str, int], settings: Settings = DEFAULT_SETTINGS
) -> list[Copy]:
    """Keep, for each copy, its closest source: a copy of a copy points to the copy it was made from.

    A copy's best relation names its source: the highest score (to two decimals, since equal
    texts score alike), then the source with the least text beyond what the copy took (``lengths``
    are the articles' text lengths), then a source that is no copy itself, then the smaller id. Another
    relation into the same copy is kept only when its passages cover at least
    ``copy_other_source_min_share`` of the copy's aligned text that the best source does not
    (an article stitched from two sources); otherwise the best source explains it.
    """
    incoming: dict[str, list[Copy]] = defaultdict(list)
    for relation in copies:
        incoming[relation.copy].append(relation)
    kept: list[Copy] = []
    for relations in incoming.values():
        relations.sort(
            key=lambda r: (
                -round(r.score, 2),
                -round(sum(end - start for start, end in (p.original for p in r.passages)) / lengths[r.original], 2),
                r.original in incoming,
                r.original,
            )
        )
        explained = _covered(relations[0])
        kept.append(relations[0])
        for other in relations[1:]:
            spans = _covered(other)
            if len(spans - explained) >= settings.copy_other_source_min_share * max(1, len(spans)):
                kept.append(other)
                explained |= spans
    return sorted(kept, key=lambda r: (r.original, r.copy))


def _covered(relation: Copy) -> set[int]:
    """Character offsets of the copy that the relation's passages cover."""
    return {offset for passage in relation.passages for offset in range(*passage.copy)}
