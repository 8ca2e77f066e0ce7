"""Candidate pairs for copy detection, found through indexes instead of comparing all pairs.

Three indexes, each catching what the others miss:

* document MinHash LSH over word 5-gram shingles (rensa): near-duplicates, cheaply;
* sentence sketches (pairs of a sentence's bottom-k content-word hashes, a one-permutation
  MinHash per sentence): articles that share rewritten sentences, such as spun copies whose
  5-gram overlap is far below any near-duplicate threshold, and excerpts;
* embeddings (only with an embedder, only across languages): translations.

Every candidate is checked by alignment, so the indexes favour recall.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Sequence
from itertools import combinations

import numpy as np
from rensa import RMinHash, RMinHashLSH

from storytrace.align.features import ArticleFeatures
from storytrace.settings import Settings

Pair = tuple[int, int]  # indexes into the feature list, smaller first

# rensa's permutations are seeded; a fixed seed keeps candidate sets reproducible across runs.
_MINHASH_SEED = 42


def shingle_candidates(features: Sequence[ArticleFeatures], settings: Settings) -> dict[Pair, float]:
    """Pairs whose word-shingle Jaccard likely reaches ``copy_lsh_threshold`` (MinHash LSH), with its estimate."""
    size = settings.copy_shingle_words
    lsh = RMinHashLSH(settings.copy_lsh_threshold, settings.copy_minhash_permutations, _bands(settings))
    signatures: dict[int, RMinHash] = {}
    for index, article in enumerate(features):
        words = [word for sentence in article.sentences for word in sentence.words]
        if len(words) < size:
            continue
        signature = RMinHash(settings.copy_minhash_permutations, _MINHASH_SEED)
        signature.update([" ".join(words[i : i + size]) for i in range(len(words) - size + 1)])
        lsh.insert(index, signature)
        signatures[index] = signature
    pairs: dict[Pair, float] = {}
    # A bucket of templated pages can hold thousands of near-identical articles; estimating
    # a few times the per-article cap of them is enough to pick the strongest.
    limit = 4 * settings.copy_candidate_max_per_article
    for index, signature in signatures.items():
        for other in sorted(other for other in lsh.query(signature) if other > index)[:limit]:
            pairs[(index, other)] = signatures[other].jaccard(signature)
    return pairs


def _bands(settings: Settings) -> int:
    """Bands b (rows r = perms / b) whose S-curve midpoint (1/b)^(1/r) is nearest the threshold."""
    permutations = settings.copy_minhash_permutations
    divisors = [b for b in range(1, permutations + 1) if permutations % b == 0]
    return min(divisors, key=lambda b: abs((1 / b) ** (b / permutations) - settings.copy_lsh_threshold))


def sketch_candidates(features: Sequence[ArticleFeatures], settings: Settings) -> dict[Pair, float]:
    """Pairs sharing enough sentences whose content-word sketches collide, with the share of sentences shared.

    Each sentence is keyed by every pair of its ``copy_sketch_size`` smallest content-word
    hashes. Two sentences with content-word Jaccard J share the smallest hash with probability
    J, so pairs of the bottom three survive a rewrite of a third of the words with high
    probability, while unrelated sentences rarely share two specific words.
    """
    buckets: dict[tuple[int, int], list[tuple[int, int]]] = defaultdict(list)
    for index, article in enumerate(features):
        for position, sentence in enumerate(article.sentences):
            if len(sentence.content) < settings.copy_sentence_min_words:
                continue
            # Python's str hash is stable within one process, which is all an in-memory index needs.
            smallest = heapq.nsmallest(settings.copy_sketch_size, {hash(word) for word in sentence.content})
            for key in combinations(smallest, 2):
                buckets[key].append((index, position))

    shared: dict[Pair, set[int]] = defaultdict(set)  # pair -> sentences of its first article that matched
    shared_second: dict[Pair, set[int]] = defaultdict(set)
    for members in buckets.values():
        articles = {index for index, _ in members}
        if len(articles) < 2 or len(articles) > settings.copy_bucket_max_articles:
            continue
        for (first, first_sentence), (second, second_sentence) in combinations(members, 2):
            if first == second:
                continue
            if first > second:
                first, first_sentence, second, second_sentence = second, second_sentence, first, first_sentence
            shared[(first, second)].add(first_sentence)
            shared_second[(first, second)].add(second_sentence)

    pairs: dict[Pair, float] = {}
    for pair, sentences in shared.items():
        matched = min(len(sentences), len(shared_second[pair]))
        shortest = min(len(features[pair[0]].sentences), len(features[pair[1]].sentences))
        needed = min(settings.copy_candidate_min_sentences, settings.copy_candidate_min_sentence_share * shortest)
        if matched >= max(1, needed):
            pairs[pair] = matched / max(1, shortest)
    return pairs


def embedding_candidates(
    features: Sequence[ArticleFeatures], document_vectors: np.ndarray, settings: Settings
) -> dict[Pair, float]:
    """Pairs in different languages whose mean sentence embeddings are close (translations), with the cosine."""
    languages = np.array([article.language or "" for article in features])
    pairs: dict[Pair, float] = {}
    if len(set(languages.tolist())) < 2:
        return pairs
    block = 1024  # rows per matrix product: bounded memory for large corpora
    for start in range(0, len(features), block):
        similarity = document_vectors[start : start + block] @ document_vectors.T
        for row, scores in enumerate(similarity):
            index = start + row
            scores = np.where(languages == languages[index], -1.0, scores)
            for other in np.argsort(-scores)[: settings.copy_candidate_neighbours].tolist():
                if scores[other] >= settings.copy_candidate_min_cosine:
                    pairs[(min(index, other), max(index, other))] = float(scores[other])
    return pairs


def strongest(candidates: dict[Pair, float], per_article: int) -> list[Pair]:
    """Pairs among the ``per_article`` strongest candidates of either of their articles.

    Templated pages (the same text with another number) make every pair a candidate; each
    article's strongest few are enough to find its source and keep the work linear.
    """
    ranked: dict[int, list[tuple[float, Pair]]] = defaultdict(list)
    for pair, estimate in candidates.items():
        for index in pair:
            ranked[index].append((estimate, pair))
    kept: set[Pair] = set()
    for options in ranked.values():
        kept.update(pair for _, pair in heapq.nlargest(per_article, options))
    return sorted(kept)
