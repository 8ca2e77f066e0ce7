"""The database under every part of the store: one engine, the schema (created, checked and
migrated on opening), ``storytrace_meta`` values and the writer lock that makes writing runs take
turns.

``StoreBase`` is what the store's job classes (articles, copies, story index, analysis cache,
story queries) share; ``storytrace.store.store.Store`` assembles them.
"""

from __future__ import annotations

import fcntl
import os
import socket
import sqlite3
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Self

from sqlalchemy import Connection, Engine, create_engine, event, func, insert, inspect, select, text, update
from sqlalchemy.exc import SQLAlchemyError

from storytrace.errors import StoreError
from storytrace.settings import Settings
from storytrace.store.schema import (
    SCHEMA_VERSION,
    articles,
    meta,
    metadata,
    stories,
    story_articles,
    text_hash,
)
from storytrace.store.sql import translated, upsert

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
    # arrival order (storytrace.tracker.Tracker), rather than this transaction grouping them.
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


class StoreBase:
    """One storytrace database under the store's job classes; the schema is created on first use
    and its version checked.

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
        """Create the tables of a new database, or check (and migrate) a stored one's version."""
        with translated(f"cannot open database {self.url}"), self.engine.begin() as connection:
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

    def __enter__(self) -> Self:
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
            with translated("cannot lock the database"), self.engine.connect() as connection:

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
        """A ``storytrace_meta`` value, or None when it is not set."""
        with translated("cannot read the database"), self.engine.connect() as connection:
            return connection.execute(select(meta.c.value).where(meta.c.key == key)).scalar()

    def _set_meta(self, key: str, value: str) -> None:
        """Set a ``storytrace_meta`` value in its own transaction."""
        with translated("cannot write to the database"), self.engine.begin() as connection:
            upsert(connection, meta, [{"key": key, "value": value}], ("value",), self.settings.store_batch_size)
