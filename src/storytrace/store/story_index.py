"""The story index in the store: ``StoryIndex`` state reloaded by every run that adds to it, and
each ``StoryIndex.take_changes`` report written in one transaction.

The store persists the stories stage's state, so it imports that stage's plain records
(``StoryIndex``, ``StoryState``, ``IndexChanges``).
"""

from __future__ import annotations

import sys
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

import numpy as np
from sqlalchemy import Connection, delete, insert, select, update

from storytrace.errors import StoreError
from storytrace.model import Story
from storytrace.settings import Settings
from storytrace.store.db import StoreBase
from storytrace.store.schema import meta, stories, story_articles, story_merges, story_terms
from storytrace.store.sql import LOOKUP_CHUNK, chunks, translated, upsert
from storytrace.stories.index import StoryIndex
from storytrace.stories.records import Assignment, IndexChanges, StoryState

# storytrace_meta key of the story index's document count (articles added to it).
_STORY_DOCUMENTS = "story_documents"
# Story columns: the index's state, and the presentation written beside it for listing.
_PRESENTATION = ("title", "start", "end")
_STATE_COLUMNS = tuple(column.name for column in stories.c if column.name not in ("id", *_PRESENTATION))


def _row_to_state(row: Any, members: list[str]) -> StoryState:
    return StoryState(
        id=row.id,
        articles=members,
        # Interned, as the index interns what it adds: one string per term for all stories (the
        # index of 17,085 stories of 20,000 generated articles loads into 259 MiB, not 360).
        terms={sys.intern(term): float(weight) for term, weight in row.terms.items()},
        names={sys.intern(name): float(weight) for name, weight in row.names.items()},
        keys=set(map(sys.intern, row.keys)),
        first_day=row.first_day,
        last_day=row.last_day,
        languages={language: int(count) for language, count in row.languages.items()},
        lead=np.asarray(row.lead, dtype=np.float32) if row.lead is not None else None,
        storyline=row.storyline,
    )


def _state_values(state: StoryState, now: datetime) -> dict[str, Any]:
    return {
        "id": state.id,
        "storyline": state.storyline,
        "first_day": state.first_day,
        "last_day": state.last_day,
        "languages": dict(sorted(state.languages.items())),
        "article_count": len(state.articles),
        "terms": state.terms,
        "names": state.names,
        "keys": sorted(state.keys),
        "lead": [float(x) for x in state.lead] if state.lead is not None else None,
        "updated_at": now,
    }


class StoryIndexStore(StoreBase):
    """The stories, story_articles, story_merges and story_terms tables as the story index's state."""

    def stories_version(self) -> str:
        """A value that changes whenever the stories change (the index's document count): a cheap
        key for caches of story lists."""
        with self.engine.connect() as connection:
            value = connection.execute(select(meta.c.value).where(meta.c.key == _STORY_DOCUMENTS)).scalar()
        return str(value or 0)

    def load_story_index(self, settings: Settings) -> StoryIndex:
        """The stored story index, ready to add articles to (empty in a new database)."""
        with self.engine.connect() as connection:
            documents = connection.execute(select(meta.c.value).where(meta.c.key == _STORY_DOCUMENTS)).scalar()
            terms = connection.execute(select(story_terms.c.term, story_terms.c.df))
            df = {sys.intern(row.term): int(row.df) for row in terms}
            members: defaultdict[str, list[str]] = defaultdict(list)
            for story_id, article_id in connection.execute(
                select(story_articles.c.story_id, story_articles.c.article_id).order_by(
                    story_articles.c.arrival, story_articles.c.article_id
                )
            ):
                members[story_id].append(article_id)
            columns = [column for column in stories.c if column.name not in ("title", "start", "end", "updated_at")]
            states = [
                _row_to_state(row, members[row.id])
                for row in connection.execute(select(*columns).order_by(stories.c.id))
            ]
        return StoryIndex(settings, int(documents or 0), df, states)

    def save_story_changes(
        self, changes: IndexChanges, assignments: Sequence[Assignment], described: Iterable[Story] = ()
    ) -> None:
        """Write one ``StoryIndex.take_changes()`` report in one transaction: a killed run leaves
        the index as it was before or after it, never half-written.

        ``assignments`` are those of every article the index added since its previous report,
        in order ("known" ones are skipped); ``described`` gives the title and date range of
        changed stories (a changed story left out keeps its stored ones). The write fails with
        ``StoreError`` when another run changed the index since this one loaded it.
        """
        added = [assignment for assignment in assignments if assignment.reason != "known"]
        presented = {story.id: story for story in described}
        now = datetime.now(UTC)
        rows = [_state_values(state, now) for state in changes.stories]
        for row in rows:
            if row["id"] in presented:
                story = presented[row["id"]]
                row.update(title=story.title, start=story.start, end=story.end)
        with translated("cannot store the story index"), self.engine.begin() as connection:
            self._advance_documents(connection, changes.documents - len(added), changes.documents)
            size = self.settings.store_batch_size
            terms = [{"term": term, "df": df} for term, df in changes.df.items()]
            upsert(connection, story_terms, terms, ("df",), size)
            for chunk in chunks(changes.removed, LOOKUP_CHUNK):
                connection.execute(delete(stories).where(stories.c.id.in_(chunk)))
            upsert(connection, stories, [r for r in rows if "title" in r], _STATE_COLUMNS + _PRESENTATION, size)
            upsert(connection, stories, [r for r in rows if "title" not in r], _STATE_COLUMNS, size)
            self._place(connection, changes, added)

    def _place(self, connection: Connection, changes: IndexChanges, added: Sequence[Assignment]) -> None:
        """Record the added articles' stories, then apply the merges in order (moving the merged
        stories' articles) and append them to the history."""
        merged_into = {merge.merged: merge.into for merge in changes.merges}
        first = changes.documents - len(added) + 1
        placed = []
        for offset, assignment in enumerate(added):
            story_id = assignment.story
            while story_id in merged_into:  # merged later in this report
                story_id = merged_into[story_id]
            placed.append({"article_id": assignment.article, "story_id": story_id, "arrival": first + offset})
        upsert(connection, story_articles, placed, ("story_id", "arrival"), self.settings.store_batch_size)
        now = datetime.now(UTC)
        for merge in changes.merges:
            connection.execute(
                update(story_articles).where(story_articles.c.story_id == merge.merged).values(story_id=merge.into)
            )
            connection.execute(
                insert(story_merges).values(
                    merged=merge.merged, into=merge.into, article=merge.article, similarity=merge.similarity, at=now
                )
            )

    def _advance_documents(self, connection: Connection, previous: int, documents: int) -> None:
        """Set the index's document count, checking that it still is ``previous``: two runs
        adding to one index at once would overwrite each other's stories, so the later one fails."""
        moved = connection.execute(
            update(meta)
            .where(meta.c.key == _STORY_DOCUMENTS, meta.c.value == str(previous))
            .values(value=str(documents))
        )
        if moved.rowcount == 1:
            return
        stored = connection.execute(select(meta.c.value).where(meta.c.key == _STORY_DOCUMENTS)).scalar()
        if stored is None and previous == 0:
            connection.execute(insert(meta).values(key=_STORY_DOCUMENTS, value=str(documents)))
            return
        raise StoreError(
            f"the story index changed while this run was adding to it ({stored} articles, expected {previous}): "
            "run one analyze or add at a time on a database, then re-run this one"
        )
