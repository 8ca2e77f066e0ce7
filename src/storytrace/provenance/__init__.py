"""Copy detection: candidates → alignment → evidence → kind and direction → nearest source.

``detect_copies`` is the stage's one entry point; it works on cleaned articles and returns
one :class:`~storytrace.model.Copy` per derived article and source.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence

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
from storytrace.embed import Embedder
from storytrace.model import Article, Copy, Passage
from storytrace.progress import ProgressSink, SilentProgress
from storytrace.provenance.direction import original_side
from storytrace.provenance.evidence import kind_of, measure, score_of
from storytrace.settings import DEFAULT_SETTINGS, Settings

__all__ = ["compare_articles", "detect_copies", "nearest_sources"]


def _embed_unique(texts: list[str], embedder: Embedder) -> np.ndarray:
    """Embed texts, each distinct string once (syndicated and templated pages repeat sentences)."""
    distinct = list(dict.fromkeys(texts))
    if not distinct:
        return np.zeros((0, embedder.dimensions), dtype=np.float32)
    vectors = embedder.embed(distinct)
    row = {text: index for index, text in enumerate(distinct)}
    return vectors[[row[text] for text in texts]]


def _sentence_texts(feature: ArticleFeatures, article: Article, limit: int | None = None) -> list[str]:
    return [article.text[s.span[0] : s.span[1]] for s in feature.sentences[:limit]]


def _lead_vectors(
    features: Sequence[ArticleFeatures], articles: Sequence[Article], embedder: Embedder, settings: Settings
) -> np.ndarray:
    """Each article's mean embedding of its lead sentences (unit length), to find translation candidates.

    The lead is enough to tell what an article reports, and embedding every sentence of every
    article would make a multilingual batch cost the model's time for its whole text.
    """
    leads = [
        _sentence_texts(f, a, settings.copy_embedding_lead_sentences) for f, a in zip(features, articles, strict=True)
    ]
    matrix = _embed_unique([text for lead in leads for text in lead], embedder)
    means = np.zeros((len(features), embedder.dimensions), dtype=np.float32)
    offset = 0
    for index, lead in enumerate(leads):
        if lead:
            mean = matrix[offset : offset + len(lead)].mean(axis=0)
            means[index] = mean / max(float(np.linalg.norm(mean)), 1e-12)
        offset += len(lead)
    return means


def detect_copies(
    articles: Sequence[Article],
    settings: Settings = DEFAULT_SETTINGS,
    embedder: Embedder | None = None,
    progress: ProgressSink | None = None,
) -> list[Copy]:
    """Every copy relation among ``articles``, each copy pointing to its nearest source.

    Without an embedder only same-language copies are found (lexical features); with one,
    translations too. Pairs are never enumerated exhaustively: see ``storytrace.align.candidates``.
    """
    sink = progress or SilentProgress()
    sink.stage("finding copy candidates", None)
    features = [article_features(article) for article in articles]
    candidates = sketch_candidates(features, settings)
    for pair, estimate in shingle_candidates(features, settings).items():
        candidates[pair] = max(estimate, candidates.get(pair, 0.0))
    if embedder is not None and len({f.language for f in features if f.language}) > 1:
        means = _lead_vectors(features, articles, embedder, settings)
        for pair, cosine in embedding_candidates(features, means, embedder.match_cosine, settings).items():
            candidates[pair] = max(cosine, candidates.get(pair, 0.0))
    pairs = strongest(candidates, settings.copy_candidate_max_per_article)
    # Sentence embeddings only for the articles of cross-language candidates.
    vectors: dict[int, np.ndarray] = {}
    if embedder is not None:
        crossing = sorted({i for pair in pairs if different_languages(*(features[k] for k in pair)) for i in pair})
        texts = [_sentence_texts(features[i], articles[i]) for i in crossing]
        matrix = _embed_unique([text for sentences in texts for text in sentences], embedder)
        offset = 0
        for index, sentences in zip(crossing, texts, strict=True):
            vectors[index] = matrix[offset : offset + len(sentences)]
            offset += len(sentences)

    frequency = _DocumentFrequency(features)
    sink.stage("aligning candidates", len(pairs))
    copies: list[Copy] = []
    match_cosine = embedder.match_cosine if embedder is not None else 1.0
    # Alignment multiplies many small matrices: BLAS threads only add hand-over costs there
    # (and spin against each other on a busy machine), so they are held to one.
    with threadpool_limits(limits=1, user_api="blas"):
        for first_index, second_index in pairs:
            sink.advance()
            first, second = features[first_index], features[second_index]
            pair_vectors = None
            if different_languages(first, second):
                if first_index not in vectors:
                    continue  # lexical similarity means nothing across languages
                pair_vectors = (vectors[first_index], vectors[second_index])
            alignment = align_pair(first, second, settings, pair_vectors, settings.copy_min_coverage, match_cosine)
            relation = _relation(alignment, first, second, frequency, settings)
            if relation is not None:
                copies.append(relation)
    return nearest_sources(copies, settings)


def compare_articles(
    first: Article, second: Article, settings: Settings = DEFAULT_SETTINGS, embedder: Embedder | None = None
) -> tuple[tuple[Passage, ...], Copy | None]:
    """Align two articles: their shared passages (``first``'s spans as ``original``) and the copy relation, if any."""
    features = [article_features(first), article_features(second)]
    vectors = None
    if embedder is not None and different_languages(*features):
        vectors = (
            _embed_unique(_sentence_texts(features[0], first), embedder),
            _embed_unique(_sentence_texts(features[1], second), embedder),
        )
    alignment = align_pair(
        features[0], features[1], settings, vectors, match_cosine=embedder.match_cosine if embedder else 1.0
    )
    relation = _relation(alignment, features[0], features[1], _DocumentFrequency(features), settings)
    return alignment.as_passages(first_is_original=True), relation


class _DocumentFrequency:
    """Articles containing each content word, counted on first use (most batches never need it)."""

    def __init__(self, features: Sequence[ArticleFeatures]) -> None:
        self.features = features
        self.counts: Counter[str] | None = None

    def __call__(self, word: str) -> int:
        if self.counts is None:
            self.counts = Counter(w for f in self.features for w in {w for s in f.sentences for w in s.content})
        return self.counts[word]


def _relation(
    alignment: Alignment,
    first: ArticleFeatures,
    second: ArticleFeatures,
    frequency: _DocumentFrequency,
    settings: Settings,
) -> Copy | None:
    """The copy relation an alignment supports, or None."""
    if not alignment.blocks:
        return None
    evidence = measure(alignment, first, second, settings)
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


def nearest_sources(copies: Sequence[Copy], settings: Settings = DEFAULT_SETTINGS) -> list[Copy]:
    """Keep, for each copy, its closest source: a copy of a copy points to the copy it was made from.

    A copy's best relation (highest score, then earliest original id) names its source. Another
    relation into the same copy is kept only when its passages cover at least
    ``copy_other_source_min_share`` of the copy's aligned text that the best source does not
    (an article stitched from two sources); otherwise the best source explains it.
    """
    incoming: dict[str, list[Copy]] = defaultdict(list)
    for relation in copies:
        incoming[relation.copy].append(relation)
    kept: list[Copy] = []
    for relations in incoming.values():
        relations.sort(key=lambda r: (-r.score, r.original))
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
