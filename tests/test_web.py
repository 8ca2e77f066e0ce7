"""The web app through its HTTP interface (FastAPI's test client) and the shareable report."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from markupsafe import escape

import storytrace
from storytrace.report import comparison_record
from storytrace.web import create_app
from storytrace.web.app import CONTENT_SECURITY_POLICY
from storytrace.web.cache import LRUCache
from storytrace.web.report import build_report
from tests.conftest import PATIENT_WEB

HOSTILE = (
    '<script>window.pwned = 1</script> The council met on Monday. <img src=x onerror="window.pwned=2"> '
    '<a href="javascript:window.pwned=3">click</a> approved the flood barrier for the river port.\n\n'
    '"We will <b>never</b> give up on the barrier," Mayor Jane Doakes said on Monday.'
)


@pytest.fixture(scope="module")
def seeded(seeds: Path, tmp_path_factory: pytest.TempPathFactory) -> str:
    db = str(tmp_path_factory.mktemp("web") / "seeds.db")
    storytrace.analyze(seeds, db=db, workers=1, embedder="none")
    return db


@pytest.fixture(scope="module")
def client(seeded: str) -> TestClient:
    return TestClient(create_app(seeded, PATIENT_WEB))


def _biggest_story(client: TestClient) -> dict[str, object]:
    return max(client.get("/api/stories").json(), key=lambda story: len(story["articles"]))


def test_pages_and_their_json_twins(client: TestClient) -> None:
    story = _biggest_story(client)
    page = client.get(f"/stories/{story['id']}")
    assert page.status_code == 200 and page.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert "<svg" in page.text and "Summary" in page.text and "disagree" in page.text
    twin = client.get(f"/api/stories/{story['id']}").json()
    assert twin["id"] == story["id"] and twin["quotes"] and twin["summary"] and twin["copies"]
    assert any(fact["disagreement"] for fact in twin["facts"])
    article = twin["articles"][0]
    assert client.get(f"/articles/{article}").status_code == 200
    assert client.get(f"/api/articles/{article}").json()["id"] == article
    copy = twin["copies"][0]
    side = client.get(f"/compare/{copy['original']}/{copy['copy']}")
    assert side.status_code == 200 and side.text.count('<mark class="c') >= 2
    pair = client.get(f"/api/compare/{copy['original']}/{copy['copy']}").json()
    assert pair["copy"]["kind"] == copy["kind"] and pair["passages"]
    outlets = client.get("/api/outlets").json()
    assert sum(row["articles"] for row in outlets) == 5 and client.get("/outlets").status_code == 200


def test_story_list_search_and_filters(client: TestClient) -> None:
    every = client.get("/api/stories").json()
    assert len(every) == 2
    assert [s["id"] for s in client.get("/api/stories", params={"q": "IMMEDIATE"}).json()] == [
        s["id"] for s in every if "immediate" in s["title"].lower()
    ]
    assert client.get("/api/stories", params={"since": "2021-12-20"}).json() == [
        s for s in every if s["end"] and s["end"] >= "2021-12-20"
    ]
    assert "No stories match" in client.get("/", params={"q": "no such words"}).text


def test_errors_are_clear_and_internal_free(client: TestClient) -> None:
    missing = client.get("/api/stories/st-missing")
    assert missing.status_code == 404 and missing.json() == {"error": "st-missing: no such story"}
    page = client.get("/articles/<script>")
    assert page.status_code == 404 and "<script>" not in page.text and "&lt;script&gt;" in page.text
    assert "Traceback" not in page.text


def test_docs_list_the_api_without_external_scripts(client: TestClient) -> None:
    docs = client.get("/docs")
    assert docs.status_code == 200 and "/api/stories/{story_id}" in docs.text and "<script" not in docs.text
    assert "/api/articles" in client.get("/openapi.json").json()["paths"]


def test_upload_jsonl_then_files_and_hostile_text_is_escaped(tmp_path: Path) -> None:
    client = TestClient(create_app(str(tmp_path / "u.db"), PATIENT_WEB))
    records = "\n".join(
        json.dumps(
            {"id": i, "outlet": outlet, "title": "Flood barrier approved", "text": HOSTILE, "published": "2024-03-05"}
        )
        for i, outlet in (("h1", "one.example"), ("h2", "two.example"))
    )
    added = client.post("/api/articles", content=records, headers={"content-type": "application/x-ndjson"}).json()
    assert added["articles"] == ["h1", "h2"] and added["stories"]
    files = {"files": ("note.txt", b"Harbour FC beat Castellmar Athletic three goals to one on Saturday night.")}
    assert client.post("/upload", files=files).status_code == 200
    assert len(client.get("/api/stories").json()) == 2
    for path in ("/articles/h1", f"/stories/{added['stories'][0]}", "/compare/h1/h2"):
        html = client.get(path).text
        assert "<script>window.pwned" not in html and 'onerror="window' not in html
        assert 'href="javascript:' not in html and "&lt;script&gt;" in html
    empty = client.post("/api/articles", content=b"", headers={"content-type": "application/x-ndjson"})
    assert empty.status_code == 400 and "empty body" in empty.json()["error"]


def test_oversized_upload_is_refused_before_reading(tmp_path: Path) -> None:
    client = TestClient(create_app(str(tmp_path / "big.db"), PATIENT_WEB))
    response = client.post("/api/articles", content=b"x" * 10, headers={"content-length": str(30_000_000)})
    assert response.status_code == 413


def test_report_is_self_contained(seeded: str, tmp_path: Path) -> None:
    html = build_report(seeded)
    # No request can leave the file: no external stylesheet, script, image or frame.
    assert "<script" not in html and "<link" not in html and "<iframe" not in html
    assert not re.search(r'(?:src|href)="(?:https?:)?//', html)
    assert html.count('<section class="story">') == 2 and '<mark class="c' in html and "<svg" in html
    # Links point inside the file.
    targets = set(re.findall(r'href="#([^"]+)"', html))
    assert targets and all(f'id="{target}"' in html for target in targets)


def test_cached_pages_follow_new_articles(tmp_path: Path) -> None:
    client = TestClient(create_app(str(tmp_path / "c.db"), PATIENT_WEB))

    def upload(article_id: str, outlet: str) -> dict[str, object]:
        record = {
            "id": article_id,
            "outlet": outlet,
            "title": "Flood barrier approved",
            "published": "2024-03-05",
            "text": "The harbour council approved the new flood barrier for the river port on Monday after a "
            "long debate.\n\nEngineers said the barrier would protect four thousand homes.",
        }
        return client.post(
            "/api/articles", content=json.dumps(record), headers={"content-type": "application/x-ndjson"}
        ).json()

    first = upload("a1", "one.example")
    story = first["stories"][0]
    assert client.get(f"/api/stories/{story}").json()["articles"] == ["a1"]
    assert len(client.get("/api/stories").json()) == 1
    upload("a2", "two.example")
    assert client.get(f"/api/stories/{story}").json()["articles"] == ["a1", "a2"]
    assert "a2" in client.get(f"/stories/{story}").text
    assert sum(len(s["articles"]) for s in client.get("/api/stories").json()) == 2


def test_copy_delays_in_hours() -> None:
    from storytrace.web.svg import hours_between

    assert hours_between("2024-03-05T08:00:00", "2024-03-05T11:30:00") == 3.5
    assert hours_between("2024-03-05", "2024-03-07") == 48.0
    assert hours_between("2024-03-05T08:00:00+00:00", "2024-03-05T09:00:00") == 1.0  # one zone-less: both naive
    assert hours_between(None, "2024-03-05") is None and hours_between("soon", "2024-03-05") is None


def test_story_page_and_report_show_copy_families(client: TestClient, seeded: str) -> None:
    (story,) = [s for s in client.get("/api/stories").json() if any(a.startswith("001_") for a in s["articles"])]
    twin = client.get(f"/api/stories/{story['id']}").json()
    (relation,) = [r for r in twin["copies"] if r["copy"].startswith("001_")]
    (family,) = [f for f in twin["copy_families"] if relation["copy"] in {m["id"] for m in f["members"]}]
    assert family["original"] == relation["original"] == family["members"][0]["id"]
    assert family["members"][1]["sources"] == [{"id": relation["original"], "kind": relation["kind"]}]
    page = client.get(f"/stories/{story['id']}").text
    section = page[page.index("<h2>Copy families</h2>") : page.index("<h2>Summary</h2>")]
    assert family["id"] in section and f'<span class="badge copy">{relation["kind"]}</span>' in section
    assert f'href="/articles/{relation["copy"]}"' in section and 'class="compare-link"' in section
    html = build_report(seeded)
    assert "<h2>Copy families</h2>" in html and family["id"] in html


def test_copy_families_escape_article_strings(tmp_path: Path) -> None:
    client = TestClient(create_app(str(tmp_path / "f.db"), PATIENT_WEB))
    records = "\n".join(
        json.dumps(
            {
                "id": i,
                "outlet": f"<b>{outlet}</b>",
                "title": '<script>window.pwned = 4</script> Flood barrier "approved"',
                "text": HOSTILE,
                "published": published,
            }
        )
        for i, outlet, published in (("f1", "one.example", "2024-03-05"), ("f2", "two.example", "2024-03-06"))
    )
    added = client.post("/api/articles", content=records, headers={"content-type": "application/x-ndjson"}).json()
    (family,) = client.get(f"/api/stories/{added['stories'][0]}").json()["copy_families"]
    assert family["original"] == "f1" and [m["id"] for m in family["members"]] == ["f1", "f2"]
    page = client.get(f"/stories/{added['stories'][0]}").text
    section = page[page.index("<h2>Copy families</h2>") :]
    assert "<script>" not in section and "<b>" not in section
    assert "&lt;script&gt;window.pwned = 4&lt;/script&gt;" in section and "&lt;b&gt;one.example&lt;/b&gt;" in section


def test_story_view_shows_an_undecided_original() -> None:
    from storytrace.model import Article, Copy
    from storytrace.store import StoredStory
    from storytrace.web.pages import render
    from storytrace.web.views import story_view

    articles = [Article(id=i, source=i, text="Text.", outlet=f"{i}.example", title=f"<i>{i}</i>") for i in "xyz"]
    copies = [
        Copy(original="x", copy="y", kind="verbatim", score=1.0, direction="undecided"),
        Copy(original="y", copy="z", kind="edited", score=0.8, direction="publication date"),
    ]
    story = StoredStory("st-x", "sl-x", "X", None, None, ("x", "y", "z"), ("en",), ("x.example",))
    html = render("story_body.html", **story_view(story, articles, copies, None))
    section = html[html.index("<h2>Copy families</h2>") :]
    assert "original undecided</span> candidates: " in section
    assert '<a href="/articles/x">x.example</a>, <a href="/articles/y">y.example</a>' in section
    assert "direction undecided" in section and '<span class="badge copy">edited</span>' in section
    assert "<i>" not in section and "&lt;i&gt;z&lt;/i&gt;" in section


def test_report_needs_no_web_framework() -> None:
    probe = "import storytrace.web.report, sys; print('fastapi' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout == "False\n"


def test_cache_keeps_the_most_recent_of_one_version() -> None:
    cache: LRUCache[str, int] = LRUCache(2)
    cache.put("a", 1, "v1")
    cache.put("b", 2, "v1")
    assert cache.get("a", "v1") == 1  # now the most recent
    cache.put("c", 3, "v1")
    assert cache.get("b", "v1") is None and cache.get("a", "v1") == 1 and len(cache) == 2
    assert cache.get("a", "v2") is None
    cache.put("d", 4, "v2")
    assert len(cache) == 1 and cache.get("d", "v2") == 4 and cache.get("a", "v1") is None


def test_store_closes_when_the_app_shuts_down(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    app = create_app(str(tmp_path / "s.db"))
    store, closed = app.state.served.store, []
    close = store.close

    def recorded_close() -> None:
        closed.append(True)
        close()

    monkeypatch.setattr(store, "close", recorded_close)
    with TestClient(app) as running:
        assert running.get("/api/stories").json() == [] and not closed
    assert closed == [True]


def test_storyline_page_lists_its_stories_in_time_and_the_story_links_it(client: TestClient) -> None:
    story = _biggest_story(client)
    page = client.get(f"/stories/{story['id']}").text
    storyline = story["storyline"]
    assert f'href="/storylines/{storyline}"' in page
    twin = client.get(f"/api/storylines/{storyline}").json()
    members = [s for s in client.get("/api/stories").json() if s["storyline"] == storyline]
    assert twin["id"] == storyline and [s["id"] for s in twin["stories"]] == [s["id"] for s in members]
    assert len(members) == 2
    html = client.get(f"/storylines/{storyline}").text
    svg = html[html.index("<svg") : html.index("</svg>")]
    # Each story a row: linked, with a dot per dated article and its size.
    for member in members:
        assert f'href="/stories/{member["id"]}"' in svg
        assert f"{len(member['articles'])} article" in svg
    published = [client.get(f"/api/articles/{a}").json()["published"] for s in members for a in s["articles"]]
    assert svg.count('class="article"') == sum(1 for value in published if value)
    undated = sum(1 for value in published if not value)
    assert undated and f", {undated} undated" in svg
    assert client.get("/storylines/sl-missing").status_code == 404
    assert client.get("/api/storylines/st-not-a-storyline").json() == {"error": "st-not-a-storyline: no such storyline"}


def test_side_by_side_marks_changed_words_under_titled_headings() -> None:
    from storytrace.model import Article, Copy, Passage
    from storytrace.web.pages import render
    from storytrace.web.views import pair_view

    first = Article(id="a", source="a", text="Intro. The <b>mayor</b> said twelve people were hurt.",
                    outlet="One & Co", title="Mayor speaks", published="2025-10-14T15:10:00+02:00")  # fmt: skip
    second = Article(id="b", source="b", text="The <b>mayor</b> said 14 people were hurt.", title="<i>Copy</i>")
    passage = Passage(original=(7, len(first.text)), copy=(0, len(second.text)), similarity=0.8)
    relation = Copy(original="a", copy="b", kind="edited", score=0.8, direction="publication date")
    html = render("compare.html", **pair_view(first, second, [passage], relation))
    # The changed words are marked inside their passage's colour, on each side, as plain text.
    assert '<mark class="c0">The &lt;b&gt;mayor&lt;/b&gt; said <span class="changed">twelve</span> people' in html
    assert 'said <span class="changed">14</span> people were hurt.</mark>' in html
    assert html.count('<mark class="c0">') == 2 and "Intro. " in html and "<b>" not in html
    # Each column is headed by its title, outlet and date (the time to the minute, with its zone).
    assert '<a href="/articles/a">Mayor speaks</a>' in html and "One &amp; Co · 2025-10-14 15:10 +02:00 · a" in html
    assert "&lt;i&gt;Copy&lt;/i&gt;</a>" in html and "unknown outlet · undated · b" in html


def test_report_side_by_side_headings_have_no_stray_separator(seeded: str) -> None:
    html = build_report(seeded)
    assert 'class="changed"' in html and '<h3 class="pair-title">' in html
    assert not re.search(r"<(?:p|summary)[^>]*>\s*·", html)


def test_timeline_at_hour_resolution_with_undated_articles_set_apart() -> None:
    from storytrace.model import Article, Copy, TimelineEvent
    from storytrace.web.svg import timeline_svg

    def article(article_id: str, outlet: str | None, published: str | None) -> Article:
        return Article(id=article_id, source=article_id, text="Text.", outlet=outlet, published=published)

    articles = [
        article("wire", "KPA Kontinentale Presseagentur", "2025-10-14T08:15:00+02:00"),
        article("copy", "Coastal Daily", "2025-10-14T16:40:00+02:00"),
        article("later", "Coastal Daily", "2025-10-15T06:15:00Z"),
        article("nodate", "<b>Nowhere</b> Post", None),
    ]
    events = [TimelineEvent("2025-10-14", "The bridge fell.", "wire", (0, 5), ("wire",))]
    svg = str(timeline_svg(articles, events, [Copy("wire", "copy", "verbatim", 1.0, "publication date")], str))
    dots = {m[0]: float(m[1]) for m in re.findall(r'<a href="(\w+)"><circle cx="([\d.]+)"', svg)}
    # Hours apart on one day are apart on the axis, in proportion (8 h 25 min, then 15 h 35 min).
    assert dots["wire"] < dots["copy"] < dots["later"]
    assert (dots["later"] - dots["copy"]) / (dots["copy"] - dots["wire"]) == pytest.approx(935 / 505, rel=0.02)
    assert "10-14 12:00" in svg and "times in UTC" in svg and 'class="event"' in svg
    # Lanes only for dated articles; the long outlet name is whole; the undated article is listed apart.
    lanes = re.findall(r'class="label lane">([^<]*)<title>', svg)
    assert lanes == ["KPA Kontinentale Presseagentur", "Coastal Daily"]
    apart = svg[svg.index("</svg>") :]
    assert "Undated, so not on the timeline" in apart and '<a href="nodate">&lt;b&gt;Nowhere&lt;/b&gt; Post' in apart


def test_copy_graph_labels_never_collide_at_sixty_articles() -> None:
    from storytrace.model import Article, Copy
    from storytrace.web.graph import copy_graph_svg

    articles, copies = [], []
    for family in range(12):
        for member in range(5):
            article_id = f"f{family}m{member}"
            published = f"2025-10-{14 + member // 3}T{(8 + family + 3 * member) % 24:02d}:{7 * member:02d}:00"
            outlet = f"Outlet {member} of the Kontinentale Presseagentur family {family}"
            articles.append(Article(id=article_id, source=article_id, text="x", published=published, outlet=outlet))
            if member:
                source = f"f{family}m{0 if member < 3 else member - 2}"
                copies.append(Copy(source, article_id, ("verbatim", "spun", "translated", "edited")[member % 4], 0.9,
                                   "publication date"))  # fmt: skip
    svg = str(copy_graph_svg(articles, copies, lambda article_id: f"/articles/{article_id}"))
    width = int(re.search(r'width="(\d+)"', svg).group(1))  # type: ignore[union-attr]

    def boxes(kind: str) -> list[tuple[float, float, float, float]]:
        found = re.findall(
            rf'<rect x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)"[^>]*class="{kind}"', svg
        )
        return [tuple(float(v) for v in box) for box in found]  # type: ignore[misc]

    labels, nodes = boxes("label-box"), boxes("node")
    assert len(labels) == len(copies) and len(nodes) == len(articles)

    def overlap(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
        return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]

    # No label touches another label or any node, and every label ends inside the picture.
    assert not any(overlap(a, b) for n, a in enumerate(labels) for b in labels[n + 1 :])
    assert not any(overlap(a, b) for a in labels for b in nodes)
    assert all(box[0] + box[2] <= width for box in labels)
    # Layered by time: each copy's node is right of its original's (none here predates its source).
    x = {m[0]: float(m[1]) for m in re.findall(r'<a href="/articles/(\w+)"><rect x="([\d.]+)"', svg)}
    published = {article.id: article.published or "" for article in articles}
    later = [c for c in copies if published[c.copy] > published[c.original]]
    assert later and all(x[c.copy] > x[c.original] for c in later)
    assert "verbatim copy of Outlet 2 of the Kontinentale Presseagentur family 0, " in svg  # whole in its tooltip


def test_coverage_says_how_copies_count_and_opens_the_rest(client: TestClient) -> None:
    story = _biggest_story(client)
    twin = client.get(f"/api/stories/{story['id']}").json()
    html = client.get(f"/stories/{story['id']}").text
    section = html[html.index("<h2>Coverage</h2>") :]
    assert "A copy counts in its original's outlet group" in section
    longest = max(len(coverage["unique"]) for coverage in twin["coverage"])
    assert longest > 3  # the seeds have an article adding more than three sentences
    assert f'<details class="more"><summary>… {longest - 3} more</summary>' in section
    # Every added sentence is on the page, the rest inside its <details>.
    added = [text for coverage in twin["coverage"] for text in coverage["unique"]]
    assert section.count("<div>+ ") == len(added)


def test_report_opens_with_the_main_story_and_hides_empty_sections(tmp_path: Path) -> None:
    db = str(tmp_path / "r.db")
    text = "The harbour council approved the new flood barrier for the river port on Monday after a long debate."
    # The minor story is the older one: by date it would come first.
    minor = {"id": "m1", "outlet": "one.example", "title": "Barrier approved", "published": "2025-10-01", "text": text}
    major = [
        {"id": f"b{n}", "outlet": f"o{n}.example", "title": "Bridge falls", "published": "2025-10-14",
         "text": "Part of the Old Quay Bridge fell into the harbour on Tuesday, police said. "
         f"Fourteen people were hurt, said Fire Chief Marta Lindqvist. Report {n}."}
        for n in range(3)
    ]  # fmt: skip
    storytrace.analyze([minor], db=db, workers=1, embedder="none")
    storytrace.analyze(major, db=db, workers=1, embedder="none")
    html = build_report(db)
    sections = html.split('<section class="story">')[1:]
    assert len(sections) == 2 and "Bridge falls" in sections[0] and "Barrier approved" in sections[1]
    # The one-article story states no fact and no quote: no empty table, a sentence instead.
    minor_section = sections[1][: sections[1].index("<h2>Article texts</h2>")]
    assert '<table class="facts">' not in minor_section and "No numbers, dates, places or names" in minor_section
    assert '<table class="coverage">' not in minor_section
    # The brand link stays in the file.
    assert '<a class="brand" href="#top">' in html and 'href="/"' not in html and '<body id="top">' in html


def test_pages_count_in_the_singular_and_show_times_to_the_minute() -> None:
    from storytrace.web.pages import counted, when

    assert counted(1, "article") == "1 article" and counted(2, "story", "stories") == "2 stories"
    assert when("2025-10-14T15:10:00+02:00") == "2025-10-14 15:10 +02:00" and when("2025-10-18T19:40:00Z").endswith(
        "UTC"
    )
    assert when("2025-10-14") == "2025-10-14" and when("soon") == "soon" and when(None) == ""


def test_cached_story_page_follows_its_storyline(seeded: str, monkeypatch: pytest.MonkeyPatch) -> None:
    import dataclasses

    from storytrace.store import Store

    client = TestClient(create_app(seeded, PATIENT_WEB))
    story = _biggest_story(client)
    assert f'href="/storylines/{story["storyline"]}"' in client.get(f"/stories/{story['id']}").text
    loaded = Store.load_story

    def relinked(self: Store, story_id: str) -> object:
        found = loaded(self, story_id)
        return dataclasses.replace(found, storyline="sl-elsewhere") if found else None

    # The index links the story into another storyline (when an article arrives, so the stories'
    # version moves): same articles, a new link on the page.
    monkeypatch.setattr(Store, "load_story", relinked)
    assert 'href="/storylines/sl-elsewhere"' not in client.get(f"/stories/{story['id']}").text  # version unchanged
    version = Store.stories_version
    monkeypatch.setattr(Store, "stories_version", lambda self: version(self) + "+1")
    assert 'href="/storylines/sl-elsewhere"' in client.get(f"/stories/{story['id']}").text


def test_pages_and_the_report_compare_a_multilingual_story_as_show_does(tmp_path: Path) -> None:
    """One verdict: a story in several languages is compared with analyze's default embedder on
    the story page, its JSON and the HTML report, as ``storytrace show`` and the API compare it."""
    pages = Path(__file__).resolve().parents[2] / "shared" / "data" / "pages-dev" / "articles.jsonl"
    db = str(tmp_path / "multilingual.db")
    storytrace.analyze([str(pages)], db=db, embedder="none", compare=False)
    with storytrace.Store(db, storytrace.Settings()) as store:
        heads = store.load_article_heads()
        multilingual = [
            s for s in store.load_stories() if len({heads[a].language for a in s.articles}) > 1 and len(s.articles) <= 4
        ]
    assert multilingual
    client = TestClient(create_app(db, PATIENT_WEB))
    differs = False
    for story in multilingual:
        shown = storytrace.compare_story(story.id, db=db, embedder="auto", workers=1)[1]
        lexical = storytrace.compare_story(story.id, db=db, embedder=None, workers=1)[1]
        served = client.get(f"/api/stories/{story.id}").json()
        expected = comparison_record(shown)
        assert {key: served[key] for key in expected} == json.loads(json.dumps(expected)), story.id
        differs = differs or comparison_record(lexical) != expected
        report = build_report(db, [story.id])
        for sentence in shown.summary:
            assert str(escape(sentence.text)) in report
    assert differs  # else the check could not tell the embedder's comparison from the lexical one


def test_cached_pages_are_gzipped_for_clients_that_accept_it(client: TestClient) -> None:
    story = _biggest_story(client)
    small = client.get("/api/stories?q=no-such-title", headers={"Accept-Encoding": "gzip"})
    assert small.content == b"[]" and "content-encoding" not in small.headers  # too small to gain
    for path in (f"/stories/{story['id']}", f"/api/stories/{story['id']}"):
        plain = client.get(path, headers={"Accept-Encoding": "identity"})
        assert "content-encoding" not in plain.headers and plain.headers["vary"] == "Accept-Encoding"
        packed = client.get(path, headers={"Accept-Encoding": "br, gzip;q=0.8"})
        assert packed.headers["content-encoding"] == "gzip" and packed.headers["vary"] == "Accept-Encoding"
        assert packed.content == plain.content  # httpx undoes the gzip: the same bytes
        assert int(packed.headers["content-length"]) < len(plain.content) / 2
        refused = client.get(path, headers={"Accept-Encoding": "gzip;q=0, identity"})
        assert "content-encoding" not in refused.headers
        head = client.head(path, headers={"Accept-Encoding": "gzip"})
        assert head.status_code == 200 and head.content == b"" and head.headers["content-encoding"] == "gzip"
        assert head.headers["content-security-policy"] == plain.headers["content-security-policy"]
