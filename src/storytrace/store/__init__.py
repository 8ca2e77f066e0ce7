"""Store: articles, copies and stories in SQLite (default) or PostgreSQL through SQLAlchemy 2."""

from storytrace.store.db import database_url
from storytrace.store.schema import text_hash
from storytrace.store.store import Store
from storytrace.store.story_queries import StoredStory

__all__ = ["Store", "StoredStory", "database_url", "text_hash"]
