"""Story grouping on the real sets: storytrace beside a cross-validated TF-IDF baseline, then ECB+ in detail.

The three sets side by side (docs/benchmark-stories.md has the figures)
    pages-dev (gold: its labelled stories, each distractor event its own, each single distractor
    its own; checked against ``../shared/tools/score-pages-dev`` in every run), ECB+ (its 86
    events; every record given one stated day, so that time stays out of it) and MEANTIME (the
    four versions of one article are one story). ``storytrace``: ``analyze(inputs, db=<temp
    SQLite>, embedder="auto", compare=False)``, stories ``Report.stories``. Baseline:
    ``TfidfVectorizer(sublinear_tf=True)`` on the cleaned texts storytrace stored, cosine
    average linkage at a threshold chosen on the other two sets (the oracle threshold printed for
    reference only). BCubed P/R/F1 over every labelled item; then, when ``Article.date_source``
    exists, the share of articles dated (pages-dev: story pages within a day of their story).

ECB+ in detail (the earlier measurements of this script)
What it measures
    Whether articles reporting one real-world event end up in one story, and only they. The data
    is ECB+ (``../shared/data/ecbplus/ecbplus_docs.jsonl``): 982 English news documents, one JSON
    object a line (``doc_id, topic, subtopic, cluster, text``), in 43 topics of two look-alike
    events each (Tara Reid and Lindsay Lohan in rehab, two clubs bidding for Teixeira), 86 gold
    events (``cluster``). ECB+ states no publication dates, so both systems run without dates.

    Preparation, untimed: the first line of ECB+'s "plus" documents (their URL, space-tokenised)
    is dropped, being metadata only one event of each topic has; lines holding their sentence
    twice (an artefact of the export, about half the lines) are collapsed; lines are
    detokenised with ``copy_corpus.detokenize`` (the copies benchmark's: punctuation attached,
    quotes paired, hyphenated words re-joined) and each document is cleaned with
    ``clean_document(RawDocument(source=doc_id, id=doc_id, text=...), Settings())``, which may
    move a headline to ``Article.title``. Dates the cleaner reads from ECB+ datelines (found on
    "plus" documents only, so they would tell look-alike events apart) are removed.

    Systems, on the same cleaned articles (title and text):

    * ``storytrace``: ``group_stories(articles, copies, settings=Settings(), embedder=None)``,
      ``copies`` from ``storytrace.provenance.detect_copies`` computed beforehand, untimed;
      until the stories stage exists the script says so and runs the baseline alone;
    * ``TF-IDF``: scikit-learn ``TfidfVectorizer(sublinear_tf=True, stop_words="english",
      ngram_range=(1, 2), min_df=1)`` and ``AgglomerativeClustering(linkage="average",
      distance_threshold=t, n_clusters=None)`` on cosine distances, ``t`` swept over
      0.50, 0.52, ..., 0.98: the best ``t`` by BCubed F1 is the "tuned TF-IDF" anchor, tuned on
      the test set; ``TF-IDF, cross-validated`` chooses ``t`` on one half of the topics and
      scores the other half, both ways, beside the same halves scored at their own best ``t``,
      so that the difference is the optimism of tuning on the test set.

    Scores (every document is an item; one the system puts in no story counts as a story of
    its own, and is counted):

    * BCubed precision, recall and F1 (Bagga & Baldwin 1998), ARI and NMI (scikit-learn);
    * stories predicted against the 86 gold events; gold events split over several stories;
      stories mixing the two look-alike events of a topic; stories mixing topics;
    * articles/s = articles / wall time of the call; peak memory = the forked child's
      ``ru_maxrss`` at the end minus its RSS (``psutil``) at the start, i.e. what the call
      added on top of the cleaned corpus. The TF-IDF row times one fit and one clustering at
      its chosen ``t``.

Command (from the repository root)::

    .venv/bin/python benchmarks/stories.py                 # about 1 minute
    .venv/bin/python benchmarks/stories.py --dataset pages-dev --only storytrace --json /tmp/stories.json
    .venv/bin/python benchmarks/stories.py --limit 10      # ECB+: the first 10 topics
    .venv/bin/python benchmarks/stories.py --self-test     # checks the scoring on hand examples
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, fields, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from copies_real import _commit, dataset_inputs, run_storytrace  # beside this script
from copy_corpus import collapse_doubled, detokenize  # beside this script
from measure import Measured as Run  # beside this script
from measure import measured
from real_stories_scoring import (  # beside this script
    ECBPLUS,
    MEANTIME_FILES,
    PAGES_DEV_FILES,
    bcubed,
    bcubed_line,
    dating,
    dating_available,
    gold_stories,
    predicted_labels,
    reference_bcubed,
    report_scores,
    require_data,
)
from real_stories_scoring import score as bcubed_scores  # beside this script
from sklearn.cluster import AgglomerativeClustering
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score
from sklearn.metrics.pairwise import cosine_distances

from storytrace.clean import clean_document
from storytrace.embed import load_embedder
from storytrace.model import Article, RawDocument, Story
from storytrace.provenance import detect_copies
from storytrace.settings import Settings
from storytrace.store import Store

try:
    from storytrace.stories import group_stories
except ImportError as missing:  # the stage is not there yet, or not on an older checkout
    group_stories, MISSING_STAGE = None, str(missing)

REPO_ROOT = Path(__file__).resolve().parent.parent
THRESHOLDS = tuple(round(0.50 + 0.02 * step, 2) for step in range(25))  # 0.50 .. 0.98


@dataclass(frozen=True, slots=True)
class Document:
    """One ECB+ document, detokenised, with its gold labels."""

    doc_id: str
    topic: str
    event: str
    text: str


@dataclass(frozen=True, slots=True)
class Scores:
    """Everything printed for one system on one set of documents."""

    precision: float
    recall: float
    f1: float
    ari: float
    nmi: float
    stories: int
    events: int
    split_events: int  # gold events spread over several predicted stories
    mixed_lookalike: int  # predicted stories holding both look-alike events of a topic
    cross_topic: int  # predicted stories holding articles of several topics


# --- data ------------------------------------------------------------------------------------


def load_ecbplus(limit_topics: int | None = None) -> list[Document]:
    """ECB+'s documents, topics in numeric order (the first ``limit_topics`` of them), detokenised."""
    records = [json.loads(line) for line in ECBPLUS.read_text(encoding="utf-8").splitlines() if line.strip()]
    topics = sorted({record["topic"] for record in records}, key=int)[:limit_topics]
    # Hyphenated words written whole somewhere in ECB+ tell compounds ("free - agent") from dashes.
    compounds = frozenset(
        "-".join(parts[: end + 1])
        for record in records
        for token in re.findall(r"\w+(?:-\w+)+", record["text"])
        for parts in [token.lower().split("-")]
        for end in range(1, len(parts))
    )
    documents = []
    for record in records:
        if record["topic"] not in topics:
            continue
        lines = [collapse_doubled(line.strip()) for line in record["text"].split("\n") if line.strip()]
        if lines and lines[0].startswith("http"):  # the URL line of the "plus" half: metadata, not text
            lines = lines[1:]
        text = "\n".join(detokenize(line, compounds) for line in lines)
        documents.append(Document(record["doc_id"], record["topic"], record["cluster"], text))
    return documents


def clean(documents: Sequence[Document], settings: Settings) -> tuple[list[Article], int]:
    """storytrace's cleaned articles, without dates; and how many dates the cleaner had read."""
    articles = [
        clean_document(RawDocument(source=doc.doc_id, id=doc.doc_id, text=doc.text), settings) for doc in documents
    ]
    dated = sum(article.published is not None for article in articles)
    return [replace(article, published=None) for article in articles], dated


def full_text(article: Article) -> str:
    """What the baseline reads: the headline the cleaner kept apart, then the body."""
    return f"{article.title}\n{article.text}" if article.title else article.text


# --- systems ---------------------------------------------------------------------------------


def tfidf_distances(texts: Sequence[str]) -> np.ndarray:
    """Pairwise cosine distances of the baseline's TF-IDF vectors."""
    vectors = TfidfVectorizer(sublinear_tf=True, stop_words="english", ngram_range=(1, 2), min_df=1).fit_transform(
        texts
    )
    return cosine_distances(vectors)


def agglomerate(distances: np.ndarray, threshold: float) -> list[int]:
    """Average-linkage clusters below ``threshold``.

    ``metric="precomputed"`` on cosine distances is ``metric="cosine"``, but takes the sparse
    TF-IDF matrix's distances (``metric="cosine"`` wants the matrix dense) and computes them once
    for every threshold of the sweep.
    """
    model = AgglomerativeClustering(
        metric="precomputed", linkage="average", distance_threshold=threshold, n_clusters=None
    )
    return model.fit_predict(distances).tolist()


def tfidf_system(threshold: float) -> Callable[[Sequence[Article]], list[int]]:
    """The baseline at one threshold, end to end (vectorising included), for timing."""
    return lambda articles: agglomerate(tfidf_distances([full_text(article) for article in articles]), threshold)


def story_labels(stories: Sequence[Story], ids: Sequence[str]) -> tuple[list[int], int, int]:
    """A story number per article id; then the articles in no story and those in several.

    An article in no story becomes a story of its own; one in several keeps the first.
    """
    story_of: dict[str, int] = {}
    repeated = 0
    for number, story in enumerate(stories):
        for article_id in story.articles:
            repeated += article_id in story_of
            story_of.setdefault(article_id, number)
    missing = [article_id for article_id in ids if article_id not in story_of]
    story_of.update((article_id, len(stories) + index) for index, article_id in enumerate(missing))
    return [story_of[article_id] for article_id in ids], len(missing), repeated


def measure(name: str, system: Callable[[Sequence[Article]], Any], articles: list[Article]) -> Run:
    """Run ``system`` in a forked process (``measure.measured``), so that its peak memory is its own."""
    return measured(name, system, articles)


# --- scoring ---------------------------------------------------------------------------------


def score(documents: Sequence[Document], predicted: Sequence[int]) -> Scores:
    """All of one system's scores on ``documents`` (one predicted label each)."""
    events = [doc.event for doc in documents]
    precision, recall, f1 = bcubed(events, predicted)
    stories_of_event: defaultdict[str, set[int]] = defaultdict(set)
    events_of_story: defaultdict[int, set[tuple[str, str]]] = defaultdict(set)
    for doc, label in zip(documents, predicted, strict=True):
        stories_of_event[doc.event].add(label)
        events_of_story[label].add((doc.topic, doc.event))
    topic_counts = [Counter(topic for topic, _ in members) for members in events_of_story.values()]
    return Scores(
        precision=precision,
        recall=recall,
        f1=f1,
        ari=adjusted_rand_score(events, predicted),
        nmi=normalized_mutual_info_score(events, predicted),
        stories=len(events_of_story),
        events=len(stories_of_event),
        split_events=sum(len(labels) > 1 for labels in stories_of_event.values()),
        mixed_lookalike=sum(max(counts.values()) > 1 for counts in topic_counts),
        cross_topic=sum(len(counts) > 1 for counts in topic_counts),
    )


def sweep(documents: Sequence[Document], texts: Sequence[str]) -> dict[float, Scores]:
    """The baseline's scores at every threshold of the grid."""
    distances = tfidf_distances(texts)
    return {threshold: score(documents, agglomerate(distances, threshold)) for threshold in THRESHOLDS}


def best(curve: dict[float, Scores]) -> float:
    """The threshold of the highest BCubed F1 (the lowest threshold on ties)."""
    return max(curve, key=lambda threshold: (curve[threshold].f1, -threshold))


def cross_validate(documents: Sequence[Document], texts: Sequence[str]) -> dict[str, Any]:
    """The baseline with its threshold chosen on the other half of the topics.

    Topics are split in two halves, alternately in numeric order; each half is clustered on
    its own, at every threshold. A half's cross-validated score uses the other half's best
    threshold; its oracle score its own best, as the tuned anchor does on the whole corpus.
    """
    topics = sorted({doc.topic for doc in documents}, key=int)
    halves = [set(topics[0::2]), set(topics[1::2])]
    curves = []
    for half in halves:
        indices = [index for index, doc in enumerate(documents) if doc.topic in half]
        curves.append(sweep([documents[index] for index in indices], [texts[index] for index in indices]))
    folds = []
    for test, tune in ((0, 1), (1, 0)):
        chosen, own = best(curves[tune]), best(curves[test])
        folds.append(
            {
                "topics": sorted(halves[test], key=int),
                "threshold": chosen,
                "scores": curves[test][chosen],
                "oracle_threshold": own,
                "oracle_scores": curves[test][own],
            }
        )
    return {
        "folds": folds,
        "cv": _pool([f["scores"] for f in folds]),
        "oracle": _pool([f["oracle_scores"] for f in folds]),
    }


def _pool(halves: Sequence[Scores]) -> Scores:
    """Two halves' scores as one row: rates averaged, counts summed (the halves share no event)."""
    rates = {"precision", "recall", "f1", "ari", "nmi"}
    values = {
        name: (
            sum(getattr(s, name) for s in halves) / len(halves)
            if name in rates
            else sum(getattr(s, name) for s in halves)
        )
        for name in (field.name for field in fields(Scores))
    }
    return Scores(**values)


# --- output ----------------------------------------------------------------------------------


def row(name: str, scores: Scores, run: Run | None, articles: int) -> str:
    """One line of the results table."""
    speed = f"{articles / run.seconds:10.1f}  {run.peak_mib:8.1f}" if run else f"{'-':>10}  {'-':>8}"
    return (
        f"{name:<38} {scores.precision:6.3f} {scores.recall:6.3f} {scores.f1:6.3f} {scores.ari:6.3f} {scores.nmi:6.3f}"
        f" {scores.stories:7d} {scores.split_events:6d} {scores.mixed_lookalike:6d} {scores.cross_topic:6d}  {speed}"
    )


HEADER = (
    f"{'system':<38} {'P':>6} {'R':>6} {'F1':>6} {'ARI':>6} {'NMI':>6} {'stories':>7} {'split':>6}"
    f" {'mixed':>6} {'xtopic':>6}  {'articles/s':>10}  {'peak MiB':>8}"
)


def self_test() -> None:
    """Check the scoring on examples small enough to work out by hand."""
    gold = ["a", "a", "a", "b", "b", "c"]
    # Items 0-1: P 1, R 2/3; item 2: P 1/4, R 1/3; items 3-4: P 1/2, R 1; item 5: P 1/4, R 1.
    precision, recall, f1 = bcubed(gold, [1, 1, 2, 2, 2, 2])
    assert np.isclose(precision, (1 + 1 + 1 / 4 + 1 / 2 + 1 / 2 + 1 / 4) / 6), precision
    assert np.isclose(recall, (2 / 3 + 2 / 3 + 1 / 3 + 1 + 1 + 1) / 6), recall
    assert np.isclose(f1, 2 * precision * recall / (precision + recall))
    assert bcubed(gold, gold) == (1.0, 1.0, 1.0)
    assert np.isclose(bcubed(gold, range(6))[1], (3 * 1 / 3 + 2 * 1 / 2 + 1) / 6)  # singletons: precision 1
    assert bcubed(gold, [0] * 6)[1] == 1.0  # one cluster: recall 1
    labels = [("1", "a"), ("1", "a"), ("1", "b"), ("2", "c"), ("2", "c"), ("2", "d")]  # (topic, event)
    documents = [Document(str(i), topic, event, "") for i, (topic, event) in enumerate(labels)]
    scores = score(documents, [0, 0, 0, 1, 2, 2])  # 1a+1b mixed; 2c split over 1 and 2, one of which holds 2d
    assert (scores.stories, scores.events, scores.split_events, scores.mixed_lookalike, scores.cross_topic) == (
        3,
        4,
        1,
        2,
        0,
    )
    assert score(documents, [0] * 6).cross_topic == 1
    stories = [Story("s1", None, ("0", "1")), Story("s2", None, ("1", "2"))]
    assert story_labels(stories, ["0", "1", "2", "3"]) == ([0, 0, 1, 2], 1, 1)
    print("self-test passed")


def ecbplus_detail(limit: int | None) -> dict[str, Any]:
    """The ECB+ measurements of the earlier versions of this script (the "ECB+ in detail" section).

    ``group_stories`` on the cleaned documents without dates or embedder, against the TF-IDF of
    ``tfidf_distances`` (English stop words, bigrams) tuned on ECB+ and 2-fold cross-validated
    over topic halves, with ARI, NMI, split and mixed events, speed and memory.
    """
    print("\nECB+ in detail: group_stories without dates or embedder, against TF-IDF (stop words, bigrams)")
    settings = Settings()
    documents = load_ecbplus(limit)
    articles, dated = clean(documents, settings)
    ids = [article.id for article in articles]
    texts = [full_text(article) for article in articles]
    print(
        f"ECB+: {len(documents)} documents, {len({d.topic for d in documents})} topics,"
        f" {len({d.event for d in documents})} events; {sum(a.title is not None for a in articles)} headlines"
        f" moved to titles by the cleaner; {dated} dates read from datelines, removed (ECB+ states none)"
    )
    results: dict[str, Any] = {"documents": len(documents), "dates_removed": dated, "systems": {}}
    print(HEADER)

    if group_stories is None:
        print(f"storytrace's stories stage is missing ({MISSING_STAGE}): running the baseline alone")
    else:
        copies = detect_copies(articles, settings)
        run = measure(
            "storytrace", lambda items: group_stories(items, copies, settings=settings, embedder=None)[0], articles
        )
        labels, unassigned, repeated = story_labels(run.output, ids)
        scores = score(documents, labels)
        print(row("storytrace", scores, run, len(articles)))
        if unassigned or repeated:
            print(f"  storytrace: articles in no story {unassigned}, in several stories {repeated}")
        results["systems"]["storytrace"] = {
            **asdict(scores),
            "copies": len(copies),
            "unassigned": unassigned,
            "repeated": repeated,
            "articles_per_s": len(articles) / run.seconds,
            "peak_mib": run.peak_mib,
        }

    curve = sweep(documents, texts)
    threshold = best(curve)
    run = measure("TF-IDF", tfidf_system(threshold), articles)
    print(row(f"TF-IDF, best t={threshold:.2f} (tuned on test)", curve[threshold], run, len(articles)))
    cv = cross_validate(documents, texts)
    print(row("TF-IDF, t from other half (2-fold CV)", cv["cv"], None, len(articles)))
    print(row("TF-IDF, best t per half (same halves)", cv["oracle"], None, len(articles)))

    near = [t for t, s in curve.items() if s.f1 >= curve[threshold].f1 - 0.01]
    print(f"\nTF-IDF F1 is within 0.01 of its best for t in [{min(near):.2f}, {max(near):.2f}]")
    for fold in cv["folds"]:
        print(
            f"half of {len(fold['topics'])} topics: t={fold['threshold']:.2f} from the other half,"
            f" F1 {fold['scores'].f1:.3f}; its own best t={fold['oracle_threshold']:.2f},"
            f" F1 {fold['oracle_scores'].f1:.3f}"
        )
    print(
        "columns: BCubed P/R/F1; stories predicted (gold events: "
        f"{curve[threshold].events}); split = gold events over several stories; mixed = stories holding both"
        " look-alike events of a topic; xtopic = stories holding several topics"
    )

    results["systems"]["tfidf_best"] = {
        **asdict(curve[threshold]),
        "threshold": threshold,
        "articles_per_s": len(articles) / run.seconds,
        "peak_mib": run.peak_mib,
    }
    results["systems"]["tfidf_cv"] = asdict(cv["cv"])
    results["systems"]["tfidf_oracle_halves"] = asdict(cv["oracle"])
    results["cv_folds"] = [
        {**fold, "scores": asdict(fold["scores"]), "oracle_scores": asdict(fold["oracle_scores"])}
        for fold in cv["folds"]
    ]
    results["tfidf_sweep"] = {f"{t:.2f}": asdict(s) for t, s in curve.items()}
    return results


# --- the three real sets side by side --------------------------------------------------------

DATASETS = ("pages-dev", "ecbplus", "meantime")
NAMES = {"pages-dev": "pages-dev", "ecbplus": "ECB+", "meantime": "MEANTIME"}
# The baseline's threshold grid: 0.10, 0.12, ..., 0.98 (wide: multilingual sets need high ones).
GRID = tuple(round(0.10 + 0.02 * step, 2) for step in range(45))
# ECB+ states no dates; the cleaner reads some from the datelines of "plus" documents only, which
# would tell look-alike events apart. One stated day for every record keeps time out of it.
ECBPLUS_DAY = "2000-01-01"


def ecbplus_inputs(limit: int | None) -> tuple[list[dict[str, str]], dict[str, str]]:
    """ECB+ as ``analyze`` records (detokenised text, one stated day) and its gold events."""
    documents = load_ecbplus(limit)
    records = [{"id": doc.doc_id, "text": doc.text, "published": ECBPLUS_DAY} for doc in documents]
    return records, {doc.doc_id: doc.event for doc in documents}


def set_inputs(dataset: str, limit: int | None) -> tuple[list[Any], dict[str, str]]:
    """What ``analyze`` is given, and the gold story of every item."""
    if dataset == "ecbplus":
        return ecbplus_inputs(limit)
    return dataset_inputs(dataset), gold_stories(dataset)


def baseline_vectors(articles: Sequence[Article]) -> Any:
    """The baseline's TF-IDF vectors of storytrace's stored texts (sparse)."""
    return TfidfVectorizer(sublinear_tf=True).fit_transform([full_text(a) for a in articles])


def _clusters(articles: Sequence[Article], labels: Sequence[int]) -> list[list[str]]:
    clusters: defaultdict[int, list[str]] = defaultdict(list)
    for article, label in zip(articles, labels, strict=True):
        clusters[label].append(article.id)
    return list(clusters.values())


def baseline_clusters(articles: Sequence[Article], threshold: float) -> list[list[str]]:
    """The baseline as specified: ``metric="cosine"`` average linkage on the dense vectors, below ``threshold``."""
    if len(articles) < 2:
        return [[article.id] for article in articles]
    model = AgglomerativeClustering(metric="cosine", linkage="average", distance_threshold=threshold, n_clusters=None)
    return _clusters(articles, model.fit_predict(baseline_vectors(articles).toarray()).tolist())


def baseline_curve(
    articles: Sequence[Article], gold: dict[str, str], duplicates: dict[str, str]
) -> dict[float, dict[str, Any]]:
    """The baseline's BCubed scores at every threshold of the grid.

    The sweep clusters precomputed cosine distances (computed once, from the sparse vectors): the
    same clustering as ``metric="cosine"``, which recomputes them on the dense matrix at every
    threshold (about 4 s each on ECB+). ``cross_validate_sets`` checks the equality at the chosen one.
    """
    if len(articles) < 2:
        labels = predicted_labels([[article.id] for article in articles], list(gold), duplicates)
        return dict.fromkeys(GRID, bcubed_scores(gold, labels))
    distances = cosine_distances(baseline_vectors(articles))
    curve = {}
    for t in GRID:
        model = AgglomerativeClustering(metric="precomputed", linkage="average", distance_threshold=t, n_clusters=None)
        clusters = _clusters(articles, model.fit_predict(distances).tolist())
        curve[t] = {**bcubed_scores(gold, predicted_labels(clusters, list(gold), duplicates)), "clusters": clusters}
    return curve


def chosen_threshold(curves: Sequence[dict[float, dict[str, Any]]]) -> float:
    """The threshold of the highest mean BCubed F1 over ``curves`` (the lowest on ties)."""
    return max(GRID, key=lambda t: (sum(curve[t]["f1"] for curve in curves) / len(curves), -t))


def run_set(dataset: str, workdir: Path, limit: int | None, baseline: bool, block_days: int) -> dict[str, Any]:
    """storytrace on one set (fresh database), scored; with ``block_days``, also grouped in blocks
    of that many days (``Settings.story_block_days``, another fresh database); the baseline's
    curve on what it stored."""
    inputs, gold = set_inputs(dataset, limit)
    db = workdir / f"{dataset}.db"
    report, seconds = run_storytrace(inputs, db)
    result: dict[str, Any] = {
        "items": len(gold),
        "gold_stories": len(set(gold.values())),
        "articles_stored": len(report.articles),
        "duplicates": len(report.duplicates),
        "problems": [f"{problem.source}: {problem.reason}" for problem in report.problems],
        "storytrace": {**report_scores(report, gold), "seconds": round(seconds, 2)},
        "report": report,
    }
    if block_days:
        blocks, block_seconds = run_storytrace(
            inputs, workdir / f"{dataset}-blocks.db", Settings(story_block_days=block_days)
        )
        result["storytrace_blocks"] = {**report_scores(blocks, gold), "seconds": round(block_seconds, 2),
                                       "block_days": block_days}  # fmt: skip
    if dataset == "pages-dev":
        theirs, ours = reference_bcubed(report, workdir), bcubed_line(result["storytrace"])
        result["reference_scorer"] = theirs
        result["reference_scorer_agrees"] = None if theirs is None else theirs == ours
    if baseline:
        articles = Store(db, Settings(), must_exist=True).load_articles()
        result["curve"] = baseline_curve(articles, gold, dict(report.duplicates))
        result["baseline_articles"] = articles
    return result


def cross_validate_sets(results: dict[str, dict[str, Any]]) -> None:
    """Each set's baseline at the threshold chosen on the other sets of the run, and at its own best.

    The cross-validated run is repeated as specified (``metric="cosine"``), timed, and checked to
    give the sweep's clusters.
    """
    for dataset, result in results.items():
        curve = result["curve"]
        others = [other for other in results if other != dataset]
        oracle = chosen_threshold([curve])
        result["baseline_oracle"] = {**_figures(curve[oracle]), "threshold": oracle}
        if others:
            t = chosen_threshold([results[other]["curve"] for other in others])
            started = time.perf_counter()
            clusters = baseline_clusters(result["baseline_articles"], t)
            seconds = time.perf_counter() - started
            if sorted(map(sorted, clusters)) != sorted(map(sorted, curve[t]["clusters"])):
                raise SystemExit(f"{dataset}: metric='cosine' and the precomputed sweep disagree at t={t}")
            result["baseline_cv"] = {**_figures(curve[t]), "threshold": t, "tuned_on": others, "seconds": seconds}


def _figures(scores: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in scores.items() if key != "clusters"}


def _row(dataset: str, system: str, threshold: str, scores: dict[str, Any] | None, gold: int, seconds: str) -> str:
    if scores is None:
        dashes = f"{'-':>6} {'-':>6} {'-':>6} {'-':>7}"
        return f"{NAMES[dataset]:<10} {system:<52} {threshold:>5} {dashes} {gold:>5} {seconds:>8}"
    return (
        f"{NAMES[dataset]:<10} {system:<52} {threshold:>5} {scores['precision']:6.3f} {scores['recall']:6.3f}"
        f" {scores['f1']:6.3f} {scores['stories']:7d} {gold:>5} {seconds:>8}"
    )


def print_side_by_side(results: dict[str, dict[str, Any]]) -> None:
    print(
        f"\n{'set':<10} {'system':<52} {'t':>5} {'P':>6} {'R':>6} {'F1':>6} {'stories':>7} {'gold':>5} {'seconds':>8}"
    )
    for dataset, result in results.items():
        gold = result["gold_stories"]
        ours = result["storytrace"]
        print(_row(dataset, "storytrace", "-", ours, gold, f"{ours['seconds']:.1f}"))
        if "storytrace_blocks" in result:
            blocks = result["storytrace_blocks"]
            name = f"storytrace, blocks of {blocks['block_days']} days"
            print(_row(dataset, name, "-", blocks, gold, f"{blocks['seconds']:.1f}"))
        if "curve" not in result:
            continue
        cv = result.get("baseline_cv")
        if cv is None:
            print(_row(dataset, "TF-IDF + average linkage: no other set", "-", None, gold, "-"))
        else:
            tuned = " & ".join(NAMES[other] for other in cv["tuned_on"])
            print(
                _row(
                    dataset,
                    f"TF-IDF + average linkage, t from {tuned}",
                    f"{cv['threshold']:.2f}",
                    cv,
                    gold,
                    f"{cv['seconds']:.1f}",
                )
            )
    if any("curve" in result for result in results.values()):
        print("reference only, tuned on the set it scores (not a fair comparison):")
        for dataset, result in results.items():
            if "curve" in result:
                oracle = result["baseline_oracle"]
                print(
                    _row(
                        dataset,
                        "TF-IDF + average linkage, oracle t",
                        f"{oracle['threshold']:.2f}",
                        oracle,
                        result["gold_stories"],
                        "-",
                    )
                )
    print(
        "BCubed over every labelled item (a duplicate input with the article it duplicates, an input in no story"
        " alone); stories = predicted stories; gold = gold stories; t = the baseline's cosine-distance threshold"
    )
    for dataset, result in results.items():
        if result["problems"] or result["duplicates"]:
            print(f"{NAMES[dataset]}: {result['duplicates']} duplicate inputs, problems: {result['problems']}")
    if "pages-dev" in results:
        result = results["pages-dev"]
        print(
            f"../shared/tools/score-pages-dev on storytrace's report: {result['reference_scorer']}"
            f" (agrees with ours: {result['reference_scorer_agrees']})"
        )


def print_dating(results: dict[str, dict[str, Any]]) -> dict[str, Any]:
    if not dating_available():
        print("\ndating: not available yet (storytrace.model.Article has no date_source)")
        return {}
    print("\ndating (Article.date_source): articles with a publication date, by where it came from")
    figures = {}
    for dataset, result in results.items():
        if dataset == "ecbplus":
            print(f"{NAMES[dataset]:<10} dates given by the benchmark (one day for all), not measured")
            continue
        found = figures[dataset] = dating(result["report"].articles, dataset)
        share = found["dated"] / max(1, found["articles"])
        line = f"{NAMES[dataset]:<10} dated {found['dated']}/{found['articles']} ({share:.0%})"
        line += "; " + ", ".join(f"{source} {count}" for source, count in sorted(found["sources"].items()))
        if "story_pages" in found:
            line += (
                f"; story pages dated within a day of the labelled story date"
                f" {found['story_pages_within_a_day']}/{found['story_pages']}"
                f" ({found['story_pages_within_a_day'] / max(1, found['story_pages']):.0%})"
            )
        print(line)
    return figures


def main(argv: list[str] | None = None) -> None:
    """Run storytrace and the baseline on the real sets, print the tables, optionally write JSON."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dataset", choices=DATASETS, action="append", help="run only this set (repeatable)")
    parser.add_argument("--only", choices=("storytrace",), help="storytrace alone: no baseline, no ECB+ detail")
    parser.add_argument("--limit", type=int, help="ECB+: the first N topics only (at least 2)")
    parser.add_argument("--no-detail", action="store_true", help="skip the ECB+ in detail section")
    parser.add_argument("--json", type=Path, help="write the figures here")
    parser.add_argument("--story-block-days", type=int, default=0,
                        help="also group in blocks of N days (Settings.story_block_days)")  # fmt: skip
    parser.add_argument("--self-test", action="store_true", help="check the scoring on hand examples and stop")
    args = parser.parse_args(argv)
    if args.self_test:
        self_test()
        return
    if args.limit is not None and args.limit < 2:
        parser.error("--limit needs at least 2 topics")
    datasets = [dataset for dataset in DATASETS if dataset in (args.dataset or DATASETS)]
    require_data(
        [ECBPLUS] * ("ecbplus" in datasets)
        + list(PAGES_DEV_FILES) * ("pages-dev" in datasets)
        + list(MEANTIME_FILES) * ("meantime" in datasets)
    )
    baseline = args.only is None
    output: dict[str, Any] = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d"),
        **_commit(),
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "embedder": getattr(load_embedder("auto"), "name", None),
        "datasets": {},
    }
    results: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory(prefix="stories-real-") as folder:
        for dataset in datasets:
            results[dataset] = run_set(dataset, Path(folder), args.limit, baseline, args.story_block_days)
            print(f"{NAMES[dataset]}: storytrace F1 {results[dataset]['storytrace']['f1']:.3f}", flush=True)
    if baseline:
        cross_validate_sets(results)
    print_side_by_side(results)
    output["dating"] = print_dating(results)
    for dataset, result in results.items():
        kept = {key: value for key, value in result.items() if key not in ("report", "baseline_articles", "curve")}
        if "curve" in result:
            kept["baseline_curve"] = {f"{t:.2f}": _figures(scores) for t, scores in result["curve"].items()}
        output["datasets"][dataset] = kept
    if baseline and not args.no_detail and "ecbplus" in datasets:
        output["ecbplus_detail"] = ecbplus_detail(args.limit)
    if args.json:
        args.json.write_text(json.dumps(output, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"\nfigures written to {args.json}")


if __name__ == "__main__":
    main()
