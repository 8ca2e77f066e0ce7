"""The Python API: ``analyze`` runs the pipeline (ingest → clean → store → copies → stories →
compare) over a batch; ``add`` streams articles into the stored stories one at a time (``Tracker``).

``analyze`` on a batch gives the same stories as ``add`` of the same articles one by one in
``arrival_order``: both feed ``StoryIndex.add`` in that order. Only copies differ: ``analyze``
finds them within its batch, ``add`` among the stored articles of each article's nearest stories.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from storytrace.align import article_features
from storytrace.clean import clean_document, remove_outlet_repeats
from storytrace.embed import Embedder, load_embedder
from storytrace.errors import ConfigError, InputError, Interrupted, StoreError, StorytraceError
from storytrace.executor import Executor, LocalExecutor, Step
from storytrace.ingest import InputItem, read_inputs
from storytrace.model import (
    Article,
    Copy,
    IngestResult,
    Passage,
    Problem,
    ProblemKind,
    RawDocument,
    Report,
    Story,
    StoryComparison,
    Storyline,
)
from storytrace.progress import ProgressSink, SilentProgress
from storytrace.provenance import compare_articles, detect_copies
from storytrace.settings import DEFAULT_SETTINGS, Settings
from storytrace.store import Store, StoredStory, text_hash
from storytrace.stories import Assignment, arrival_order
from storytrace.summarize import ParsedArticle, compare_coverage, date_references, iter_parsed
from storytrace.summarize.parsing import parsed_from_record, parsed_record
from storytrace.tracker import Tracker

__all__ = ["Tracker", "add", "analyze", "compare_pair", "compare_story"]


def _prepare(settings: Settings, raw: RawDocument) -> Article | Problem:
    """Clean one document (in a worker process); any failure becomes a problem naming it."""
    try:
        article = clean_document(raw, settings)
    except InputError as error:
        return Problem(error.source, error.reason)
    except StorytraceError as error:
        return Problem(raw.source, str(error))
    except Exception as error:  # noqa: BLE001 - hostile input may break any library; report, go on
        return Problem(raw.source, f"cannot extract or clean ({type(error).__name__}: {error})")
    return article


# Below 400 documents a process pool costs more to start than it saves.
CLEANING = Step("cleaning", _prepare, parallel_from=400, chunk=64)


def _clean(
    raws: list[RawDocument], settings: Settings, executor: Executor, progress: ProgressSink
) -> tuple[list[Article], list[Problem]]:
    """Per-document cleaning (the executor's ``cleaning`` step), then the corpus-level pass."""
    results = list(_advancing(executor.map(CLEANING, raws, settings), progress))
    problems = [result for result in results if isinstance(result, Problem)]
    articles = remove_outlet_repeats([result for result in results if isinstance(result, Article)], settings)
    problems.extend(
        Problem(a.source, "no article text left after removing boilerplate") for a in articles if not a.text
    )
    return [article for article in articles if article.text], problems


def _advancing(results: Iterable[Article | Problem], progress: ProgressSink) -> Iterator[Article | Problem]:
    for result in results:
        progress.advance()
        yield result


def _as_inputs(inputs: InputItem | Iterable[InputItem]) -> list[InputItem]:
    if isinstance(inputs, (str, os.PathLike, Mapping)):
        return [inputs]
    return list(inputs)


def _read_and_clean(
    inputs: InputItem | Iterable[InputItem], settings: Settings, sink: ProgressSink, executor: Executor
) -> tuple[list[Article], list[Problem]]:
    """Read every input and clean the documents (the corpus-level pass included); an article id
    given twice keeps its first article (see ``_first_of_each_id``)."""
    problems: list[Problem] = []
    raws: list[RawDocument] = []
    sink.stage("reading", None)
    for item in read_inputs(_as_inputs(inputs), settings):
        if isinstance(item, Problem):
            problems.append(item)
        else:
            raws.append(item)
            sink.advance()
    sink.stage("cleaning", len(raws))
    articles, cleaning_problems = _clean(raws, settings, executor, sink)
    articles, repeats = _first_of_each_id(articles)
    return articles, problems + cleaning_problems + repeats


def _first_of_each_id(articles: list[Article]) -> tuple[list[Article], list[Problem]]:
    """The batch with each article id once. A repeat with the same text is reported as a warning;
    one with another text as an error, since it is not stored (the first is: reruns then agree)."""
    first: dict[str, Article] = {}
    problems: list[Problem] = []
    for article in articles:
        earlier = first.setdefault(article.id, article)
        if earlier is article:
            continue
        if text_hash(earlier.text, earlier.outlet) == text_hash(article.text, article.outlet):
            problems.append(
                Problem(article.source, f"repeats article {article.id} of {earlier.source}", ProblemKind.WARNING)
            )
        else:
            problems.append(
                Problem(
                    article.source, f"id {article.id} was already given to another text by {earlier.source}; not stored"
                )
            )
    return list(first.values()), problems


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
        articles[:], problems = _read_and_clean(inputs, settings, sink, executor)
        with Store(db, settings) as store, store.writer_lock(command, sink.note):
            tracker = Tracker(store, settings, model)
            try:
                yield _Run(sink, executor, model, articles, problems, store, tracker)
            finally:
                tracker.close()


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

    ``inputs`` are paths (files or directories), ``-`` for JSONL on standard input, or dicts
    shaped like JSONL records. ``db`` is a SQLite path or a ``postgresql://`` URL. Inputs that
    cannot be read are listed in ``Report.problems`` while the rest proceeds; ``Report.results``
    says what became of every article read.

    ``embedder`` (an :class:`~storytrace.embed.Embedder` or a spec for ``load_embedder``; by
    default ``"auto"``, as in the CLI, so both give one answer) adds translation detection,
    reworded (spun) passages and cross-language stories; with ``None``, copies and stories are
    found lexically.

    The batch's articles join the stored stories (``Report.stories`` holds the stories of the
    batch's articles and the other stories of their storylines); re-parsing stored articles
    leaves their stories as they are. Another run writing to the same database is waited for.
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
    runner = _executor(workers, executor)
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
    runner = _executor(workers, executor)
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


def _executor(workers: int | None, executor: Executor | None) -> Executor:
    """The executor a run uses: the one given, or local processes (``workers``, default all cores)."""
    if executor is None:
        return LocalExecutor(workers if workers is not None else (os.cpu_count() or 1))
    if workers is not None:
        raise ConfigError("give workers or an executor, not both (an executor sets its own parallelism)")
    return executor


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


def comparing_embedder(embedder: Embedder | str | None, stories: Iterable[Sequence[Article]]) -> Embedder | None:
    """The embedder comparing these stories needs: loaded (from a spec) only when one of them
    spans languages, for the others compare within one language."""
    if not any(len({article.language for article in members}) > 1 for members in stories):
        return None
    return load_embedder(embedder) if isinstance(embedder, str) else embedder


def compare_stories(
    store: Store,
    stories: list[Story],
    batch: list[Article],
    settings: Settings,
    embedder: Embedder | None,
    sink: ProgressSink,
    executor: Executor,
) -> list[StoryComparison]:
    """Compare each story over all its stored articles (older ones are read back from the store).

    Articles are parsed once (spaCy) for all stories together and the parsed cached in the
    store, so showing a story later does not parse again.
    """
    known = {article.id: article for article in batch}
    missing = [article_id for story in stories for article_id in story.articles if article_id not in known]
    known.update((article.id, article) for article in store.load_articles(missing))
    members = {story.id: [known[i] for i in story.articles if i in known] for story in stories}
    parsed = _parsed_articles(
        store,
        [m for story in stories for m in members[story.id]],
        {story.id: members[story.id] for story in stories},
        settings,
        sink,
        executor,
    )
    comparisons: list[StoryComparison] = []
    sink.stage("comparing coverage", len(stories))
    for story in stories:
        relations = store.load_copies(story.articles)
        comparisons.append(compare_coverage(story.id, members[story.id], relations, settings, embedder, parsed))
        sink.advance()
    return comparisons


def _parsed_articles(
    store: Store,
    articles: list[Article],
    stories: Mapping[str, list[Article]],
    settings: Settings,
    sink: ProgressSink,
    executor: Executor,
) -> dict[str, ParsedArticle]:
    """Every article's parse: from the store's cache when still valid, else made now and
    cached as they come, ``store_batch_size`` at a time (an interrupted run keeps what it parsed;
    a read-only store caches nothing)."""
    references: dict[str, date | None] = {}
    for members in stories.values():
        references.update(date_references(members))
    by_id = {article.id: article for article in articles}
    cached = {  # the store keeps plain records; a stale one (other text, version or date) is None
        article_id: parse
        for article_id, record in store.load_parsed(by_id).items()
        if (parse := parsed_from_record(by_id[article_id], record, references.get(article_id))) is not None
    }
    missing = list({article.id: article for article in articles if article.id not in cached}.values())
    if not missing:
        return cached
    sink.stage("reading quotes and facts", len(missing))
    pending: list[ParsedArticle] = []
    for parse in iter_parsed(missing, references, settings, executor):
        cached[parse.article.id] = parse
        pending.append(parse)
        sink.advance()
        if len(pending) >= settings.store_batch_size:
            _cache_parsed(store, pending)
    _cache_parsed(store, pending)
    return cached


def _cache_parsed(store: Store, parsed: list[ParsedArticle]) -> None:
    """Cache parsed in the store (unless it is read-only) and empty the list."""
    if parsed and not store.readonly:
        store.save_parsed({parse.article.id: parsed_record(parse) for parse in parsed})
    parsed.clear()


def compare_story(
    story: str,
    db: str | Path = "storytrace.db",
    settings: Settings = DEFAULT_SETTINGS,
    embedder: Embedder | str | None = "auto",
    workers: int | None = None,
) -> tuple[StoredStory, StoryComparison]:
    """Compare one stored story's coverage: its quotes, facts, additions and omissions, summary and timeline.

    ``story`` may name a story since merged into another (the result is the one it joined).
    Articles parsed before are read from the store's cache; the others are parsed and cached.
    The embedder is loaded only for a story in several languages; ``workers`` parser processes
    (default: all cores; a server passes 1) read articles not parsed yet.
    """
    with Store(db, settings, must_exist=True) as store:
        found = store.load_story(story)
        if found is None:
            raise InputError(story, "no such story in the database (see storytrace stories)")
        articles = store.load_articles(found.articles)
        relations = store.load_copies(found.articles)
        executor = LocalExecutor(workers if workers is not None else (os.cpu_count() or 1))
        parsed = _parsed_articles(store, articles, {found.id: articles}, settings, SilentProgress(), executor)
    return found, compare_coverage(
        found.id, articles, relations, settings, comparing_embedder(embedder, [articles]), parsed
    )


def compare_pair(
    first: str,
    second: str,
    db: str | Path = "storytrace.db",
    settings: Settings = DEFAULT_SETTINGS,
    embedder: Embedder | str | None = "auto",
) -> tuple[Article, Article, tuple[Passage, ...], Copy | None]:
    """Two stored articles, their aligned passages (``first``'s spans as ``original``) and their copy verdict.

    The verdict is the one the database holds when ``analyze`` or ``add`` related the two (what
    ``copies`` lists); otherwise the pair is judged as those commands judge a candidate pair,
    with the other articles of their stories as context and the same embedder. So every door
    (``storytrace compare``, the web's side-by-side view, this function) gives one answer.
    """
    if first == second:
        raise InputError(first, "compare needs two different articles")
    with Store(db, settings, must_exist=True) as store:
        found = {article.id: article for article in store.load_articles([first, second])}
        missing = [i for i in (first, second) if i not in found]
        if missing:
            raise InputError(", ".join(missing), "no such article in the database")
        stored = [r for r in store.load_copies([first, second]) if {r.original, r.copy} == {first, second}]
        context_ids = _story_neighbours(store, (first, second), settings.pair_context_articles)
        context = [article_features(article) for article in store.load_articles(context_ids)]
    if stored:
        relation = stored[0]
        passages = relation.passages
        if relation.original != first:
            passages = tuple(Passage(original=p.copy, copy=p.original, similarity=p.similarity) for p in passages)
        return found[first], found[second], passages, relation
    model = load_embedder(embedder) if isinstance(embedder, str) else embedder
    passages, judged = compare_articles(found[first], found[second], settings, model, context)
    return found[first], found[second], passages, judged


def _story_neighbours(store: Store, ids: tuple[str, str], most: int) -> list[str]:
    """Up to ``most`` other members of the stories holding ``ids``."""
    neighbours: list[str] = []
    for story_id in dict.fromkeys(filter(None, (store.story_of(i) for i in ids))):
        story = store.load_story(story_id)
        neighbours.extend(i for i in (story.articles if story else ()) if i not in ids)
    return list(dict.fromkeys(neighbours))[:most]
