"""Incremental story grouping: the latency of adding one article to an index holding 100,000.

What it measures (issue 4: ``add`` within 20 ms per article at p99 with 100,000 articles
stored, on a 2-core machine; a batch at 1,000 articles/s or more; peak memory), in one run:

(a) in memory: ``storytrace.stories.group_stories`` over the background (batch articles/s and
    the memory it adds, in a forked process: ``measure.measured``); then, in another forked
    process, a ``StoryIndex`` built by adding the background one by one in ``arrival_order``
    and the per-article latency of ``StoryIndex.add(story_features(article), None, ())`` for
    the new articles, with feature extraction and ``add`` timed apart;
(b) through the store: when a ``Tracker`` API exists (``storytrace.pipeline.Tracker`` or
    ``storytrace.tracker.Tracker``), the background is stored with ``storytrace.analyze`` in a
    SQLite file under /tmp, ``Tracker(store, settings, None)`` is timed (it loads the index) and
    then ``tracker.add(article)`` for each new article; without the API the part says so and
    is skipped;
(c) the baseline, ``nearest-neighbour TF-IDF``: re-clustering everything on each add is out of
    the question, so the simplest incremental alternative is to find the new article's nearest
    stored article and join its story: scikit-learn ``HashingVectorizer(alternate_sign=False,
    norm=None, stop_words="english")`` + ``TfidfTransformer(sublinear_tf=True)`` fitted on the
    background and ``NearestNeighbors(n_neighbors=1, metric="cosine", algorithm="brute")``; the
    per-article time is vectorising plus one ``kneighbors`` query. The stored matrix is not
    updated with the new articles (scikit-learn cannot append rows to a fitted index), which
    flatters the baseline. Beside ``kneighbors``, the bare exhaustive search is timed too: the
    query vector times the (already L2-normalised) TF-IDF matrix and an argmax, which is what any
    exhaustive nearest-neighbour search costs at least, without scikit-learn's per-query checks
    and re-normalisation of the stored matrix.

The articles, built from real text (deterministic for a seed; nothing is downloaded):

* the 1,140 English real articles of ``copy_corpus.load_sources`` (ECB+ and the
  article-extraction bodies) are sentence templates. A background **story** takes one template
  and rewrites it consistently: each lower-case content word (outside the corpus' 100 most
  frequent words) becomes, with probability ``WORD_SWAP``, a word drawn from the corpus' unigram
  distribution; each capitalised one (a name) is kept, becomes a recurring real name drawn
  from the corpus' capitalised words, or a name new to this story spliced from two real ones;
  numbers become other numbers. The same rewrite holds for every article of the story, so its
  articles share their who, what and where as coverage of one event does, while stories from
  one template share only the kept words;
* an article of a story is its template's lead plus each other sentence with a probability
  drawn per article (0.4-0.9), at most ``MAX_SENTENCES``, with ``ARTICLE_NOISE`` of its content
  words drawn afresh (outlets word things differently) and one to two sentences of an
  unrelated template (context paragraphs); its title is a headline cut from one of its first
  three sentences; paragraphs hold one to three sentences;
* story sizes follow a Pareto law (``STORY_SIZE_ALPHA``, at most ``MAX_STORY``: mostly single
  articles, a few stories of hundreds); a story starts on a uniformly drawn day of a
  ``DAYS``-day span ending 2026-11-21 and its articles follow it by an exponentially distributed
  delay (mean ``DELAY_MEAN_DAYS``, at most ``MAX_DELAY_DAYS``); ``UNDATED_SHARE`` are undated;
* the whole stream is ordered by day; the first N articles are the background, the next ones
  the new articles (continuations of running stories and new stories), with about a quarter
  of the new articles replaced by real ECB+ reports (``stories.load_ecbplus``, whole topics in
  order, each event dated in the new articles' days);
* every article is cleaned with ``clean_document`` (per article, as one arriving alone would
  be; not the batch's per-outlet pass). Neither the cleaning nor the generation is timed.

A sanity line compares the stories ``group_stories`` finds in the background with the
generated ones (BCubed, as in ``benchmarks/stories.py``): a background without story structure
would make candidate search unrealistically cheap or dear.

Command (from the repository root)::

    .venv/bin/python benchmarks/stories_add.py                                  # 100,000 + 2,000: about 30 min here
    .venv/bin/python benchmarks/stories_add.py --background 5000 --new 200      # a smoke test, about 1.5 min
    .venv/bin/python benchmarks/stories_add.py --json /tmp/stories-add.json --skip-store
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import tempfile
import time
from bisect import bisect
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from datetime import date, timedelta
from itertools import accumulate
from pathlib import Path
from typing import Any

import numpy as np
from copy_corpus import OUTLETS, Source, headline_from, load_sources  # beside this script
from measure import Measured, measured  # beside this script
from sklearn.feature_extraction.text import HashingVectorizer, TfidfTransformer
from sklearn.neighbors import NearestNeighbors
from stories import bcubed, full_text, load_ecbplus, story_labels  # beside this script
from stories import clean as clean_ecbplus

from storytrace.clean import clean_document
from storytrace.executor import LocalExecutor
from storytrace.model import Article, RawDocument
from storytrace.settings import Settings
from storytrace.stories import StoryIndex, arrival_order, group_stories, story_features

DAYS = 730  # the background spans two years
LAST_DAY = date(2026, 11, 21)
FUNCTION_WORDS = 100  # the corpus' most frequent words, kept as the sentences' skeleton
WORD_SWAP = 0.8  # share of a template's lower-case content words a story rewrites
NAME_KEEP, NAME_RECURRING = 0.2, 0.3  # a template name is kept, or a recurring real name; else a new one
ARTICLE_NOISE = 0.15  # content words an article draws afresh
MAX_SENTENCES = 25
CONTEXT_SENTENCES = (1, 2)
STORY_SIZE_ALPHA = 1.3
MAX_STORY = 400
DELAY_MEAN_DAYS = 2.0
MAX_DELAY_DAYS = 30
UNDATED_SHARE = 0.05
ECBPLUS_SHARE = 0.25  # of the new articles
TARGET_P99_MS = 20.0
TARGET_BATCH_PER_S = 1000.0
_WORD = re.compile(r"([A-Za-z]+|\d+)")


# --- the articles ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Item:
    """One generated article with its hidden arrival day and the story it was written for."""

    day: int  # days since the span's first day; kept for ordering even when the article is undated
    order: float  # tie-break among one day's articles
    document: RawDocument
    story: str


class StoryWriter:
    """Writes stories of articles from real sentences, rewritten per story (see the module doc)."""

    def __init__(self, sources: list[Source], rng: random.Random) -> None:
        self.rng = rng
        english = [source for source in sources if source.english]
        # Each template sentence as alternating non-word / word pieces (words at odd positions);
        # sentences without a word (a stray quote mark) are dropped, as they make no headline.
        split = [[_WORD.split(sentence) for sentence in source.sentences] for source in english]
        self.templates = [kept for template in split if (kept := [p for p in template if len(p) > 1])]
        words = Counter(piece.lower() for template in self.templates for pieces in template for piece in pieces[1::2])
        function_words = {word for word, _ in words.most_common(FUNCTION_WORDS)}
        self.function_words = frozenset(function_words)
        # Names: capitalised words not opening a sentence.
        names = Counter(
            piece
            for template in self.templates
            for pieces in template
            for piece in pieces[3::2]
            if piece[0].isupper() and piece.isalpha() and piece.lower() not in function_words
        )
        lower = {word: count for word, count in words.items() if word.isalpha() and word not in function_words}
        self.words, self.word_weights = list(lower), list(accumulate(lower.values()))
        self.names, self.name_weights = list(names), list(accumulate(names.values()))

    def _draw(self, population: list[str], cumulative: list[int]) -> str:
        return population[bisect(cumulative, self.rng.random() * cumulative[-1])]

    def _new_name(self) -> str:
        """A name new to the story: the start of one real name and the end of another."""
        first, second = self._draw(self.names, self.name_weights), self._draw(self.names, self.name_weights)
        return first[: max(2, len(first) // 2)] + second[len(second) // 2 :].lower()

    def _number(self, digits: str) -> str:
        return str(self.rng.randrange(10 ** (len(digits) - 1), 10 ** len(digits))) if len(digits) < 6 else digits

    def _replacement(self, word: str, swap: float, new_names: bool) -> str:
        """A rewrite of one content word (a name stays a name, a number a number); a name new to the
        corpus only when ``new_names`` (a story's own people and places, not an outlet's wording)."""
        rng = self.rng
        if word.isdigit():
            return self._number(word)
        if word[0].isupper():
            draw = rng.random()
            if draw < NAME_KEEP:
                return word
            recurring = not new_names or draw < NAME_KEEP + NAME_RECURRING
            return self._draw(self.names, self.name_weights) if recurring else self._new_name()
        return self._draw(self.words, self.word_weights) if rng.random() < swap else word

    def _rewrite(self, template: list[list[str]], swap: float, new_names: bool) -> list[list[str]]:
        """The template's sentences with each content word type rewritten once, consistently."""
        mapping: dict[str, str] = {}
        result = []
        for pieces in template:
            pieces = list(pieces)
            for index in range(1, len(pieces), 2):
                word = pieces[index]
                if word.lower() in self.function_words:
                    continue
                if word not in mapping:
                    mapping[word] = self._replacement(word, swap, new_names)
                pieces[index] = mapping[word]
            result.append(pieces)
        return result

    def _noisy(self, pieces: list[str]) -> str:
        """One sentence of one article: ``ARTICLE_NOISE`` of its content words drawn afresh."""
        content = [i for i in range(1, len(pieces), 2) if pieces[i].lower() not in self.function_words]
        count = int(len(content) * ARTICLE_NOISE + self.rng.random())
        if not count:
            return "".join(pieces)
        pieces = list(pieces)
        for index in self.rng.sample(content, count):
            pieces[index] = self._replacement(pieces[index], 1.0, False)
        return "".join(pieces)

    def story(self, number: int) -> list[Item]:
        """One story's articles, each with its day."""
        rng = self.rng
        sentences = self._rewrite(rng.choice(self.templates), WORD_SWAP, True)
        size = min(MAX_STORY, int(rng.paretovariate(STORY_SIZE_ALPHA)))
        start = rng.randrange(DAYS)
        items = []
        for member in range(size):
            day = start if member == 0 else start + min(MAX_DELAY_DAYS, int(rng.expovariate(1 / DELAY_MEAN_DAYS)))
            keep = rng.uniform(0.4, 0.9)
            chosen = [sentences[0], *(s for s in sentences[1:] if rng.random() < keep)][:MAX_SENTENCES]
            body = [self._noisy(pieces) for pieces in chosen]
            context = self._rewrite(rng.choice(self.templates), 1.0, False)
            for _ in range(min(len(context), rng.randint(*CONTEXT_SENTENCES))):
                body.insert(rng.randint(1, len(body)), "".join(rng.choice(context)))
            paragraphs, index = [], 0
            while index < len(body):
                size_now = rng.randint(1, 3)
                paragraphs.append(" ".join(body[index : index + size_now]))
                index += size_now
            published = LAST_DAY - timedelta(days=DAYS - 1 - day)
            article_id = f"st{number:06d}-{member:03d}"
            document = RawDocument(
                source=f"stories-add:{article_id}",
                id=article_id,
                text="\n\n".join(paragraphs),
                title=headline_from(body[rng.randrange(min(3, len(body)))]),
                published=published.isoformat() if rng.random() >= UNDATED_SHARE else None,
                outlet=rng.choice(OUTLETS),
            )
            items.append(Item(day, rng.random(), document, f"story-{number}"))
        return items


def stream(total: int, seed: int) -> list[Item]:
    """The first ``total`` generated articles in order of their day."""
    rng = random.Random(seed)
    writer = StoryWriter(load_sources(random.Random(seed)), rng)
    items: list[Item] = []
    while len(items) < total:
        items.extend(writer.story(len(items)))
    items.sort(key=lambda item: (item.day, item.order))
    return items[:total]


def ecbplus_items(count: int, first_day: int, last_day: int, seed: int) -> tuple[list[Article], list[Item]]:
    """``count`` real ECB+ reports (whole topics in the file's order, the last one cut), dated in the given days."""
    rng = random.Random(seed)
    documents = load_ecbplus()[:count]
    articles, _ = clean_ecbplus(documents, Settings())
    event_day: dict[str, int] = {}
    items, dated = [], []
    for document, article in zip(documents, articles, strict=True):
        base = event_day.setdefault(document.event, rng.randint(first_day, last_day))
        day = min(last_day, base + rng.randint(0, 3))
        dated.append(replace(article, published=(LAST_DAY - timedelta(days=DAYS - 1 - day)).isoformat()))
        items.append(Item(day, rng.random(), RawDocument(source="ecb+", id=article.id), f"ecb+-{document.event}"))
    return dated, items


def _clean_one(raw: RawDocument) -> Article:
    return clean_document(raw, Settings())


def clean(documents: Sequence[RawDocument], workers: int) -> list[Article]:
    """Each document cleaned on its own (the pipeline's per-article step), over ``workers`` processes."""
    with ProcessPoolExecutor(workers) as pool:
        return list(pool.map(_clean_one, documents, chunksize=256))


@dataclass
class Workload:
    """The background, the new articles in arrival order, and the generated story of each."""

    background: list[Article]
    new: list[Article]
    story_of: dict[str, str]
    ecbplus: int


def build_workload(background: int, new: int, seed: int, workers: int) -> Workload:
    """Generate and clean the articles (see the module doc)."""
    ecb_count = min(round(new * ECBPLUS_SHARE), 982)
    items = stream(background + new - ecb_count, seed)
    fresh = items[background:]  # never empty: fewer ECB+ reports than new articles
    ecb_articles, ecb_items = ecbplus_items(ecb_count, fresh[0].day, fresh[-1].day, seed)
    cleaned = clean([item.document for item in items], workers)
    by_id = {article.id: article for article in [*cleaned, *ecb_articles]}
    arrivals = sorted([*fresh, *ecb_items], key=lambda item: (item.day, item.order))
    return Workload(
        background=cleaned[:background],
        new=[by_id[item.document.id or ""] for item in arrivals],
        story_of={item.document.id or "": item.story for item in [*items, *ecb_items]},
        ecbplus=ecb_count,
    )


# --- the systems -------------------------------------------------------------------------------


def batch(data: tuple[Sequence[Article], int]) -> list[Any]:
    """``group_stories`` over the batch with ``workers`` processes for features, as ``storytrace
    analyze`` runs it (no copies, no embedder)."""
    articles, workers = data
    return group_stories(articles, (), settings=Settings(), embedder=None, executor=LocalExecutor(workers))[0]


def incremental(data: tuple[list[Article], list[Article]]) -> dict[str, Any]:
    """Build a ``StoryIndex`` from the background one article at a time, then time each new article."""
    background, new = data
    index = StoryIndex(Settings())
    started = time.perf_counter()
    for article in arrival_order(background):
        index.add(story_features(article), None, ())
    build = time.perf_counter() - started
    stories_before, terms_before = len(index.stories), len(index.df)
    features_ms, add_ms, reasons = [], [], Counter()
    for article in new:
        started = time.perf_counter()
        features = story_features(article)
        extracted = time.perf_counter()
        assignment = index.add(features, None, ())
        done = time.perf_counter()
        features_ms.append((extracted - started) * 1000)
        add_ms.append((done - extracted) * 1000)
        reasons[assignment.reason + (" + merge" if assignment.merges else "")] += 1
    return {
        "build_seconds": build,
        "stories": stories_before,
        "distinct_terms_and_names": terms_before,
        "features_ms": features_ms,
        "add_ms": add_ms,
        "reasons": dict(reasons),
    }


def nearest_neighbour(data: tuple[list[Article], list[Article]]) -> dict[str, Any]:
    """The baseline: TF-IDF of the background, then per new article vectorise + one brute cosine query."""
    background, new = data
    vectorizer = HashingVectorizer(alternate_sign=False, norm=None, stop_words="english")
    weighting = TfidfTransformer(sublinear_tf=True)
    started = time.perf_counter()
    matrix = weighting.fit_transform(vectorizer.transform([full_text(article) for article in background]))
    model = NearestNeighbors(n_neighbors=1, metric="cosine", algorithm="brute").fit(matrix)
    fit = time.perf_counter() - started
    transposed = matrix.T.tocsr()  # for the bare product: one row per hashed term
    vectorise_ms, query_ms, product_ms = [], [], []
    for article in new:
        started = time.perf_counter()
        vector = weighting.transform(vectorizer.transform([full_text(article)]))
        vectorised = time.perf_counter()
        model.kneighbors(vector)
        queried = time.perf_counter()
        int((vector @ transposed).toarray().argmax())
        done = time.perf_counter()
        vectorise_ms.append((vectorised - started) * 1000)
        query_ms.append((queried - vectorised) * 1000)
        product_ms.append((done - queried) * 1000)
    return {"fit_seconds": fit, "vectorise_ms": vectorise_ms, "query_ms": query_ms, "product_ms": product_ms}


def find_tracker() -> Callable[..., Any] | None:
    """The store-backed ``Tracker`` class, wherever it lands; None while it does not exist."""
    for module in ("storytrace.pipeline", "storytrace.tracker"):
        try:
            tracker = getattr(__import__(module, fromlist=["Tracker"]), "Tracker", None)
        except ImportError:
            continue
        if tracker is not None:
            return tracker
    return None


def through_store(tracker_class: Callable[..., Any], workload: Workload, workers: int) -> dict[str, Any]:
    """Store the background with ``analyze`` in a fresh SQLite file, then time ``Tracker`` loading and ``add``."""
    from storytrace import analyze
    from storytrace.store import Store

    settings = Settings()
    with tempfile.TemporaryDirectory(prefix="stories-add-") as folder:
        db = Path(folder) / "background.db"
        records = [
            {"id": a.id, "title": a.title, "published": a.published, "outlet": a.outlet, "text": a.text}
            for a in workload.background
        ]
        started = time.perf_counter()
        analyze(records, db=db, settings=settings, workers=workers, embedder=None, compare=False)
        stored = time.perf_counter() - started
        store = Store(db, settings)
        unassigned = len(store.unassigned_articles())  # the Tracker's catch-up work on loading
        started = time.perf_counter()
        tracker = tracker_class(store, settings, None)
        loaded = time.perf_counter() - started
        add_ms = []
        for article in workload.new:
            started = time.perf_counter()
            tracker.add(article)
            add_ms.append((time.perf_counter() - started) * 1000)
        tracker.close()
        store.close()
    return {"analyze_seconds": stored, "load_seconds": loaded, "unassigned_on_load": unassigned, "add_ms": add_ms}


# --- output ------------------------------------------------------------------------------------


def latency(values: Sequence[float]) -> dict[str, float]:
    """p50, p95, p99 and max in ms, and the articles per second they amount to."""
    array = np.asarray(values, dtype=float)
    p50, p95, p99 = np.percentile(array, [50, 95, 99])
    return {
        "p50_ms": float(p50),
        "p95_ms": float(p95),
        "p99_ms": float(p99),
        "max_ms": float(array.max()),
        "articles_per_s": len(array) / (array.sum() / 1000),
    }


def row(name: str, figures: dict[str, float]) -> str:
    """One line of the latency table."""
    return (
        f"{name:<50} {figures['p50_ms']:8.2f} {figures['p95_ms']:8.2f} {figures['p99_ms']:8.2f}"
        f" {figures['max_ms']:8.2f} {figures['articles_per_s']:11.0f}"
    )


def verdict(ok: bool) -> str:
    """Met or missed, for the target lines."""
    return "met" if ok else "MISSED"


def main(argv: list[str] | None = None) -> None:
    """Generate the articles, run every measurement in this run, print the figures and optionally save them."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--background", type=int, default=100_000, help="articles in the index (default 100000)")
    parser.add_argument("--new", type=int, default=2000, help="articles added one by one (default 2000)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--workers", type=int, default=os.cpu_count() or 1, help="processes for cleaning and batch features"
    )
    parser.add_argument("--skip-store", action="store_true", help="skip part (b), the store-backed Tracker")
    parser.add_argument("--json", type=Path, help="write the figures here")
    args = parser.parse_args(argv)
    if args.background < 1 or args.new < 1:
        parser.error("--background and --new need at least 1 article")

    started = time.perf_counter()
    workload = build_workload(args.background, args.new, args.seed, args.workers)
    generated = len(set(workload.story_of[a.id] for a in workload.background))
    dates = sorted(a.published for a in workload.background if a.published)
    print(
        f"background: {len(workload.background)} articles in {generated} generated stories, {dates[0]} to"
        f" {dates[-1]}; new: {len(workload.new)} articles ({workload.ecbplus} real ECB+ reports);"
        f" generated and cleaned in {time.perf_counter() - started:.0f} s"
    )
    results: dict[str, Any] = {
        "background": len(workload.background),
        "new": len(workload.new),
        "ecbplus_new": workload.ecbplus,
        "generated_stories": generated,
        "seed": args.seed,
    }

    # (a) in memory
    run: Measured = measured("group_stories", batch, (workload.background, args.workers))
    ids = [article.id for article in workload.background]
    labels, _, _ = story_labels(run.output, ids)
    precision, recall, f1 = bcubed([workload.story_of[i] for i in ids], labels)
    per_s = len(ids) / run.seconds
    print(
        f"\n(a) group_stories on the background: {run.seconds:.1f} s = {per_s:.0f} articles/s, peak +{run.peak_mib:.0f}"
        f" MiB; {len(run.output)} stories found against {generated} generated (BCubed P {precision:.3f}"
        f" R {recall:.3f} F1 {f1:.3f})"
    )
    index_run = measured("StoryIndex.add", incremental, (workload.background, workload.new))
    inc = index_run.output
    print(
        f"    StoryIndex built by add one by one: {inc['build_seconds']:.1f} s, {inc['stories']} stories,"
        f" {inc['distinct_terms_and_names']} distinct terms and names; peak +{index_run.peak_mib:.0f} MiB"
        f" with the {len(workload.new)} adds"
    )
    print(f"    new articles went: {', '.join(f'{k} {v}' for k, v in sorted(inc['reasons'].items()))}")
    total_ms = [f + a for f, a in zip(inc["features_ms"], inc["add_ms"], strict=True)]
    rows = {
        "storytrace: story_features + StoryIndex.add": latency(total_ms),
        "  of which story_features": latency(inc["features_ms"]),
        "  of which StoryIndex.add": latency(inc["add_ms"]),
    }

    # (c) the baseline, in the same run
    baseline_run = measured("nearest neighbour", nearest_neighbour, (workload.background, workload.new))
    base = baseline_run.output
    base_total = [v + q for v, q in zip(base["vectorise_ms"], base["query_ms"], strict=True)]
    rows["nearest-neighbour TF-IDF: vectorise + query"] = latency(base_total)
    rows["  of which vectorise"] = latency(base["vectorise_ms"])
    rows["  of which kneighbors (brute cosine)"] = latency(base["query_ms"])
    rows["  bare exhaustive search instead: matrix product"] = latency(base["product_ms"])
    print(
        f"(c) baseline fitted on the background in {base['fit_seconds']:.1f} s, peak +{baseline_run.peak_mib:.0f} MiB"
        f" with the {len(workload.new)} queries"
    )

    print(f"\nper new article, {len(workload.new)} added to an index of {len(workload.background)}:")
    print(f"{'system':<50} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8} {'articles/s':>11}")
    for name, figures in rows.items():
        print(row(name, figures))
    p99 = rows["storytrace: story_features + StoryIndex.add"]["p99_ms"]
    print(
        f"\ntargets: add p99 {p99:.2f} ms <= {TARGET_P99_MS:.0f} ms {verdict(p99 <= TARGET_P99_MS)};"
        f" batch {per_s:.0f} articles/s >= {TARGET_BATCH_PER_S:.0f} {verdict(per_s >= TARGET_BATCH_PER_S)}"
    )
    results["in_memory"] = {
        "group_stories": {
            "seconds": run.seconds,
            "articles_per_s": per_s,
            "peak_mib": run.peak_mib,
            "stories": len(run.output),
            "bcubed_vs_generated": {"precision": precision, "recall": recall, "f1": f1},
        },
        "index": {
            "build_seconds": inc["build_seconds"],
            "stories": inc["stories"],
            "distinct_terms_and_names": inc["distinct_terms_and_names"],
            "peak_mib_build_and_adds": index_run.peak_mib,
            "reasons": inc["reasons"],
        },
    }
    results["baseline"] = {"fit_seconds": base["fit_seconds"], "peak_mib_fit_and_queries": baseline_run.peak_mib}
    results["latency"] = rows

    # (b) through the store
    tracker_class = None if args.skip_store else find_tracker()
    if args.skip_store:
        print("\n(b) store-backed Tracker: skipped (--skip-store)")
    elif tracker_class is None:
        print("\n(b) store-backed Tracker: skipped, the API is missing (storytrace.pipeline.Tracker, .tracker.Tracker)")
    else:
        stored = through_store(tracker_class, workload, args.workers)
        figures = latency(stored["add_ms"])
        print(
            f"\n(b) background stored by analyze in {stored['analyze_seconds']:.1f} s; Tracker loaded its index in"
            f" {stored['load_seconds']:.2f} s ({stored['unassigned_on_load']} stored articles without a story to catch"
            " up); tracker.add per article:"
        )
        print(row("storytrace: Tracker.add (SQLite in /tmp)", figures))
        results["store"] = {**{k: v for k, v in stored.items() if k != "add_ms"}, "latency": figures}
    if args.json:
        args.json.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
        print(f"\nfigures written to {args.json}")


if __name__ == "__main__":
    main()
