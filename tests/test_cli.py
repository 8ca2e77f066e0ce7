"""The command line as a user runs it: summaries, JSON on stdout, exit codes, bad input."""

from __future__ import annotations

import gzip
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from click.testing import Result
from typer.testing import CliRunner

from storytrace import Settings, analyze
from storytrace.report import load_schema
from storytrace.report.layout import count
from tests.conftest import EXAMPLES


def _run(*arguments: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "storytrace.cli", *arguments],
        capture_output=True,
        text=True,
        input=stdin,
        timeout=300,
    )


def test_analyze_seeds_writes_a_valid_report_and_a_summary(seeds: Path, tmp_path: Path) -> None:
    result = _run("analyze", str(seeds), "--db", str(tmp_path / "s.db"), "--json", str(tmp_path / "r.json"))
    assert result.returncode == 0, result.stderr
    assert "5 articles" in result.stdout and "Removed lines by reason" in result.stdout
    report = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    jsonschema.validate(report, load_schema())
    assert len(report["articles"]) == 5


def test_json_to_stdout_is_pure_json(seeds: Path, tmp_path: Path) -> None:
    result = _run("analyze", str(seeds), "--db", str(tmp_path / "s.db"), "--json", "-")
    assert result.returncode == 0, result.stderr
    assert len(json.loads(result.stdout)["articles"]) == 5


def test_jsonl_on_stdin(tmp_path: Path) -> None:
    line = json.dumps(
        {
            "id": "in-1",
            "title": "Ferry terminal closes",
            "text": "The harbour authority said on "
            "Monday that the old ferry terminal would close for repairs after cracks were found.",
        }
    )
    result = _run("analyze", "-", "--db", str(tmp_path / "s.db"), "--json", "-", "--quiet", stdin=line + "\n")
    assert result.returncode == 0, result.stderr
    assert [a["id"] for a in json.loads(result.stdout)["articles"]] == ["in-1"]


def test_bad_inputs_are_named_and_the_rest_is_stored(seeds: Path, tmp_path: Path) -> None:
    folder = tmp_path / "mixed"
    shutil.copytree(seeds, folder)
    (folder / "binary.dat").write_bytes(bytes(range(256)) * 40)
    (folder / "empty.txt").write_bytes(b"")
    packed = gzip.compress(" ".join(str(n) for n in range(5000)).encode())
    (folder / "truncated.txt.gz").write_bytes(packed[: len(packed) // 2])
    (folder / "lines.jsonl").write_text(
        json.dumps({"id": "ok-line", "text": "A fine article line with enough words to be one."}) + "\n{broken\n",
        encoding="utf-8",
    )
    (folder / "legacy.txt").write_bytes(
        "Ein Bericht \xfcber die Br\xfccke, die am Dienstag einst\xfcrzte.".encode("cp1252")
    )
    with (folder / "huge.txt").open("wb") as stream:
        stream.truncate(50_000_000)
    database = tmp_path / "m.db"
    result = _run("analyze", str(folder), "--db", str(database), "--json", str(tmp_path / "r.json"))
    output = result.stdout + result.stderr
    assert result.returncode == 1
    assert "Traceback" not in output
    for name in ("binary.dat", "empty.txt", "truncated.txt.gz", "lines.jsonl:2", "huge.txt", "legacy.txt"):
        assert name in output, name
    report = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    stored = {a["id"] for a in report["articles"]}
    assert {p.stem for p in seeds.glob("*.txt")} | {"ok-line", "legacy"} == stored


def test_unusable_database_exits_2_without_traceback(seeds: Path, tmp_path: Path) -> None:
    result = _run("analyze", str(seeds), "--db", str(tmp_path / "missing-dir" / "x.db"))
    assert result.returncode == 2
    assert "error:" in result.stderr and "Traceback" not in result.stderr


def test_quiet_prints_nothing_on_success(seeds: Path, tmp_path: Path) -> None:
    result = _run("analyze", str(seeds), "--db", str(tmp_path / "q.db"), "--quiet")
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


def test_copies_and_compare_commands(seeds: Path, tmp_path: Path) -> None:
    db = str(tmp_path / "s.db")
    assert _run("analyze", str(seeds), "--db", db, "--quiet").returncode == 0
    listed = _run("copies", "--db", db, "--json")
    assert listed.returncode == 0, listed.stderr
    relations = json.loads(listed.stdout)["copies"]
    assert len(relations) == 1
    original, copy = relations[0]["original"], relations[0]["copy"]
    table = _run("copies", "--db", db)
    assert (
        "1 copy relation" in table.stdout
        and "1 copy relations" not in table.stdout
        and relations[0]["kind"] in table.stdout
    )
    shown = _run("compare", original, copy, "--db", db)
    assert shown.returncode == 0, shown.stderr
    assert f"is a {relations[0]['kind']} copy of" in " ".join(shown.stdout.split())
    assert "passage 1:" in shown.stdout


def test_compare_names_a_missing_article(seeds: Path, tmp_path: Path) -> None:
    db = str(tmp_path / "s.db")
    assert _run("analyze", str(seeds), "--db", db, "--quiet").returncode == 0
    result = _run("compare", "no-such-article", "other", "--db", db)
    assert result.returncode == 2
    assert "no-such-article" in result.stderr and "Traceback" not in result.stderr


def test_example_corpus_copies_with_the_default_embedder(tmp_path: Path) -> None:
    # examples/README.md says which example file copies which.
    result = _run("analyze", str(EXAMPLES), "--db", str(tmp_path / "e.db"), "--json", "-", "--quiet")
    assert result.returncode == 0, result.stderr
    found = {(c["original"], c["copy"]): c["kind"] for c in json.loads(result.stdout)["copies"]}
    assert found == {
        ("valmora-herald-bridge", "newsfarm-bridge"): "spun",
        ("coastal-daily-bridge", "wire-bridge-verbatim"): "verbatim",
        ("valmora-herald-bridge", "rheinpost-bruecke-de"): "translated",
    }


def _two_outlets_with(tmp_path: Path, text: str) -> str:
    """A database holding ``text`` as two articles, c1 and c2, of two outlets (a verbatim copy)."""
    db = str(tmp_path / "two.db")
    records = "\n".join(
        json.dumps({"id": identifier, "title": "Flood barrier", "text": text, "outlet": outlet})
        for identifier, outlet in (("c1", "one.example"), ("c2", "two.example"))
    )
    assert _run("analyze", "-", "--db", db, "--quiet", stdin=records).returncode == 0
    return db


def test_compare_prints_article_markup_literally(tmp_path: Path) -> None:
    db = _two_outlets_with(
        tmp_path,
        "The [bold red]council[/] met on Monday to approve the [link=javascript:alert(1)]flood barrier[/link] "
        "for the river port.\n\nEngineers said the barrier would protect four thousand homes along the embankment.",
    )
    shown = _run("compare", "c1", "c2", "--db", db)
    assert shown.returncode == 0, shown.stderr
    flat = " ".join(shown.stdout.split())
    assert "[bold red]council[/]" in flat and "[link=javascript:alert(1)]" in flat


def test_compare_keeps_terminal_control_characters_out(tmp_path: Path) -> None:
    db = _two_outlets_with(
        tmp_path,
        "The council \x1b]0;pwned\x07 met on Monday to approve the flood barrier for the river port.\n\n"
        "Engineers said the barrier would protect four thousand homes along the embankment.",
    )
    shown = _run("compare", "c1", "c2", "--db", db)
    assert shown.returncode == 0, shown.stderr
    assert "\x1b]" not in shown.stdout and "\x07" not in shown.stdout
    assert "\ufffd]0;pwned\ufffd" in shown.stdout
    same = _run("compare", "c1", "c1", "--db", db)
    assert same.returncode == 2 and "two different articles" in same.stderr


def test_add_then_stories_show_and_copies_of_a_story(tmp_path: Path) -> None:
    db = str(tmp_path / "a.db")
    added = _run("add", str(EXAMPLES), "--db", db, "--embedder", "none")
    assert added.returncode == 0, added.stderr
    flat = " ".join(added.stdout.split())
    assert "13 articles (13 new)" in flat and "opened a story" in flat and "copy relations" in flat
    listed = _run("stories", "--db", db, "--json")
    assert listed.returncode == 0, listed.stderr
    stories = json.loads(listed.stdout)
    assert sum(len(story["articles"]) for story in stories) == 13
    biggest = max(stories, key=lambda story: len(story["articles"]))
    table = _run("stories", "--db", db)
    assert biggest["id"] in table.stdout and f"{len(stories)} stories" in table.stdout
    shown = _run("show", biggest["id"], "--db", db)
    assert shown.returncode == 0, shown.stderr
    assert biggest["storyline"] in shown.stdout and "copy of" in " ".join(shown.stdout.split())
    detail = json.loads(_run("show", biggest["id"], "--db", db, "--json").stdout)
    assert [a["id"] for a in detail["articles"]] == biggest["articles"]
    relations = json.loads(_run("copies", "--story", biggest["id"], "--db", db, "--json").stdout)["copies"]
    marked = {(c["original"], a["id"]) for a in detail["articles"] for c in a["copy_of"]}
    assert relations and {(r["original"], r["copy"]) for r in relations} >= marked


def test_stories_filters(tmp_path: Path) -> None:
    db = str(tmp_path / "f.db")
    assert _run("analyze", str(EXAMPLES), "--db", db, "--quiet", "--embedder", "none").returncode == 0
    every = json.loads(_run("stories", "--db", db, "--json").stdout)
    german = json.loads(_run("stories", "--db", db, "--json", "--language", "de").stdout)
    assert german and all("de" in story["languages"] for story in german) and len(german) < len(every)
    herald = json.loads(_run("stories", "--db", db, "--json", "--outlet", "Valmora Herald").stdout)
    assert [len(story["articles"]) for story in herald] and all("Valmora Herald" in s["outlets"] for s in herald)
    late = json.loads(_run("stories", "--db", db, "--json", "--since", "2025-10-20").stdout)
    early = json.loads(_run("stories", "--db", db, "--json", "--until", "2025-10-15").stdout)
    assert all(s["end"] >= "2025-10-20" for s in late) and all(s["start"] <= "2025-10-15" for s in early)
    assert {s["id"] for s in late}.isdisjoint(s["id"] for s in early)
    bad = _run("stories", "--db", db, "--since", "yesterday")
    assert bad.returncode == 2 and "yesterday" in bad.stderr and "Traceback" not in bad.stderr


def test_add_json_is_a_valid_report(seeds: Path, tmp_path: Path) -> None:
    result = _run("add", str(seeds), "--db", str(tmp_path / "j.db"), "--json", "--embedder", "none")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    jsonschema.validate(report, load_schema())
    assert len(report["articles"]) == 5 and report["stories"] and report["storylines"]


def test_unknown_story_is_a_clear_error(seeds: Path, tmp_path: Path) -> None:
    db = str(tmp_path / "u.db")
    assert _run("analyze", str(seeds), "--db", db, "--quiet", "--embedder", "none").returncode == 0
    for command in (("show", "st-nope"), ("copies", "--story", "st-nope")):
        result = _run(*command, "--db", db)
        assert result.returncode == 2, command
        assert "st-nope" in result.stderr and "no such story" in result.stderr and "Traceback" not in result.stderr


def test_story_views_print_article_strings_literally(tmp_path: Path) -> None:
    db = _two_outlets_with(
        tmp_path,
        "The [bold red]council[/] \x1b]0;pwned\x07 met on Monday to approve the flood barrier for the river port."
        "\n\nEngineers said the barrier would protect four thousand homes along the embankment.",
    )
    (story,) = json.loads(_run("stories", "--db", db, "--json").stdout)
    for command in (("stories",), ("show", story["id"])):
        shown = _run(*command, "--db", db)
        assert shown.returncode == 0, shown.stderr
        assert "\x1b]" not in shown.stdout and "\x07" not in shown.stdout
    assert "Flood barrier" in _run("show", story["id"], "--db", db).stdout


def test_show_resolves_a_merged_story_and_lists_its_merges(tmp_path: Path) -> None:
    # Two halves of one report open two stories when joining needs more than they share; the
    # whole report then shows them to be one event, and they merge.
    half_a = "Storm Idris flooded the harbour of Porthaven on Monday, forcing 300 residents from their homes."
    half_b = "Rescue teams used boats to reach families trapped on Quay Street, mayor Elin Sorensen said."
    records = [
        {"id": "half-a", "text": half_a, "published": "2025-03-03"},
        {"id": "half-b", "text": half_b, "published": "2025-03-03"},
        {"id": "whole", "text": f"{half_a} {half_b}", "published": "2025-03-03"},
    ]
    db = str(tmp_path / "merged.db")
    settings = Settings(story_join_similarity=0.6, story_merge_similarity=0.3)
    report = analyze(records, db=db, settings=settings, workers=1, embedder=None)
    assert len(report.stories) == 1 and report.grouped.get("merged") == 1
    survivor = report.stories[0].id
    listed = json.loads(_run("show", survivor, "--db", db, "--json").stdout)
    (merge,) = listed["merged_from"]
    assert merge["into"] == survivor and merge["article"] == "whole"
    shown = _run("show", merge["merged"], "--db", db)
    assert shown.returncode == 0, shown.stderr
    flat = " ".join(shown.stdout.split())
    assert f"{merge['merged']} was merged into {survivor}" in flat
    assert "merged:" in flat and "half-a" in flat and "half-b" in flat


def test_show_compares_the_story(seeds: Path, tmp_path: Path) -> None:
    db = str(tmp_path / "c.db")
    assert _run("analyze", str(seeds), "--db", db, "--quiet", "--embedder", "none", "--no-compare").returncode == 0
    stories = json.loads(_run("stories", "--db", db, "--json").stdout)
    biggest = max(stories, key=lambda story: len(story["articles"]))
    shown = _run("show", biggest["id"], "--db", db)
    assert shown.returncode == 0, shown.stderr
    flat = " ".join(shown.stdout.split())
    for heading in ("Summary", "Timeline", "Quotes", "Facts", "Coverage"):
        assert f"\n{heading}\n" in shown.stdout, heading
    assert "Vladimir Putin" in flat and "more than 13,000" in flat and "more than 14,000" in flat and "≠" in flat
    detail = json.loads(_run("show", biggest["id"], "--db", db, "--json").stdout)
    assert any(group["speaker"] == "Jen Psaki" for group in detail["quotes"])
    assert any(fact["disagreement"] and fact["about"] == "place of talks" for fact in detail["facts"])
    assert 1 <= len(detail["summary"]) <= 7 and all(s["sources"] for s in detail["summary"])
    brief = _run("show", biggest["id"], "--db", db, "--no-compare")
    assert brief.returncode == 0 and "\nQuotes\n" not in brief.stdout


def test_show_prints_hostile_quotes_and_facts_literally(tmp_path: Path) -> None:
    db = _two_outlets_with(
        tmp_path,
        "Mayor Jane Doakes spoke on Monday about the flood barrier for the river port.\n\n"
        '"We will [bold red]never[/] give up \x1b]0;pwned\x07 on the [link=javascript:alert(1)]barrier[/link]," '
        "Doakes said.\n\nThe storm destroyed forty houses in the northern district, firefighters said.",
    )
    (story,) = json.loads(_run("stories", "--db", db, "--json").stdout)
    shown = _run("show", story["id"], "--db", db)
    assert shown.returncode == 0, shown.stderr
    flat = " ".join(shown.stdout.split())
    assert "\x1b]" not in shown.stdout and "\x07" not in shown.stdout
    assert "[bold red]never[/]" in flat and "[link=javascript:alert(1)]barrier[/link]" in flat
    assert "Jane Doakes" in flat


def test_copies_and_show_list_copy_families(seeds: Path, tmp_path: Path) -> None:
    db = str(tmp_path / "fam.db")
    assert _run("analyze", str(seeds), "--db", db, "--quiet", "--embedder", "none", "--no-compare").returncode == 0
    listed = json.loads(_run("copies", "--db", db, "--json").stdout)
    (relation,) = [r for r in listed["copies"] if r["original"].startswith("000_")]
    (family,) = [f for f in listed["copy_families"] if relation["copy"] in {m["id"] for m in f["members"]}]
    assert family["original"] == relation["original"]
    assert [(m["id"], m["depth"], m["sources"]) for m in family["members"]] == [
        (relation["original"], 0, []),
        (relation["copy"], 1, [{"id": relation["original"], "kind": relation["kind"]}]),
    ]
    table = _run("copies", "--db", db)
    flat = " ".join(table.stdout.split())
    assert count(len(listed["copy_families"]), "copy family") in flat
    assert f"{family['id']} · 2 articles · original {relation['original']}" in flat
    # Families come before the relations.
    assert flat.index("copy famil") < flat.index("copy relation")
    # Filtered to the copy, the family is still whole.
    only = json.loads(_run("copies", "--db", db, "--json", "--article", relation["copy"]).stdout)
    assert only["copy_families"] == [family]
    stories = json.loads(_run("stories", "--db", db, "--json").stdout)
    (story,) = [s for s in stories if relation["copy"] in s["articles"]]
    shown = _run("show", story["id"], "--db", db, "--no-compare")
    assert shown.returncode == 0, shown.stderr
    assert f"{family['id']} · 2 articles · original {relation['original']}" in " ".join(shown.stdout.split())
    detail = json.loads(_run("show", story["id"], "--db", db, "--no-compare", "--json").stdout)
    assert family in detail["copy_families"]


def test_copy_families_print_article_ids_literally(tmp_path: Path) -> None:
    text = (
        "The harbour council approved the new flood barrier for the river port on Monday after a long debate."
        "\n\nEngineers said the barrier would protect four thousand homes along the embankment."
    )
    records = [
        {"id": "[bold red]wire[/]\x1b]0;pwned\x07", "outlet": "one.example", "text": text, "published": "2025-03-03"},
        {
            "id": "[link=javascript:alert(1)]copy[/link]",
            "outlet": "two.example",
            "text": text,
            "published": "2025-03-04",
        },
    ]
    db = str(tmp_path / "hostile.db")
    analyze(records, db=db, workers=1, embedder=None, compare=False)
    (story,) = json.loads(_run("stories", "--db", db, "--json").stdout)
    (family,) = json.loads(_run("copies", "--db", db, "--json").stdout)["copy_families"]
    assert family["original"].startswith("[bold red]wire[/]")
    for command in (("copies",), ("show", story["id"], "--no-compare")):
        shown = _run(*command, "--db", db)
        assert shown.returncode == 0, shown.stderr
        assert "\x1b]" not in shown.stdout and "\x07" not in shown.stdout
        flat = " ".join(shown.stdout.split())
        assert f"1 copy family {family['id']} · 2 articles · original {family['original']}" in flat


def test_config_file_changes_the_run_and_the_settings_command_shows_it(tmp_path: Path) -> None:
    # A join threshold no pair of articles reaches leaves every article not linked by a copy alone.
    config = tmp_path / "strict.toml"
    config.write_text("[stories]\nstory_join_similarity = 1.0\nstory_merge_similarity = 1.0\n")
    runs = {}
    for name, extra in (("default", ()), ("strict", ("--config", str(config)))):
        db = str(tmp_path / f"{name}.db")
        result = _run("analyze", str(EXAMPLES), "--db", db, "--no-compare", "--embedder", "none", "--quiet", *extra)
        assert result.returncode == 0, result.stderr
        runs[name] = json.loads(_run("stories", "--db", db, "--json").stdout)
    assert len(runs["strict"]) > len(runs["default"])
    shown = _run("settings", "--config", str(config))
    assert shown.returncode == 0
    assert "story_join_similarity = 1.0\n" in shown.stdout and "story_candidates = 20\n" in shown.stdout
    Settings.from_file(_write(tmp_path / "shown.toml", shown.stdout))  # what it prints loads back


def test_a_bad_config_file_exits_2_naming_it(seeds: Path, tmp_path: Path) -> None:
    config = _write(tmp_path / "typo.toml", "story_join_similarty = 0.3\n")
    result = _run("analyze", str(seeds), "--db", str(tmp_path / "s.db"), "--config", str(config))
    assert result.returncode == 2
    assert f"{config}: unknown setting story_join_similarty (did you mean story_join_similarity?)" in result.stderr
    assert not (tmp_path / "s.db").exists()


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def _invoke(*arguments: str) -> Result:
    """The command run in this process (cheaper than a subprocess), at the 80 columns of a pipe."""
    from storytrace.cli import app

    return CliRunner().invoke(app, list(arguments), env={"COLUMNS": "80"})


@pytest.fixture(scope="module")
def small_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A database of two articles, a verbatim copy (c1, c2), made once for the tests below."""
    text = "The harbour council approved the flood barrier on Monday.\n\nEngineers said it would protect homes."
    db = str(tmp_path_factory.mktemp("small") / "small.db")
    records = [
        {"id": i, "title": "Flood barrier", "text": text, "outlet": o, "published": d}
        for i, o, d in (("c1", "one.example", "2025-03-03"), ("c2", "two.example", "2025-03-04"))
    ]
    analyze(records, db=db, workers=1, embedder=None, compare=False)
    return db


def test_unknown_article_or_database_is_an_error_naming_it(small_db: str, tmp_path: Path) -> None:
    for arguments in (("--article", "typo-id"), ("-a", "c1", "-a", "typo-id")):
        result = _invoke("copies", "--db", small_db, *arguments)
        assert result.exit_code == 2, arguments
        assert "typo-id: no such article in the database" in result.stderr and "no copies found" not in result.stdout
    listed = _invoke("copies", "--db", small_db, "--article", "c2").stdout
    assert "1 copy relation" in listed and "1 copy relations" not in listed and "1 copy family" in listed
    result = _invoke("copies", "--db", small_db, "--story", "typo")
    assert result.exit_code == 2 and "typo: no such story in the database" in result.stderr
    result = _invoke("stories", "--db", str(tmp_path / "typo.db"))
    assert result.exit_code == 2 and f"no database at {tmp_path / 'typo.db'}" in result.stderr
    assert not (tmp_path / "typo.db").exists()


def test_inputs_without_articles_exit_1_with_a_note(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    for command in ("analyze", "add"):
        result = _invoke(command, str(empty), "--db", str(tmp_path / "e.db"), "--embedder", "none")
        assert result.exit_code == 1, (command, result.output)
        assert f"note: no articles found in the inputs ({empty})" in result.stderr, command
        assert "0 articles" in result.stdout


def test_help_texts_wrap_whole_paragraphs() -> None:
    from storytrace.cli import app

    for command in app.registered_commands:
        assert command.help and "\n" not in command.help.replace("\n\n", ""), command.name
    listing = _invoke("--help").stdout
    assert "copies    List copy families (each original with every article derived from" in listing
    # In the command list, every line of a description but its last is filled.
    rows: list[list[str]] = []
    for line in listing.split("Commands")[1].splitlines()[1:-1]:
        if named := re.match(r"│ (\w+) +(.*?) *│$", line):
            rows.append([named[2]])
        elif more := re.match(r"│ {5,}(.*?) *│$", line):
            rows[-1].append(more[1])
    assert len(rows) == len(app.registered_commands)
    for row in rows:
        assert all(len(line) > 55 for line in row[:-1]), row
    shown = " ".join(_invoke("show", "--help").stdout.split())
    assert "cached in the database; the embedder is loaded only for a story in several languages" in shown
