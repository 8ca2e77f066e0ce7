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
from hashlib import blake2b
from itertools import chain

import numpy as np
from rensa import RMinHash, RMinHashLSH

from storytrace.align.features import ArticleFeatures, SentenceFeatures
from storytrace.align.lexical import paired_similarity
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


def _sentence_signatures(
    features: Sequence[ArticleFeatures], settings: Settings
) -> tuple[np.ndarray, np.ndarray, list[SentenceFeatures]]:
    """MinHash band keys of every sentence with enough uncommon content words, with its article.

    Vectorised with numpy (the datasketch approach): every distinct word gets a 64-bit value
    from a keyed hash of the word itself (so a sentence's keys do not depend on the batch's
    order), each permutation is an odd multiplier followed by an xor-shift (a bijection of the
    64-bit space), and a sentence's minimum per permutation comes from ``minimum.reduceat``.
    Returns keys ``(sentences, bands)``, the article index and the sentence of each row.
    """
    every = [sentence for article in features for sentence in article.sentences]
    sentence_owner = np.repeat(np.arange(len(features)), [len(article.sentences) for article in features])
    sizes = np.fromiter((len(sentence.content) for sentence in every), dtype=np.int64, count=len(every))
    # Word ids through dictionaries built and read in C (dict.fromkeys, map): the batch's
    # millions of content words never pass through a Python-level loop.
    vocabulary = {word: i for i, word in enumerate(dict.fromkeys(chain.from_iterable(s.content for s in every)))}
    words = np.fromiter(
        map(vocabulary.__getitem__, chain.from_iterable(s.content for s in every)), dtype=np.int64, count=sizes.sum()
    )
    word_owner = np.repeat(sentence_owner, sizes)
    # Words in many articles of the batch ("said", "government") act like stop words: as a
    # sentence's minimum hash they would make unrelated sentences collide, so they are left out.
    in_articles = np.bincount(
        _runs(np.sort(word_owner * len(vocabulary) + words))[0] % len(vocabulary), minlength=len(vocabulary)
    )
    too_common = max(settings.copy_sketch_common_min_articles, settings.copy_sketch_common_share * len(features))
    kept = in_articles[words] <= too_common
    word_sentence = np.repeat(np.arange(len(every)), sizes)
    lengths = np.bincount(word_sentence[kept], minlength=len(every))
    signed = lengths >= max(1, settings.copy_sentence_min_words)
    kept &= signed[word_sentence]
    bands, rows = settings.copy_sketch_bands, settings.copy_sketch_rows
    if not signed.any():
        return np.zeros((0, bands), dtype=np.uint64), np.zeros(0, dtype=np.int64), []
    word_values = np.fromiter(
        (
            int.from_bytes(blake2b(word.encode(), digest_size=8, key=_WORD_KEY).digest(), "little")
            for word in vocabulary
        ),
        dtype=np.uint64,
        count=len(vocabulary),
    )
    rng = np.random.default_rng(_MINHASH_SEED)
    multipliers = rng.integers(1, np.iinfo(np.int64).max, size=bands * rows, dtype=np.uint64) | np.uint64(1)
    tokens = word_values[words[kept]]
    starts = np.concatenate(([0], np.cumsum(lengths[signed])[:-1]))
    minima = np.empty((int(signed.sum()), bands * rows), dtype=np.uint64)
    for k, multiplier in enumerate(multipliers):  # one permutation at a time keeps memory at O(tokens)
        hashed = tokens * multiplier  # wraps modulo 2**64, as intended
        hashed ^= hashed >> np.uint64(29)
        minima[:, k] = np.minimum.reduceat(hashed, starts)
    # A band's key folds its rows into one value; the band number is folded in too, so equal
    # keys of different bands never meet in one bucket.
    keys = np.zeros((len(minima), bands), dtype=np.uint64)
    for band in range(bands):
        key = np.full(len(minima), ((band + 1) * 0x9E3779B97F4A7C15) % 2**64, dtype=np.uint64)
        for row in range(rows):
            key = (key ^ minima[:, band * rows + row]) * np.uint64(0xBF58476D1CE4E5B9)
        keys[:, band] = key
    return (
        keys,
        sentence_owner[signed],
        [sentence for sentence, sign in zip(every, signed.tolist(), strict=True) if sign],
    )


_WORD_KEY = b"storytrace-sketch"  # keys the word hash, so sketches are reproducible across runs


def sketch_candidates(
    features: Sequence[ArticleFeatures], settings: Settings, anchor: int | None = None
) -> dict[Pair, float]:
    """Pairs sharing enough sentences whose MinHash bands collide, with the share of sentences shared.

    Sentence-level MinHash LSH over content words: with ``copy_sketch_rows`` rows per band and
    ``copy_sketch_bands`` bands, two sentences with content-word Jaccard J collide with
    probability 1 - (1 - J^r)^b, about 0.82 at J = 0.5 (a third of the words swapped) and 0.01
    at J = 0.05 (unrelated sentences of one topic), so spun copies whose 5-gram overlap is far
    below any near-duplicate threshold still meet.

    With ``anchor``, only pairs with that article are wanted (``storytrace add`` checks one new
    article against a few stored ones), and buckets without it are skipped.
    """
    keys, articles, sentences = _sentence_signatures(features, settings)
    first_rows, second_rows = _colliding_rows(keys, articles, settings, anchor)
    if not len(first_rows):
        return {}
    pair_codes = articles[first_rows] * len(features) + articles[second_rows]
    # Distinct sentences of each side that matched, per pair; a pair's count is the smaller.
    codes, first_counts = _distinct_per_code(pair_codes, first_rows)
    matched = np.minimum(first_counts, _distinct_per_code(pair_codes, second_rows)[1])
    sentence_counts = np.fromiter((len(f.sentences) for f in features), dtype=np.int64, count=len(features))
    shortest = np.minimum(sentence_counts[codes // len(features)], sentence_counts[codes % len(features)])
    share = settings.copy_candidate_min_sentence_share * shortest
    needed = np.minimum(shortest, np.maximum(settings.copy_candidate_min_sentences, share))
    enough = matched >= np.maximum(1, needed)
    scores = matched / np.maximum(1, shortest)
    pairs = {
        (code // len(features), code % len(features)): score
        for code, score in zip(codes[enough].tolist(), scores[enough].tolist(), strict=True)
    }
    # Pairs short of the count may still share one long copied sentence.
    unchecked = ~enough[np.searchsorted(codes, pair_codes)]
    for pair in _sharing_long_copied(first_rows[unchecked], second_rows[unchecked], articles, sentences, settings):
        pairs[pair] = float(scores[np.searchsorted(codes, pair[0] * len(features) + pair[1])])
    return pairs


def _colliding_rows(
    keys: np.ndarray, articles: np.ndarray, settings: Settings, anchor: int | None
) -> tuple[np.ndarray, np.ndarray]:
    """Every pair of sentence rows of different articles sharing a band key, once per shared band,
    the row of the article with the smaller index first.

    Buckets are runs of equal keys, sorted by article within; a bucket of more than
    ``copy_bucket_max_articles`` articles is templated text, not copying, and is skipped. All in
    numpy: buckets of one size are expanded together with one upper-triangle index.
    """
    flat = keys.ravel()
    rows = np.repeat(np.arange(len(keys)), keys.shape[1])
    order = np.lexsort((articles[rows], flat))
    flat, rows = flat[order], rows[order]
    owners = articles[rows]
    empty = np.zeros(0, dtype=np.int64)
    if not len(flat):
        return empty, empty
    starts = np.flatnonzero(np.r_[True, flat[1:] != flat[:-1]])
    sizes = np.diff(np.r_[starts, len(flat)])
    new_owner = np.r_[True, owners[1:] != owners[:-1]]
    new_owner[starts] = True
    distinct = np.add.reduceat(new_owner, starts)
    wanted = (distinct >= 2) & (distinct <= max(2, settings.copy_bucket_max_articles))
    if anchor is not None:
        wanted &= np.maximum.reduceat(owners == anchor, starts).astype(bool)
    first_parts: list[np.ndarray] = [empty]
    second_parts: list[np.ndarray] = [empty]
    for size in np.unique(sizes[wanted]).tolist():
        left, right = np.triu_indices(size, 1)
        bucket_starts = starts[wanted & (sizes == size)][:, None]
        first, second = (bucket_starts + left).ravel(), (bucket_starts + right).ravel()
        different = owners[first] != owners[second]
        first_parts.append(rows[first[different]])
        second_parts.append(rows[second[different]])
    return np.concatenate(first_parts), np.concatenate(second_parts)


def _runs(ordered: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct values of a sorted array with the length of each one's run.

    ``np.unique`` on the tens of millions of codes of a large batch took 10 s per call (its
    hash-based path); on sorted input a comparison with the neighbour is all it takes.
    """
    starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]]) if len(ordered) else np.zeros(0, dtype=np.int64)
    return ordered[starts], np.diff(np.r_[starts, len(ordered)])


def _distinct_per_code(codes: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The sorted distinct codes and, for each, how many distinct values it comes with."""
    order = np.lexsort((values, codes))
    codes, values = codes[order], values[order]
    first_of_value = np.r_[True, (codes[1:] != codes[:-1]) | (values[1:] != values[:-1])]
    return _runs(codes[first_of_value])


def _sharing_long_copied(
    first_rows: np.ndarray,
    second_rows: np.ndarray,
    owners: np.ndarray,
    sentences: Sequence[SentenceFeatures],
    settings: Settings,
) -> set[Pair]:
    """Pairs whose colliding sentences include one long sentence copied from the other side.

    One copied sentence of ``copy_passage_lone_chars`` is a shared passage on its own, so such
    a pair is a candidate whatever its count. A band collision alone is not enough: long
    sentences of one topic collide by chance (on the 100,000-article benchmark such pairs
    outnumbered all others 35 to 1), so the two sentences must reach ``copy_passage_similarity``
    on alignment's own lexical similarity, as alignment will require.
    """
    lengths = np.fromiter((sentence.chars for sentence in sentences), dtype=np.int64, count=len(sentences))
    long = np.minimum(lengths[first_rows], lengths[second_rows]) >= settings.copy_passage_lone_chars
    # Each colliding pair of rows once, as one code (rows number far fewer than 2**31), with
    # the number of bands it collided in.
    codes, bands = _runs(np.sort(first_rows[long] * len(sentences) + second_rows[long]))
    codes = codes[bands >= settings.copy_passage_lone_min_bands]
    first, second = codes // len(sentences), codes % len(sentences)
    pairs = [(sentences[a], sentences[b]) for a, b in zip(first.tolist(), second.tolist(), strict=True)]
    copied = paired_similarity(pairs, settings) >= settings.copy_passage_similarity
    return set(zip(owners[first[copied]].tolist(), owners[second[copied]].tolist(), strict=True))


def embedding_candidates(
    features: Sequence[ArticleFeatures], document_vectors: np.ndarray, min_cosine: float, settings: Settings
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
                if scores[other] >= min_cosine:
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
