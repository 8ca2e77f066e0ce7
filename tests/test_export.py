"""Tables for other tools (storytrace.export, report.tables): ``storytrace export`` and
``analyze --out`` write what the database and the report hold, in CSV, JSONL and Parquet."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from storytrace import Store, analyze, compare_story
from storytrace.cli import app
from storytrace.report.tables import TABLES
from storytrace.settings import Settings
from tests.conftest import EXAMPLES


@pytest.fixture(scope="module")
def stored(tmp_path_factory: pytest.TempPathFactory) -> str:
    db = str(tmp_path_factory.mktemp("export") / "s.db")
    analyze([str(EXAMPLES)], db=db, embedder=None)
    return db


def _jsonl(path: Path) -> list[dict]:  # type: ignore[type-arg]
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_every_table_holds_what_the_database_holds(stored: str, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["export", str(tmp_path), "--db", stored, "--format", "jsonl", "--embedder", "none"]
    )
    assert result.exit_code == 0, result.output
    with Store(stored, Settings(), must_exist=True) as store:
        articles = {a.id: a for a in store.load_articles()}
        copies = store.load_copies()
        stories = store.load_stories()
    rows = {name: _jsonl(tmp_path / f"{name}.jsonl") for name in TABLES if name != "problems"}
    assert {row["id"] for row in rows["articles"]} == set(articles)
    story_of = {article: story.id for story in stories for article in story.articles}
    assert all(row["story"] == story_of[row["id"]] for row in rows["articles"])
    assert {(r["original"], r["copy"], r["kind"]) for r in rows["copies"]} == {
        (c.original, c.copy, c.kind) for c in copies
    }
    assert {row["id"] for row in rows["stories"]} == {story.id for story in stories}
    # Quotes: one row per quote of every story's comparison, spans into the article's text.
    expected = sum(len(g.quotes) for s in stories for g in compare_story(s.id, db=stored, embedder=None)[1].quotes)
    assert len(rows["quotes"]) == expected > 0
    for table in ("quotes", "facts"):
        assert rows[table] and all(articles[r["article"]].text[r["start"] : r["end"]] == r["text"] for r in rows[table])
    assert all(list(row) == [name for name, _ in TABLES[table]] for table in rows for row in rows[table])


def test_csv_and_parquet_carry_the_same_rows(stored: str, tmp_path: Path) -> None:
    for fmt in ("csv", "parquet", "jsonl"):
        result = CliRunner().invoke(app, ["export", str(tmp_path / fmt), "--db", stored, "-f", fmt, "--no-compare"])
        assert result.exit_code == 0, result.output
    assert not (tmp_path / "csv" / "quotes.csv").exists()  # --no-compare: no quotes and facts
    lines = _jsonl(tmp_path / "jsonl" / "stories.jsonl")
    table = pq.read_table(tmp_path / "parquet" / "stories.parquet")
    assert table.to_pylist() == lines
    with (tmp_path / "csv" / "stories.csv").open(encoding="utf-8", newline="") as handle:
        spreadsheet = list(csv.DictReader(handle))
    assert [json.loads(row["article_ids"]) for row in spreadsheet] == [row["article_ids"] for row in lines]
    assert [int(row["articles"]) for row in spreadsheet] == [row["articles"] for row in lines]


def test_text_a_spreadsheet_would_run_as_a_formula_is_defused_in_csv_only(tmp_path: Path) -> None:
    db = str(tmp_path / "h.db")
    formula = '=HYPERLINK("http://example.invalid","click")'
    text = "The council met on Monday and agreed the budget for the new harbour bridge after a long debate."
    analyze([{"id": "x", "title": formula, "text": text}], db=db, embedder=None, compare=False)
    for fmt in ("csv", "jsonl"):
        assert CliRunner().invoke(app, ["export", str(tmp_path / fmt), "--db", db, "-f", fmt]).exit_code == 0
    with (tmp_path / "csv" / "articles.csv").open(encoding="utf-8", newline="") as handle:
        (row,) = csv.DictReader(handle)
    assert row["title"] == "'" + formula
    assert _jsonl(tmp_path / "jsonl" / "articles.jsonl")[0]["title"] == formula
    # A table with no rows still has its columns, in every format.
    assert CliRunner().invoke(app, ["export", str(tmp_path / "pq"), "--db", db, "-f", "parquet"]).exit_code == 0
    empty = pq.read_table(tmp_path / "pq" / "copies.parquet")
    assert empty.num_rows == 0 and empty.column_names == [name for name, _ in TABLES["copies"]]


def test_analyze_out_writes_the_batch_tables_with_its_problems(tmp_path: Path) -> None:
    broken = tmp_path / "in" / "broken.jsonl"
    broken.parent.mkdir()
    broken.write_text("{not json\n", encoding="utf-8")
    inputs = [str(EXAMPLES / "text"), str(broken)]
    result = CliRunner().invoke(
        app, ["analyze", *inputs, "--db", str(tmp_path / "a.db"), "--no-compare", "--embedder", "none",
              "--out", str(tmp_path / "out")],
    )  # fmt: skip
    assert result.exit_code == 1, result.output  # partial: the broken file is named
    problems = pq.read_table(tmp_path / "out" / "problems.parquet").to_pylist()
    assert [problem["source"] for problem in problems] == [f"{broken}:1"]
    articles = pq.read_table(tmp_path / "out" / "articles.parquet").to_pylist()
    assert len(articles) == len(list((EXAMPLES / "text").iterdir()))
    assert "Tables written" in result.output


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["export", "out", "--format", "xlsx"], "must be one of csv, jsonl, parquet"),
        (["export", "out", "--db", "missing.db"], "missing.db"),
    ],
)
def test_a_bad_format_or_database_exits_2_naming_it(tmp_path: Path, arguments: list[str], message: str) -> None:
    arguments = [str(tmp_path / a) if a in ("out", "missing.db") else a for a in arguments]
    result = CliRunner().invoke(app, arguments)
    assert result.exit_code == 2 and message in result.output
    assert not (tmp_path / "out").exists()
