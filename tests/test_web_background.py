"""A story page too slow for a request is built in the background (storytrace.web.background):
the request answers 202 at once, the page reloads itself, and the next request gets the page."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

import storytrace.web.views as views
from storytrace import Settings, analyze
from storytrace.web.app import create_app
from storytrace.web.background import BackgroundBuilds
from tests.conftest import EXAMPLES


def test_a_slow_story_page_answers_202_then_the_page(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = str(tmp_path / "b.db")
    story = analyze([str(EXAMPLES / "text")], db=db, embedder=None, compare=False).stories[0].id
    release, started = threading.Event(), threading.Event()
    real = views.story_page

    def slow(*arguments, **options):  # type: ignore[no-untyped-def]
        started.set()
        assert release.wait(30)
        return real(*arguments, **options)

    monkeypatch.setattr(views, "story_page", slow)
    with TestClient(create_app(db, Settings(web_build_wait_seconds=0.2))) as client:
        page = client.get(f"/stories/{story}")
        assert page.status_code == 202 and page.headers["Retry-After"] == "3"
        assert '<meta http-equiv="refresh" content="3">' in page.text and "being compared" in page.text
        api = client.get(f"/api/stories/{story}")
        assert api.status_code == 202 and api.json()["status"] == "building"
        assert started.is_set()
        release.set()
        deadline = time.monotonic() + 60
        while (done := client.get(f"/api/stories/{story}")).status_code == 202:  # as the page reloads
            assert time.monotonic() < deadline
        assert done.status_code == 200 and done.json()["id"] == story
        assert client.get(f"/stories/{story}").status_code == 200  # from the views' cache


def test_one_build_per_key_and_its_error_reaches_the_caller() -> None:
    builds: BackgroundBuilds[str, int] = BackgroundBuilds(wait_s=5)
    calls: list[int] = []

    def build() -> int:
        calls.append(1)
        return len(calls)

    assert builds.get("a", build) == 1
    assert builds.get("a", build) == 2  # a finished build is not kept: the views' own cache is
    with pytest.raises(ValueError, match="no such story"):
        builds.get("b", lambda: (_ for _ in ()).throw(ValueError("no such story")))
    builds.close()
