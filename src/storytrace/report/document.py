"""The report as a JSON document: ``storytrace.report/1``."""

from __future__ import annotations

import json
import sys
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from storytrace.model import Report, Story, StoryComparison, Storyline
from storytrace.provenance.families import copy_families
from storytrace.report.comparison import comparison_record

REPORT_SCHEMA_ID = "storytrace.report/1"


_EMPTY_COMPARISON: dict[str, list[Any]] = {"summary": [], "timeline": [], "quotes": [], "facts": [], "coverage": []}


def _story(story: Story, comparison: StoryComparison | None) -> dict[str, Any]:
    """A story with its comparison keys (empty when the analysis did not compare coverage)."""
    compared = comparison_record(comparison) if comparison is not None else _EMPTY_COMPARISON
    return {
        "id": story.id,
        "title": story.title,
        "articles": list(story.articles),
        "originals": list(story.originals),
        "start": story.start,
        "end": story.end,
    } | compared


def _storyline(storyline: Storyline) -> dict[str, Any]:
    return {"id": storyline.id, "title": storyline.title, "stories": list(storyline.stories)}


def to_dict(report: Report) -> dict[str, Any]:
    """The report as plain JSON-ready data, keys as in the published schema."""
    comparisons = {comparison.story: comparison for comparison in report.comparisons}
    return {
        "schema": REPORT_SCHEMA_ID,
        "articles": [article.to_record() for article in report.articles],
        "copies": [copy.to_record() for copy in report.copies],
        "copy_families": [family.to_record() for family in copy_families(report.copies)],
        "stories": [_story(story, comparisons.get(story.id)) for story in report.stories],
        "storylines": [_storyline(storyline) for storyline in report.storylines],
        "inputs": [
            {
                "source": result.source,
                "id": result.article_id,
                "status": result.status,
                "duplicate_of": result.duplicate_of,
            }
            for result in report.results
        ],
        "problems": [
            {"source": problem.source, "reason": problem.reason, "kind": problem.kind.value}
            for problem in report.problems
        ],
        "steps": [step.to_record() for step in report.steps],
    }


def write_json(report: Report, target: str | Path) -> None:
    """Write the report to a file, or to standard output when ``target`` is ``-``."""
    text = json.dumps(to_dict(report), ensure_ascii=False, indent=2)
    if str(target) == "-":
        sys.stdout.write(text + "\n")
        sys.stdout.flush()
        return
    path = Path(target)
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(text + "\n", encoding="utf-8")
    temporary.replace(path)  # atomic: a reader never sees half a report


@lru_cache(maxsize=1)
def load_schema() -> dict[str, Any]:
    """The published JSON Schema of the report (packaged copy of docs/report.schema.json)."""
    return json.loads(resources.files("storytrace").joinpath("data/report.schema.json").read_text("utf-8"))
