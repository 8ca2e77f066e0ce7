"""Database tables (SQLAlchemy Core), shared by SQLite and PostgreSQL.

``SCHEMA_VERSION`` is stored in ``storytrace_meta``; bump it with a migration in ``db.py``
whenever a table changes.
"""

from __future__ import annotations

import hashlib
import re

from sqlalchemy import JSON, Boolean, Column, DateTime, Float, Index, Integer, MetaData, String, Table, Text

# 1: articles. 2: copies; text_hash covers the outlet too (a verbatim copy at another outlet is
# an article of its own, not a duplicate). 3: the story index (stories, story_articles,
# story_merges, story_terms and the "story_documents" count in storytrace_meta). 4: article_analyses
# (each article's quotes, facts and sentence words, so a story compares without re-parsing).
# 5: articles.date_source (where the published date came from; NULL for articles stored before).
# 6: stories.languages holds each language's member count ({code: n}) instead of the sorted codes,
# and stories.names holds names only (the counts had been kept there as "lang:<code>" entries).
SCHEMA_VERSION = 6

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
    # stated | metadata | page | url | text | fetched | none (clean.dating.DATE_SOURCES); NULL: unknown.
    Column("date_source", String(16), nullable=True),
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

_SPACES = re.compile(r"\s+")


def text_hash(text: str, outlet: str | None) -> str:
    """Identity of an article's text at its outlet (``articles.text_hash``): casefolded,
    whitespace collapsed, sha1.

    The outlet is part of it because the same text at another outlet is a verbatim copy, which
    storytrace must report, not a re-ingested duplicate to drop.
    """
    basis = f"{(outlet or '').casefold()}\n{_SPACES.sub(' ', text.casefold()).strip()}"
    return hashlib.sha1(basis.encode("utf-8")).hexdigest()


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

# The persistent StoryIndex (storytrace.stories.index): one row per live story with its centroids,
# so that ``storytrace add`` reloads the index instead of regrouping every stored article.
stories = Table(
    "stories",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("storyline", String(64), nullable=False),  # the id of the story that names its storyline
    # Presentation, kept for listing: the representative headline and the ISO date range.
    Column("title", Text, nullable=True),
    Column("start", String(10), nullable=True),
    Column("end", String(10), nullable=True),
    Column("first_day", Integer, nullable=True),  # days since 1970-01-01
    Column("last_day", Integer, nullable=True),
    # {language: members in it}, "" for members of unknown language (similarity counts the pairs
    # in two languages from it).
    Column("languages", JSON, nullable=False),
    Column("article_count", Integer, nullable=False),
    Column("terms", JSON, nullable=False),  # centroid {lemma: weight}, in the index's order
    Column("names", JSON, nullable=False),  # centroid {name: weight}
    Column("keys", JSON, nullable=False),  # the postings keys ("t:…", "n:…") that find the story
    Column("lead", JSON, nullable=True),  # sum of the members' lead embeddings (floats), with an embedder only
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

Index("ix_stories_storyline", stories.c.storyline)
Index("ix_stories_start", stories.c.start)

story_articles = Table(
    "story_articles",
    metadata,
    Column("article_id", String(512), primary_key=True),
    Column("story_id", String(64), nullable=False),
    # The index's document count when the article was added: reloading lists a story's
    # articles in the order they arrived.
    Column("arrival", Integer, nullable=False),
)

Index("ix_story_articles_story", story_articles.c.story_id)

# Append-only history: story ``merged`` was folded into ``into`` when ``article`` arrived.
story_merges = Table(
    "story_merges",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("merged", String(64), nullable=False),
    Column("into", String(64), nullable=False),
    Column("article", String(512), nullable=False),
    Column("similarity", Float, nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
)

# The index's document frequencies: "t:" + lemma or "n:" + name -> articles holding it.
story_terms = Table(
    "story_terms",
    metadata,
    Column("term", Text, primary_key=True),  # Text: a run of capitalised words can be long
    Column("df", Integer, nullable=False),
)

# One row per analysed article: what the comparison stage read from it with spaCy (quotes, facts,
# sentence content words), valid while the text, the analyzer version and the date reference match.
article_analyses = Table(
    "article_analyses",
    metadata,
    Column("article_id", String(512), primary_key=True),
    Column("payload", JSON, nullable=False),
)
