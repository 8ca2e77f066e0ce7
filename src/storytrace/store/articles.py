"""Articles in the store: saved idempotently (same id → unchanged or updated; same URL, or same
outlet and normalized text, under another id → duplicate), and read whole or as heads.

Writes go in transactions of ``Settings.store_batch_size`` articles, so a killed run leaves
whole articles only.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import exists, func, insert, or_, select, update
from sqlalchemy.exc import DataError, IntegrityError

from storytrace.model import Article, IngestResult, Removal, RemovedLine
from storytrace.store.db import StoreBase
from storytrace.store.schema import article_analyses, articles, story_articles, text_hash
from storytrace.store.sql import chunks, reason, rows_where_in, translated

# Columns whose change makes a re-ingested article "updated" rather than "unchanged".
_SIGNATURE = ("text_hash", "title", "published", "outlet", "language")
# What one article's values can make the database (a constraint, a value past a column's limit)
# or the driver (a string it cannot encode) refuse.
_REFUSED = (IntegrityError, DataError, UnicodeError)
# Article columns without the text: enough to order, title and list stories.
_HEAD_COLUMNS = (
    "id",
    "source",
    "url",
    "outlet",
    "title",
    "published",
    "date_source",
    "language",
    "author",
    "summary_only",
)


def _row_to_head(row: Any) -> Article:
    """An article without its text and sentences (``text`` is empty)."""
    return Article(
        id=row.id,
        source=row.source,
        text="",
        url=row.url,
        outlet=row.outlet,
        title=row.title,
        published=row.published,
        date_source=row.date_source,
        language=row.language,
        author=row.author,
        summary_only=bool(row.summary_only),
    )


def _row_to_article(row: Any) -> Article:
    """A whole stored article."""
    return replace(
        _row_to_head(row),
        text=row.text,
        sentences=tuple((int(start), int(end)) for start, end in row.sentences),
        removed=tuple(RemovedLine(item["text"], Removal(item["reason"])) for item in row.removed),
    )


def _article_values(article: Article, digest: str, now: datetime) -> dict[str, Any]:
    """An article's row, stored ``now`` with its text hash."""
    return {**article.to_record(), "text_hash": digest, "ingested_at": now}


class ArticleStore(StoreBase):
    """The articles table: saving, counting and loading articles."""

    def batch_progress(self, ids: Iterable[str]) -> dict[str, int]:
        """How many of these articles are stored, in a story, and parsed: what a stopped run kept."""
        wanted = list(dict.fromkeys(ids))
        counted = {}
        with translated("cannot read the database"), self.engine.connect() as connection:
            for name, column in (
                ("stored", articles.c.id),
                ("grouped", story_articles.c.article_id),
                ("parsed", article_analyses.c.article_id),
            ):
                counted[name] = len(rows_where_in(connection, select(column), column.in_, wanted))
        return counted

    def count_articles(self) -> int:
        """How many articles are stored."""
        with self.engine.connect() as connection:
            return int(connection.execute(select(func.count()).select_from(articles)).scalar_one())

    def load_articles(self, ids: Iterable[str] | None = None) -> list[Article]:
        """Stored articles (all, or those with the given ids), ordered by id."""
        query = select(articles).order_by(articles.c.id)
        with self.engine.connect() as connection:
            if ids is None:
                return [_row_to_article(row) for row in connection.execute(query)]
            rows = rows_where_in(connection, query, articles.c.id.in_, ids)
            return sorted((_row_to_article(row) for row in rows), key=lambda article: article.id)

    def save_articles(self, batch: Sequence[Article]) -> list[IngestResult]:
        """Store articles idempotently, one transaction per ``store_batch_size`` articles.

        An article whose id is stored is updated when its content changed; one whose URL or
        normalized text is stored under another id is a duplicate and is not stored again.
        """
        results: list[IngestResult] = []
        for chunk in chunks(batch, self.settings.store_batch_size):
            with translated("cannot store articles"):
                try:
                    results.extend(self._save_chunk(chunk))
                except _REFUSED:
                    # One article the database refuses (a value past a column's limit, a constraint)
                    # must not cost the others: store them one by one and name the refused ones.
                    results.extend(self._save_each(chunk))
        return results

    def _save_each(self, chunk: Sequence[Article]) -> list[IngestResult]:
        """Store articles one transaction each; the ones the database refuses come back "rejected"."""
        results: list[IngestResult] = []
        for article in chunk:
            try:
                results.extend(self._save_chunk([article]))
            except _REFUSED as error:
                results.append(IngestResult(article.id, "rejected", source=article.source, reason=reason(error)))
        return results

    def _save_chunk(self, chunk: Sequence[Article]) -> list[IngestResult]:
        digests = [text_hash(article.text, article.outlet) for article in chunk]
        now = datetime.now(UTC)
        results: list[IngestResult] = []
        with self.engine.begin() as connection:
            existing = connection.execute(
                select(*(articles.c[name] for name in ("id", "url") + _SIGNATURE)).where(
                    or_(
                        articles.c.id.in_([article.id for article in chunk]),
                        articles.c.url.in_([article.url for article in chunk if article.url]),
                        articles.c.text_hash.in_(digests),
                    )
                )
            ).all()
            signature_of = {row.id: tuple(row._mapping[name] for name in _SIGNATURE) for row in existing}
            owner_of_url = {row.url: row.id for row in existing if row.url}
            owner_of_hash = {row.text_hash: row.id for row in existing}
            new_rows: list[dict[str, Any]] = []
            for article, digest in zip(chunk, digests, strict=True):
                values = _article_values(article, digest, now)
                other = owner_of_url.get(article.url) if article.url else None
                if other in (None, article.id):
                    other = owner_of_hash.get(digest)
                if other is not None and other != article.id:
                    results.append(IngestResult(article.id, "duplicate", duplicate_of=other, source=article.source))
                    continue
                signature = tuple(values[name] for name in _SIGNATURE)
                stored = signature_of.get(article.id)
                if stored is None:
                    new_rows.append(values)
                    results.append(IngestResult(article.id, "new", source=article.source))
                elif stored == signature:
                    results.append(IngestResult(article.id, "unchanged", source=article.source))
                else:
                    del values["ingested_at"]  # keep when it was first stored
                    connection.execute(update(articles).where(articles.c.id == article.id).values(**values))
                    results.append(IngestResult(article.id, "updated", source=article.source))
                signature_of[article.id] = signature
                if article.url:
                    owner_of_url[article.url] = article.id
                owner_of_hash[digest] = article.id
            if new_rows:  # one executemany for the batch's new articles
                connection.execute(insert(articles), new_rows)
        return results

    def unassigned_articles(self) -> list[Article]:
        """Stored articles in no story yet (text left empty), in the order they were stored: those
        of a database from before stories, or stored by a run killed before its stories were."""
        query = (
            select(*(articles.c[name] for name in _HEAD_COLUMNS))
            .where(~exists().where(story_articles.c.article_id == articles.c.id))
            .order_by(articles.c.ingested_at, articles.c.id)
        )
        with self.engine.connect() as connection:
            return [_row_to_head(row) for row in connection.execute(query)]

    def load_article_heads(self, ids: Iterable[str] | None = None) -> dict[str, Article]:
        """Stored articles by id (all of them by default) without their text and sentences:
        enough to title and list stories, or count outlets."""
        query = select(*(articles.c[name] for name in _HEAD_COLUMNS))
        with self.engine.connect() as connection:
            if ids is None:
                return {row.id: _row_to_head(row) for row in connection.execute(query)}
            return {row.id: _row_to_head(row) for row in rows_where_in(connection, query, articles.c.id.in_, ids)}
