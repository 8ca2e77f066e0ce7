"""Copy relations in the store: replaced per compared set of articles, read by original then copy."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import delete, insert, or_, select
from sqlalchemy.sql.elements import ColumnElement

from storytrace.model import Copy, Passage
from storytrace.store.db import StoreBase
from storytrace.store.schema import copies
from storytrace.store.sql import LOOKUP_CHUNK, chunks, rows_where_in, translated

# A copies lookup binds each id twice (as original and as copy).
_RELATION_CHUNK = LOOKUP_CHUNK // 2


def _touching(ids: Sequence[str]) -> ColumnElement[bool]:
    """Copy relations with an original or a copy among ``ids``."""
    return or_(copies.c.original.in_(ids), copies.c.copy.in_(ids))


def _row_to_copy(row: Any) -> Copy:
    return Copy(
        original=row.original,
        copy=row.copy,
        kind=row.kind,
        score=float(row.score),
        passages=tuple(
            Passage(
                original=(int(p["original"][0]), int(p["original"][1])),
                copy=(int(p["copy"][0]), int(p["copy"][1])),
                similarity=float(p["similarity"]),
            )
            for p in row.passages
        ),
        direction=row.direction,
    )


class CopyStore(StoreBase):
    """The copies table: the copy relations provenance found between stored articles."""

    def save_copies(self, relations: Sequence[Copy], article_ids: Iterable[str]) -> None:
        """Replace the copy relations among ``article_ids`` (the articles that were compared) with
        ``relations``, in one transaction. Relations with an article outside that set were not
        re-examined and are kept."""
        ids = set(article_ids)
        rows = [relation.to_record() for relation in relations]
        with translated("cannot store copy relations"), self.engine.begin() as connection:
            stale = [
                (row.original, row.copy)
                for chunk in chunks(sorted(ids), _RELATION_CHUNK)
                for row in connection.execute(select(copies.c.original, copies.c.copy).where(_touching(chunk)))
                if row.original in ids and row.copy in ids
            ]
            for original, copy in stale:
                connection.execute(delete(copies).where(copies.c.original == original, copies.c.copy == copy))
            for chunk in chunks(rows, self.settings.store_batch_size):
                connection.execute(insert(copies), list(chunk))

    def load_copies(self, article_ids: Iterable[str] | None = None) -> list[Copy]:
        """Stored copy relations (all, or those touching the given articles), by original then copy."""
        query = select(copies).order_by(copies.c.original, copies.c.copy)
        with self.engine.connect() as connection:
            if article_ids is None:
                rows = list(connection.execute(query))
            else:
                rows = rows_where_in(connection, query, _touching, article_ids, _RELATION_CHUNK)
        unique = {(row.original, row.copy): row for row in rows}
        return [_row_to_copy(unique[key]) for key in sorted(unique)]

    def replace_copies_of(self, article_id: str, compared: Iterable[str], relations: Sequence[Copy]) -> None:
        """Replace the copy relations between ``article_id`` and the ``compared`` articles with
        ``relations`` (one transaction): how ``storytrace add`` records one article's copies
        without touching relations among the stored articles it was compared with."""
        others = sorted(set(compared) - {article_id})
        rows = [relation.to_record() for relation in relations]
        with translated("cannot store copy relations"), self.engine.begin() as connection:
            for chunk in chunks(others, LOOKUP_CHUNK):
                connection.execute(
                    delete(copies).where(
                        or_(
                            (copies.c.original == article_id) & copies.c.copy.in_(chunk),
                            (copies.c.copy == article_id) & copies.c.original.in_(chunk),
                        )
                    )
                )
            if rows:
                connection.execute(insert(copies), rows)
