"""The Rich summary printed after an analysis: articles per outlet and language, what cleaning
removed and why, the copy families and copies found, the stories, and every problem with its input."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from storytrace.model import Problem, ProblemKind, Report
from storytrace.provenance.families import copy_families
from storytrace.report.compare import print_copies, terminal_safe
from storytrace.report.families import print_families
from storytrace.report.layout import count as count_of
from storytrace.report.layout import noun, print_table
from storytrace.report.stories import print_grouping


def _problem(problem: Problem) -> str:
    """A problem's input and reason as escaped markup, without terminal control characters."""
    return f"{escape(terminal_safe(problem.source))}: {escape(terminal_safe(problem.reason))}"


def print_summary(report: Report, console: Console) -> None:
    """Print a readable summary of ``report`` to ``console``."""
    articles = report.articles
    headline = f"[bold]{len(articles)}[/] {noun(len(articles), 'article')}"
    if report.stored:
        headline += " (" + ", ".join(f"{count} {status}" for status, count in sorted(report.stored.items())) + ")"
    console.print(headline)

    by_outlet = Table(title="Articles per outlet and language", show_edge=False)
    by_outlet.add_column("outlet")
    by_outlet.add_column("language")
    by_outlet.add_column("articles", justify="right")
    by_outlet.add_column("dated", justify="right")
    groups = Counter((article.outlet or "(unknown)", article.language or "?") for article in articles)
    dated = Counter((a.outlet or "(unknown)", a.language or "?") for a in articles if a.published)
    for (outlet, language), count in sorted(groups.items(), key=lambda item: (-item[1], item[0])):
        by_outlet.add_row(escape(terminal_safe(outlet)), language, str(count), str(dated[(outlet, language)]))
    if articles:
        console.print(by_outlet)

    reasons = Counter(line.reason.value for article in articles for line in article.removed)
    if reasons:
        removed = Table(title="Removed lines by reason", show_edge=False)
        removed.add_column("reason")
        removed.add_column("lines", justify="right")
        for reason, count in reasons.most_common():
            removed.add_row(reason, str(count))
        console.print(removed)

    if report.copies:
        by_id = {article.id: article for article in articles}
        print_families(copy_families(report.copies), by_id, console)
        print_copies(report.copies, by_id, console)
    print_grouping(report, console)
    if report.steps:
        steps = Table(title="Steps", show_edge=False)
        steps.add_column("step")
        steps.add_column("items", justify="right")
        steps.add_column("processes", justify="right")
        steps.add_column("seconds", justify="right")
        for step in report.steps:
            steps.add_row(step.name, str(step.items), str(step.processes), f"{step.seconds:.1f}")
        console.print(steps)

    errors = [problem for problem in report.problems if problem.kind is ProblemKind.ERROR]
    warnings = [problem for problem in report.problems if problem.kind is ProblemKind.WARNING]
    for problem in warnings:
        # soft_wrap: a path is never broken across lines, so it can be searched for and copied.
        console.print(
            f"[yellow]warning[/] {escape(terminal_safe(problem.source))}: {escape(terminal_safe(problem.reason))}",
            soft_wrap=True,
        )
    for problem in errors:
        console.print(
            f"[red]error[/] {escape(terminal_safe(problem.source))}: {escape(terminal_safe(problem.reason))}",
            soft_wrap=True,
        )
    if errors:
        console.print(f"[red]partial batch:[/] {count_of(len(errors), 'input')} could not be ingested")


def print_tables(written: Mapping[str, tuple[Path, int]], console: Console) -> None:
    """The table files an export wrote: each table's rows and file."""
    table = Table(title="Tables written", show_edge=False)
    table.add_column("table")
    table.add_column("rows", justify="right")
    table.add_column("file")
    for name, (path, rows) in written.items():
        table.add_row(name, str(rows), escape(terminal_safe(str(path))))
    print_table(table, console, ids=(0, 1), lines=(2,))
