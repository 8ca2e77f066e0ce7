"""Stories (one real-world event) and storylines (stories continuing one another).

``group_stories`` is the batch entry point; it streams the batch through a
:class:`~storytrace.stories.index.StoryIndex` in ``arrival_order``, the order in which
``storytrace add`` would have to receive the same articles to build the same stories.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from functools import lru_cache

import numpy as np

from storytrace.days import epoch_day
from storytrace.embed import Embedder, lead_vectors
from storytrace.executor import SERIAL, Executor, Step
from storytrace.model import Article, Copy, Story, Storyline
from storytrace.settings import DEFAULT_SETTINGS, Settings
from storytrace.stories.blocks import STORY_BLOCKS, Block, BlockBase, day_blocks, join_block
from storytrace.stories.features import StoryFeatures, story_features
from storytrace.stories.index import StoryIndex
from storytrace.stories.records import Assignment, IndexChanges, Merge, StoryState, story_id_for

__all__ = [
    "STORY_BLOCKS",
    "Assignment",
    "Block",
    "BlockBase",
    "IndexChanges",
    "Merge",
    "StoryFeatures",
    "StoryIndex",
    "StoryState",
    "arrival_order",
    "copy_links",
    "day_blocks",
    "describe",
    "features_stream",
    "group_stories",
    "join_block",
    "story_features",
    "story_id_for",
    "storyline_id",
]


def arrival_order(articles: Sequence[Article]) -> list[Article]:
    """Dated articles by publication day, then undated ones; ties keep their input order.

    A stream sees events in time order, and an undated article is best judged against the
    stories the dated ones built.
    """
    days = [epoch_day(article.published) for article in articles]
    order = sorted(range(len(articles)), key=lambda i: (days[i] is None, days[i] or 0, i))
    return [articles[i] for i in order]


def copy_links(copies: Iterable[Copy]) -> dict[str, set[str]]:
    """For each article, the articles it copies or that copy it (both ways: must-links)."""
    links: defaultdict[str, set[str]] = defaultdict(set)
    for relation in copies:
        links[relation.original].add(relation.copy)
        links[relation.copy].add(relation.original)
    return links


def _features(_: None, article: Article) -> StoryFeatures:
    return story_features(article)


# Below 5,000 articles, starting worker processes (each loading the lemma dictionaries and word
# frequencies, about 0.4 s) costs more than extracting features in this one. At most two windows
# of 2,000 articles' features are in flight (a 100,000-article batch's would take gigabytes).
STORY_FEATURES = Step("story features", _features, parallel_from=5_000, chunk=128, window=2_000)


def features_stream(articles: Sequence[Article], executor: Executor = SERIAL) -> Iterator[StoryFeatures]:
    """``story_features`` of each article, in order, by the executor's ``story features`` step
    (features are per article; the index that takes them is not)."""
    yield from executor.map(STORY_FEATURES, articles, None)


def group_stories(
    articles: Sequence[Article],
    copies: Iterable[Copy] = (),
    settings: Settings = DEFAULT_SETTINGS,
    embedder: Embedder | None = None,
    executor: Executor = SERIAL,
) -> tuple[list[Story], list[Storyline]]:
    """Group a batch into stories and link them into storylines.

    A copy always joins its original's story. With an embedder, articles in other languages
    join by their lead's embedding. The result equals adding ``arrival_order(articles)`` one by
    one to an empty ``StoryIndex``. ``executor`` extracts the features (in worker processes
    for large batches, with a pool); the index itself is sequential.
    """
    ordered = arrival_order(articles)
    links = copy_links(copies)
    leads = (
        lead_vectors(ordered, embedder, settings.copy_embedding_lead_sentences)
        if embedder is not None and ordered
        else None
    )
    index = StoryIndex(settings)
    for position, features in enumerate(features_stream(ordered, executor)):
        lead = leads[position] if leads is not None else None
        index.add(features, lead, links.get(features.id, ()))
    return describe(index.stories.values(), {article.id: article for article in articles}, copies)


def describe(
    states: Iterable[StoryState], articles: Mapping[str, Article], copies: Iterable[Copy]
) -> tuple[list[Story], list[Storyline]]:
    """Stories and storylines for presentation: titles, date ranges and originals.

    A story's title is the headline of its most central titled article (most of the story's
    weight in its headline's words); a storyline's title is that of its largest story.
    """
    copied = {relation.copy for relation in copies}
    stories: list[Story] = []
    for state in states:
        members = sorted((articles[a] for a in state.articles if a in articles), key=_by_date)
        dates = sorted(a.published for a in members if a.published)
        stories.append(
            Story(
                id=state.id,
                title=representative_title(members, state),
                articles=tuple(a.id for a in members),
                originals=tuple(a.id for a in members if a.id not in copied),
                start=dates[0][:10] if dates else None,
                end=dates[-1][:10] if dates else None,
            )
        )
    stories.sort(key=lambda s: (s.start is None, s.start or "", s.id))
    members_of: defaultdict[str, list[Story]] = defaultdict(list)
    storyline_of = {state.id: state.storyline for state in states}
    for story in stories:
        members_of[storyline_of[story.id]].append(story)
    storylines = [
        Storyline(
            id=storyline_id(line_id),
            title=max(line, key=lambda s: (len(s.articles), s.id)).title,
            stories=tuple(s.id for s in line),
        )
        for line_id, line in sorted(members_of.items())
    ]
    return stories, storylines


def storyline_id(storyline: str) -> str:
    """The presented id of a storyline ("sl-…"). The index names a storyline after one of its
    stories ("st-…"), and the store keeps that name."""
    return "sl-" + storyline.removeprefix("st-")


def _by_date(article: Article) -> tuple[bool, str, str]:
    return (article.published is None, article.published or "", article.id)


@lru_cache(maxsize=100_000)
def _title_terms(title: str, language: str | None) -> tuple[str, ...]:
    """A headline's lemmas (cached: a growing story re-titles itself with each new article)."""
    return tuple(story_features(Article(id="", source="", text=title, language=language)).terms)


def representative_title(members: Sequence[Article], state: StoryState) -> str | None:
    """The headline whose lemmas carry the most of the story's centroid weight (per word, so
    that long headlines do not win by length); None when no member has a title."""
    headlines = {article.title for article in members if article.title}
    if len(headlines) <= 1:
        # One headline wins whatever its weight: most stories of a large batch have one article,
        # and lemmatising their titles here was a tenth of the grouping stage at 20,000 articles
        # (and loaded the lemma dictionaries into a driver whose workers made the features).
        return next(iter(headlines), None)
    best: tuple[float, str] | None = None
    for article in members:
        if not article.title:
            continue
        words = _title_terms(article.title, article.language)
        weight = sum(state.terms.get(word, 0.0) for word in words) / np.sqrt(max(len(words), 1))
        if best is None or weight > best[0]:
            best = (weight, article.title)
    return best[1] if best else None
