"""Screenshots of the web app's pictures at 5, 50 and 500 articles, to judge them at scale.

The copy graph, the timeline, a storyline and the outlets matrix are drawn by the app's own SVG
functions (``storytrace.web.graph``, ``svg``, ``flows``) from generated records: a story of N
articles from N/5 outlets over two days, in copy families of ten (an original and its copies,
some of a sibling), plus the storyline of N/10 such stories. Generated, because no labelled set
has a 500-article story; the pictures' layout, not the data, is what is judged here. Each page is
opened in Debian's Chromium (Playwright) and saved under ``artifacts/web/sizes-*.png``.

Then the app itself on a real 500-article store (``benchmarks/ingest_throughput.py``'s scraped
pages from real bodies, plus the seeds), served by uvicorn: the story list, the largest story,
its storyline and the outlets page, saved as ``artifacts/web/store-500-*.png``.

    .venv/bin/python scripts/picture_sizes.py          # about 2 minutes
"""

from __future__ import annotations

import random
import socket
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

from markupsafe import Markup, escape

import storytrace
from storytrace.model import Article, Copy, TimelineEvent
from storytrace.store import StoredStory
from storytrace.web.flows import outlet_flows_svg
from storytrace.web.graph import copy_graph_svg
from storytrace.web.pages import stylesheet
from storytrace.web.svg import storyline_svg, timeline_svg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
OUT = ROOT / "artifacts" / "web"
CHROMIUM = "/usr/bin/chromium"
SIZES = (5, 50, 500)
KINDS = ("verbatim", "edited", "spun", "translated", "excerpt")
START = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)


def _story(size: int, seed: int) -> tuple[list[Article], list[Copy]]:
    """``size`` articles from ``size // 5`` outlets (at least two) over two days, in copy families
    of ten: the earliest of a family is its original, the others copy it or an earlier sibling."""
    rng = random.Random(seed)
    outlets = [f"Outlet {number:03d} News" for number in range(max(2, size // 5))]
    articles = []
    for number in range(size):
        published = START + timedelta(minutes=rng.randrange(48 * 60))
        dated = rng.random() > 0.1  # a tenth undated, as scraped pages often are
        articles.append(
            Article(
                id=f"a{seed}-{number:03d}",
                source="generated",
                text="",
                title=f"Generated article {number}",
                published=published.isoformat(timespec="minutes") if dated else None,
                outlet=rng.choice(outlets),
                language="en",
            )
        )
    copies = []
    for start in range(0, size, 10):
        family = sorted(articles[start : start + 10], key=lambda a: (a.published is None, a.published or ""))
        for position, copy in enumerate(family[1:], start=1):
            source = family[0] if rng.random() < 0.7 else family[rng.randrange(position)]
            copies.append(Copy(source.id, copy.id, rng.choice(KINDS), round(rng.uniform(0.5, 1.0), 2)))
    return articles, copies


def _events(articles: list[Article]) -> list[TimelineEvent]:
    """Two dated events on the story's days, cited by its first article."""
    first = articles[0].id
    return [
        TimelineEvent("2026-03-02", "The first event of the generated story.", first, (0, 0), (first,)),
        TimelineEvent("2026-03-03", "The second event of the generated story.", first, (0, 0), (first,)),
    ]


def _storyline(size: int) -> tuple[list[StoredStory], dict[str, str | None]]:
    """``max(1, size // 10)`` stories of ten articles a day or so apart, each growing over hours."""
    stories: list[StoredStory] = []
    published: dict[str, str | None] = {}
    for number in range(max(1, size // 10)):
        ids = tuple(f"s{number:03d}-{member}" for member in range(min(10, size)))
        begin = START + timedelta(hours=20 * number)
        times = [(begin + timedelta(hours=3 * member)).isoformat(timespec="minutes") for member in range(len(ids))]
        published.update(zip(ids, times, strict=True))
        stories.append(
            StoredStory(
                id=f"st-{number:03d}",
                storyline="sl-generated",
                title=f"Generated story {number}: what happened next",
                start=times[0][:10],
                end=times[-1][:10],
                articles=ids,
                languages=("en",),
                outlets=(),
            )
        )
    return stories, published


def _page(title: str, picture: Markup) -> str:
    """A page with the app's stylesheet around one picture."""
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><style>{stylesheet()}</style></head>"
        f"<body><main><h2>{escape(title)}</h2>{picture}</main></body></html>"
    )


def _store_pages(browser: object) -> None:
    """The app's pages on a real store of 500 articles plus the seeds, full page (2,400 px at most)."""
    import uvicorn
    from ingest_throughput import write_articles

    from storytrace.settings import Settings
    from storytrace.web import create_app

    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "articles").mkdir()
        write_articles(root / "articles", root / "manifest.json", 500, seed=7)
        db = str(root / "store.db")
        storytrace.analyze([str(root / "articles"), str(ROOT.parent / "shared" / "seeds")], db=db, embedder="none")
        with storytrace.Store(db, Settings()) as store:
            largest = max(store.load_stories(), key=lambda story: (len(story.articles), story.id))
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        server = uvicorn.Server(uvicorn.Config(create_app(db, Settings(web_build_wait_seconds=600)), port=port))
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        while not server.started:
            time.sleep(0.05)
        page = browser.new_page(viewport={"width": 1280, "height": 800})  # type: ignore[attr-defined]
        base = f"http://127.0.0.1:{port}"
        shown = {
            "stories": "/",
            "story": f"/stories/{largest.id}",
            "storyline": f"/storylines/{largest.storyline}",
            "outlets": "/outlets",
        }
        for name, path in shown.items():
            page.goto(base + path)
            height = page.evaluate("document.documentElement.scrollHeight")
            target = OUT / f"store-500-{name}.png"
            page.screenshot(
                path=str(target), clip={"x": 0, "y": 0, "width": 1280, "height": min(height, 2400)}, full_page=True
            )
            print(
                f"{target.relative_to(ROOT)}: page {height} px tall (largest story: {len(largest.articles)} articles)"
            )
        page.close()
        server.should_exit = True
        thread.join(timeout=10)


def main() -> int:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        print(f"{CHROMIUM} is missing: bash scripts/browser.sh installs it", file=sys.stderr)
        return 2
    OUT.mkdir(parents=True, exist_ok=True)
    link = "#{}".format
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        for size in SIZES:
            articles, copies = _story(size, seed=size)
            by_id = {article.id: article for article in articles}
            flows = Counter((by_id[c.copy].outlet or "", by_id[c.original].outlet or "") for c in copies)
            stories, published = _storyline(size)
            pictures = {
                "copy-graph": copy_graph_svg(articles, copies, link),
                "timeline": timeline_svg(articles, _events(articles), copies, link),
                "storyline": storyline_svg(stories, published, link),
                "outlets": outlet_flows_svg(flows),
            }
            for name, picture in pictures.items():
                page.set_content(_page(f"{name}, {size} articles", picture))
                height = page.evaluate("document.documentElement.scrollHeight")
                target = OUT / f"sizes-{size}-{name}.png"
                # The first 2,400 pixels: a taller picture is judged by its top and its height.
                page.screenshot(
                    path=str(target), full_page=True, clip={"x": 0, "y": 0, "width": 1280, "height": min(height, 2400)}
                )
                print(f"{target.relative_to(ROOT)}: page {height} px tall")
        _store_pages(browser)
        browser.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
