"""The report contract: schema-valid JSON, spans into the cleaned text, stable keys."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from storytrace import analyze, to_dict
from storytrace.report import load_schema, write_json

from .conftest import EXAMPLES, REPO


def test_published_schema_is_the_packaged_one() -> None:
    assert json.loads((REPO / "docs" / "report.schema.json").read_text(encoding="utf-8")) == load_schema()
    jsonschema.Draft202012Validator.check_schema(load_schema())


@pytest.mark.parametrize("corpus", ["seeds", "examples"])
def test_reports_validate_against_the_schema(corpus: str, seeds: Path, tmp_path: Path) -> None:
    report = analyze(seeds if corpus == "seeds" else EXAMPLES, db=tmp_path / "r.db", workers=1)
    target = tmp_path / "report.json"
    write_json(report, target)
    document = json.loads(target.read_text(encoding="utf-8"))
    jsonschema.validate(document, load_schema())
    assert document["schema"] == "storytrace.report/1"
    assert len(document["articles"]) == len(report.articles) > 0
    ids = {article["id"] for article in document["articles"]}
    grouped = [a for story in document["stories"] for a in story["articles"]]
    assert sorted(grouped) == sorted(ids)  # one batch: every article in exactly one story
    stories = {story["id"] for story in document["stories"]}
    assert sorted(s for line in document["storylines"] for s in line["stories"]) == sorted(stories)
    for story in document["stories"]:
        assert set(story["originals"]) <= set(story["articles"])
        assert story["title"] in {a["title"] for a in document["articles"] if a["id"] in story["articles"]}
    for article in document["articles"]:
        for start, end in article["sentences"]:
            assert article["text"][start:end].strip()


def test_schema_rejects_a_malformed_report() -> None:
    broken = {"schema": "storytrace.report/1", "articles": [{"id": "x"}], "copies": [], "stories": [], "storylines": []}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, load_schema())


def test_to_dict_of_records_api(tmp_path: Path) -> None:
    report = analyze(
        [
            {
                "id": "r-1",
                "url": "https://www.news.example/2025/05/12/ferry",
                "text": "Ferry terminal closes\n\n"
                "The harbour authority said on Monday that the old ferry terminal would close for repairs.",
            }
        ],
        db=tmp_path / "api.db",
    )
    (article,) = to_dict(report)["articles"]
    assert (article["id"], article["outlet"], article["published"]) == ("r-1", "news.example", "2025-05-12")
    assert article["title"] == "Ferry terminal closes"


def test_report_lists_copy_families(seeds: Path, tmp_path: Path) -> None:
    report = analyze(seeds, db=tmp_path / "f.db", workers=1, embedder="none", compare=False)
    document = to_dict(report)
    jsonschema.validate(document, load_schema())
    (relation,) = [r for r in document["copies"] if r["original"].startswith("000_")]
    (family,) = [f for f in document["copy_families"] if relation["copy"] in {m["id"] for m in f["members"]}]
    assert family["original"] == relation["original"] and family["candidates"] == [relation["original"]]
    assert family["members"] == [
        {"id": relation["original"], "depth": 0, "sources": [], "undecided": []},
        {
            "id": relation["copy"],
            "depth": 1,
            "sources": [{"id": relation["original"], "kind": relation["kind"]}],
            "undecided": [],
        },
    ]
    in_families = {m["id"] for f in document["copy_families"] for m in f["members"]}
    assert in_families == {i for r in document["copies"] for i in (r["original"], r["copy"])}


def test_terminal_families_say_an_undecided_original() -> None:
    from rich.console import Console

    from storytrace.model import Copy
    from storytrace.provenance.families import copy_families
    from storytrace.report import print_families

    copies = [
        Copy(original="x", copy="y", kind="verbatim", score=1.0, direction="undecided"),
        Copy(original="y", copy="[red]z[/]", kind="edited", score=0.8, direction="publication date"),
    ]
    console = Console(record=True, width=200)
    print_families(copy_families(copies), {}, console)
    lines = [" ".join(line.split()) for line in console.export_text().splitlines()]
    (family,) = copy_families(copies)
    assert lines[:2] == ["1 copy families", f"{family.id} · 3 articles · original undecided (candidates: x, y)"]
    assert lines[2:] == [
        "x candidate original; verbatim copy, direction undecided, with y",
        "y candidate original; verbatim copy, direction undecided, with x",
        "↳ [red]z[/] edited copy of y",
    ]
