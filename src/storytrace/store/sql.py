"""Helpers every part of the store shares: chunked ``IN`` lookups, upserts, and database errors
translated into ``StoreError``."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

from sqlalchemy import Connection, Select, Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.sql.elements import ColumnElement

from storytrace.errors import StoreError

# Bound parameters per IN (…) lookup: under SQLite's historic 999-variable limit.
LOOKUP_CHUNK = 500

T = TypeVar("T")


def reason(error: BaseException) -> str:
    """A database error's first line, with the two a user meets most put plainly."""
    original = getattr(error, "orig", None) or error
    message = (str(original).strip().splitlines() or [type(original).__name__])[0]
    if "readonly database" in message or "read-only" in message:
        return f"the database is read-only ({message})"
    if "file is not a database" in message:
        return "the file is not a SQLite database"
    return message


@contextmanager
def translated(action: str) -> Iterator[None]:
    """Database errors as one ``StoreError`` saying what failed and why (the traceback stays chained)."""
    try:
        yield
    except SQLAlchemyError as error:
        raise StoreError(f"{action}: {reason(error)}") from error


def chunks(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    """Consecutive slices of at most ``size`` items."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


def rows_where_in(
    connection: Connection,
    query: Select[Any],
    condition: Callable[[Sequence[str]], ColumnElement[bool]],
    ids: Iterable[str],
    size: int = LOOKUP_CHUNK,
) -> list[Any]:
    """The rows of ``query`` meeting ``condition`` for chunks of the distinct ``ids``: one
    ``IN (…)`` lookup per chunk, so no statement binds more parameters than SQLite allows."""
    rows: list[Any] = []  # Row objects; their column types vary with the query
    for chunk in chunks(list(dict.fromkeys(ids)), size):
        rows.extend(connection.execute(query.where(condition(chunk))))
    return rows


def upsert(
    connection: Connection,
    table: Table,
    rows: Sequence[dict[str, Any]],
    update_columns: Sequence[str],
    batch_size: int,
) -> None:
    """Insert rows, or update ``update_columns`` of rows whose primary key is stored, ``batch_size``
    rows per statement."""
    if not rows:
        return
    # Upserts are dialect-specific in SQLAlchemy; both dialects name the new row "excluded".
    name = connection.dialect.name
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
    for chunk in chunks(rows, batch_size):
        connection.execute(statement, list(chunk))
