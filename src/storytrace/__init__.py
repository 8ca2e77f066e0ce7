"""storytrace: trace one news story across many outlets.

The public API::

    import storytrace
    report = storytrace.analyze(["articles/"], db="storytrace.db")   # a batch
    report = storytrace.add(["more/"], db="storytrace.db")           # one article at a time
    storytrace.to_dict(report)  # the JSON contract, schema storytrace.report/1
"""

from storytrace.errors import ConfigError, InputError, StoreError, StorytraceError
from storytrace.model import (
    Article,
    Copy,
    Passage,
    Problem,
    RawDocument,
    Removal,
    RemovedLine,
    Report,
    Story,
    Storyline,
)
from storytrace.pipeline import Tracker, add, analyze
from storytrace.report import to_dict, write_json
from storytrace.settings import Settings
from storytrace.store import Store

__version__ = "0.1.0"

__all__ = [
    "Article",
    "ConfigError",
    "Copy",
    "InputError",
    "Passage",
    "Problem",
    "RawDocument",
    "Removal",
    "RemovedLine",
    "Report",
    "Settings",
    "Store",
    "StoreError",
    "Story",
    "Storyline",
    "StorytraceError",
    "Tracker",
    "add",
    "analyze",
    "to_dict",
    "write_json",
]
