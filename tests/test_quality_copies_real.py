"""Quality gate: storytrace's copies on the real labelled sets of ../shared/data (pages-dev, MEANTIME).

Runs ``storytrace analyze --no-compare`` (embedder "auto") through the runner and scoring of
benchmarks/copies_real.py, storytrace only (about 30 s for both sets), and checks the figures
against pinned floors.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.conftest import benchmark_module

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"

# Today's figures of `benchmarks/copies_real.py --only storytrace`, as in docs/benchmark-copies-real.md
# (counts, not ratios). They are floors, raised as copy detection improves and never lowered;
# false copies are ceilings, lowered likewise, never raised.
FLOORS: dict[str, dict[str, Any]] = {
    "pages-dev": {
        # labelled pairs found by family, per kind (of verbatim 5, edited 19, spun 8, translated 9, excerpt 3)
        "family": {"verbatim": 5, "edited": 15, "spun": 4, "translated": 5, "excerpt": 3},
        # found pairs with a directed path original -> copy, per labelled confidence
        "direction": {"high": 18, "medium": 3},
        "max_false_copies": 0,
    },
    "meantime": {
        # translations found as copies of their English original, per language (of 60 each)
        "found": {"es": 60, "it": 60, "nl": 60},
        # found translations with a directed path English -> translation, per language
        "reached": {"es": 57, "it": 59, "nl": 56},
        "max_false_copies": 0,
    },
}


@pytest.fixture(scope="module")
def copies_real() -> Any:
    """The benchmark module, run as the gate."""
    return benchmark_module(
        "copies_real", (SHARED / "data" / "pages-dev" / "labels.json", SHARED / "data" / "meantime" / "documents.jsonl")
    )


def _shortfalls(floors: dict[str, int], figures: dict[str, int], what: str) -> list[str]:
    return [f"{what} {key}: {figures[key]} < {floor}" for key, floor in floors.items() if figures[key] < floor]


def test_pages_dev_copies(copies_real: Any, tmp_path: Path) -> None:
    scores = copies_real.storytrace_scores("pages-dev", tmp_path)
    floors = FLOORS["pages-dev"]
    family = {kind: entry["found"] for kind, entry in scores["family"].items()}
    direction = {confidence: entry["right"] for confidence, entry in scores["direction"].items()}
    problems = _shortfalls(floors["family"], family, "family recall") + _shortfalls(
        floors["direction"], direction, "direction"
    )
    if scores["false_copies"] > floors["max_false_copies"]:
        problems.append(
            f"false copies {scores['false_copies']} > {floors['max_false_copies']}: {scores['false_copy_list']}"
        )
    assert not problems, f"pages-dev below its floors: {problems}; missed pairs: {scores['missed_pairs']}"


def test_meantime_translations(copies_real: Any, tmp_path: Path) -> None:
    scores = copies_real.storytrace_scores("meantime", tmp_path)
    floors = FLOORS["meantime"]
    per_language = scores["per_language"]
    found = {language: entry["found"] for language, entry in per_language.items()}
    reached = {language: entry["reached"] for language, entry in per_language.items()}
    problems = _shortfalls(floors["found"], found, "translations found") + _shortfalls(
        floors["reached"], reached, "English reached"
    )
    if scores["false_copies"] > floors["max_false_copies"]:
        problems.append(
            f"false copies {scores['false_copies']} > {floors['max_false_copies']}: {scores['false_copy_list']}"
        )
    assert not problems, f"MEANTIME below its floors: {problems}; missed: {scores['missed_pairs']}"
