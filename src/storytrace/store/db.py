"""The store: articles, copies and the story index in SQLite by default, PostgreSQL for teams.

Writes go in transactions of ``Settings.store_batch_size`` articles, so a killed run leaves
whole articles only; re-ingesting an article (same id, URL or normalized text) is idempotent.
The story index is written as whole ``StoryIndex.take_changes`` reports, one transaction each.

The store persists the stories stage's state, so it imports that stage's plain records
(``StoryIndex``, ``StoryState``, ``IndexChanges``): the one place a stage imports a later one.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import re
import socket
import sqlite3
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
from sqlalchemy import (
    Connection,
    Engine,
    Select,
    Table,
    create_engine,
    delete,
    event,
    exists,
    func,
    insert,
    inspect,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DataError, IntegrityError, SQLAlchemyError
from sqlalchemy.sql.elements import ColumnElement

from storytrace.errors import StoreError
from storytrace.model import Article, Copy, IngestResult, Passage, Removal, RemovedLine, Story
from storytrace.settings import Settings
from storytrace.store.schema import (
    SCHEMA_VERSION,
    article_analyses,
    articles,
    copies,
    meta,
    metadata,
    stories,
    story_articles,
    story_merges,
    story_terms,
)
from storytrace.stories import storyline_id
from storytrace.stories.index import Assignment, IndexChanges, Merge, StoryIndex, StoryState
from storytrace.summarize.analysis import ArticleAnalysis, analysis_from_record, analysis_record

_SPACES = re.compile(r"\s+")
# Columns whose change makes a re-ingested article "updated" rather than "unchanged".
_SIGNATURE = ("text_hash", "title", "published", "outlet", "language")
# Bound parameters per IN (…) lookup: under SQLite's historic 999-variable limit.
_LOOKUP_CHUNK = 500
# A copies lookup binds each id twice (as original and as copy).
_RELATION_CHUNK = _LOOKUP_CHUNK // 2
# storytrace_meta key of the story index's document count (articles added to it).
_STORY_DOCUMENTS = "story_documents"
# storytrace_meta key naming the run that holds (or last held) the writer lock, for waiters' messages.
_WRITER = "writer"
# PostgreSQL advisory lock key of the writer lock (any constant; "story" in ASCII).
_WRITER_LOCK_KEY = 0x73746F7279
# PostgreSQL advisory lock key held while a run checks or creates the schema ("schema" in ASCII).
_SCHEMA_LOCK_KEY = 0x736368656D61
# Tries of the switch to WAL journaling, 50 ms apart, while another run creates the database.
_WAL_ATTEMPTS = 100
# How often a waiting writer tries the lock again.
_WRITER_POLL_SECONDS = 0.2
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
# Story columns: the index's state, and the presentation written beside it for listing.
_PRESENTATION = ("title", "start", "end")
_STATE_COLUMNS = tuple(column.name for column in stories.c if column.name not in ("id", *_PRESENTATION))


def text_hash(text: str, outlet: str | None) -> str:
    """Identity of an article's text at its outlet: casefolded, whitespace collapsed, sha1.

    The outlet is part of it because the same text at another outlet is a verbatim copy, which
    storytrace must report, not a re-ingested duplicate to drop.
    """
    basis = f"{(outlet or '').casefold()}\n{_SPACES.sub(' ', text.casefold()).strip()}"
    return hashlib.sha1(basis.encode("utf-8")).hexdigest()


def _reason(error: BaseException) -> str:
    """A database error's first line, with the two a user meets most put plainly."""
    original = getattr(error, "orig", None) or error
    message = (str(original).strip().splitlines() or [type(original).__name__])[0]
    if "readonly database" in message or "read-only" in message:
        return f"the database is read-only ({message})"
    if "file is not a database" in message:
        return "the file is not a SQLite database"
    return message


@contextmanager
def _translated(action: str) -> Iterator[None]:
    """Database errors as one ``StoreError`` saying what failed and why (the traceback stays chained)."""
    try:
        yield
    except SQLAlchemyError as error:
        raise StoreError(f"{action}: {_reason(error)}") from error


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
    cursor.execute("PRAGMA busy_timeout=30000")
    # WAL is stored in the file, so only a new database switches. The switch needs the database
    # to itself and SQLite does not wait for that (no busy handler): while another run creates
    # the same database it is tried again for a few seconds.
    for attempt in range(_WAL_ATTEMPTS):
        try:
            if cursor.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                cursor.execute("PRAGMA journal_mode=WAL")
            break
        except sqlite3.OperationalError:
            if attempt == _WAL_ATTEMPTS - 1:
                raise
            time.sleep(0.05)
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _sqlite_reader_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # A read-only connection cannot change the journal mode; it only waits for writers.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _sqlite_file(url: str) -> Path | None:
    """The file of a ``sqlite:///path`` URL (None for an in-memory or URI-style database)."""
    prefix = "sqlite:///"
    if not url.startswith(prefix) or "?" in url or url == prefix:
        return None
    return Path(url.removeprefix(prefix))


def _writable(path: Path) -> bool:
    """True when SQLite can write the database file and its journal files beside it."""
    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)


def _row_to_article(row: Any) -> Article:
    return replace(
        _row_to_head(row),
        text=row.text,
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
    if version < 5 and "date_source" not in {column["name"] for column in inspect(connection).get_columns("articles")}:
        # Where each stored date came from is not known for older articles: NULL, until re-ingested.
        connection.execute(text("ALTER TABLE articles ADD COLUMN date_source VARCHAR(16)"))
    if version < 6:
        _count_story_languages(connection)
    # Version 4 only adds article_analyses, a cache filled on demand.
    # Version 3 only adds the story tables (created empty above). Older articles have no story
    # yet: the next ``analyze`` or ``add`` adds every unassigned article to the index first, in
    # arrival order (storytrace.pipeline.Tracker), rather than this transaction grouping them.
    connection.execute(update(meta).where(meta.c.key == "schema_version").values(value=str(SCHEMA_VERSION)))


def _count_story_languages(connection: Connection) -> None:
    """Give every stored story its member count per language (schema 6), counted from its members'
    stored languages, and drop the ``lang:<code>`` counts schema 5 kept among its names."""
    counts: defaultdict[str, dict[str, int]] = defaultdict(dict)
    query = (
        select(story_articles.c.story_id, articles.c.language, func.count())
        .join(articles, articles.c.id == story_articles.c.article_id)
        .group_by(story_articles.c.story_id, articles.c.language)
    )
    for story_id, language, members in connection.execute(query):
        counted = counts[story_id]
        counted[language or ""] = counted.get(language or "", 0) + int(members)
    for row in connection.execute(select(stories.c.id, stories.c.names)).all():
        names = {name: weight for name, weight in row.names.items() if not name.startswith("lang:")}
        languages = dict(sorted(counts[row.id].items()))
        connection.execute(update(stories).where(stories.c.id == row.id).values(languages=languages, names=names))


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


def _row_to_state(row: Any, members: list[str]) -> StoryState:
    return StoryState(
        id=row.id,
        articles=members,
        terms={term: float(weight) for term, weight in row.terms.items()},
        names={name: float(weight) for name, weight in row.names.items()},
        keys=set(row.keys),
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


T = TypeVar("T")


def _rows_where_in(
    connection: Connection,
    query: Select[Any],
    condition: Callable[[Sequence[str]], ColumnElement[bool]],
    ids: Iterable[str],
    size: int = _LOOKUP_CHUNK,
) -> list[Any]:
    """The rows of ``query`` meeting ``condition`` for chunks of the distinct ``ids``: one
    ``IN (…)`` lookup per chunk, so no statement binds more parameters than SQLite allows."""
    rows: list[Any] = []  # Row objects; their column types vary with the query
    for chunk in _chunks(list(dict.fromkeys(ids)), size):
        rows.extend(connection.execute(query.where(condition(chunk))))
    return rows


def _chunks(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class Store:
    """A storytrace database; the schema is created on first use and its version checked.

    ``must_exist`` is for commands that only read: a SQLite file that is not there is an error
    (instead of a new empty database), and a file that cannot be written (a read-only mount or
    file) is opened read-only, with ``readonly`` set.
    """

    def __init__(self, db: str | Path, settings: Settings, *, must_exist: bool = False) -> None:
        self.url = database_url(db)
        self.settings = settings
        self.file = _sqlite_file(self.url)
        self.readonly = False
        url = self.url
        if self.file is not None and must_exist:
            if not self.file.is_file():
                raise StoreError(f"no database at {db} (storytrace analyze or add creates one)")
            if not _writable(self.file):
                self.readonly = True
                # immutable: no journal files to read or create, as on a read-only mount nobody writes.
                immutable = "&immutable=1" if not os.access(self.file.parent, os.W_OK) else ""
                url = f"sqlite:///file:{self.file.resolve()}?mode=ro{immutable}&uri=true"
        try:
            self.engine: Engine = create_engine(url, future=True)
        except (SQLAlchemyError, ImportError) as error:
            raise StoreError(f"cannot use database {db}: {error}") from None
        if self.engine.dialect.name == "sqlite":
            event.listen(self.engine, "connect", _sqlite_reader_pragmas if self.readonly else _sqlite_pragmas)
        self._ensure_schema()

    def _ensure_schema(self) -> None:
        with _translated(f"cannot open database {self.url}"), self.engine.begin() as connection:
            if not self.readonly:
                # Runs opening a new database at once must not both create its tables: a SQLite
                # write transaction taken up front (the driver would run the DDL outside one) or a
                # PostgreSQL transaction lock makes the check and the creation one step.
                if self.engine.dialect.name == "sqlite":
                    connection.exec_driver_sql("BEGIN IMMEDIATE")
                elif self.engine.dialect.name == "postgresql":
                    connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _SCHEMA_LOCK_KEY})
                metadata.create_all(connection)
            stored = connection.execute(select(meta.c.value).where(meta.c.key == "schema_version")).scalar()
            if stored is None and not self.readonly:
                connection.execute(insert(meta).values(key="schema_version", value=str(SCHEMA_VERSION)))
            elif stored is None:
                raise StoreError(f"{self.url} is not a storytrace database (it has no schema version)")
            elif int(stored) > SCHEMA_VERSION:
                raise StoreError(
                    f"database schema version {stored} is newer than this storytrace "
                    f"(version {SCHEMA_VERSION}); upgrade storytrace"
                )
            elif int(stored) < SCHEMA_VERSION and self.readonly:
                raise StoreError(
                    f"{self.file} is read-only and from an older storytrace (schema {stored}); "
                    "make it writable once so that it can be upgraded"
                )
            elif int(stored) < SCHEMA_VERSION:
                _migrate(connection, int(stored))

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

    @contextmanager
    def writer_lock(self, command: str, waiting: Callable[[str], None] | None = None) -> Iterator[None]:
        """Hold the database's writer lock for a run: runs that write (``analyze``, ``add``, web
        uploads) take turns, a later one waiting up to ``Settings.writer_wait_seconds`` and told
        (through ``waiting``) whom it waits for. Readers never wait.

        The lock is the operating system's (a ``flock`` on ``<file>.lock`` for SQLite) or the
        server's (a PostgreSQL advisory lock), so a killed holder releases it with its process.
        """
        deadline = time.monotonic() + self.settings.writer_wait_seconds
        with self._lock_attempts() as attempt:
            told = False
            while not attempt():
                holder = self._meta_value(_WRITER) or "another run"
                if time.monotonic() >= deadline:
                    raise StoreError(
                        f"another run still writes to this database after {self.settings.writer_wait_seconds:.0f} s "
                        f"({holder}); try again when it has finished"
                    )
                if not told and waiting is not None:
                    waiting(f"waiting for another run writing to this database: {holder}")
                    told = True
                time.sleep(_WRITER_POLL_SECONDS)
            since = datetime.now(UTC).astimezone().strftime("%Y-%m-%d %H:%M:%S")
            self._set_meta(_WRITER, f"{command}, pid {os.getpid()} on {socket.gethostname()}, since {since}")
            yield

    @contextmanager
    def _lock_attempts(self) -> Iterator[Callable[[], bool]]:
        """A function that tries once to take the writer lock (True once held), released on exit."""
        if self.engine.dialect.name == "postgresql":
            with _translated("cannot lock the database"), self.engine.connect() as connection:

                def attempt() -> bool:
                    taken = connection.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": _WRITER_LOCK_KEY})
                    connection.commit()  # the lock is the session's; no transaction is left open
                    return bool(taken.scalar())

                try:
                    yield attempt
                finally:
                    connection.execute(text("SELECT pg_advisory_unlock_all()"))
                    connection.commit()
            return
        if self.file is None:  # an in-memory database lives in this process only
            yield lambda: True
            return
        lock_path = self.file.with_name(self.file.name + ".lock")
        try:
            handle = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as error:
            raise StoreError(f"cannot lock the database: {lock_path}: {error.strerror}") from error

        def flock() -> bool:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return False
            return True

        try:
            yield flock
        finally:
            os.close(handle)  # closing the descriptor releases the lock

    def _meta_value(self, key: str) -> str | None:
        with _translated("cannot read the database"), self.engine.connect() as connection:
            return connection.execute(select(meta.c.value).where(meta.c.key == key)).scalar()

    def _set_meta(self, key: str, value: str) -> None:
        with _translated("cannot write to the database"), self.engine.begin() as connection:
            self._upsert(connection, meta, [{"key": key, "value": value}], ("value",))

    def stories_version(self) -> str:
        """A value that changes whenever the stories change (the index's document count): a cheap
        key for caches of story lists."""
        with self.engine.connect() as connection:
            value = connection.execute(select(meta.c.value).where(meta.c.key == _STORY_DOCUMENTS)).scalar()
        return str(value or 0)

    def batch_progress(self, ids: Iterable[str]) -> dict[str, int]:
        """How many of these articles are stored, in a story, and analysed: what a stopped run kept."""
        wanted = list(dict.fromkeys(ids))
        counted = {}
        with _translated("cannot read the database"), self.engine.connect() as connection:
            for name, column in (
                ("stored", articles.c.id),
                ("grouped", story_articles.c.article_id),
                ("analysed", article_analyses.c.article_id),
            ):
                counted[name] = len(_rows_where_in(connection, select(column), column.in_, wanted))
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
            rows = _rows_where_in(connection, query, articles.c.id.in_, ids)
            return sorted((_row_to_article(row) for row in rows), key=lambda article: article.id)

    def save_articles(self, batch: Sequence[Article]) -> list[IngestResult]:
        """Store articles idempotently, one transaction per ``store_batch_size`` articles.

        An article whose id is stored is updated when its content changed; one whose URL or
        normalized text is stored under another id is a duplicate and is not stored again.
        """
        results: list[IngestResult] = []
        for chunk in _chunks(batch, self.settings.store_batch_size):
            try:
                with _translated("cannot store articles"):
                    results.extend(self._save_chunk(chunk))
            except StoreError as error:
                if not isinstance(error.__cause__, (IntegrityError, DataError)):
                    raise
                # One article the database refuses (a value past a column's limit, a constraint)
                # must not cost the others: store them one by one and name the refused ones.
                results.extend(self._save_each(chunk))
            except UnicodeError:  # a string the driver cannot encode, in one article of the chunk
                results.extend(self._save_each(chunk))
        return results

    def _save_each(self, chunk: Sequence[Article]) -> list[IngestResult]:
        """Store articles one transaction each; the ones the database refuses come back "rejected"."""
        results: list[IngestResult] = []
        for article in chunk:
            try:
                results.extend(self._save_chunk([article]))
            except (IntegrityError, DataError, UnicodeError) as error:
                results.append(IngestResult(article.id, "rejected", source=article.source, reason=_reason(error)))
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

    def save_analyses(self, analyses: Sequence[ArticleAnalysis]) -> None:
        """Store (replace) the comparison stage's analyses of articles, in one transaction."""
        rows = [{"article_id": a.article.id, "payload": analysis_record(a)} for a in analyses]
        with _translated("cannot store analyses"), self.engine.begin() as connection:
            for chunk in _chunks(rows, self.settings.store_batch_size):
                ids = [row["article_id"] for row in chunk]
                connection.execute(delete(article_analyses).where(article_analyses.c.article_id.in_(ids)))
                connection.execute(insert(article_analyses), list(chunk))

    def load_analyses(self, wanted: Mapping[str, tuple[Article, date | None]]) -> dict[str, ArticleAnalysis]:
        """Stored analyses still valid for the given articles and date references (stale ones are left out)."""
        query = select(article_analyses)
        with self.engine.connect() as connection:
            rows = _rows_where_in(connection, query, article_analyses.c.article_id.in_, wanted)
        found: dict[str, ArticleAnalysis] = {}
        for row in rows:
            article, reference = wanted[row.article_id]
            analysis = analysis_from_record(article, row.payload, reference)
            if analysis is not None:
                found[row.article_id] = analysis
        return found

    def save_copies(self, relations: Sequence[Copy], article_ids: Iterable[str]) -> None:
        """Replace the copy relations among ``article_ids`` (the articles that were compared) with
        ``relations``, in one transaction. Relations with an article outside that set were not
        re-examined and are kept."""
        ids = set(article_ids)
        rows = [relation.to_record() for relation in relations]
        with _translated("cannot store copy relations"), self.engine.begin() as connection:
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

    def load_copies(self, article_ids: Iterable[str] | None = None) -> list[Copy]:
        """Stored copy relations (all, or those touching the given articles), by original then copy."""
        query = select(copies).order_by(copies.c.original, copies.c.copy)
        with self.engine.connect() as connection:
            if article_ids is None:
                rows = list(connection.execute(query))
            else:
                rows = _rows_where_in(connection, query, _touching, article_ids, _RELATION_CHUNK)
        unique = {(row.original, row.copy): row for row in rows}
        return [_row_to_copy(unique[key]) for key in sorted(unique)]

    def replace_copies_of(self, article_id: str, compared: Iterable[str], relations: Sequence[Copy]) -> None:
        """Replace the copy relations between ``article_id`` and the ``compared`` articles with
        ``relations`` (one transaction): how ``storytrace add`` records one article's copies
        without touching relations among the stored articles it was compared with."""
        others = sorted(set(compared) - {article_id})
        rows = [relation.to_record() for relation in relations]
        with _translated("cannot store copy relations"), self.engine.begin() as connection:
            for chunk in _chunks(others, _LOOKUP_CHUNK):
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

    # --- the story index -----------------------------------------------------------------

    def load_story_index(self, settings: Settings) -> StoryIndex:
        """The stored story index, ready to add articles to (empty in a new database)."""
        with self.engine.connect() as connection:
            documents = connection.execute(select(meta.c.value).where(meta.c.key == _STORY_DOCUMENTS)).scalar()
            df = {row.term: int(row.df) for row in connection.execute(select(story_terms.c.term, story_terms.c.df))}
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
        with _translated("cannot store the story index"), self.engine.begin() as connection:
            self._advance_documents(connection, changes.documents - len(added), changes.documents)
            self._upsert(connection, story_terms, [{"term": t, "df": n} for t, n in changes.df.items()], ("df",))
            for chunk in _chunks(changes.removed, _LOOKUP_CHUNK):
                connection.execute(delete(stories).where(stories.c.id.in_(chunk)))
            self._upsert(connection, stories, [r for r in rows if "title" in r], _STATE_COLUMNS + _PRESENTATION)
            self._upsert(connection, stories, [r for r in rows if "title" not in r], _STATE_COLUMNS)
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
        self._upsert(connection, story_articles, placed, ("story_id", "arrival"))
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

    def _upsert(
        self, connection: Connection, table: Table, rows: Sequence[dict[str, Any]], update_columns: Sequence[str]
    ) -> None:
        """Insert rows, or update ``update_columns`` of rows whose primary key is stored."""
        if not rows:
            return
        # Upserts are dialect-specific in SQLAlchemy; both dialects name the new row "excluded".
        name = self.engine.dialect.name
        statement: postgresql.Insert | sqlite.Insert
        if name == "postgresql":
            pg_insert = postgresql.insert(table)
            statement = pg_insert.on_conflict_do_update(
                index_elements=list(table.primary_key.columns),
                set_={column: pg_insert.excluded[column] for column in update_columns},
            )
        elif name == "sqlite":
            lite_insert = sqlite.insert(table)
            statement = lite_insert.on_conflict_do_update(
                index_elements=list(table.primary_key.columns),
                set_={column: lite_insert.excluded[column] for column in update_columns},
            )
        else:
            raise StoreError(f"stories need SQLite or PostgreSQL, not {name}")
        for chunk in _chunks(rows, self.settings.store_batch_size):
            connection.execute(statement, list(chunk))

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

    def load_article_heads(self, ids: Iterable[str]) -> dict[str, Article]:
        """Stored articles by id without their text and sentences: enough to title and list stories."""
        query = select(*(articles.c[name] for name in _HEAD_COLUMNS))
        with self.engine.connect() as connection:
            return {row.id: _row_to_head(row) for row in _rows_where_in(connection, query, articles.c.id.in_, ids)}

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
                rows = _rows_where_in(connection, query, stories.c.id.in_, ids)
            members: defaultdict[str, list[str]] = defaultdict(list)
            outlets: defaultdict[str, set[str]] = defaultdict(set)
            membership = (
                select(story_articles.c.story_id, story_articles.c.article_id, articles.c.outlet)
                .join(articles, articles.c.id == story_articles.c.article_id)
                .order_by(story_articles.c.arrival, story_articles.c.article_id)
            )
            held = _rows_where_in(connection, membership, story_articles.c.story_id.in_, (row.id for row in rows))
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
