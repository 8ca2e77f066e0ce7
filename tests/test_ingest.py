"""Readers: each format yields the same raw documents; broken inputs become problems naming them."""

from __future__ import annotations

import gzip
import io
import json
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from storytrace.ingest import read_inputs
from storytrace.model import Problem, ProblemKind, RawDocument
from storytrace.settings import Settings

PAGE = """<!doctype html><html><head><title>Ferry terminal to close</title>
<meta property="og:site_name" content="Lindqvist Post">
<meta property="article:published_time" content="2025-05-12T10:15:00+02:00"></head>
<body><nav><a href="/">Home</a></nav><article><h1>Ferry terminal to close</h1>
<p>The harbour authority of Lindqvist said on Monday that the old ferry terminal would close for repairs
after inspectors found cracks in two of its concrete piers.</p>
<p>Engineers expect the work to take at least six months, and ferries will use a temporary berth on the
north side of the bay while it is carried out.</p></article></body></html>"""


def _read(*inputs: object, settings: Settings | None = None) -> tuple[list[RawDocument], list[Problem]]:
    items = list(read_inputs(inputs, settings or Settings()))  # type: ignore[arg-type]
    return [i for i in items if isinstance(i, RawDocument)], [i for i in items if isinstance(i, Problem)]


def test_text_file_is_one_article_named_by_its_file(tmp_path: Path) -> None:
    (tmp_path / "a1.txt").write_text("Headline\n\nBody text.", encoding="utf-8")
    documents, problems = _read(tmp_path / "a1.txt")
    assert problems == []
    assert [(d.id, d.text, d.source) for d in documents] == [("a1", "Headline\n\nBody text.", str(tmp_path / "a1.txt"))]


def test_glob_patterns_name_files_in_sorted_order_and_an_empty_one_is_reported(tmp_path: Path) -> None:
    for name in ("b/2.txt", "a/1.txt", "a/deep/3.txt", "a/skip.html", "[x].txt"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(f"Headline {name}\n\nBody text.", encoding="utf-8")
    documents, problems = _read(f"{tmp_path}/**/*.txt", f"{tmp_path}/*.warc.gz", tmp_path / "[x].txt")
    assert [d.id for d in documents] == ["[x]", "1", "3", "2", "[x]"]  # the last one named literally
    assert [(p.source, p.reason) for p in problems] == [(f"{tmp_path}/*.warc.gz", "no file matches this pattern")]


def test_html_and_gzipped_html(tmp_path: Path) -> None:
    (tmp_path / "p.html").write_text(PAGE, encoding="utf-8")
    with gzip.open(tmp_path / "q.html.gz", "wt", encoding="utf-8") as stream:
        stream.write(PAGE)
    documents, problems = _read(tmp_path)
    assert problems == []
    assert sorted(d.id for d in documents) == ["p", "q"]
    assert all(d.html == PAGE and d.text is None for d in documents)


def test_jsonl_keeps_ids_and_reports_each_bad_line(tmp_path: Path) -> None:
    lines = [
        json.dumps({"id": "x-1", "url": "https://a.example/1", "title": "T", "text": "Body one."}),
        "{not json",
        json.dumps({"id": "x-2", "html": PAGE, "published": "2025-05-12"}),
        json.dumps(["a", "list"]),
        json.dumps({"id": "x-3"}),
        json.dumps({"id": "x-4", "text": 5, "title": {"a": 1}}),
        "",
    ]
    (tmp_path / "feed.jsonl").write_text("\n".join(lines), encoding="utf-8")
    documents, problems = _read(tmp_path / "feed.jsonl")
    assert [(d.id, d.url, d.title) for d in documents] == [("x-1", "https://a.example/1", "T"), ("x-2", None, None)]
    assert documents[1].html == PAGE and documents[1].published == "2025-05-12"
    where = {p.source.rsplit(":", 1)[1]: p.reason for p in problems}
    assert set(where) == {"2", "4", "5", "6"}
    assert "invalid JSON" in where["2"]
    assert "expected a JSON object" in where["4"]
    assert "neither" in where["5"]
    assert 'field "title" must be a string' in where["6"]


def test_truncated_jsonl_gz_keeps_the_lines_before_the_cut(tmp_path: Path) -> None:
    payload = "\n".join(json.dumps({"id": f"n{i}", "text": f"Article number {i} " * 50}) for i in range(200))
    data = gzip.compress(payload.encode())
    (tmp_path / "cut.jsonl.gz").write_bytes(data[: len(data) // 2])
    documents, problems = _read(tmp_path / "cut.jsonl.gz")
    assert 0 < len(documents) < 200
    assert [d.id for d in documents] == [f"n{i}" for i in range(len(documents))]
    assert len(problems) == 1 and "truncated" in problems[0].reason


def _warc(path: Path) -> None:
    with path.open("wb") as stream:
        writer = WARCWriter(stream, gzip=True)
        for url, body, ctype in [
            ("https://lp.example/2025/05/12/ferry", PAGE.encode(), "text/html; charset=utf-8"),
            ("https://lp.example/style.css", b"body{color:red}", "text/css"),
        ]:
            headers = StatusAndHeaders("200 OK", [("Content-Type", ctype)], protocol="HTTP/1.1")
            record = writer.create_warc_record(
                url,
                "response",
                payload=io.BytesIO(body),
                http_headers=headers,
                warc_headers_dict={"WARC-Date": "2025-05-13T08:00:00Z"},
            )
            writer.write_record(record)


def test_warc_html_responses_become_articles_with_url_date_and_record_id(tmp_path: Path) -> None:
    _warc(tmp_path / "crawl.warc.gz")
    documents, problems = _read(tmp_path / "crawl.warc.gz")
    assert [(p.kind, p.reason) for p in problems] == [
        (ProblemKind.WARNING, "skipped records that are not HTML pages (1 non-HTML response)")
    ]
    assert len(documents) == 1
    document = documents[0]
    assert document.url == "https://lp.example/2025/05/12/ferry"
    assert document.fetched == "2025-05-13T08:00:00Z"
    assert document.id is not None and document.id.startswith("urn:uuid:")
    assert document.html is not None and "ferry terminal" in document.html


def test_feed_entries_full_content_and_summary_only(tmp_path: Path) -> None:
    feed = """<?xml version="1.0"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><title>Lindqvist Post</title><language>en-gb</language>
<item><title>Full</title><link>https://lp.example/full</link><guid>lp-1</guid>
<pubDate>Mon, 12 May 2025 08:15:00 GMT</pubDate><description>Short.</description>
<content:encoded><![CDATA[<p>Whole article text.</p><p>Second paragraph.</p>]]></content:encoded></item>
<item><title>Teaser</title><link>https://lp.example/teaser</link><description>Only a summary.</description></item>
</channel></rss>"""
    (tmp_path / "lp.rss").write_text(feed, encoding="utf-8")
    documents, problems = _read(tmp_path / "lp.rss")
    assert problems == []
    full, teaser = documents
    assert (full.id, full.url, full.title, full.outlet, full.language) == (
        "lp-1",
        "https://lp.example/full",
        "Full",
        "Lindqvist Post",
        "en",
    )
    assert full.published == "2025-05-12T08:15:00+00:00"
    assert not full.summary_only and "Second paragraph" in (full.html or "")
    assert teaser.summary_only and teaser.id == "https://lp.example/teaser"


def test_records_from_the_python_api() -> None:
    documents, problems = _read({"id": "r1", "text": "Body."}, {"text": ""})
    assert [d.id for d in documents] == ["r1"]
    assert len(problems) == 1 and "neither" in problems[0].reason


def test_bad_files_are_named_with_their_reasons(tmp_path: Path) -> None:
    (tmp_path / "good.txt").write_text("A headline here\n\nSome body text for the story.", encoding="utf-8")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "blob.bin").write_bytes(bytes(range(256)) * 10)
    (tmp_path / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200))
    packed = gzip.compress(" ".join(str(number) for number in range(5000)).encode())
    (tmp_path / "cut.txt.gz").write_bytes(packed[: len(packed) // 2])
    (tmp_path / "latin1.txt").write_bytes("Caf\xe9 cr\xe8me: la r\xe9union a eu lieu \xe0 Paris.".encode("cp1252"))
    (tmp_path / "notes.md").write_text("# notes", encoding="utf-8")
    documents, problems = _read(tmp_path, tmp_path / "missing.txt")
    assert sorted(d.id for d in documents) == ["good", "latin1"]
    assert "Café crème" in next(d.text for d in documents if d.id == "latin1")  # type: ignore[operator]
    reasons = {Path(p.source).name: (p.kind, p.reason) for p in problems}
    assert reasons["empty.txt"] == (ProblemKind.ERROR, "empty file")
    assert reasons["blob.bin"][0] is ProblemKind.ERROR and "binary" in reasons["blob.bin"][1]
    assert reasons["image.txt"][0] is ProblemKind.ERROR and "binary" in reasons["image.txt"][1]
    assert reasons["cut.txt.gz"][0] is ProblemKind.ERROR and "truncated" in reasons["cut.txt.gz"][1]
    assert reasons["latin1.txt"][0] is ProblemKind.WARNING and "not UTF-8" in reasons["latin1.txt"][1]
    assert reasons["notes.md"][0] is ProblemKind.WARNING
    assert reasons["missing.txt"] == (ProblemKind.ERROR, "no such file or directory")


def test_oversized_file_is_refused_without_reading_it(tmp_path: Path) -> None:
    big = tmp_path / "huge.txt"
    with big.open("wb") as stream:
        stream.truncate(50_000_000)  # sparse: 50 MB on paper, nothing on disk
    documents, problems = _read(big)
    assert documents == []
    assert "50.0 MB" in problems[0].reason and "max_article_bytes" in problems[0].reason


@pytest.mark.parametrize("name", ["page", "story.article"])
def test_files_without_known_extension_are_sniffed(tmp_path: Path, name: str) -> None:
    (tmp_path / name).write_text(PAGE, encoding="utf-8")
    documents, problems = _read(tmp_path / name)
    assert problems == [] and documents[0].html == PAGE
