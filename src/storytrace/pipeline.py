"""The Python API: ``analyze`` runs the pipeline (ingest → clean → store → copies → stories →
compare) over a batch; ``add`` streams articles into the stored stories one at a time (``Tracker``).

``analyze`` on a batch gives the same stories as ``add`` of the same articles one by one in
``arrival_order``: both feed ``StoryIndex.add`` in that order. Only copies differ: ``analyze``
finds them within its batch, ``add`` among the stored articles of each article's nearest stories.
The batch is read and cleaned by ``batch.py``; stories and pairs are compared by ``comparisons.py``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

from storytrace.batch import read_batch
from storytrace.comparisons import compare_pair, compare_stories, compare_story
from storytrace.embed import Embedder, load_embedder
from storytrace.errors import Interrupted, StoreError
from storytrace.executor import Executor, run_executor
from storytrace.ingest import InputItem
from storytrace.model import Article, Copy, IngestResult, Problem, Report, Story, Storyline
from storytrace.progress import ProgressSink, SilentProgress
from storytrace.provenance import detect_copies
from storytrace.settings import DEFAULT_SETTINGS, Settings
from storytrace.store import Store
from storytrace.stories import Assignment, arrival_order
from storytrace.tracker import Tracker

__all__ = ["Tracker", "add", "analyze", "compare_pair", "compare_story"]


class _StageRecorder:
    """A progress sink passing everything on while remembering the current stage (for interrupts)."""

    def __init__(self, sink: ProgressSink) -> None:
        self.sink = sink
        self.current = "starting"

    def stage(self, name: str, total: int | None) -> None:
        self.current = name
        self.sink.stage(name, total)

    def advance(self, count: int = 1) -> None:
        self.sink.advance(count)

    def note(self, message: str) -> None:
        self.sink.note(message)


@contextmanager
def _interruptible(db: str | Path, settings: Settings, sink: _StageRecorder, batch: list[Article]) -> Iterator[None]:
    """Turn Ctrl-C into ``Interrupted`` saying in which stage the run stopped and what of its batch
    is kept (every finished transaction is), so that the user knows a rerun resumes."""
    try:
        yield
    except KeyboardInterrupt:
        stage = sink.current
        if not batch:
            raise Interrupted(f"interrupted while {stage}; nothing of this batch was stored yet") from None
        try:
            with Store(db, settings, must_exist=True) as store:
                kept = store.batch_progress([article.id for article in batch])
        except StoreError:  # stopped before the database was made
            kept = {"stored": 0, "grouped": 0, "parsed": 0}
        raise Interrupted(
            f"interrupted while {stage}; kept: {kept['stored']} of {len(batch)} articles stored, "
            f"{kept['grouped']} in stories, {kept['parsed']} parsed. Run the same command again "
            "to finish: finished work is not redone"
        ) from None


@dataclass
class _Run:
    """What a writing run holds once its inputs are read and cleaned and the database is its own."""

    sink: _StageRecorder
    executor: Executor
    model: Embedder | None
    articles: list[Article]
    problems: list[Problem]
    store: Store
    tracker: Tracker


@contextmanager
def _writing_run(
    command: str,
    inputs: InputItem | Iterable[InputItem],
    db: str | Path,
    settings: Settings,
    progress: ProgressSink | None,
    executor: Executor,
    embedder: Embedder | str | None,
) -> Iterator[_Run]:
    """The start and end ``analyze`` and ``add`` share: read and clean the inputs, then hold the
    database's writer lock (waiting for another writer) and a tracker over its stories; Ctrl-C
    anywhere inside becomes ``Interrupted``."""
    sink = _StageRecorder(progress or SilentProgress())
    articles: list[Article] = []
    with _interruptible(db, settings, sink, articles):
        model = load_embedder(embedder) if isinstance(embedder, str) else embedder
        articles[:], problems = read_batch(inputs, settings, sink, executor)
        with (
            Store(db, settings) as store,
            store.writer_lock(command, sink.note),
            Tracker(store, settings, model) as tracker,
        ):
            yield _Run(sink, executor, model, articles, problems, store, tracker)


def analyze(
    inputs: InputItem | Iterable[InputItem],
    db: str | Path = "storytrace.db",
    settings: Settings = DEFAULT_SETTINGS,
    progress: ProgressSink | None = None,
    workers: int | None = None,
    embedder: Embedder | str | None = "auto",
    compare: bool = True,
    executor: Executor | None = None,
) -> Report:
    """Ingest, clean and store articles, find copies among them, group them into stories and
    compare each story's coverage; return the report of this batch.

    ``inputs`` are paths (files, directories or glob patterns such as ``crawl/*.warc.gz``),
    ``-`` for JSONL on standard input, or dicts shaped like JSONL records. ``db`` is a SQLite
    path or a ``postgresql://`` URL. Inputs that cannot be read are listed in
    ``Report.problems`` while the rest proceeds; ``Report.results`` says what became of every
    article read.

    ``embedder`` (an :class:`~storytrace.embed.Embedder` or a spec for ``load_embedder``; by
    default ``"auto"``, as in the CLI, so both give one answer) adds translation detection,
    reworded (spun) passages and cross-language stories; with ``None``, copies and stories are
    found lexically.

    The batch's articles join the stored stories (``Report.stories`` holds the stories of the
    batch's articles and the other stories of their storylines); re-parsing stored articles
    leaves their stories as they are. With ``Settings.story_block_days``, the dated articles
    are grouped in parallel blocks of days and joined (``stories/blocks.py``) instead of one
    by one. Another run writing to the same database is waited for.
    A run stopped by Ctrl-C raises ``Interrupted``; one killed outright leaves whole
    transactions only, and running it again gives what an uninterrupted run gives.

    ``compare`` fills each story's quotes, facts, coverage, summary and timeline
    (``Report.comparisons``); it parses every article with spaCy, the slowest step by far
    (docs/compare.md), so large corpora may leave it off and compare stories on demand
    (``storytrace show``).

    ``executor`` runs the steps (cleaning, aligning, grouping features, parsing): by default
    this machine's processes (``workers`` of them, all cores unless given); a
    :class:`~storytrace.spark.SparkExecutor` (``storytrace.spark.spark_executor``) runs them as
    Spark jobs with the same results.
    """
    runner = run_executor(workers, executor)
    with _writing_run("storytrace analyze", inputs, db, settings, progress, runner, embedder) as run:
        store, sink, articles = run.store, run.sink, run.articles
        sink.stage("storing", len(articles))
        results: list[IngestResult] = []
        for start in range(0, len(articles), settings.store_batch_size):
            batch = articles[start : start + settings.store_batch_size]
            results.extend(store.save_articles(batch))
            sink.advance(len(batch))
        unique = _unique(articles, results)
        # Left by a killed run of other inputs; this batch's own go through the steps below.
        run.tracker.catch_up(sink, skip={article.id for article in articles})
        copies = detect_copies(unique, settings, run.model, sink, run.executor)
        store.save_copies(copies, (article.id for article in unique))
        sink.stage("grouping stories", len(unique))
        assignments = run.tracker.assign(unique, sink, run.executor)
        stories, storylines = run.tracker.stories_of(article.id for article in unique)
        comparisons = (
            compare_stories(store, stories, unique, settings, run.model, sink, run.executor) if compare else []
        )
    report = _report(unique, copies, results, run.problems, (stories, storylines), assignments)
    return replace(report, comparisons=tuple(comparisons), steps=run.executor.statistics())


def add(
    inputs: InputItem | Iterable[InputItem],
    db: str | Path = "storytrace.db",
    settings: Settings = DEFAULT_SETTINGS,
    progress: ProgressSink | None = None,
    embedder: Embedder | str | None = "auto",
    compare: bool = True,
    workers: int | None = None,
    executor: Executor | None = None,
) -> Report:
    """Read and clean inputs like ``analyze``, then add the articles one at a time in
    ``arrival_order``: each is stored, compared with the stored articles of its nearest stories
    for copies, and added to the stored story index, each write its own transaction.

    The report holds the articles, the copies found for them, and their stories with their
    storylines (compared as ``analyze`` does when ``compare``); ``Report.grouped`` counts where
    the articles went. Waiting, interrupts and kills behave as in ``analyze``, and so do
    ``workers`` and ``executor``.
    """
    results: list[IngestResult] = []
    copies: list[Copy] = []
    assignments: list[Assignment] = []
    runner = run_executor(workers, executor)
    with _writing_run("storytrace add", inputs, db, settings, progress, runner, embedder) as run:
        sink, tracker = run.sink, run.tracker
        ordered = arrival_order(run.articles)
        tracker.catch_up(sink, skip={article.id for article in ordered})
        sink.stage("adding", len(ordered))
        for article in ordered:
            result, assignment, found = tracker.add(article)
            results.append(result)
            if assignment is not None:
                assignments.append(assignment)
            copies.extend(found)
            sink.advance()
        unique = _unique(ordered, results)
        stories = tracker.stories_of(article.id for article in unique)
        comparisons = (
            compare_stories(run.store, stories[0], unique, settings, run.model, sink, run.executor) if compare else []
        )
    report = _report(unique, copies, results, run.problems, stories, assignments)
    return replace(report, comparisons=tuple(comparisons), steps=run.executor.statistics())


def _unique(articles: list[Article], results: list[IngestResult]) -> list[Article]:
    """The batch's stored articles, each once: duplicates of stored articles are mapped, not
    repeated, and articles the database rejected are left out."""
    seen: set[str] = set()
    unique: list[Article] = []
    for article, result in zip(articles, results, strict=True):
        if result.status in ("duplicate", "rejected") or article.id in seen:
            continue
        seen.add(article.id)
        unique.append(article)
    return unique


def _report(
    articles: list[Article],
    copies: list[Copy],
    results: list[IngestResult],
    problems: list[Problem],
    stories: tuple[list[Story], list[Storyline]],
    assignments: list[Assignment],
) -> Report:
    duplicates = {r.article_id: r.duplicate_of for r in results if r.status == "duplicate" and r.duplicate_of}
    rejected = [Problem(r.source, f"the database refused article {r.article_id}: {r.reason}") for r in results
                if r.status == "rejected"]  # fmt: skip
    grouped = Counter(assignment.reason for assignment in assignments)
    grouped["merged"] = sum(len(assignment.merges) for assignment in assignments)
    return Report(
        articles=tuple(articles),
        copies=tuple(copies),
        stories=tuple(stories[0]),
        storylines=tuple(stories[1]),
        problems=tuple(problems + rejected),
        duplicates=duplicates,
        stored=dict(Counter(result.status for result in results)),
        grouped={reason: count for reason, count in grouped.items() if count},
        results=tuple(results),
    )
