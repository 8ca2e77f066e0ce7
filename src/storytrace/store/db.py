"""The store: articles (and later stories) in SQLite by default, PostgreSQL for teams.

Writes go in transactions of ``Settings.store_batch_size`` articles, so a killed run leaves
whole articles only; re-ingesting an article (same id, URL or normalized text) is idempotent.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine, create_engine, delete, event, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError, OperationalError, SQLAlchemyError
from sqlalchemy.sql.elements import ColumnElement

from storytrace.errors import StoreError
from storytrace.model import Article, Copy, IngestResult, Passage, Removal, RemovedLine
from storytrace.settings import Settings
from storytrace.store.schema import SCHEMA_VERSION, articles, copies, meta, metadata

_SPACES = re.compile(r"\s+")
# Columns whose change makes a re-ingested article "updated" rather than "unchanged".
_SIGNATURE = ("text_hash", "title", "published", "outlet", "language")
# Bound parameters per IN (…) lookup: under SQLite's historic 999-variable limit.
_LOOKUP_CHUNK = 500
# A copies lookup binds each id twice (as original and as copy).
_RELATION_CHUNK = _LOOKUP_CHUNK // 2


def text_hash(text: str, outlet: str | None) -> str:
    """Identity of an article's text at its outlet: casefolded, whitespace collapsed, sha1.

    The outlet is part of it because the same text at another outlet is a verbatim copy, which
    storytrace must report, not a re-ingested duplicate to drop.
    """
    basis = f"{(outlet or '').casefold()}\n{_SPACES.sub(' ', text.casefold()).strip()}"
    return hashlib.sha1(basis.encode("utf-8")).hexdigest()


def database_url(db: str | Path) -> str:
    """A SQLAlchemy URL from ``--db``: a URL as given, a plain path as a SQLite file."""
    text = str(db)
    if "://" in text:
        if text.startswith("postgresql://"):  # use psycopg 3, the maintained driver
            return "postgresql+psycopg://" + text.removeprefix("postgresql://")
        return text
    return f"sqlite:///{Path(text).expanduser()}"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL keeps readers working during writes and, with synchronous=NORMAL, survives a killed
    # process without corruption (only a power cut may lose the last commits).
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _row_to_article(row: Any) -> Article:
    return Article(
        id=row.id,
        source=row.source,
        text=row.text,
        url=row.url,
        outlet=row.outlet,
        title=row.title,
        published=row.published,
        language=row.language,
        author=row.author,
        summary_only=bool(row.summary_only),
        sentences=tuple((int(start), int(end)) for start, end in row.sentences),
        removed=tuple(RemovedLine(item["text"], Removal(item["reason"])) for item in row.removed),
    )


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


def _article_values(article: Article, digest: str, now: datetime) -> dict[str, Any]:
    return {**article.to_record(), "text_hash": digest, "ingested_at": now}


def _migrate(connection: Connection, version: int) -> None:
    """Bring an older database to ``SCHEMA_VERSION`` inside the opening transaction (all or nothing).

    New tables were already created by ``create_all``; this rewrites what changed in old ones.
    """
    if version < 2:  # text_hash gained the outlet
        rows = connection.execute(select(articles.c.id, articles.c.text, articles.c.outlet)).all()
        for row in rows:
            digest = text_hash(row.text, row.outlet)
            connection.execute(update(articles).where(articles.c.id == row.id).values(text_hash=digest))
    connection.execute(update(meta).where(meta.c.key == "schema_version").values(value=str(SCHEMA_VERSION)))


T = TypeVar("T")


def _chunks(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class Store:
    """A storytrace database; the schema is created on first use and its version checked."""

    def __init__(self, db: str | Path, settings: Settings) -> None:
        self.url = database_url(db)
        self.settings = settings
        try:
            self.engine: Engine = create_engine(self.url, future=True)
        except (SQLAlchemyError, ImportError) as error:
            raise StoreError(f"cannot use database {db}: {error}") from None
        if self.engine.dialect.name == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)
        self._ensure_schema()

    def _ensure_schema(self) -> None:
        try:
            with self.engine.begin() as connection:
                metadata.create_all(connection)
                stored = connection.execute(select(meta.c.value).where(meta.c.key == "schema_version")).scalar()
                if stored is None:
                    connection.execute(insert(meta).values(key="schema_version", value=str(SCHEMA_VERSION)))
                elif int(stored) > SCHEMA_VERSION:
                    raise StoreError(
                        f"database schema version {stored} is newer than this storytrace "
                        f"(version {SCHEMA_VERSION}); upgrade storytrace"
                    )
                elif int(stored) < SCHEMA_VERSION:
                    _migrate(connection, int(stored))
        except OperationalError as error:
            raise StoreError(f"cannot open database {self.url}: {error.orig}") from None

    @property
    def schema_version(self) -> int:
        """The schema version recorded in the database."""
        with self.engine.connect() as connection:
            return int(connection.execute(select(meta.c.value).where(meta.c.key == "schema_version")).scalar_one())

    def close(self) -> None:
        """Release the connection pool."""
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

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
            wanted = list(dict.fromkeys(ids))
            found: list[Article] = []
            for chunk in _chunks(wanted, _LOOKUP_CHUNK):
                found.extend(_row_to_article(row) for row in connection.execute(query.where(articles.c.id.in_(chunk))))
            return sorted(found, key=lambda article: article.id)

    def save_articles(self, batch: Sequence[Article]) -> list[IngestResult]:
        """Store articles idempotently, one transaction per ``store_batch_size`` articles.

        An article whose id is stored is updated when its content changed; one whose URL or
        normalized text is stored under another id is a duplicate and is not stored again.
        """
        results: list[IngestResult] = []
        for chunk in _chunks(batch, self.settings.store_batch_size):
            try:
                results.extend(self._save_chunk(chunk))
            except IntegrityError as error:
                raise StoreError(f"database rejected a write: {error.orig}") from None
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
                    results.append(IngestResult(article.id, "duplicate", duplicate_of=other))
                    continue
                signature = tuple(values[name] for name in _SIGNATURE)
                stored = signature_of.get(article.id)
                if stored is None:
                    new_rows.append(values)
                    results.append(IngestResult(article.id, "new"))
                elif stored == signature:
                    results.append(IngestResult(article.id, "unchanged"))
                else:
                    del values["ingested_at"]  # keep when it was first stored
                    connection.execute(update(articles).where(articles.c.id == article.id).values(**values))
                    results.append(IngestResult(article.id, "updated"))
                signature_of[article.id] = signature
                if article.url:
                    owner_of_url[article.url] = article.id
                owner_of_hash[digest] = article.id
            if new_rows:  # one executemany for the batch's new articles
                connection.execute(insert(articles), new_rows)
        return results

    def save_copies(self, relations: Sequence[Copy], article_ids: Iterable[str]) -> None:
        """Replace the copy relations among ``article_ids`` (the articles that were compared) with
        ``relations``, in one transaction. Relations with an article outside that set were not
        re-examined and are kept."""
        ids = set(article_ids)
        rows = [relation.to_record() for relation in relations]
        try:
            with self.engine.begin() as connection:
                stale = [
                    (row.original, row.copy)
                    for chunk in _chunks(sorted(ids), _RELATION_CHUNK)
                    for row in connection.execute(select(copies.c.original, copies.c.copy).where(_touching(chunk)))
                    if row.original in ids and row.copy in ids
                ]
                for original, copy in stale:
                    connection.execute(delete(copies).where(copies.c.original == original, copies.c.copy == copy))
                for chunk in _chunks(rows, self.settings.store_batch_size):
                    connection.execute(insert(copies), list(chunk))
        except IntegrityError as error:
            raise StoreError(f"database rejected a write: {error.orig}") from None

    def load_copies(self, article_ids: Iterable[str] | None = None) -> list[Copy]:
        """Stored copy relations (all, or those touching the given articles), by original then copy."""
        query = select(copies).order_by(copies.c.original, copies.c.copy)
        with self.engine.connect() as connection:
            if article_ids is None:
                rows = list(connection.execute(query))
            else:
                rows = []
                for chunk in _chunks(list(dict.fromkeys(article_ids)), _RELATION_CHUNK):
                    rows.extend(connection.execute(query.where(_touching(chunk))))
        unique = {(row.original, row.copy): row for row in rows}
        return [_row_to_copy(unique[key]) for key in sorted(unique)]
