"""storytrace: trace one news story across many outlets.

The public API::

    import storytrace
    report = storytrace.analyze(["articles/"], db="storytrace.db")   # a batch
    report = storytrace.add(["more/"], db="storytrace.db")           # one article at a time
    story, comparison = storytrace.compare("st-…", db="storytrace.db") # quotes, facts, summary of a story
    storytrace.to_dict(report)  # the JSON contract, schema storytrace.report/1
"""

from storytrace.errors import ConfigError, InputError, Interrupted, StoreError, StorytraceError
from storytrace.model import (
    Article,
    Copy,
    Coverage,
    Fact,
    FactComparison,
    Passage,
    Problem,
    Quote,
    QuoteGroup,
    RawDocument,
    Removal,
    RemovedLine,
    Report,
    Story,
    StoryComparison,
    Storyline,
    SummarySentence,
    TimelineEvent,
)
from storytrace.pipeline import Tracker, add, analyze, compare
from storytrace.report import to_dict, write_json
from storytrace.settings import Settings
from storytrace.store import Store

__version__ = "0.1.0"

__all__ = [
    "Article",
    "ConfigError",
    "Copy",
    "Coverage",
    "Fact",
    "FactComparison",
    "InputError",
    "Interrupted",
    "Passage",
    "Problem",
    "Quote",
    "QuoteGroup",
    "RawDocument",
    "Removal",
    "RemovedLine",
    "Report",
    "Settings",
    "Store",
    "StoreError",
    "Story",
    "StoryComparison",
    "Storyline",
    "StorytraceError",
    "SummarySentence",
    "TimelineEvent",
    "Tracker",
    "add",
    "analyze",
    "compare",
    "to_dict",
    "write_json",
]
