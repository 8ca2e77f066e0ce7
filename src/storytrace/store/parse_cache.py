"""The parse cache in the store: each article's parse as the comparison stage made it, a
plain JSON record (``storytrace.summarize.parsing.parsed_record``) the store keeps as given.

The store neither makes nor judges these records: the caller converts parsed to records and
back, and drops the stale ones (another text, analyzer version or date reference).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import delete, insert, select

from storytrace.store.db import StoreBase
from storytrace.store.schema import article_analyses
from storytrace.store.sql import chunks, rows_where_in, translated


class ParseCache(StoreBase):
    """The article_analyses table: cached parse records by article id."""

    def save_parsed(self, records: Mapping[str, Mapping[str, Any]]) -> None:
        """Store (replace) parse records by article id, in one transaction."""
        rows = [{"article_id": article_id, "payload": dict(record)} for article_id, record in records.items()]
        with translated("cannot store parsed"), self.engine.begin() as connection:
            for chunk in chunks(rows, self.settings.store_batch_size):
                ids = [row["article_id"] for row in chunk]
                connection.execute(delete(article_analyses).where(article_analyses.c.article_id.in_(ids)))
                connection.execute(insert(article_analyses), list(chunk))

    def load_parsed(self, article_ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        """The stored parse records of these articles, by article id (those with none are left out)."""
        query = select(article_analyses)
        with self.engine.connect() as connection:
            rows = rows_where_in(connection, query, article_analyses.c.article_id.in_, article_ids)
        return {row.article_id: row.payload for row in rows}
