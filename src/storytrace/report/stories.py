"""Terminal views of stories: the batch's stories in the summary, the stored stories, one story.

Titles, ids and outlets come from articles and are untrusted: they are shown as Rich ``Text``
(never parsed as markup) with terminal control characters replaced.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from rich.console import Console
from rich.table import Table
from rich.text import Text

from storytrace.model import Article, Copy, Report
from storytrace.report.compare import terminal_safe
from storytrace.report.layout import count, print_table
from storytrace.store import StoredStory
from storytrace.stories import Merge

# What the summary says for each reason an article went where it did (Assignment.reason).
_GROUPED = {
    "similar": "joined a story",
    "copy": "joined their original's story",
    "new": "opened a story",
    "known": "already in a story",
    "duplicate": "duplicates",
    "merged": "stories merged",
}
# The same in the singular, for a count of one.
_GROUPED_ONE = {"duplicate": "duplicate", "merged": "story merged"}

# Columns printed whole: ids (copied into `storytrace show`), dates and counts; the rest wraps.
_WHOLE = ("story", "dates", "articles", "storyline")


def _text(value: str | None) -> Text:
    return Text(terminal_safe(value or ""))


def _dates(start: str | None, end: str | None) -> str:
    if start is None:
        return "undated"
    return start if end in (None, start) else f"{start} – {end}"


def _columns(table: Table, names: Sequence[str]) -> list[int]:
    """Add the story table's columns; the indexes of those to print whole."""
    for name in names:
        table.add_column(name, justify="right" if name == "articles" else "left", overflow="fold")
    return [index for index, name in enumerate(names) if name in _WHOLE]


def print_grouping(report: Report, console: Console) -> None:
    """One line on where the articles went, then the stories holding them."""
    if report.grouped:
        parts = [
            f"{number} {(_GROUPED_ONE.get(reason) if number == 1 else None) or _GROUPED.get(reason, reason)}"
            for reason, number in sorted(report.grouped.items())
        ]
        console.print("stories: " + ", ".join(parts), markup=False, highlight=False)
    if not report.stories:
        return
    line_of = {story: line.id for line in report.storylines for story in line.stories}
    table = Table(title=count(len(report.stories), "story"), show_edge=False)
    whole = _columns(table, ("story", "title", "dates", "articles", "storyline"))
    for story in report.stories:
        table.add_row(
            _text(story.id),
            _text(story.title),
            _dates(story.start, story.end),
            str(len(story.articles)),
            _text(line_of.get(story.id)),
        )
    print_table(table, console, ids=whole)


def print_story_list(stories: Sequence[StoredStory], console: Console) -> None:
    """The stored stories: id, title, dates, article count, outlets, languages and storyline."""
    if not stories:
        console.print("no stories found")
        return
    table = Table(title=count(len(stories), "story"), show_edge=False)
    whole = _columns(table, ("story", "title", "dates", "articles", "outlets", "languages", "storyline"))
    for story in stories:
        table.add_row(
            _text(story.id),
            _text(story.title),
            _dates(story.start, story.end),
            str(len(story.articles)),
            _text(", ".join(story.outlets)),
            _text(", ".join(story.languages)),
            _text(story.storyline),
        )
    print_table(table, console, ids=whole)


def print_story(
    story: StoredStory,
    articles: Mapping[str, Article],
    copies: Sequence[Copy],
    storyline: Sequence[StoredStory],
    console: Console,
    merges: Sequence[Merge] = (),
    requested: str | None = None,
) -> None:
    """One story: title, dates, storyline, the stories merged into it, then its articles by date
    and outlet, each marked original or "copy of X (kind)". ``requested`` is the id asked for,
    when it named a story since merged into this one."""
    if requested is not None and requested != story.id:
        console.print(Text(f"{terminal_safe(requested)} was merged into {terminal_safe(story.id)}", style="yellow"))
    heading = Text(terminal_safe(story.title or "(untitled)"), style="bold")
    heading.append(
        f"\n{terminal_safe(story.id)} · {_dates(story.start, story.end)} · {count(len(story.articles), 'article')}"
    )
    console.print(heading)
    others = [other for other in storyline if other.id != story.id]
    line = Text(f"storyline {terminal_safe(story.storyline)}")
    line.append(f" with {count(len(others), 'other story', 'other stories')}" if others else " (this story only)")
    for other in others:
        line.append(
            f"\n  {terminal_safe(other.id)}  {_dates(other.start, other.end)}  {terminal_safe(other.title or '')}"
        )
    console.print(line)
    for merge in merges:
        console.print(
            Text(
                f"merged: {terminal_safe(merge.merged)} into {terminal_safe(merge.into)} when "
                f"{terminal_safe(merge.article)} arrived (similarity {merge.similarity:.2f})",
                style="dim",
            )
        )
    sources: dict[str, list[Copy]] = {}
    for relation in copies:
        sources.setdefault(relation.copy, []).append(relation)
    members = [articles[i] for i in story.articles if i in articles]
    members.sort(key=lambda a: (a.published is None, (a.published or "")[:10], a.outlet or "", a.id))
    table = Table(show_edge=False)
    for column in ("date", "outlet", "article", "title", "copies"):
        table.add_column(column, overflow="fold")
    # Whole: the date, the article's id and the ids in "copy of X (kind)".
    for article in members:
        marks = [f"copy of {r.original} ({r.kind})" for r in sources.get(article.id, [])]
        table.add_row(
            (article.published or "")[:10] or "undated",
            _text(article.outlet),
            _text(article.id),
            _text(article.title),
            _text("; ".join(marks) or "original"),
        )
    print_table(table, console, ids=(0, 2, 4))
