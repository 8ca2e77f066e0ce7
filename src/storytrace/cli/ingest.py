"""The commands that read articles into the database: ``analyze`` (a batch) and ``add`` (one at a time)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from typing import Annotated

import typer
from rich.console import Console

from storytrace.cli.runtime import (
    EXIT_PARTIAL,
    ConfigOption,
    DbOption,
    EmbedderOption,
    guarded,
    load_settings,
    progress_bar,
)
from storytrace.errors import ConfigError
from storytrace.executor import Executor
from storytrace.export import report_tables, write_counted
from storytrace.model import Report
from storytrace.pipeline import add as run_add
from storytrace.pipeline import analyze as run_analysis
from storytrace.report import print_summary, print_tables, write_json
from storytrace.report.compare import terminal_safe
from storytrace.report.tables import check_format

_INPUTS_HELP = (
    "Files, directories (recursive), glob patterns (quoted: 'crawl/*.warc.gz'), - for JSONL on stdin, "
    "or with --engine spark URLs of Hadoop file systems (hdfs://…, s3a://…)."
)


class Engine(StrEnum):
    """Where ``analyze`` runs its steps."""

    LOCAL = "local"
    SPARK = "spark"


@guarded
def analyze(
    paths: Annotated[list[str], typer.Argument(help=_INPUTS_HELP)],
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
    settings = load_settings(config)
    with _spark(engine, workers, master, spark_conf or []) as spark, progress_bar(errors, show_progress) as sink:
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
        _print_problems(report, errors)
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


@guarded
def add(
    paths: Annotated[list[str], typer.Argument(help=_INPUTS_HELP)],
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
    with progress_bar(errors, errors.is_terminal) as sink:
        report = run_add(
            paths, db=db, settings=load_settings(config), progress=sink, embedder=embedder, compare=compare,
            workers=workers,
        )  # fmt: skip
    if json_out:
        write_json(report, "-")
    else:
        print_summary(report, Console())
    if report.partial and json_out:
        _print_problems(report, errors)
    _no_articles(report, paths, errors)
    if report.partial or not report.results:
        raise typer.Exit(EXIT_PARTIAL)


def _print_problems(report: Report, errors: Console) -> None:
    """The batch's problems, one line each on standard error, where no summary names them."""
    for problem in report.problems:
        errors.print(f"{problem.kind.value} {problem.source}: {problem.reason}", markup=False, highlight=False)


def _no_articles(report: Report, paths: list[str], errors: Console) -> None:
    """A note on standard error when the inputs held no article at all (the command then exits 1)."""
    if not report.results:  # no article read (duplicates of stored articles are read)
        named = ", ".join(terminal_safe("standard input" if path == "-" else path) for path in paths)
        errors.print(f"note: no articles found in the inputs ({named})", markup=False, highlight=False, soft_wrap=True)
