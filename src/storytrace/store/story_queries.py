"""Story queries in the store, as the command line and the web pages list and show stories:
stories filtered by storyline, outlet, language and dates, a story's merges, an article's story.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.sql.elements import ColumnElement

from storytrace.store.db import StoreBase
from storytrace.store.schema import articles, stories, story_articles, story_merges
from storytrace.store.sql import rows_where_in
from storytrace.stories import storyline_id
from storytrace.stories.records import Merge


@dataclass(frozen=True, slots=True)
class StoredStory:
    """A stored story as listed and shown: presentation fields plus its articles in arrival order."""

    id: str
    storyline: str  # the presented storyline id ("sl-…")
    title: str | None
    start: str | None  # ISO dates of its first and last dated articles
    end: str | None
    articles: tuple[str, ...]
    languages: tuple[str, ...]
    outlets: tuple[str, ...]


class StoryQueries(StoreBase):
    """Reads of the stored stories for listing and showing them."""

    def story_of(self, article_id: str) -> str | None:
        """The id of the story holding an article, or None."""
        with self.engine.connect() as connection:
            return connection.execute(
                select(story_articles.c.story_id).where(story_articles.c.article_id == article_id)
            ).scalar()

    def load_story(self, story_id: str) -> StoredStory | None:
        """One stored story, or None when there is no such story. The id of a story that was
        merged into another resolves to the story it is now part of."""
        found = self.load_stories(ids=[self.resolve_story(story_id)])
        return found[0] if found else None

    def resolve_story(self, story_id: str) -> str:
        """The live story an id names: itself, or the story it was merged into (followed to the end)."""
        seen = {story_id}
        with self.engine.connect() as connection:
            while True:
                latest = story_merges.c.at.desc()
                query = select(story_merges.c.into).where(story_merges.c.merged == story_id).order_by(latest)
                into = connection.execute(query).scalar()
                if into is None or into in seen:
                    return story_id
                seen.add(into)
                story_id = into

    def load_merges(self, story_id: str) -> list[Merge]:
        """The merges that made a story what it is: the stories merged into it, then those merged
        into them, and so on (``StoryIndex`` keeps no history; this table does)."""
        found: list[Merge] = []
        pending = [story_id]
        with self.engine.connect() as connection:
            while pending:
                query = select(story_merges).where(story_merges.c.into == pending.pop()).order_by(story_merges.c.at)
                rows = connection.execute(query).all()
                for row in rows:
                    found.append(Merge(row.merged, row.into, row.article, float(row.similarity)))
                    pending.append(row.merged)
        return found

    def load_stories(
        self,
        ids: Iterable[str] | None = None,
        *,
        storyline: str | None = None,
        outlet: str | None = None,
        language: str | None = None,
        since: str | None = None,
        until: str | None = None,
    ) -> list[StoredStory]:
        """Stored stories, oldest first (undated last), optionally filtered.

        ``storyline`` is a presented id ("sl-…"); ``outlet`` and ``language`` keep stories with at
        least one such article; ``since`` and ``until`` (ISO dates) keep dated stories whose date
        range overlaps them.
        """
        conditions: list[ColumnElement[bool]] = []
        if storyline is not None:
            conditions.append(stories.c.storyline == "st-" + storyline.removeprefix("sl-"))
        for column, value in ((articles.c.outlet, outlet), (articles.c.language, language)):
            if value is not None:
                holders = select(story_articles.c.story_id).join(articles, articles.c.id == story_articles.c.article_id)
                conditions.append(stories.c.id.in_(holders.where(column == value)))
        if since is not None:
            conditions.append(stories.c.end >= since)
        if until is not None:
            conditions.append(stories.c.start <= until)
        query = select(stories.c.id, stories.c.storyline, stories.c.title, stories.c.start, stories.c.end,
                       stories.c.languages).where(*conditions)  # fmt: skip
        with self.engine.connect() as connection:
            if ids is None:
                rows = list(connection.execute(query))
            else:
                rows = rows_where_in(connection, query, stories.c.id.in_, ids)
            members: defaultdict[str, list[str]] = defaultdict(list)
            outlets: defaultdict[str, set[str]] = defaultdict(set)
            membership = (
                select(story_articles.c.story_id, story_articles.c.article_id, articles.c.outlet)
                .join(articles, articles.c.id == story_articles.c.article_id)
                .order_by(story_articles.c.arrival, story_articles.c.article_id)
            )
            held = rows_where_in(connection, membership, story_articles.c.story_id.in_, (row.id for row in rows))
            for story_id, article_id, article_outlet in held:
                members[story_id].append(article_id)
                if article_outlet:
                    outlets[story_id].add(article_outlet)
        found = [
            StoredStory(
                id=row.id,
                storyline=storyline_id(row.storyline),
                title=row.title,
                start=row.start,
                end=row.end,
                articles=tuple(members[row.id]),
                languages=tuple(sorted(language for language in row.languages if language)),
                outlets=tuple(sorted(outlets[row.id])),
            )
            for row in rows
        ]
        return sorted(found, key=lambda story: (story.start is None, story.start or "", story.id))
