"""Dating on real pages: today's dating against the dating before it, in one process.

What it measures (docs/dating.md has the figures)
    * ``pages-dev`` (``../shared/data/pages-dev``, read at run time, never copied here): of the
      92 pages of its 5 labelled stories, the share dated, and dated within a day of their
      story's gold date (``labels.json`` ``stories[*].date``), per language and per
      ``date_source``; how many are dated more than a day wrong;
    * the 5 seed files (``../shared/seeds``): each seed's date and source.

    Two methods on the same documents (``storytrace.ingest.read_inputs``, default settings):

    * ``new``: ``storytrace.clean.draft_article``, the dating of ``clean.dating.date_article``;
    * ``old``: :func:`baseline_dating`, the chain ``draft_article`` used before (stated field >
      htmldate > English-labelled or date-only removed dateline lines > ``/Y/M/D/`` in the URL
      > fetch time), re-run here on the same cleaned lines with the former English-only label
      pattern, so its figures are those of the former code.

Command (from the repository root; about 5 seconds)::

    .venv/bin/python benchmarks/dating.py
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from storytrace.clean import draft_article
from storytrace.clean.dating import DATE_SOURCES, parse_date
from storytrace.clean.html import extract_html
from storytrace.clean.lines import clean_lines
from storytrace.clean.metadata import detect_language
from storytrace.clean.patterns import DATE_ONLY
from storytrace.ingest import read_inputs
from storytrace.ingest.fields import language_code, text_value
from storytrace.model import RawDocument, Removal, RemovedLine
from storytrace.settings import Settings

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
PAGES_DEV = SHARED / "data" / "pages-dev"
SEEDS = SHARED / "seeds"

# The former dateline label (English only) and URL pattern, as draft_article used them.
_OLD_LABEL = re.compile(
    r"^(?:(?:first\s+|originally\s+)?published(?:\s+on)?|(?:last\s+)?updated(?:\s+on)?|posted(?:\s+on)?"
    r"|modified|date)\s*[:\-–]?\s*(?P<rest>.*)$",
    re.IGNORECASE,
)
_OLD_LABEL_RANK = (("publish", 0), ("post", 0), ("date", 0), ("updat", 1), ("modif", 1))
_OLD_URL_DATE = re.compile(r"/((?:19|20)\d{2})[/-](\d{1,2})[/-](\d{1,2})(?:[/_-]|\.html?|$)")


@dataclass(frozen=True, slots=True)
class Dated:
    published: str | None
    source: str


def _old_datelines(removed: Iterable[RemovedLine], language: str | None) -> str | None:
    candidates: list[tuple[int, str]] = []
    for line in removed:
        if line.reason is not Removal.DATELINE:
            continue
        label = _OLD_LABEL.match(line.text)
        if label:
            head = line.text[: label.start("rest")].lower()
            rank = next((r for stem, r in _OLD_LABEL_RANK if stem in head), 1)
            value = label["rest"]
        elif DATE_ONLY.match(line.text):
            rank, value = 2, line.text
        else:
            continue
        parsed = parse_date(value, language)
        if parsed:
            candidates.append((rank, parsed))
    return min(candidates)[1] if candidates else None


def _old_url(url: str | None) -> str | None:
    match = _OLD_URL_DATE.search(url or "")
    if not match:
        return None
    try:
        return date(int(match[1]), int(match[2]), int(match[3])).isoformat()
    except ValueError:
        return None


def baseline_dating(raw: RawDocument, settings: Settings) -> Dated:
    """The date the former ``draft_article`` gave, with the step that gave it (the new names)."""
    language, page_date = raw.language, None
    if raw.html is not None:
        page = extract_html(raw.html, raw.url)
        text, page_date = text_value(page.text), page.published
        language = language or page.language
    else:
        text = raw.text or ""
    language = language_code(language) or detect_language(text.splitlines(), settings)
    cleaned = clean_lines(text, settings, language, raw.title, scraped=raw.html is None)
    steps = (
        ("stated", parse_date(raw.published, language) if raw.published else None),
        ("metadata", page_date),
        ("page", _old_datelines(cleaned.removed, language)),
        ("url", _old_url(raw.url)),
        ("fetched", parse_date(raw.fetched) if raw.fetched else None),
    )
    return next((Dated(value, source) for source, value in steps if value), Dated(None, "none"))


def new_dating(raw: RawDocument, settings: Settings) -> Dated:
    draft = draft_article(raw, settings)
    return Dated(draft.published, draft.date_source)


def _documents(paths: list[Path], settings: Settings) -> list[RawDocument]:
    return [item for item in read_inputs([str(path) for path in paths], settings) if isinstance(item, RawDocument)]


def _off_by(published: str | None, gold: str) -> int | None:
    if not published:
        return None
    return abs((date.fromisoformat(published[:10]) - date.fromisoformat(gold)).days)


@dataclass
class Tally:
    pages: int = 0
    dated: int = 0
    right: int = 0  # within a day of the gold date
    wrong: int = 0  # dated more than a day off

    def add(self, off: int | None) -> None:
        self.pages += 1
        if off is not None:
            self.dated += 1
            self.right += off <= 1
            self.wrong += off > 1

    def cells(self, total: int | None = None) -> list[str]:
        base = total or self.pages
        return [
            f"{self.dated} ({100 * self.dated / base:.0f} %)",
            f"{self.right} ({100 * self.right / base:.0f} %)",
            str(self.wrong),
        ]


def pages_dev(settings: Settings) -> dict[str, object]:
    labels = json.loads((PAGES_DEV / "labels.json").read_text(encoding="utf-8"))
    gold = {page: story["date"] for story in labels["stories"].values() for page in story["articles"]}
    by_language: dict[str, dict[str, Tally]] = defaultdict(lambda: {"old": Tally(), "new": Tally()})
    by_source: dict[str, dict[str, Tally]] = defaultdict(lambda: {"old": Tally(), "new": Tally()})
    total = {"old": Tally(), "new": Tally()}
    wrong: list[str] = []
    for raw in _documents([PAGES_DEV / "articles.jsonl"], settings):
        if raw.id not in gold:
            continue
        language = draft_article(raw, settings).language or "?"
        for method, dating in (("old", baseline_dating(raw, settings)), ("new", new_dating(raw, settings))):
            off = _off_by(dating.published, gold[raw.id])
            for tally in (total[method], by_language[language][method], by_source[dating.source][method]):
                tally.add(off)
            if method == "new" and off is not None and off > 1:
                wrong.append(f"{raw.id}: {dating.published} ({dating.source}), gold {gold[raw.id]}")
    return {"total": total, "by_language": by_language, "by_source": by_source, "wrong": wrong}


def _table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(" --- " for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def report(settings: Settings) -> str:
    result = pages_dev(settings)
    total: dict[str, Tally] = result["total"]  # type: ignore[assignment]
    by_language: dict[str, dict[str, Tally]] = result["by_language"]  # type: ignore[assignment]
    by_source: dict[str, dict[str, Tally]] = result["by_source"]  # type: ignore[assignment]
    header = ["", "pages", "old dated", "old within a day", "old wrong", "new dated", "new within a day", "new wrong"]
    rows = [["all", str(total["new"].pages), *total["old"].cells(), *total["new"].cells()]]
    for language, tallies in sorted(by_language.items(), key=lambda item: (-item[1]["new"].pages, item[0])):
        rows.append([language, str(tallies["new"].pages), *tallies["old"].cells(), *tallies["new"].cells()])
    out = ["pages-dev story pages (92), per language:", "", _table(header, rows), ""]
    pages = total["new"].pages
    source_rows = []
    for source in DATE_SOURCES:
        old, new = by_source[source]["old"], by_source[source]["new"]
        if old.pages or new.pages:
            source_rows.append([source, str(old.pages), str(old.right), str(new.pages), str(new.right), str(new.wrong)])
    out += [
        f"per date_source (pages of the {pages} that each method dates from it):",
        "",
        _table(
            ["date_source", "old pages", "old within a day", "new pages", "new within a day", "new wrong"], source_rows
        ),  # fmt: skip
        "",
        "dated more than a day wrong (new): " + ("; ".join(result["wrong"]) or "none"),  # type: ignore[arg-type]
        "",
        "seeds:",
        "",
    ]
    seed_rows = []
    for raw in _documents(sorted(SEEDS.iterdir()), settings):
        before, after = baseline_dating(raw, settings), new_dating(raw, settings)
        name = Path(raw.source).name
        seed_rows.append([name, before.published or "-", before.source, after.published or "-", after.source])
    out.append(_table(["seed", "old date", "old source", "new date", "new source"], seed_rows))
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.parse_args(argv)
    if not (PAGES_DEV / "labels.json").is_file() or not SEEDS.is_dir():
        print(f"needs {PAGES_DEV} and {SEEDS} (the shared/ folder beside the repository)", file=sys.stderr)
        return 1
    print(report(Settings()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
