"""The store: articles, copies, the story index, the analysis cache and the story queries over
one database (``StoreBase``: one engine, one writer lock)."""

from __future__ import annotations

from storytrace.store.articles import ArticleStore
from storytrace.store.copies import CopyStore
from storytrace.store.parse_cache import ParseCache
from storytrace.store.story_index import StoryIndexStore
from storytrace.store.story_queries import StoryQueries


class Store(ArticleStore, CopyStore, StoryIndexStore, ParseCache, StoryQueries):
    """A storytrace database; the schema is created on first use and its version checked.

    Each base class does one job over the shared engine; see ``StoreBase`` for ``must_exist``
    and ``readonly``.
    """
