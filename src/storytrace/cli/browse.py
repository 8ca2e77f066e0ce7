"""The commands that read the stored database: list, show, compare and export what ``analyze`` and ``add`` wrote."""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from datetime import date
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from storytrace.cli.runtime import ConfigOption, DbOption, EmbedderOption, guarded, load_settings, progress_bar
from storytrace.errors import InputError
from storytrace.export import export as export_tables
from storytrace.model import Copy, CopyFamily
from storytrace.pipeline import compare_pair as run_compare_pair
from storytrace.pipeline import compare_story as run_compare_story
from storytrace.provenance.families import copy_families
from storytrace.report import (
    comparison_record,
    print_comparison,
    print_copies,
    print_families,
    print_story,
    print_story_comparison,
    print_story_list,
    print_tables,
)
from storytrace.report.layout import count as count_of
from storytrace.report.tables import check_format
from storytrace.store import Store, StoredStory


@guarded
def copies(
    db: DbOption = "storytrace.db",
    config: ConfigOption = None,
    article: Annotated[
        list[str] | None, typer.Option("--article", "-a", help="Only relations touching this article (repeatable).")
    ] = None,
    story: Annotated[
        str | None, typer.Option("--story", "-s", help="Only relations touching this story's articles.")
    ] = None,
    json_out: Annotated[
        bool, typer.Option("--json", help='Print {"copies": relations, "copy_families": families} as JSON.')
    ] = False,
) -> None:
    """List copy families (each original with every article derived from it, whole even when
    filtered), then the copy relations: which article copied which, the kind of copy, and the evidence."""
    with Store(db, load_settings(config), must_exist=True) as store:
        wanted = article
        if article:
            known = store.load_article_heads(article)
            missing = [i for i in dict.fromkeys(article) if i not in known]
            if missing:
                raise InputError(", ".join(missing), "no such article in the database")
        if story is not None:
            wanted = [*(article or []), *_stored_story(store, story).articles]
        relations = store.load_copies(wanted)
        families = copy_families(relations) if wanted is None else _whole_families(store, relations)
        involved = {m.id for family in families for m in family.members}
        articles = {a.id: a for a in store.load_articles(involved)}
    if json_out:
        document = {
            "copies": [r.to_record() for r in relations],
            "copy_families": [family.to_record() for family in families],
        }
        _print_json(document)
        return
    console = Console()
    print_families(families, articles, console)
    print_copies(relations, articles, console)


def _whole_families(store: Store, relations: list[Copy]) -> list[CopyFamily]:
    """The families of the articles in ``relations``, with the stored relations they lack."""
    known = {(r.original, r.copy): r for r in relations}
    reached = {i for r in relations for i in (r.original, r.copy)}
    frontier = set(reached)
    while frontier:
        found = store.load_copies(sorted(frontier))
        frontier = set()
        for relation in found:
            known.setdefault((relation.original, relation.copy), relation)
            for end in (relation.original, relation.copy):
                if end not in reached:
                    reached.add(end)
                    frontier.add(end)
    return copy_families(list(known.values()))


@guarded
def compare(
    first: Annotated[str, typer.Argument(help="Id of one stored article.")],
    second: Annotated[str, typer.Argument(help="Id of another stored article.")],
    db: DbOption = "storytrace.db",
    config: ConfigOption = None,
    embedder: EmbedderOption = "auto",
) -> None:
    """Show two articles side by side with their aligned passages coloured alike and changes marked.

    The verdict is the stored one when analyze or add related the two, else judged as they would."""
    left, right, passages, relation = run_compare_pair(first, second, db, load_settings(config), embedder)
    print_comparison(left, right, passages, relation, Console())


def _stored_story(store: Store, story_id: str) -> StoredStory:
    """The stored story of ``story_id``, or an InputError naming it (exit 2) when there is none."""
    found = store.load_story(story_id)
    if found is None:
        raise InputError(story_id, "no such story in the database (see storytrace stories)")
    return found


def _iso_date(value: str | None, option: str) -> str | None:
    """An option's date as YYYY-MM-DD (None when not given), or an InputError naming the option."""
    if value is None:
        return None
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise InputError(option, f"{value!r} is not a date (YYYY-MM-DD)") from None


def _print_json(document: object) -> None:
    """``document`` as indented JSON on standard output, the ``--json`` form of every listing."""
    sys.stdout.write(json.dumps(document, ensure_ascii=False, indent=2) + "\n")


@guarded
def stories(
    db: DbOption = "storytrace.db",
    config: ConfigOption = None,
    outlet: Annotated[
        str | None, typer.Option("--outlet", help="Only stories with an article from this outlet.")
    ] = None,
    language: Annotated[
        str | None, typer.Option("--language", help="Only stories with an article in this language (ISO 639-1).")
    ] = None,
    since: Annotated[
        str | None, typer.Option("--since", help="Only stories still running on or after this date.")
    ] = None,
    until: Annotated[str | None, typer.Option("--until", help="Only stories started on or before this date.")] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print the stories as JSON.")] = False,
) -> None:
    """List the stored stories: title, dates, articles, outlets, languages and storyline."""
    window = _iso_date(since, "--since"), _iso_date(until, "--until")
    with Store(db, load_settings(config), must_exist=True) as store:
        found = store.load_stories(outlet=outlet, language=language, since=window[0], until=window[1])
    if json_out:
        _print_json([asdict(story) for story in found])
        return
    print_story_list(found, Console())


@guarded
def export(
    out: Annotated[str, typer.Argument(help="The directory to write the tables into (created if missing).")],
    table_format: Annotated[
        str, typer.Option("--format", "-f", help="csv (spreadsheets), jsonl or parquet (pandas, R, Spark).")
    ] = "csv",
    db: DbOption = "storytrace.db",
    config: ConfigOption = None,
    compare: Annotated[
        bool,
        typer.Option(
            "--compare/--no-compare", help="Also export each story's quotes and facts (parses what is not cached)."
        ),
    ] = True,
    embedder: EmbedderOption = "auto",
    json_out: Annotated[bool, typer.Option("--json", help="Print {table: {path, rows}} as JSON.")] = False,
) -> None:
    """Write every stored article, copy, copy family, story and storyline, and each story's quotes
    and facts, as one table file each (articles.csv, copies.csv, ...), for pandas, R or a spreadsheet."""
    check_format(table_format)
    errors = Console(stderr=True)
    with progress_bar(errors, errors.is_terminal and not json_out) as sink:
        written = export_tables(db, out, table_format, load_settings(config), compare, embedder, sink)
    if json_out:
        _print_json({name: {"path": str(path), "rows": rows} for name, (path, rows) in written.items()})
    else:
        print_tables(written, Console())


@guarded
def show(
    story: Annotated[str, typer.Argument(help="Id of a stored story (see storytrace stories).")],
    db: DbOption = "storytrace.db",
    config: ConfigOption = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print the story as JSON.")] = False,
    compare: Annotated[
        bool, typer.Option("--compare/--no-compare", help="Compare the articles' coverage (quotes, facts, summary).")
    ] = True,
    embedder: EmbedderOption = "auto",
) -> None:
    """Show one story: its title, dates and storyline, its articles by date and outlet (originals
    and copies marked), its copy families, then its summary, timeline, quotes, facts and what each
    article adds or omits.

    Articles are parsed once and their quotes and facts cached in the database; the embedder is
    loaded only for a story in several languages (to match translated quotes and sentences).
    """
    settings = load_settings(config)
    with Store(db, settings, must_exist=True) as store:
        found = _stored_story(store, story)
        articles = store.load_article_heads(found.articles)
        relations = [r for r in store.load_copies(found.articles) if r.copy in articles]
        line = store.load_stories(storyline=found.storyline)
        merges = store.load_merges(found.id)
    families = copy_families(relations)
    comparison = run_compare_story(found.id, db=db, settings=settings, embedder=embedder)[1] if compare else None
    if json_out:
        document = asdict(found) | {
            "requested": story,
            "merged_from": [asdict(merge) for merge in merges],
            "articles": [
                {
                    "id": article_id,
                    "outlet": articles[article_id].outlet,
                    "published": articles[article_id].published,
                    "language": articles[article_id].language,
                    "title": articles[article_id].title,
                    "copy_of": [{"original": r.original, "kind": r.kind} for r in relations if r.copy == article_id],
                }
                for article_id in found.articles
                if article_id in articles
            ],
            "storyline_stories": [other.id for other in line],
            "copy_families": [family.to_record() for family in families],
        }
        if comparison is not None:
            document |= comparison_record(comparison)
        _print_json(document)
        return
    console = Console()
    print_story(found, articles, relations, line, console, merges=merges, requested=story)
    print_families(families, articles, console)
    if comparison is not None:
        print_story_comparison(comparison, articles, console)


@guarded
def report(
    stories: Annotated[list[str] | None, typer.Argument(help="Story ids (see storytrace stories).")] = None,
    all_stories: Annotated[bool, typer.Option("--all", help="Every stored story.")] = False,
    output: Annotated[str, typer.Option("--output", "-o", help="The HTML file to write.")] = "report.html",
    db: DbOption = "storytrace.db",
    config: ConfigOption = None,
) -> None:
    """Write one self-contained HTML file (no external requests) with the stories' views, to share."""
    from storytrace.web.report import write_report

    if not stories and not all_stories:
        raise InputError("report", "name story ids or pass --all")
    count = write_report(db, output, () if all_stories else stories or (), load_settings(config))
    Console().print(f"{count_of(count, 'story')} written to {escape(output)}", highlight=False)


@guarded
def show_settings(config: ConfigOption = None) -> None:
    """Print every setting with the value in effect (the defaults, or with --config FILE's values)
    as TOML: a starting point for a settings file. docs/settings.md says what each one does."""
    sys.stdout.write(load_settings(config).to_toml())
