"""The web app under hostile input: ids of any characters, hostile upload names and bodies,
chunked uploads past the cap, HEAD and 405s, uploads off the event loop, and a sweep of every route
with hostile paths and queries that must never answer 500."""

from __future__ import annotations

import html
import json
import re
import socket
import tempfile
import threading
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from urllib.parse import unquote

import anyio
import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

import storytrace.pipeline
import storytrace.web.upload
from storytrace.errors import StoreError
from storytrace.model import Problem, Report
from storytrace.settings import Settings
from storytrace.web import create_app
from storytrace.web.links import server_url
from storytrace.web.report import build_report
from storytrace.web.routes import router
from storytrace.web.upload import safe_file_name
from tests.conftest import PATIENT_WEB

TEXT = (
    "The harbour council approved the new flood barrier for the river port on Monday after a long debate.\n\n"
    "Engineers said the barrier would protect {n} thousand homes along the embankment."
)
# Ids as feeds and uploads make them: URLs with query and fragment, escapes, spaces, other scripts, dots.
HOSTILE_IDS = ["https://example.org/a/b?x=1#y", "two 50%2F é", "a?b#c d", "日本/記事", "100%", ".."]
JSONL = {"content-type": "application/x-ndjson"}


def _jsonl(*records: dict[str, object]) -> bytes:
    return "\n".join(json.dumps(record) for record in records).encode("utf-8")


def _article(article_id: str, n: int, outlet: str | None = None) -> dict[str, object]:
    return {
        "id": article_id,
        "outlet": outlet or f"outlet{n}.example",
        "title": "Flood barrier approved",
        "published": f"2024-03-0{n % 9 + 1}",
        "text": TEXT.format(n=4),
    }


@pytest.fixture(scope="module")
def hostile_app(tmp_path_factory: pytest.TempPathFactory) -> tuple[FastAPI, str]:
    """An app whose one story holds copies of one article under every hostile id, and that story."""
    app = create_app(str(tmp_path_factory.mktemp("hostile") / "h.db"), PATIENT_WEB)
    added = TestClient(app).post("/api/articles", content=_jsonl(*map(_article, HOSTILE_IDS, range(9))), headers=JSONL)
    assert added.status_code == 200 and sorted(added.json()["articles"]) == sorted(HOSTILE_IDS)
    return app, added.json()["stories"][0]


@pytest.fixture(scope="module")
def hostile(hostile_app: tuple[FastAPI, str]) -> Iterator[tuple[httpx.Client, str]]:
    """A client of that app served by uvicorn: the test client decodes paths twice (``%252F``
    arrives as ``/``), a real server once, and ids with ``%`` need the real thing."""
    app, story = hostile_app
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(200):
        if server.started:
            break
        time.sleep(0.05)
    with httpx.Client(base_url=f"http://127.0.0.1:{port}") as client:
        yield client, story
    server.should_exit = True
    thread.join(timeout=10)


def _links(page: str) -> list[str]:
    """The app-internal links of a page, as a browser reads them (entities unescaped)."""
    return [html.unescape(href) for href in re.findall(r'href="(/[^"]*)"', page)]


def _id_of(link: str, prefix: str) -> str:
    """The id an article link names, in the path or (for dot ids) in ``?id=``."""
    tail = link.removeprefix(prefix)
    return unquote(tail.removeprefix("?id=")) if tail.startswith("?id=") else unquote(tail)


def test_story_page_links_reach_every_hostile_id(hostile: tuple[httpx.Client, str]) -> None:
    client, story = hostile
    page = client.get(server_url("story", story))
    assert page.status_code == 200
    links = _links(page.text)
    articles = {_id_of(link, "/articles/") for link in links if link.startswith("/articles/")}
    assert articles == set(HOSTILE_IDS)
    compares = [link for link in links if link.startswith("/compare?")]
    assert compares
    for link in set(links) - {"/static/app.css"}:
        followed = client.get(link)
        assert followed.status_code == 200, link
    # Each article page names its own id, and its JSON link gives the article.
    for article_id in HOSTILE_IDS:
        article_page = client.get(server_url("article", article_id))
        assert article_page.status_code == 200 and html.escape(article_id) in article_page.text
        json_link = next(link for link in _links(article_page.text) if link.startswith("/api/articles/"))
        assert client.get(json_link).json()["id"] == article_id
        assert client.get(server_url("api-article", article_id)).json()["story"] == story


def test_side_by_side_of_hostile_ids_in_the_query(hostile: tuple[httpx.Client, str]) -> None:
    client, _ = hostile
    first, second = HOSTILE_IDS[:2]
    pair = client.get(server_url("api-compare", first, second)).json()
    assert pair["first"] == first and pair["second"] == second and pair["passages"]
    page = client.get(server_url("compare", first, second))
    assert page.status_code == 200 and page.text.count('<mark class="c') >= 2
    json_link = next(link for link in _links(page.text) if link.startswith("/api/compare?"))
    assert client.get(json_link).json() == pair
    # The path form stays for ids without "/"; the same id twice is a bad request.
    assert client.get("/api/compare/100%25/a%3Fb%23c%20d").json()["first"] == "100%"
    assert client.get(server_url("api-compare", first, first)).status_code == 400


def test_story_form_redirect_encodes_the_id(hostile: tuple[httpx.Client, str]) -> None:
    client, story = hostile
    moved = client.get("/story", params={"id": "a?b#c/d"}, follow_redirects=False)
    assert moved.status_code == 303 and moved.headers["location"] == "/stories/a%3Fb%23c%2Fd"
    assert client.get("/story", params={"id": story}, follow_redirects=True).status_code == 200


def test_report_anchors_hold_hostile_ids(hostile_app: tuple[FastAPI, str]) -> None:
    app, _ = hostile_app
    page = build_report(app.state.db)
    targets = {html.unescape(target) for target in re.findall(r'href="#([^"]+)"', page)}
    ids = {html.unescape(found) for found in re.findall(r' id="([^"]+)"', page)}
    # Every link finds its element, and no element id holds a space (which would break it).
    assert targets and targets <= ids and not any(char.isspace() for found in ids for char in found)
    articles = {unquote(target.removeprefix("article-")) for target in targets if target.startswith("article-")}
    assert articles == set(HOSTILE_IDS)


def _multipart(filename: bytes, content: bytes, boundary: bytes = b"storytrace-test") -> tuple[bytes, dict[str, str]]:
    """A multipart body with one file, its name written raw (clients escape NUL; attackers need not)."""
    body = (
        b"--" + boundary + b'\r\nContent-Disposition: form-data; name="files"; filename="' + filename + b'"\r\n'
        b"Content-Type: text/plain\r\n\r\n" + content + b"\r\n--" + boundary + b"--\r\n"
    )
    return body, {"content-type": f"multipart/form-data; boundary={boundary.decode()}"}


@pytest.mark.parametrize(
    ("filename", "article_id"),
    [
        (b"no\x00te.txt", "note"),
        (b"x" * 300 + b".txt", "x" * 251),
        (b"..", "upload"),
        (b"../../etc/passwd.txt", "passwd"),
        (b"/tmp/abs/note.txt", "note"),
        (b"C:\\Users\\me\\evil.txt", "evil"),
        ("é".encode() * 200 + b".txt", "é" * 125),
    ],
)
def test_hostile_upload_names_are_made_safe(tmp_path: Path, filename: bytes, article_id: str) -> None:
    client = TestClient(create_app(str(tmp_path / "names.db")))
    body, headers = _multipart(filename, TEXT.format(n=7).encode())
    answer = client.post("/api/articles", content=body, headers=headers)
    assert answer.status_code == 200 and answer.json()["articles"] == [article_id]
    # Its source is the bare file name: no folder of the client's, none of the server's.
    source = client.get(server_url("api-article", article_id)).json()["source"]
    assert source.startswith(article_id) and "/" not in source and "\\" not in source


def test_safe_file_names_keep_the_extension() -> None:
    assert safe_file_name("a" * 300 + ".warc.gz").endswith("a.warc.gz")
    assert len(safe_file_name("a" * 300 + ".warc.gz").encode()) == 255
    assert safe_file_name(".hidden.txt") == "hidden.txt" and safe_file_name(None) == "upload"
    assert safe_file_name("a." + "b" * 300) == ("a." + "b" * 300)[:255]  # no extension that long
    assert safe_file_name("\u202eevil\x1f.txt") == "evil.txt"


# A form with a text field and no file.
FIELD_ONLY = b'--field\r\nContent-Disposition: form-data; name="note"\r\n\r\nhello\r\n--field--\r\n'


def test_uploads_with_nothing_stored_answer_400_with_reasons(tmp_path: Path) -> None:
    client = TestClient(create_app(str(tmp_path / "bad.db")))
    form = {"content-type": "multipart/form-data; boundary=field"}
    cases = {
        "binary file": client.post("/api/articles", files={"files": ("x.exe", b"\x00\x01\x02binary")}),
        "no file in the form": client.post("/api/articles", content=FIELD_ONLY, headers=form),
        "empty body": client.post("/api/articles", content=b"  \n", headers=JSONL),
        "invalid JSON": client.post("/api/articles", content=b"{not json", headers=JSONL),
        "unreadable form": client.post("/api/articles", content=b"[[[", headers=form),
    }
    for reason, answer in cases.items():
        assert answer.status_code == 400, reason
        body = answer.json()
        assert reason in body["error"] and reason in body["problems"][0]["reason"] and body["articles"] == []
    assert "storytrace-upload" not in json.dumps([answer.json() for answer in cases.values()])


def test_partly_bad_upload_stores_the_good_and_lists_the_bad(tmp_path: Path) -> None:
    client = TestClient(create_app(str(tmp_path / "partial.db")))
    reused = _article("good", 2) | {"text": "A different text entirely, about the city's new bus lanes and their cost."}
    body = _jsonl(_article("good", 1), reused) + b"\n{not json\n"
    answer = client.post("/api/articles", content=body, headers=JSONL)
    assert answer.status_code == 200 and answer.json()["articles"] == ["good"] and "error" not in answer.json()
    problems = {p["source"]: p["reason"] for p in answer.json()["problems"]}
    assert set(problems) == {"upload.jsonl:2", "upload.jsonl:3"}
    # The reason names the earlier source as the client knows it, not the server's private folder.
    assert problems["upload.jsonl:2"].endswith("by upload.jsonl:1; not stored")


def test_upload_page_shows_the_rejected_file_and_its_reason(tmp_path: Path) -> None:
    client = TestClient(create_app(str(tmp_path / "page.db")))
    page = client.post("/upload", files={"files": ("x.exe", b"\x00\x01\x02binary")})
    assert page.status_code == 400 and "Stored: ." not in page.text and "Nothing could be stored" in page.text
    assert re.search(r"<strong>x\.exe</strong> \(error\): binary file", page.text)
    stored = client.post("/upload", files={"files": ("fine.txt", TEXT.format(n=3).encode())})
    assert stored.status_code == 200 and "Stored: 1 new." in stored.text and 'href="/stories/st-' in stored.text


def test_articles_the_database_refused_are_not_counted_as_stored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    private = f"{tempfile.gettempdir()}/storytrace-upload-abc/0000/a.txt"
    refused = Report(stored={"rejected": 1}, problems=(Problem(private, "the database refused article a"),))
    monkeypatch.setattr(storytrace.pipeline, "add", lambda *args, **kwargs: refused)
    answer = TestClient(create_app(str(tmp_path / "refused.db"))).post(
        "/api/articles", content=_jsonl(_article("a", 1))
    )
    assert answer.status_code == 400 and answer.json()["problems"][0]["source"] == "a.txt"


def test_database_errors_answer_503_without_internals(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def unavailable(*args: object, **kwargs: object) -> Report:
        raise StoreError("cannot open database postgresql://reader:secret@db.internal/news: connection refused")

    monkeypatch.setattr(storytrace.pipeline, "add", unavailable)
    client = TestClient(create_app(str(tmp_path / "down.db")))
    for path in ("/api/articles", "/upload"):
        answer = client.post(path, content=_jsonl(_article("a", 1)), headers=JSONL)
        assert answer.status_code == 503 and "try again" in answer.text
        assert "secret" not in answer.text and "db.internal" not in answer.text


def test_head_everywhere_get_is_and_405_says_what_is_allowed(hostile: tuple[httpx.Client, str]) -> None:
    client, story = hostile
    for path in ("/", "/api/stories", server_url("story", story), server_url("api-article", HOSTILE_IDS[0]), "/upload"):
        got, head = client.get(path), client.head(path)
        assert head.status_code == 200 and head.content == b"", path
        assert head.headers["content-length"] == got.headers["content-length"], path  # as GET sends it (gzip or not)
        assert head.headers.get("content-encoding") == got.headers.get("content-encoding"), path
        assert head.headers["content-security-policy"] == got.headers["content-security-policy"]
    allowed = {"/": "GET, HEAD", "/upload": "GET, HEAD, POST", "/api/articles": "POST", "/api/outlets": "GET, HEAD"}
    for path, methods in allowed.items():
        refused = client.put(path) if path != "/api/articles" else client.get(path)
        assert refused.status_code == 405 and refused.headers["allow"] == methods, path
    assert client.delete(server_url("api-story", story)).headers["allow"] == "GET, HEAD"


# Uploads capped at 10 kB, so going past the cap takes a small body.
SMALL_CAP = Settings(web_upload_max_bytes=10_000)


def _chunks(body: bytes, size: int = 1000) -> Iterator[bytes]:
    """A body sent chunked (a generator: no Content-Length)."""
    for start in range(0, len(body), size):
        yield body[start : start + size]


def test_chunked_uploads_past_the_cap_are_refused(tmp_path: Path) -> None:
    client = TestClient(create_app(str(tmp_path / "chunked.db"), SMALL_CAP))
    big = _jsonl(*(_article(f"a{n}", n) for n in range(60)))
    assert len(big) > SMALL_CAP.web_upload_max_bytes
    refused = client.post("/api/articles", content=_chunks(big), headers=JSONL)
    assert refused.status_code == 413 and "larger than 10000 bytes" in refused.json()["error"]
    form, headers = _multipart(b"big.jsonl", big)
    assert client.post("/upload", content=_chunks(form), headers=headers).status_code == 413
    small = _jsonl(_article("s1", 1))
    accepted = client.post("/api/articles", content=_chunks(small, 100), headers=JSONL)
    assert accepted.status_code == 200 and accepted.json()["articles"] == ["s1"]
    assert client.get("/api/stories").json()[0]["articles"] == ["s1"]  # nothing of the refused ones


def test_reading_stops_at_the_cap(tmp_path: Path) -> None:
    app = create_app(str(tmp_path / "stream.db"), SMALL_CAP)
    pulled = 0

    async def endless() -> AsyncIterator[bytes]:
        nonlocal pulled
        while pulled < 10_000:  # 10 MB if nobody stops reading
            pulled += 1
            yield b"x" * 1000

    async def post() -> httpx.Response:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
            return await client.post("/api/articles", content=endless(), headers=JSONL)

    assert anyio.run(post).status_code == 413
    assert pulled <= SMALL_CAP.web_upload_max_bytes // 1000 + 2


def test_other_requests_are_answered_while_an_upload_adds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    started, release = threading.Event(), threading.Event()

    def slow_add(*args: object, **kwargs: object) -> Report:
        started.set()
        release.wait(10)
        return Report(stored={"new": 1})

    monkeypatch.setattr(storytrace.pipeline, "add", slow_add)
    answers: list[int] = []
    # One client in a with-block: both requests share its event loop, as on a server.
    with TestClient(create_app(str(tmp_path / "slow.db"))) as client:
        upload = threading.Thread(
            target=lambda: answers.append(client.post("/api/articles", content=_jsonl(_article("s", 1))).status_code)
        )
        upload.start()
        assert started.wait(10)
        begun = time.monotonic()
        assert client.get("/api/stories").status_code == 200
        assert time.monotonic() - begun < 5 and upload.is_alive() and not answers
        release.set()
        upload.join(10)
    assert answers == [200]


# Path parameter values and query strings meant to break something.
SWEEP_VALUES = ["x", "%00", "%ff", "%C0%AF", "..%2F..", "%2e%2e", "%E2%80%AE", "9" * 400, "%25"]
SWEEP_QUERIES = [
    "",
    "?q=%00",
    "?since=bogus",
    "?until=99999999999999999999",
    "?outlet=%ff",
    "?id=%00",
    "?a=x&b=x",
    "?a=%ff&b=y",
    "?a=x",
    "?since=2024-02-30",
    "?q=" + "a" * 5000,
]
SWEEP_BODIES = [
    b"\xff\xfe\x00garbage",
    b"[" * 100_000,
    b"1e999999",
    b"null",
    _jsonl({"id": "d\ud800", "text": TEXT.format(n=5), "published": "99999-99-99"}),
    _jsonl({"id": "nul\u0000", "text": TEXT.format(n=6) + "\u0000", "outlet": "o\u0000"}),
    _jsonl({"id": "obj", "text": {"a": 1}, "published": 12345678901234567890}),
]


def _clean(answer: httpx.Response) -> bool:
    """No 500, no traceback, no private folder in the answer."""
    return answer.status_code < 500 and "Traceback" not in answer.text and "storytrace-upload" not in answer.text


def test_sweep_of_every_route_never_answers_500(hostile_app: tuple[FastAPI, str]) -> None:
    app, _ = hostile_app
    sweeping = TestClient(app, raise_server_exceptions=False)
    assert not sweeping.get("/api/stories?since=bogus").is_success
    assert sweeping.get("/api/stories?since=bogus").json() == {"error": "since: 'bogus' is not a date (YYYY-MM-DD)"}
    assert sweeping.get("/api/articles/%ff").status_code == 400 and sweeping.get("/?q=%00").status_code == 400
    # The router's routes: FastAPI lists an included router as one entry of app.routes.
    routes = [r for r in router.routes if isinstance(r, APIRoute) and "GET" in (r.methods or ())]
    assert len(routes) >= 12
    for route in routes:
        for value in SWEEP_VALUES:
            path = re.sub(r"\{[^}]+\}", value, route.path_format)
            for query in SWEEP_QUERIES:
                answer = sweeping.get(path + query)
                assert _clean(answer), (path + query, answer.status_code)
                if path.startswith("/api/") and not answer.is_success:
                    assert set(answer.json()) == {"error"}, path + query
    for body in SWEEP_BODIES:
        for content_type in ("application/x-ndjson", "multipart/form-data", "multipart/form-data; boundary=x"):
            answer = sweeping.post("/api/articles", content=body, headers={"content-type": content_type})
            assert _clean(answer) and answer.status_code in (200, 400), (body[:30], content_type)
