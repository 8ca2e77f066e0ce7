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
    assert lines[:2] == ["1 copy family", f"{family.id} · 3 articles · original undecided (candidates: x, y)"]
    assert lines[2:] == [
        "x candidate original; verbatim copy, direction undecided, with y",
        "y candidate original; verbatim copy, direction undecided, with x",
        "↳ [red]z[/] edited copy of y",
    ]


def _lines(console: object) -> list[str]:
    from rich.console import Console

    assert isinstance(console, Console)
    return [line.rstrip() for line in console.export_text().splitlines()]


def test_terminal_counts_say_one_in_the_singular() -> None:
    from rich.console import Console

    from storytrace.model import Article, Report, Story, Storyline
    from storytrace.report import print_story, print_story_list, print_summary
    from storytrace.report.layout import count
    from storytrace.store import StoredStory

    assert [count(n, "article") for n in (0, 1, 2)] == ["0 articles", "1 article", "2 articles"]
    assert (count(1, "story"), count(3, "story"), count(1, "copy family")) == ("1 story", "3 stories", "1 copy family")
    article = Article(id="a-1", source="a.txt", text="One text.", outlet="one.example", published="2025-03-03")
    story = StoredStory("st-1", "sl-1", "Flood", "2025-03-03", None, ("a-1",), ("en",), ("one.example",))
    other = StoredStory("st-2", "sl-1", "Flood again", "2025-03-09", None, ("a-2", "a-3"), ("en",), ("two.example",))
    console = Console(record=True, width=120)
    print_story(story, {"a-1": article}, [], [story, other], console)
    print_story_list([story], console)
    report = Report(
        articles=(article,),
        stories=(Story(id="st-1", title="Flood", articles=("a-1",)),),
        storylines=(Storyline(id="sl-1", title="Flood", stories=("st-1",)),),
        grouped={"new": 1, "merged": 1, "duplicate": 1},
    )
    print_summary(report, console)
    text = "\n".join(_lines(console))
    assert "st-1 · 2025-03-03 · 1 article\n" in text and "storyline sl-1 with 1 other story\n" in text
    assert "1 story\n" in text and "\n1 article\n" in text  # the list's title, the summary's headline
    assert "stories: 1 duplicate, 1 story merged, 1 opened a story" in text
    for wrong in ("1 articles", "1 stories", "1 other stories", "1 duplicates", "1 copy families"):
        assert wrong not in text, wrong


def test_terminal_tables_keep_ids_whole_and_every_column_at_80_columns() -> None:
    from rich.console import Console

    from storytrace.model import Article, Copy
    from storytrace.report import print_copies, print_story, print_story_list
    from storytrace.store import StoredStory

    url = "https://harbourtimes.example/valmora/sport/2025/10/18/harbour-fc-3-castellmar-athletic-1"
    ids = ["valmora-herald-bridge", "wire-bridge-verbatim", "urn:uuid:1557073b-3ab0-5ea6-8e2d-97623259a8f1", url]
    articles = {
        i: Article(
            id=i,
            source=f"{n}.txt",
            text="Text.",
            outlet="Harbour Times – Valmora",
            published="2025-10-14",
            title="Old Quay Bridge collapses into Valmora harbour, at least 12 injured",
        )  # fmt: skip
        for n, i in enumerate(ids)
    }
    copies = [
        Copy(original=ids[0], copy=ids[1], kind="verbatim", score=1.0, direction="publication date"),
        Copy(original=ids[2], copy=url, kind="translated", score=0.7, direction="wording echoed by other articles"),
    ]
    listed = [
        StoredStory(
            f"st-a05ac756a91{n}",
            f"sl-a05ac756a91{n}",
            "Old-Quay-Brücke stürzt in den Hafen von Valmora – mindestens zwölf Verletzte",
            "2025-10-14",
            "2025-10-15",
            tuple(ids),
            ("de", "en"),
            ("KPA Kontinentale Presseagentur", "Rheinpost Online", "Coastal Daily"),
        )  # fmt: skip
        for n in range(3)
    ]
    for width in (80, 100, 160):
        console = Console(record=True, width=width)
        print_copies(copies, articles, console)
        print_story_list(listed, console)
        print_story(listed[0], articles, copies, listed, console)
        lines = _lines(console)
        words = {word for line in lines for word in line.replace("│", " ").split()}
        for identifier in [*ids, *(s.id for s in listed), *(s.storyline for s in listed)]:
            assert identifier in words, (width, identifier)  # whole, on one line
        for value in ("publication", "translated", "0.70", "de,", "Rheinpost", "2025-10-15", "Verletzte"):
            assert value in words, (width, value)  # no column dropped
        assert all(len(line) <= width for line in lines if url not in line), width
