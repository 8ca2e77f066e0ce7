"""The public API: what ``import storytrace`` promises (pinned, as httpx pins its ``__all__``).

A name added to or removed from the API must change this list on purpose; each public name
resolves, is documented, and the lazily imported ones are listed by ``dir``.
"""

from __future__ import annotations

import inspect
import subprocess
import sys

import storytrace

PUBLIC = [
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


def test_the_public_names_are_pinned() -> None:
    assert storytrace.__all__ == PUBLIC


def test_every_public_name_resolves_and_is_documented() -> None:
    for name in PUBLIC:
        value = getattr(storytrace, name)
        assert inspect.getdoc(value), f"storytrace.{name} has no docstring"
        assert name in dir(storytrace)


def test_the_exception_tree() -> None:
    for error in (storytrace.ConfigError, storytrace.InputError, storytrace.StoreError, storytrace.Interrupted):
        assert issubclass(error, storytrace.StorytraceError)
    assert issubclass(storytrace.ConfigError, ValueError)  # a bad setting is a bad value


def test_an_unknown_name_is_an_attribute_error() -> None:
    try:
        storytrace.no_such_name  # type: ignore[attr-defined]  # noqa: B018
    except AttributeError as error:
        assert "no_such_name" in str(error)
    else:
        raise AssertionError("storytrace.no_such_name resolved")


def test_import_stays_light() -> None:
    # The pipeline, spaCy, trafilatura and SQLAlchemy load on first use, not on import.
    heavy = "('spacy', 'sqlalchemy', 'trafilatura')"
    code = f"import sys, storytrace; print(sorted(m for m in {heavy} if m in sys.modules))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
