"""The web app in a real browser: Playwright driving Debian's Chromium (no browser download).

A user opens the seeds' story, follows to the side-by-side page and sees the matching passages
coloured alike; planted ``<script>``, ``onerror=`` and ``javascript:`` payloads never run.
Screenshots of each page (1280×800) are saved under ``artifacts/screenshots/``.
"""

from __future__ import annotations

import json
import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

import storytrace
from tests.conftest import PATIENT_WEB, REPO

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = REPO / "artifacts" / "screenshots"
PAYLOAD = (
    '<script>window.pwned = "script"</script> The harbour council met on Monday. '
    '<img src="x" onerror="window.pwned = \'onerror\'"> <a id="trap" href="javascript:window.pwned=\'link\'">'
    "read more</a> It approved the new flood barrier for the river port after a long debate.\n\n"
    "Engineers said the barrier would protect four thousand homes along the embankment."
)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def server(seeds: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if not CHROMIUM.exists():
        if os.environ.get("STORYTRACE_REQUIRE_BROWSER") == "1":
            pytest.fail("STORYTRACE_REQUIRE_BROWSER=1 but /usr/bin/chromium is missing (scripts/browser.sh)")
        pytest.skip("browser tests need Debian's chromium at /usr/bin/chromium (scripts/browser.sh installs it)")
    import uvicorn

    from storytrace.web import create_app

    db = str(tmp_path_factory.mktemp("browser") / "web.db")
    storytrace.analyze(seeds, db=db, workers=1, embedder="none")
    hostile = [
        {"id": f"x{n}", "outlet": outlet, "title": "Flood barrier <b>approved</b>", "text": PAYLOAD}
        for n, outlet in ((1, "one.example"), (2, "two.example"))
    ]
    storytrace.analyze([json.loads(json.dumps(record)) for record in hostile], db=db, workers=1, embedder="none")
    port = _free_port()
    config = uvicorn.Config(create_app(db, PATIENT_WEB), host="127.0.0.1", port=port, log_level="warning")
    running = uvicorn.Server(config)
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    for _ in range(100):
        if running.started:
            break
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    running.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser(server: str) -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        yield launched
        launched.close()


def _page(browser: object) -> object:
    page = browser.new_page(viewport={"width": 1280, "height": 800})  # type: ignore[attr-defined]
    page.dialogs = []  # type: ignore[attr-defined]
    page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))  # type: ignore[attr-defined]
    return page


def _shoot(page: object, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))  # type: ignore[attr-defined]


def test_story_then_side_by_side_with_coloured_passages(server: str, browser: object) -> None:
    page = _page(browser)
    page.goto(server + "/")  # type: ignore[attr-defined]
    _shoot(page, "stories")
    # A story's date range stays on one line in the list (it wrapped at "2015-01-01 – 2022-06-|07").
    listed = page.locator("table td.date")  # type: ignore[attr-defined]
    assert listed.count() >= 1 and listed.first.evaluate("e => getComputedStyle(e).whiteSpace") == "nowrap"
    page.click("text=Putin says US response")  # type: ignore[attr-defined]
    assert page.locator("svg.timeline circle").count() >= 1  # type: ignore[attr-defined]
    assert page.locator("svg.graph").count() == 1  # type: ignore[attr-defined]
    assert page.locator("text=Summary").count() >= 1 and page.locator(".badge.disagree").count() >= 2  # type: ignore[attr-defined]
    # Lane labels end before their lanes start (none clipped); event dates never wrap.
    lanes_clear = """() => { const svg = document.querySelector('svg.timeline');
        const start = Number(svg.querySelector('line.row').getAttribute('x1'));
        return [...svg.querySelectorAll('text.lane')].every(t => t.getBBox().x + t.getBBox().width <= start); }"""
    assert page.evaluate(lanes_clear)  # type: ignore[attr-defined]
    # No two texts of the copy graph overlap as drawn.
    graph_clear = """() => { const texts = [...document.querySelectorAll('svg.graph text')];
        const boxes = texts.map(t => t.getBoundingClientRect());
        return boxes.every((a, i) => boxes.slice(i + 1).every(b =>
            a.right <= b.left || b.right <= a.left || a.bottom <= b.top || b.bottom <= a.top)); }"""
    assert page.locator("svg.graph text.edge-label").count() >= 1 and page.evaluate(graph_clear)  # type: ignore[attr-defined]
    dates = page.locator("table.timeline-events td.date")  # type: ignore[attr-defined]
    assert dates.first.evaluate("e => getComputedStyle(e).whiteSpace") == "nowrap"
    # "… N more" of the coverage opens without a script.
    more = page.locator("table.coverage details.more").first  # type: ignore[attr-defined]
    more.locator("summary").click()
    assert more.evaluate("d => d.open") is True
    _shoot(page, "story")
    page.click("a.compare-link")  # type: ignore[attr-defined]
    marks = page.locator("mark.c0")  # type: ignore[attr-defined]
    assert marks.count() == 2  # the first passage, once on each side
    colours = [marks.nth(i).evaluate("m => getComputedStyle(m).backgroundColor") for i in range(2)]
    assert colours[0] == colours[1] and colours[0] not in ("rgba(0, 0, 0, 0)", "transparent")
    _shoot(page, "compare")
    for path, name in (("/outlets", "outlets"), ("/upload", "upload"), ("/docs", "docs")):
        page.goto(server + path)  # type: ignore[attr-defined]
        assert page.locator("h1").count() == 1  # type: ignore[attr-defined]
        _shoot(page, name)


def test_planted_payloads_never_run(server: str, browser: object) -> None:
    page = _page(browser)
    for path in ("/articles/x1", "/compare/x1/x2", "/"):
        page.goto(server + path)  # type: ignore[attr-defined]
        assert page.evaluate("typeof window.pwned") == "undefined"  # type: ignore[attr-defined]
    page.goto(server + "/articles/x1")  # type: ignore[attr-defined]
    _shoot(page, "article-hostile")
    # The payloads are shown as text, not as elements.
    assert page.locator("script").count() == 0 and page.locator("img[src='x']").count() == 0  # type: ignore[attr-defined]
    assert page.locator("a#trap").count() == 0  # type: ignore[attr-defined]
    assert "onerror" in page.inner_text("main")  # type: ignore[attr-defined]
    # The page itself cannot fetch anything (the policy allows no connection); follow its story link.
    assert page.evaluate("fetch('/api/stories').then(() => 'fetched', () => 'blocked')") == "blocked"  # type: ignore[attr-defined]
    page.click("a[href^='/stories/']")  # type: ignore[attr-defined]
    assert page.evaluate("typeof window.pwned") == "undefined"  # type: ignore[attr-defined]
    assert page.dialogs == []  # type: ignore[attr-defined]
