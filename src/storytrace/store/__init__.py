"""Store: articles, copies and stories in SQLite (default) or PostgreSQL through SQLAlchemy 2."""

from storytrace.store.db import Store, StoredStory, database_url, text_hash

__all__ = ["Store", "StoredStory", "database_url", "text_hash"]
