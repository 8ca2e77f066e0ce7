"""Terminal views of copies: the list of copy relations and two articles side by side.

Side by side, each aligned passage gets one colour in both texts; inside a passage, words
that the other side does not have are underlined in red, so a reader sees at once what was
copied and what was changed. Everything from the articles is escaped (Rich ``Text`` objects
never interpret markup), since article text is untrusted.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from rapidfuzz.distance import Indel
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from storytrace.model import Article, Copy, Passage, Span
from storytrace.report.layout import count, print_table

# Background colours for passages, distinguishable on dark and light terminals.
_PASSAGE_STYLES = ("on dark_green", "on dark_blue", "on dark_magenta", "on dark_cyan", "on grey37", "on dark_red")
_CHANGED_STYLE = "bold underline red"
_TOKEN = re.compile(r"\w+|[^\w\s]")
# Control characters other than newline and tab: a terminal would obey them (escape sequences
# can retitle the window or clear the screen), and Rich drops some of them, which would shift
# every span after them. Each becomes U+FFFD, one character for one, so offsets hold.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def terminal_safe(text: str) -> str:
    """``text`` with terminal control characters replaced one for one."""
    return _CONTROL.sub("\ufffd", text)


def print_copies(copies: Sequence[Copy], articles: Mapping[str, Article], console: Console) -> None:
    """A table of copy relations: original → copy, kind, score, evidence for the direction."""
    if not copies:
        console.print("no copies found")
        return
    table = Table(title=count(len(copies), "copy relation"), show_edge=False)
    for column in ("original", "copy", "kind", "score", "passages", "original decided by"):
        numeric = column in ("score", "passages")
        table.add_column(column, justify="right" if numeric else "left", overflow="fold")
    for relation in copies:
        table.add_row(
            _label(relation.original, articles),
            _label(relation.copy, articles),
            relation.kind,
            f"{relation.score:.2f}",
            str(len(relation.passages)),
            relation.direction,
        )
    # Ids are what a reader copies into `storytrace compare`: never cut them.
    print_table(table, console, ids=(0, 1), label_first=True)


def _label(article_id: str, articles: Mapping[str, Article]) -> Text:
    """An article's id with its outlet and date, as plain text (never markup)."""
    article = articles.get(article_id)
    label = Text(terminal_safe(article_id))
    if article is not None:
        details = " · ".join(part for part in (article.outlet, (article.published or "")[:10]) if part)
        if details:
            label.append(f"\n{terminal_safe(details)}", style="dim")
    return label


def changed_spans(text: str, span: Span, other_text: str, other_span: Span) -> list[Span]:
    """Character spans of tokens in ``text[span]`` that the aligned ``other_text[other_span]`` lacks."""
    tokens = [(m.start() + span[0], m.end() + span[0]) for m in _TOKEN.finditer(text[span[0] : span[1]])]
    words = [text[start:end].casefold() for start, end in tokens]
    other_words = [m.group().casefold() for m in _TOKEN.finditer(other_text[other_span[0] : other_span[1]])]
    changed: list[Span] = []
    for opcode in Indel.opcodes(words, other_words):
        if opcode.tag in ("delete", "replace"):
            changed.extend(tokens[opcode.src_start : opcode.src_end])
    return changed


def _styled(article: Article, passages: Sequence[tuple[Span, Span]], other: Article) -> Text:
    """The article's text with each passage coloured and its changed words marked."""
    text = Text(terminal_safe(article.text))  # a Text object: the article's characters are never parsed as markup
    for number, (own, theirs) in enumerate(passages):
        text.stylize(_PASSAGE_STYLES[number % len(_PASSAGE_STYLES)], *own)
        for start, end in changed_spans(article.text, own, other.text, theirs):
            text.stylize(_CHANGED_STYLE, start, end)
    return text


def print_comparison(
    first: Article, second: Article, passages: Sequence[Passage], relation: Copy | None, console: Console
) -> None:
    """Two articles side by side, aligned passages coloured alike and changed words marked.

    ``passages`` hold ``first``'s spans in ``original`` and ``second``'s in ``copy``.
    """
    if relation is not None:
        console.print(
            f"[bold]{escape(terminal_safe(relation.copy))}[/] is a [bold]{relation.kind}[/] copy of "
            f"[bold]{escape(terminal_safe(relation.original))}[/] (score {relation.score:.2f}; original decided by "
            f"{escape(relation.direction)})"
        )
    else:
        console.print("not a copy: the passages below are what the two articles share")
    first_pairs = [(p.original, p.copy) for p in passages]
    second_pairs = [(p.copy, p.original) for p in passages]
    table = Table(show_lines=False, expand=True)
    for article in (first, second):
        heading = Text(terminal_safe(article.id), style="bold")
        details = " · ".join(part for part in (article.outlet, article.published, article.title) if part)
        if details:
            heading.append(f"\n{terminal_safe(details)}", style="dim")
        table.add_column(heading, ratio=1, overflow="fold")
    table.add_row(_styled(first, first_pairs, second), _styled(second, second_pairs, first))
    console.print(table)
    legend = Text("colours: aligned passages (same colour on both sides); ")
    legend.append("underlined red", style=_CHANGED_STYLE)
    legend.append(": words the other side does not have")
    console.print(legend)
    for number, passage in enumerate(passages, start=1):
        console.print(
            f"passage {number}: {terminal_safe(first.id)} {list(passage.original)} ↔ "
            f"{terminal_safe(second.id)} {list(passage.copy)}  similarity {passage.similarity:.2f}",
            markup=False,
            highlight=False,
        )
