"""Layout helpers for the terminal views: counts with their noun ("1 article", "2 articles") and
tables whose ids are never cut.

Ids are what a reader copies into the next command (``storytrace show``, ``compare``): a table
keeps the columns holding them as wide as their longest id and wraps the other columns into the
width left. When the terminal (or the 80 columns of piped output) is too narrow for that, each
row is printed as a block of lines instead, one line per column, wrapped at spaces only: an id
longer than the width stays on one line, for the terminal to wrap and for ``grep`` and copying
to find whole.
"""

from __future__ import annotations

from collections.abc import Collection

from rich.cells import cell_len
from rich.console import Console, RenderableType
from rich.table import Table
from rich.text import Text

# The least width a column of other text gets before the table gives way to blocks of lines.
_OTHER_MIN_WIDTH = 8

_PLURALS = {"story": "stories", "copy": "copies", "family": "families", "copy family": "copy families"}


def noun(number: int, singular: str, plural: str | None = None) -> str:
    """``singular`` for one, else its plural: "article", "articles", "stories"."""
    if number == 1:
        return singular
    return plural or _PLURALS.get(singular) or singular + "s"


def count(number: int, singular: str, plural: str | None = None) -> str:
    """``number`` with its noun in the singular or plural: "1 article", "0 articles", "2 stories"."""
    return f"{number} {noun(number, singular, plural)}"


def _plain(cell: RenderableType) -> str:
    return cell.plain if isinstance(cell, Text) else str(cell)


def _longest_word(cells: list[RenderableType]) -> int:
    return max((cell_len(word) for cell in cells for word in _plain(cell).split()), default=0)


def _as_text(cell: RenderableType) -> Text:
    text = cell if isinstance(cell, Text) else Text.from_markup(str(cell))
    return Text(" · ").join(line for line in text.split("\n") if line.plain)


def _longest_line(cells: list[RenderableType]) -> int:
    return max((cell_len(line) for cell in cells for line in _plain(cell).splitlines()), default=0)


def print_table(
    table: Table, console: Console, ids: Collection[int], lines: Collection[int] = (), label_first: bool = False
) -> None:
    """Print ``table`` with the columns ``ids`` (indexes) as wide as their longest word and the
    columns ``lines`` as wide as their longest line, so that no id in them is split; or, where the
    console is too narrow for that, each row as lines: the first column's value (after its header
    when ``label_first``), then each other column's header and value, indented."""
    columns = table.columns
    cells = [[column.header, *column._cells] for column in columns]
    padding = table._extra_width + sum(table._get_padding_width(index) for index in range(len(columns)))
    if padding + sum(_longest_line(column) for column in cells) <= console.width:
        console.print(table)  # every cell on one line
        return
    whole = {*ids, *lines}
    others = sum(min(_longest_word(column), _OTHER_MIN_WIDTH) for i, column in enumerate(cells) if i not in whole)
    # The columns printed whole on one line each where that leaves room, else as wide as their longest word.
    for measure in (_longest_line, _longest_word):
        widths = {i: _longest_line(cells[i]) if i in lines else measure(cells[i]) for i in whole}
        if padding + others + sum(widths.values()) <= console.width:
            for index, width in widths.items():
                columns[index].width = max(width, 1)
                columns[index].no_wrap = False
                columns[index].overflow = "fold"
            console.print(table)
            return
    if table.title:
        console.print(table.title, style="bold")
    for row in range(table.row_count):
        for index, column in enumerate(columns):
            value = _as_text(column._cells[row])
            if index and not value.plain:
                continue
            label = _plain(column.header)
            line = Text("" if index == 0 else "  ", style="dim")
            if label and (index or label_first):
                line.append(f"{label}: ")
            line += value
            # Wrapped at spaces like any text; a line with a word too long for the width is left
            # whole (soft_wrap), for the terminal to wrap, rather than folded mid-id.
            console.print(line, soft_wrap=_longest_word([line]) > console.width)
