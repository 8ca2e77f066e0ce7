"""Stories grouped in parallel: a batch's dated articles in blocks of days, each block grouped by
its own index, then the blocks' stories joined into the run's index in time order.

The story index is sequential by design (each article joins the stories built before it), so a
corpus of millions of articles would be grouped by one process. With
``Settings.story_block_days`` > 0, the dated articles are cut into blocks of that many days
(by publication day); the executor's ``story blocks`` step groups each block with a
``StoryIndex`` of its own, which starts from the run's document frequencies; then, in time
order, each block's stories join the run's index (``StoryIndex.join_story``): a story that is
mostly copies of another story's articles joins it; a story merges with a story of an earlier
block (or a stored one) it is as similar to as two stories that ``add`` merges
(``story_merge_similarity``, time-decayed), and links storylines as ``add`` does; its own
block's other stories stay apart, as that block's index left them. This is the merge pass
across block edges: an event reported on both sides of an edge is two stories of two blocks,
then one. Undated articles are added one by one afterwards, as in ``arrival_order``.

What differs from the sequential grouping (``docs/stories.md`` has the measured difference): a
block's articles are weighed by the frequencies of the run's index and of their block, not of
every earlier article; and two stories of one block are merged only by that block's articles.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np

from storytrace.days import epoch_day
from storytrace.executor import Step
from storytrace.model import Article
from storytrace.settings import Settings
from storytrace.stories.features import story_features
from storytrace.stories.index import StoryIndex
from storytrace.stories.records import Assignment, Merge, StoryState


@dataclass(frozen=True, slots=True)
class Block:
    """A block's articles in arrival order, with their leads (or None) and their copy links."""

    articles: tuple[Article, ...]
    leads: np.ndarray | None
    links: Mapping[str, tuple[str, ...]]


@dataclass(frozen=True, slots=True)
class BlockBase:
    """What every block's index starts from: the settings and the run's document frequencies."""

    settings: Settings
    documents: int
    df: Mapping[str, int]


@dataclass(frozen=True, slots=True)
class GroupedBlock:
    """A block grouped: its stories in the order they were opened, the document frequencies its
    articles added, and where each article went (story ids of the block)."""

    stories: tuple[StoryState, ...]
    documents: int
    df: Mapping[str, int]
    assignments: tuple[Assignment, ...]


def day_blocks(ordered: Sequence[Article], days: int) -> list[list[Article]]:
    """The dated articles in blocks of ``days`` publication days (in time order, each in its
    given order); undated ones are in none."""
    blocks: dict[int, list[Article]] = {}
    for article in ordered:
        day = epoch_day(article.published)
        if day is not None:
            blocks.setdefault(day // days, []).append(article)
    return [blocks[key] for key in sorted(blocks)]


def _group_block(base: BlockBase, block: Block) -> GroupedBlock:
    """One block grouped by an index of its own (in a worker)."""
    index = StoryIndex(base.settings, base.documents, dict(base.df))
    assignments = []
    for i, article in enumerate(block.articles):
        lead = block.leads[i] if block.leads is not None else None
        assignments.append(index.add(story_features(article), lead, block.links.get(article.id, ())))
    added = {key: index.df[key] - base.df.get(key, 0) for key in index.df_changed}
    arrival = {article.id: i for i, article in enumerate(block.articles)}
    opened = sorted(index.stories.values(), key=lambda story: arrival[story.articles[0]])
    return GroupedBlock(tuple(opened), index.documents - base.documents, added, tuple(assignments))


# Each block is a whole index's work; forked workers inherit the run's frequencies (a large
# store's are millions of terms) instead of receiving them with every block.
STORY_BLOCKS = Step("story blocks", _group_block, parallel_from=2, chunk=1, inherit_context=True, window=16)


def join_block(index: StoryIndex, grouped: GroupedBlock, links: Mapping[str, set[str]]) -> list[Assignment]:
    """A grouped block's stories joined into the run's index, in order; the block's assignments
    with the merges the joins made added to each story's first article's."""
    index.documents += grouped.documents
    for key, count in grouped.df.items():
        index.df[key] = index.df.get(key, 0) + count
        index.df_changed.add(key)
    joined: dict[str, list[Merge]] = {}
    block = {story.id for story in grouped.stories}
    members = {assignment.article for assignment in grouped.assignments}
    for story in grouped.stories:
        # Links within the block were the block index's to follow (an article copying two
        # others joins one of their stories, as in the sequential index); links out of it are here.
        outside = {member: [a for a in links.get(member, ()) if a not in members] for member in story.articles}
        joined[story.articles[0]] = index.join_story(story, outside, block - {story.id})
    return [
        replace(a, story=index.story_of[a.article], merges=a.merges + tuple(joined.get(a.article, ())))
        for a in grouped.assignments
    ]
