"""storytrace: trace one news story across many outlets.

The public API::

    import storytrace
    report = storytrace.analyze(["articles/"], db="storytrace.db")   # a batch
    report = storytrace.add(["more/"], db="storytrace.db")           # one article at a time
    story, comparison = storytrace.compare("st-…", db="storytrace.db") # quotes, facts, summary of a story
    storytrace.to_dict(report)  # the JSON contract, schema storytrace.report/1
"""

import importlib
from typing import TYPE_CHECKING, Any

from storytrace.errors import ConfigError, InputError, Interrupted, StoreError, StorytraceError
from storytrace.model import (
    Article,
    Copy,
    CopyFamily,
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
from storytrace.settings import Settings

if TYPE_CHECKING:
    from storytrace.pipeline import Tracker, add, analyze, compare, compare_pair
    from storytrace.report import to_dict, write_json
    from storytrace.store import Store

__version__ = "0.1.0"

# The pipeline and the store pull in spaCy, trafilatura and SQLAlchemy (about a second): they are
# imported on first use, so that ``import storytrace`` (and the command's start) stays light.
_LAZY = {
    "Tracker": "storytrace.pipeline",
    "add": "storytrace.pipeline",
    "analyze": "storytrace.pipeline",
    "compare": "storytrace.pipeline",
    "compare_pair": "storytrace.pipeline",
    "to_dict": "storytrace.report",
    "write_json": "storytrace.report",
    "Store": "storytrace.store",
}


def __getattr__(name: str) -> Any:
    """The public names of the heavy modules, imported when first asked for (PEP 562)."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'storytrace' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    """The module's names, the lazily imported ones included (so that completion lists them)."""
    return sorted({*globals(), *_LAZY})


__all__ = [
    "Article",
    "ConfigError",
    "Copy",
    "CopyFamily",
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
    "compare_pair",
    "to_dict",
    "write_json",
]
