"""storytrace: trace one news story across many outlets.

The public API::

    import storytrace
    report = storytrace.analyze(["articles/"], db="storytrace.db")   # a batch
    report = storytrace.add(["more/"], db="storytrace.db")           # one article at a time
    story, comparison = storytrace.compare_story("st-…", db="storytrace.db") # quotes, facts, summary of a story
    storytrace.to_dict(report)  # the JSON contract, schema storytrace.report/1
"""

import importlib
from typing import TYPE_CHECKING, Any

from storytrace.errors import ConfigError, InputError, Interrupted, StoreError, StorytraceError

if TYPE_CHECKING:
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
    from storytrace.pipeline import Tracker, add, analyze, compare_pair, compare_story
    from storytrace.report import to_dict, write_json
    from storytrace.settings import Settings
    from storytrace.store import Store

__version__ = "0.1.0"

# Every public name but the exceptions is imported on first use: the pipeline and the store pull
# in spaCy, trafilatura and SQLAlchemy (about a second), and even the records and settings take a
# tenth of a second, during which the command line could not yet answer Ctrl-C quietly.
_LAZY = {
    "Article": "storytrace.model",
    "Copy": "storytrace.model",
    "CopyFamily": "storytrace.model",
    "Coverage": "storytrace.model",
    "Fact": "storytrace.model",
    "FactComparison": "storytrace.model",
    "Passage": "storytrace.model",
    "Problem": "storytrace.model",
    "Quote": "storytrace.model",
    "QuoteGroup": "storytrace.model",
    "RawDocument": "storytrace.model",
    "Removal": "storytrace.model",
    "RemovedLine": "storytrace.model",
    "Report": "storytrace.model",
    "Story": "storytrace.model",
    "StoryComparison": "storytrace.model",
    "Storyline": "storytrace.model",
    "SummarySentence": "storytrace.model",
    "TimelineEvent": "storytrace.model",
    "Settings": "storytrace.settings",
    "Tracker": "storytrace.pipeline",
    "add": "storytrace.pipeline",
    "analyze": "storytrace.pipeline",
    "compare_story": "storytrace.pipeline",
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
    "compare_pair",
    "compare_story",
    "to_dict",
    "write_json",
]
