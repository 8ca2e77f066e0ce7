"""Comparisons over the store: every story of a batch (``analyze``, ``add``, ``export``), one
stored story (``compare_story``) and a stored pair of articles (``compare_pair``).

Each article is parsed once with spaCy and the parse cached in the store as a plain record, so
a story shown later, in the terminal or the web app, is not parsed again.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from pathlib import Path

from storytrace.align import article_features
from storytrace.embed import Embedder, load_embedder
from storytrace.errors import InputError
from storytrace.executor import Executor, run_executor
from storytrace.model import Article, Copy, Passage, Story, StoryComparison
from storytrace.progress import ProgressSink, SilentProgress
from storytrace.provenance import compare_articles
from storytrace.settings import DEFAULT_SETTINGS, Settings
from storytrace.store import Store, StoredStory
from storytrace.summarize import ParsedArticle, compare_coverage, date_references, iter_parsed
from storytrace.summarize.parsing import parsed_from_record, parsed_record

__all__ = ["compare_pair", "compare_stories", "compare_story", "comparing_embedder", "spans_languages"]


def spans_languages(articles: Iterable[Article]) -> bool:
    """True when the articles are in more than one language: only then does comparing them use an embedder."""
    return len({article.language for article in articles}) > 1


def comparing_embedder(embedder: Embedder | str | None, stories: Iterable[Sequence[Article]]) -> Embedder | None:
    """The embedder comparing these stories needs: loaded (from a spec) only when one of them
    spans languages, for the others compare within one language."""
    if not any(spans_languages(members) for members in stories):
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

    Articles are parsed once (spaCy) for all stories together and the parses cached in the
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
    """Cache these parses in the store (unless it is read-only) and empty the list."""
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
        executor = run_executor(workers)
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
        context = [article_features(article, settings) for article in store.load_articles(context_ids)]
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
