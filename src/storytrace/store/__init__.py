"""Store: articles and later results in SQLite (default) or PostgreSQL through SQLAlchemy 2."""

from storytrace.store.db import Store, database_url, text_hash

__all__ = ["Store", "database_url", "text_hash"]
