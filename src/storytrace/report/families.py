"""Terminal view of copy families: each family's original and every derivative, indented by its
copy steps, with its kind and nearest source. Ids, outlets and titles come from articles and
are untrusted: they are shown as Rich ``Text`` (never parsed as markup), control characters
replaced."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from rich.console import Console
from rich.table import Table
from rich.text import Text

from storytrace.model import Article, CopyFamily, FamilyMember
from storytrace.report.compare import terminal_safe
from storytrace.report.layout import count, print_table


def family_heading(family: CopyFamily) -> str:
    """One line on a family: its id, size and original (or that its original is undecided)."""
    size = f"{family.id} · {count(len(family.members), 'article')}"
    if family.original is not None:
        return f"{size} · original {family.original}"
    return f"{size} · original undecided (candidates: {', '.join(family.candidates)})"


# Deeper members are indented no further, so that long chains stay readable.
_MAX_INDENT = 6


def _indent(depth: int) -> str:
    return "  " * (min(depth, _MAX_INDENT) - 1) + "↳ " if depth else ""


def _derivation(member: FamilyMember, family: CopyFamily) -> str:
    """How a member came about: "original", "spun copy of X", "verbatim, undecided with Y"."""
    if member.id == family.original:
        return "original"
    parts = [f"{kind} copy of {source}" for source, kind in member.sources]
    parts += [f"{kind} copy, direction undecided, with {other}" for other, kind in member.undecided]
    if not parts:
        parts = ["candidate original"]
    elif member.id in family.candidates:
        parts.insert(0, "candidate original")
    return "; ".join(parts)


def print_families(
    families: Sequence[CopyFamily],
    articles: Mapping[str, Article],
    console: Console,
) -> None:
    """Each copy family: a heading line (id, size, original), then its members indented by their
    copy steps, with outlet and date and how each derives from its nearest source."""
    if not families:
        return
    console.print(Text(count(len(families), "copy family"), style="bold"))
    for family in families:
        # soft_wrap: ids are what a reader copies into `storytrace compare`, never cut.
        console.print(Text(terminal_safe(family_heading(family))), soft_wrap=True)
        table = Table(show_edge=False, show_header=False, pad_edge=False, box=None)
        for _ in range(3):  # article, outlet · date, derived as
            table.add_column(overflow="fold")
        for member in family.members:
            article = articles.get(member.id)
            details = (
                " · ".join(part for part in (article.outlet, (article.published or "")[:10]) if part) if article else ""
            )
            table.add_row(
                Text("  " + _indent(member.depth) + terminal_safe(member.id)),
                Text(terminal_safe(details), style="dim"),
                Text(terminal_safe(_derivation(member, family))),
            )
        # The indented ids and the ids in "copy of X" whole (the indent is part of the first).
        print_table(table, console, ids=(2,), lines=(0,))
