"""Database tables (SQLAlchemy Core), shared by SQLite and PostgreSQL.

``SCHEMA_VERSION`` is stored in ``storytrace_meta``; bump it with a migration in ``db.py``
whenever a table changes.
"""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, Column, DateTime, Float, Index, MetaData, String, Table, Text

# 1: articles. 2: copies; text_hash covers the outlet too (a verbatim copy at another outlet is
# an article of its own, not a duplicate).
SCHEMA_VERSION = 2

metadata = MetaData()

meta = Table(
    "storytrace_meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

articles = Table(
    "articles",
    metadata,
    Column("id", String(512), primary_key=True),
    Column("source", Text, nullable=False),
    Column("url", Text, nullable=True, unique=True),
    Column("outlet", String(512), nullable=True),
    Column("title", Text, nullable=True),
    Column("published", String(40), nullable=True),
    Column("language", String(16), nullable=True),
    Column("author", Text, nullable=True),
    Column("summary_only", Boolean, nullable=False, default=False),
    Column("text", Text, nullable=False),
    # sha1 of the outlet and the casefolded, whitespace-collapsed text: the same article again.
    Column("text_hash", String(40), nullable=False, unique=True),
    Column("sentences", JSON, nullable=False),
    Column("removed", JSON, nullable=False),
    Column("ingested_at", DateTime(timezone=True), nullable=False),
)

Index("ix_articles_outlet", articles.c.outlet)
Index("ix_articles_published", articles.c.published)

copies = Table(
    "copies",
    metadata,
    Column("original", String(512), primary_key=True),
    Column("copy", String(512), primary_key=True),
    Column("kind", String(16), nullable=False),
    Column("score", Float, nullable=False),
    Column("direction", Text, nullable=False),
    # [{"original": [start, end], "copy": [start, end], "similarity": s}, ...]
    Column("passages", JSON, nullable=False),
)

Index("ix_copies_copy", copies.c.copy)
