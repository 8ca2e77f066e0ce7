"""A run's results as flat tables, written as CSV, JSONL or Parquet, for people who continue in
pandas, R, Spark or a spreadsheet (``storytrace export``, ``analyze --out``).

Each table has fixed columns with fixed types (``TABLES``), so an empty table still has its
schema and a column never changes type between runs. Offsets (``start``, ``end``) are character
offsets into the article's cleaned ``text``, as everywhere in storytrace. Lists (a story's
articles) are lists in JSONL and Parquet and JSON arrays in CSV cells.

Article text is hostile, and a spreadsheet runs a cell that starts with ``=``, ``+``, ``-`` or
``@`` as a formula: in CSV such text cells get a leading apostrophe, as OWASP's CSV injection
advice says (JSONL and Parquet keep every value as it is). Each file is written beside its final
name and renamed into place when complete, so an interrupted export leaves no half-written table.
"""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from itertools import islice
from pathlib import Path
from typing import Any

from storytrace.errors import ConfigError
from storytrace.model import Article, Copy, CopyFamily, Problem, Story, StoryComparison, Storyline

Row = dict[str, Any]

# Column types: text, whole numbers, numbers, true/false, and lists of text.
TEXT, INTEGER, NUMBER, BOOLEAN, TEXTS = "text", "integer", "number", "boolean", "texts"

TABLES: Mapping[str, tuple[tuple[str, str], ...]] = {
    "articles": (
        ("id", TEXT), ("story", TEXT), ("url", TEXT), ("outlet", TEXT), ("title", TEXT), ("published", TEXT),
        ("date_source", TEXT), ("language", TEXT), ("author", TEXT), ("summary_only", BOOLEAN), ("source", TEXT),
        ("text", TEXT),
    ),
    "copies": (
        ("original", TEXT), ("copy", TEXT), ("kind", TEXT), ("score", NUMBER), ("direction", TEXT),
        ("passages", INTEGER), ("copied_chars", INTEGER),
    ),
    "copy_families": (
        ("family", TEXT), ("original", TEXT), ("member", TEXT), ("depth", INTEGER), ("sources", TEXTS),
        ("kinds", TEXTS), ("undecided", TEXTS),
    ),
    "stories": (
        ("id", TEXT), ("storyline", TEXT), ("title", TEXT), ("start", TEXT), ("end", TEXT), ("articles", INTEGER),
        ("article_ids", TEXTS), ("originals", TEXTS),
    ),
    "storylines": (("id", TEXT), ("title", TEXT), ("stories", TEXTS)),
    "quotes": (
        ("story", TEXT), ("group", INTEGER), ("speaker", TEXT), ("article", TEXT), ("kind", TEXT), ("text", TEXT),
        ("start", INTEGER), ("end", INTEGER), ("cue", TEXT),
    ),
    "facts": (
        ("story", TEXT), ("about", TEXT), ("kind", TEXT), ("value", TEXT), ("disagreement", BOOLEAN),
        ("article", TEXT), ("text", TEXT), ("start", INTEGER), ("end", INTEGER),
    ),
    "problems": (("source", TEXT), ("kind", TEXT), ("reason", TEXT)),
}  # fmt: skip
FORMATS = ("csv", "jsonl", "parquet")
_SUFFIX = {"csv": ".csv", "jsonl": ".jsonl", "parquet": ".parquet"}
# Rows per Parquet row group and per batch held in memory while writing.
_BATCH_ROWS = 10_000
# What a spreadsheet takes for the start of a formula (OWASP, "CSV Injection").
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def article_rows(articles: Iterable[Article], stories: Iterable[Story]) -> Iterator[Row]:
    """One row per article, with the story it belongs to."""
    story_of = {article_id: story.id for story in stories for article_id in story.articles}
    for a in articles:
        yield {"id": a.id, "story": story_of.get(a.id), "url": a.url, "outlet": a.outlet, "title": a.title,
               "published": a.published, "date_source": a.date_source, "language": a.language, "author": a.author,
               "summary_only": a.summary_only, "source": a.source, "text": a.text}  # fmt: skip


def copy_rows(copies: Iterable[Copy]) -> Iterator[Row]:
    """One row per copy relation: who copied whom, how, the evidence that decided the direction."""
    for c in copies:
        copied = sum(passage.copy[1] - passage.copy[0] for passage in c.passages)
        yield {"original": c.original, "copy": c.copy, "kind": c.kind, "score": c.score, "direction": c.direction,
               "passages": len(c.passages), "copied_chars": copied}  # fmt: skip


def family_rows(families: Iterable[CopyFamily]) -> Iterator[Row]:
    """One row per member of each copy family, with its depth below the original and its sources."""
    for family in families:
        for m in family.members:
            yield {"family": family.id, "original": family.original, "member": m.id, "depth": m.depth,
                   "sources": [source for source, _ in m.sources], "kinds": [kind for _, kind in m.sources],
                   "undecided": [other for other, _ in m.undecided]}  # fmt: skip


def story_rows(stories: Iterable[Story], storylines: Iterable[Storyline]) -> Iterator[Row]:
    """One row per story, with its storyline, date range, articles and originals."""
    line_of = {story_id: line.id for line in storylines for story_id in line.stories}
    for s in stories:
        yield {"id": s.id, "storyline": line_of.get(s.id), "title": s.title, "start": s.start, "end": s.end,
               "articles": len(s.articles), "article_ids": list(s.articles),
               "originals": list(s.originals)}  # fmt: skip


def storyline_rows(storylines: Iterable[Storyline]) -> Iterator[Row]:
    """One row per storyline with its stories in order."""
    for line in storylines:
        yield {"id": line.id, "title": line.title, "stories": list(line.stories)}


def quote_rows(comparisons: Iterable[StoryComparison]) -> Iterator[Row]:
    """One row per quote; ``group`` numbers the quotes of one speaker saying the same thing in a story."""
    for comparison in comparisons:
        for number, group in enumerate(comparison.quotes):
            for q in group.quotes:
                yield {"story": comparison.story, "group": number, "speaker": group.speaker, "article": q.article,
                       "kind": q.kind, "text": q.text, "start": q.span[0], "end": q.span[1], "cue": q.cue}  # fmt: skip


def fact_rows(comparisons: Iterable[StoryComparison]) -> Iterator[Row]:
    """One row per stated fact, with the value it states and whether the story's articles disagree on it."""
    for comparison in comparisons:
        for compared in comparison.facts:
            for value, facts in compared.values:
                for f in facts:
                    yield {"story": comparison.story, "about": compared.about, "kind": compared.kind, "value": value,
                           "disagreement": compared.disagreement, "article": f.article, "text": f.text,
                           "start": f.span[0], "end": f.span[1]}  # fmt: skip


def problem_rows(problems: Iterable[Problem]) -> Iterator[Row]:
    """One row per input that could not be read, or was read in part."""
    for problem in problems:
        yield {"source": problem.source, "kind": problem.kind.value, "reason": problem.reason}


def write_tables(tables: Mapping[str, Iterable[Row]], out_dir: str | Path, fmt: str) -> dict[str, Path]:
    """Each table's rows as ``out_dir/<table>.<format>``; returns the files written by table name."""
    check_format(fmt)
    unknown = [name for name in tables if name not in TABLES]
    if unknown:
        raise ConfigError(f"no such table: {', '.join(unknown)} (tables: {', '.join(TABLES)})")
    writer: Callable[[Path, Sequence[tuple[str, str]], Iterable[Row]], None] = {
        "csv": _write_csv, "jsonl": _write_jsonl, "parquet": _write_parquet
    }[fmt]  # fmt: skip
    directory = Path(out_dir)
    directory.mkdir(parents=True, exist_ok=True)
    written: dict[str, Path] = {}
    for name, rows in tables.items():
        path = directory / f"{name}{_SUFFIX[fmt]}"
        partial = path.with_name(f".{path.name}.partial")
        try:
            writer(partial, TABLES[name], rows)
            os.replace(partial, path)
        finally:
            partial.unlink(missing_ok=True)
        written[name] = path
    return written


def check_format(fmt: str) -> None:
    """A ConfigError unless ``fmt`` is a known format this installation can write (Parquet needs
    pyarrow): checked before a long run rather than after it."""
    if fmt not in FORMATS:
        raise ConfigError(f"the table format must be one of {', '.join(FORMATS)}, got {fmt!r}")
    if fmt == "parquet":
        _pyarrow()


def _csv_cell(value: Any, kind: str) -> Any:
    if value is None:
        return ""
    if kind == TEXTS:
        return json.dumps(value, ensure_ascii=False)
    if kind == TEXT and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def _write_csv(path: Path, columns: Sequence[tuple[str, str]], rows: Iterable[Row]) -> None:
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow([name for name, _ in columns])
        for row in rows:
            writer.writerow([_csv_cell(row[name], kind) for name, kind in columns])


def _write_jsonl(path: Path, columns: Sequence[tuple[str, str]], rows: Iterable[Row]) -> None:
    names = [name for name, _ in columns]
    with path.open("w", encoding="utf-8") as out:
        for row in rows:
            out.write(json.dumps({name: row[name] for name in names}, ensure_ascii=False) + "\n")


def _pyarrow() -> Any:
    try:
        import pyarrow
        import pyarrow.parquet  # noqa: F401
    except ImportError:
        raise ConfigError("Parquet needs pyarrow: pip install 'storytrace[parquet]'") from None
    return pyarrow


def _write_parquet(path: Path, columns: Sequence[tuple[str, str]], rows: Iterable[Row]) -> None:
    pa = _pyarrow()
    types = {TEXT: pa.string(), INTEGER: pa.int64(), NUMBER: pa.float64(), BOOLEAN: pa.bool_(),
             TEXTS: pa.list_(pa.string())}  # fmt: skip
    schema = pa.schema([(name, types[kind]) for name, kind in columns])
    iterator = iter(rows)
    with pa.parquet.ParquetWriter(path, schema) as writer:
        while batch := list(islice(iterator, _BATCH_ROWS)):  # an empty table is its schema alone
            writer.write_table(pa.Table.from_pylist(batch, schema=schema))
