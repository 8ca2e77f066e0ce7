"""A story's comparison as JSON records and as a terminal view: summary, timeline, quotes, facts, coverage.

Every quoted, summarized or listed string comes from articles and is untrusted: the terminal view
prints it as Rich ``Text`` (never parsed as markup) with control characters replaced.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from storytrace.model import Article, Quote, StoryComparison
from storytrace.report.compare import terminal_safe
from storytrace.report.layout import count, noun

# How much of each section the terminal shows (the JSON has everything).
_SHOWN_QUOTE_GROUPS = 12
_SHOWN_FACTS = 12
_SHOWN_NAMES = 8
_SHOWN_COVERAGE_ITEMS = 3


def _quote_record(quote: Quote) -> dict[str, Any]:
    return {
        "article": quote.article,
        "text": quote.text,
        "span": list(quote.span),
        "kind": quote.kind,
        "speaker": quote.speaker,
        "speaker_span": list(quote.speaker_span) if quote.speaker_span else None,
        "cue": quote.cue,
    }


def comparison_record(comparison: StoryComparison) -> dict[str, Any]:
    """The story keys of the report (``summary``, ``timeline``, ``quotes``, ``facts``, ``coverage``)."""
    return {
        "summary": [
            {"text": s.text, "article": s.article, "span": list(s.span), "sources": list(s.sources)}
            for s in comparison.summary
        ],
        "timeline": [
            {"date": e.date, "text": e.text, "article": e.article, "span": list(e.span), "sources": list(e.sources)}
            for e in comparison.timeline
        ],
        "quotes": [
            {"speaker": g.speaker, "text": g.text, "occurrences": [_quote_record(q) for q in g.quotes]}
            for g in comparison.quotes
        ],
        "facts": [
            {
                "about": f.about,
                "kind": f.kind,
                "disagreement": f.disagreement,
                "values": [
                    {
                        "value": value,
                        "articles": sorted({fact.article for fact in facts}),
                        "mentions": [{"article": x.article, "text": x.text, "span": list(x.span)} for x in facts],
                    }
                    for value, facts in f.values
                ],
            }
            for f in comparison.facts
        ],
        "coverage": [
            {
                "article": c.article,
                "unique": list(c.added),
                "unique_spans": [list(span) for span in c.adds],
                "omitted": list(c.omitted),
                "omitted_from": [{"article": article, "span": list(span)} for article, span in c.omits],
            }
            for c in comparison.coverage
        ],
        "unsupported_languages": list(comparison.unsupported),
    }


def _text(value: str | None, style: str = "") -> Text:
    return Text(terminal_safe(value or ""), style=style)


def _short(text: str, limit: int = 220) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def print_story_comparison(comparison: StoryComparison, articles: Mapping[str, Article], console: Console) -> None:
    """The comparison under a story's article table: summary, timeline, quotes, disagreements and facts, coverage."""
    label = {article_id: article.outlet or article_id for article_id, article in articles.items()}

    def sources(ids: tuple[str, ...] | list[str]) -> str:
        return ", ".join(terminal_safe(label.get(i, i)) for i in ids)

    if comparison.summary:
        console.print(Text("\nSummary", style="bold"))
        for sentence in comparison.summary:
            line = _text(_short(sentence.text, 400))
            line.append(f"  [{sources(sentence.sources)}]", style="dim")
            console.print(line)
    if comparison.timeline:
        console.print(Text("\nTimeline", style="bold"))
        for event in comparison.timeline:
            line = Text(f"{event.date:<10} ", style="cyan")
            line.append(terminal_safe(_short(event.text, 160)))
            line.append(f"  [{sources(event.sources)}]", style="dim")
            console.print(line)
    if comparison.quotes:
        console.print(Text("\nQuotes", style="bold"))
        shared = [g for g in comparison.quotes if len({q.article for q in g.quotes}) > 1]
        shown = (shared or list(comparison.quotes))[:_SHOWN_QUOTE_GROUPS]
        for group in shown:
            head = _text(group.speaker or "(unnamed source)", "green")
            head.append(f"  in {count(len({q.article for q in group.quotes}), 'article')}", style="dim")
            console.print(head)
            variants: dict[str, list[str]] = {}
            for quote in group.quotes:
                variants.setdefault(" ".join(quote.text.split()), []).append(quote.article)
            for wording, where in variants.items():
                line = Text("  “" + terminal_safe(_short(wording)) + "”")
                line.append(f"  [{sources(sorted(set(where)))}]", style="dim")
                console.print(line)
        hidden = len(comparison.quotes) - len(shown)
        if hidden > 0:
            console.print(
                Text(f"  … {hidden} more {noun(hidden, 'quote group')} (storytrace show --json)", style="dim")
            )
    if comparison.facts:
        console.print(Text("\nFacts", style="bold"))
        table = Table(show_edge=False)
        for column in ("", "about", "values (outlets)"):
            table.add_column(column, overflow="fold")
        checkable = [f for f in comparison.facts if f.kind in ("number", "place", "date")][:_SHOWN_FACTS]
        for fact in checkable:
            values = "; ".join(
                f"{terminal_safe(value)} ({sources(sorted({x.article for x in facts}))})"
                for value, facts in fact.values
            )
            table.add_row(
                Text("≠", style="bold red") if fact.disagreement else Text(""), _text(fact.about), Text(values)
            )
        for fact in [f for f in comparison.facts if f.kind in ("person", "organization", "location")]:
            names = ", ".join(
                f"{terminal_safe(value)} ({len({x.article for x in facts})})"
                for value, facts in fact.values[:_SHOWN_NAMES]
            )
            table.add_row(Text(""), _text(fact.about), Text(names))
        console.print(table)
    if any(c.adds or c.omits for c in comparison.coverage):
        console.print(Text("\nCoverage", style="bold"))
        for coverage in comparison.coverage:
            if not (coverage.adds or coverage.omits):
                continue
            name = label.get(coverage.article, coverage.article)
            head = _text(name, "green")
            place = "" if name == coverage.article else f"  {terminal_safe(coverage.article)}"
            head.append(f"{place}: adds {len(coverage.adds)}, omits {len(coverage.omits)}", style="dim")
            console.print(head)
            for text in coverage.added[:_SHOWN_COVERAGE_ITEMS]:
                console.print(Text("  + " + terminal_safe(_short(text, 160))))
            for text in coverage.omitted[:_SHOWN_COVERAGE_ITEMS]:
                console.print(Text("  − " + terminal_safe(_short(text, 160)), style="yellow"))
    if comparison.unsupported:
        console.print(
            Text(
                f"\nno quotes or facts for {count(len(comparison.unsupported), 'article')}: no spaCy pipeline for "
                "their language (docs/compare.md)",
                style="dim",
            )
        )
