"""Hostile inputs: each bad file or record is a problem naming it, nothing escapes ``read_inputs``,
nothing vanishes silently, and every document leaving ingest is storable."""

from __future__ import annotations

import gzip
import io
import json
import os
import random
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from storytrace.ingest import read_inputs, warc
from storytrace.model import Problem, ProblemKind, RawDocument
from storytrace.settings import Settings

BODY = "The harbour authority said on Monday that the old ferry terminal would close for repairs."
PAGE = f"<html><head><title>Ferry</title></head><body><article><p>{BODY}</p></article></body></html>"


def _read(*inputs: object, settings: Settings | None = None) -> tuple[list[RawDocument], list[Problem]]:
    items = list(read_inputs(inputs, settings or Settings()))  # type: ignore[arg-type]
    return [i for i in items if isinstance(i, RawDocument)], [i for i in items if isinstance(i, Problem)]


def _jsonl(path: Path, *lines: str | bytes) -> Path:
    path.write_bytes(b"\n".join(line.encode() if isinstance(line, str) else line for line in lines) + b"\n")
    return path


def _errors(problems: list[Problem]) -> dict[str, str]:
    return {p.source.rsplit(":", 1)[-1]: p.reason for p in problems if p.kind is ProblemKind.ERROR}


def _storable(document: RawDocument) -> None:
    """What the store needs of every string: UTF-8, no NUL, stated or None, within the columns."""
    for name in ("source", "text", "html", "id", "url", "title", "published", "outlet", "language", "author"):
        value = getattr(document, name)
        if value is not None:
            value.encode("utf-8")
            assert "\x00" not in value, name
            if name not in ("text", "html"):
                assert value.strip(), name
    assert document.id is None or len(document.id) <= 512
    assert document.outlet is None or len(document.outlet) <= 512
    assert document.language is None or len(document.language) <= 3


def test_deeply_nested_json_is_refused_and_the_next_line_kept(tmp_path: Path) -> None:
    deep = '{"id": "d", "text": "x", "extra": ' + "[" * 100_000 + "]" * 100_000 + "}"
    shallow = json.dumps({"id": "ok", "text": BODY, "tags": [[["a"]]]})
    documents, problems = _read(_jsonl(tmp_path / "deep.jsonl", deep, shallow))
    assert [d.id for d in documents] == ["ok"]
    assert "nested deeper than 64" in _errors(problems)["1"]


def test_brackets_inside_strings_do_not_count_as_nesting(tmp_path: Path) -> None:
    documents, problems = _read(_jsonl(tmp_path / "s.jsonl", json.dumps({"id": "b", "text": "[{" * 500 + BODY})))
    assert [d.id for d in documents] == ["b"] and problems == []


def test_huge_integer_id_is_a_bad_record(tmp_path: Path) -> None:
    lines = (
        '{"id": ' + "7" * 5000 + ', "text": "x"}',
        '{"id": ' + "7" * 600 + ', "text": "x"}',
        '{"id": 42, "text": "y"}',
    )
    documents, problems = _read(_jsonl(tmp_path / "n.jsonl", *lines))
    assert [d.id for d in documents] == ["42"]
    errors = _errors(problems)
    assert "5,000 digits" in errors["1"] and "600 digits" in errors["2"]
    # Through the Python API the integer is already parsed: str() of it would raise.
    documents, problems = _read({"id": 10**5000, "text": "x"})
    assert documents == [] and "too long" in problems[0].reason


def test_feed_with_an_out_of_range_character_reference(tmp_path: Path) -> None:
    feed = (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Post &#xFFFFFFF; &#99999999999999;</title>'
        f"<item><title>Bad &#xFFFFFFF;</title><link>https://lp.example/1</link><description>{BODY}</description>"
        "</item></channel></rss>"
    )
    (tmp_path / "bad.rss").write_text(feed, encoding="utf-8")
    documents, _problems = _read(tmp_path / "bad.rss")
    assert [d.title for d in documents] == ["Bad \ufffd"]
    assert documents[0].outlet == "Post \ufffd \ufffd"


def _warc_record(writer: WARCWriter, url: str | None, kind: str, body: bytes, content_type: str) -> None:
    headers = StatusAndHeaders("200 OK", [("Content-Type", content_type)], protocol="HTTP/1.1")
    record = writer.create_warc_record(url or "", kind, payload=io.BytesIO(body), http_headers=headers)
    if url is None:
        record.rec_headers.remove_header("WARC-Target-URI")
    writer.write_record(record)


def test_warc_record_without_target_uri_is_still_an_article(tmp_path: Path) -> None:
    path = tmp_path / "nouri.warc"
    with path.open("wb") as stream:
        writer = WARCWriter(stream, gzip=False)
        _warc_record(writer, None, "response", PAGE.encode(), "text/html")
        _warc_record(writer, "https://lp.example/2", "response", PAGE.replace("Ferry", "Two").encode(), "text/html")
    documents, problems = _read(path)
    assert [d.url for d in documents] == [None, "https://lp.example/2"]
    assert documents[0].source.endswith("#record 1") and documents[0].id
    assert problems == []


def test_arc_file_records_are_articles_with_stable_ids(tmp_path: Path) -> None:
    http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n" + PAGE.encode()
    description = b"1 0 Test\nURL IP-address Archive-date Content-type Archive-length\n"
    arc = b"filedesc://t.arc 0.0.0.0 20250513080000 text/plain %d\n%b\n" % (len(description), description)
    arc += b"https://lp.example/arc 1.2.3.4 20250513080000 text/html %d\n%b\n" % (len(http), http)
    (tmp_path / "old.arc").write_bytes(arc)
    first, problems = _read(tmp_path / "old.arc")
    second, _ = _read(tmp_path / "old.arc")
    assert [d.url for d in first] == ["https://lp.example/arc"]
    assert first[0].id is None and second[0].id is None  # warcio invents a random id: the URL's hash is used
    assert [(p.kind, p.reason) for p in problems] == [
        (ProblemKind.WARNING, "skipped records that are not HTML pages (1 warcinfo)")
    ]


def test_a_broken_record_loses_only_itself(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "broken.warc"
    with path.open("wb") as stream:
        writer = WARCWriter(stream, gzip=False)
        for number in (1, 2, 3):
            _warc_record(
                writer, f"https://lp.example/{number}", "response", PAGE.encode() + b"%d" % number, "text/html"
            )
    real = warc.decode_text

    def breaks_on_the_second(data: bytes, source: str, settings: Settings) -> tuple[str, str | None]:
        if data.endswith(b"2"):
            raise RuntimeError("a library bug")  # what a hostile record may trigger in any decoder
        return real(data, source, settings)

    monkeypatch.setattr(warc, "decode_text", breaks_on_the_second)
    documents, problems = _read(path)
    assert [d.url for d in documents] == ["https://lp.example/1", "https://lp.example/3"]
    assert [(p.source.rsplit("#", 1)[1], p.reason) for p in problems] == [
        ("https://lp.example/2", "unreadable record (RuntimeError: a library bug)")
    ]


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("one.warc", b"x", "no records"),
        ("empty.warc.gz", gzip.compress(b""), "no records"),
        ("text.warc", b"plain text here\nand more\n", "not a readable WARC/ARC file"),
        ("blank.jsonl", b"  \n\n \t\n", "no records (only blank lines)"),
        ("untyped.warc", b"WARC/1.0\r\nContent-Length: 0\r\n\r\n\r\n\r\n", "a record without a WARC-Type"),
    ],
)
def test_files_that_yield_nothing_are_reported(tmp_path: Path, name: str, data: bytes, reason: str) -> None:
    (tmp_path / name).write_bytes(data)
    documents, problems = _read(tmp_path / name)
    assert documents == []
    assert [p.kind for p in problems] == [ProblemKind.ERROR] and problems[0].reason.startswith(reason)


def test_warc_of_only_requests_and_warcinfo_says_what_it_skipped(tmp_path: Path) -> None:
    path = tmp_path / "requests.warc"
    with path.open("wb") as stream:
        writer = WARCWriter(stream, gzip=False)
        writer.write_record(writer.create_warcinfo_record("requests.warc", {"software": "test"}))
        for number in (1, 2):
            headers = StatusAndHeaders("GET / HTTP/1.1", [("Host", "lp.example")], is_http_request=True)
            record = writer.create_warc_record(f"https://lp.example/{number}", "request", http_headers=headers)
            writer.write_record(record)
    documents, problems = _read(path)
    assert documents == []
    assert [p.reason for p in problems] == ["no HTML response records (2 request, 1 warcinfo)"]


def test_a_feed_whose_entries_are_all_empty_reports_each(tmp_path: Path) -> None:
    feed = '<?xml version="1.0"?><rss version="2.0"><channel><title>P</title>'
    feed += "".join(f"<item><title>T{n}</title><link>https://lp.example/{n}</link></item>" for n in (1, 2))
    (tmp_path / "empty.rss").write_text(feed + "</channel></rss>", encoding="utf-8")
    documents, problems = _read(tmp_path / "empty.rss")
    assert documents == [] and len(problems) == 2
    assert all("neither content nor summary" in p.reason for p in problems)


def test_lone_surrogates_and_nul_leave_ingest_storable(tmp_path: Path) -> None:
    record = '{"id": "a\\ud800b", "title": "T\\udfff\\u0000", "text": "Body \\ud800 text\\u0000.", "author": "\\u0000"}'
    documents, problems = _read(_jsonl(tmp_path / "s.jsonl", record))
    assert problems == []
    (document,) = documents
    _storable(document)
    assert document.id == "a\\ud800b"  # an id keeps its identity: the surrogate written as an escape
    assert (document.title, document.text, document.author) == ("T\ufffd", "Body \ufffd text.", None)


def test_a_file_name_that_is_not_utf8_gives_a_stable_printable_id(tmp_path: Path) -> None:
    name = os.fsdecode(b"caf\xe9-story.txt")  # surrogateescape: "caf\udce9-story.txt"
    (tmp_path / name).write_text(BODY, encoding="utf-8")
    first, problems = _read(tmp_path)
    second, _ = _read(tmp_path)
    assert problems == []
    assert first[0].id == second[0].id == "caf\\xe9-story"
    _storable(first[0])


def test_empty_metadata_means_not_stated(tmp_path: Path) -> None:
    lines = [json.dumps({"id": f"e{n}", "url": "", "title": " ", "outlet": "", "text": BODY}) for n in (1, 2)]
    documents, problems = _read(_jsonl(tmp_path / "e.jsonl", *lines))
    assert problems == []
    assert [(d.url, d.title, d.outlet) for d in documents] == [(None, None, None)] * 2


def test_values_over_the_store_columns(tmp_path: Path) -> None:
    lines = [
        json.dumps({"id": "i" * 513, "text": BODY}),
        json.dumps(
            {
                "id": "ok",
                "outlet": "o" * 600,
                "language": "English (UK)",
                "url": "https://x/" + "u" * 3000,
                "title": "t" * 5000,
                "text": BODY,
            }
        ),  # fmt: skip
        json.dumps({"id": "lang", "language": "pt_BR", "text": BODY}),
    ]
    documents, problems = _read(_jsonl(tmp_path / "w.jsonl", *lines))
    assert "over the 512" in _errors(problems)["1"]
    ok, lang = documents
    assert (len(ok.outlet or ""), ok.language, ok.url, len(ok.title or "")) == (512, None, None, 1000)
    assert lang.language == "pt"
    warnings = [p.reason for p in problems if p.kind is ProblemKind.WARNING]
    assert any("outlet cut" in w for w in warnings) and any("ISO 639" in w for w in warnings)
    assert any("URL" in w for w in warnings) and any("title cut" in w for w in warnings)


def test_dict_records_get_the_same_checks() -> None:
    documents, problems = _read({"id": "", "url": " ", "text": "Body\x00 text.", "language": "EN-gb"})
    assert problems == []
    assert (documents[0].id, documents[0].url, documents[0].text, documents[0].language) == (
        None,
        None,
        "Body text.",
        "en",
    )


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_fifo_is_reported_not_opened(tmp_path: Path) -> None:
    (tmp_path / "good.txt").write_text(BODY, encoding="utf-8")
    os.mkfifo(tmp_path / "pipe.txt")
    (tmp_path / "other").mkdir()
    os.mkfifo(tmp_path / "other" / "named")
    named = (tmp_path / "pipe.txt", tmp_path / "other" / "named")
    result: list[tuple[list[RawDocument], list[Problem]]] = []
    worker = threading.Thread(target=lambda: result.append(_read(tmp_path, *named)), daemon=True)
    worker.start()
    worker.join(timeout=20)
    assert result, "reading blocked on a FIFO"
    documents, problems = result[0]
    assert [d.id for d in documents] == ["good"]
    assert sorted((Path(p.source).name, p.reason) for p in problems) == [
        ("named", "not a regular file (FIFO)"),  # given by name
        ("named", "not a regular file (FIFO)"),  # found in the folder
        ("pipe.txt", "not a regular file (FIFO)"),  # given by name
        ("pipe.txt", "not a regular file (FIFO)"),  # found in the folder
    ]


LEGACY = {
    "cp1252.txt": (
        "Le président a déclaré mercredi que la réforme des retraites serait présentée au Parlement avant l'été, "
        "malgré l'opposition des syndicats.",
        "cp1252",
    ),
    "sjis.txt": (
        "東京都は水曜日、新しい防災計画を発表した。地震や台風に備えて、避難所の数を増やすという。",
        "shift_jis",
    ),
    "koi8.txt": (
        "Правительство объявило в среду о новых мерах поддержки малого бизнеса. Министр финансов заявил, что "
        "программа начнёт работать в марте.",
        "koi8_r",
    ),
}


def test_random_bytes_are_not_articles_but_legacy_text_is(tmp_path: Path) -> None:
    for seed in range(60):
        generator = random.Random(seed)
        (tmp_path / f"r{seed}.txt").write_bytes(generator.randbytes(generator.choice([8, 16, 24, 32, 48, 64, 4096])))
    for name, (text, encoding) in LEGACY.items():
        (tmp_path / name).write_bytes(text.encode(encoding))
    documents, problems = _read(tmp_path)
    assert {d.id: d.text for d in documents} == {Path(name).stem: text for name, (text, _) in LEGACY.items()}
    refused = {Path(p.source).name for p in problems if p.kind is ProblemKind.ERROR}
    assert refused == {f"r{seed}.txt" for seed in range(60)}


def test_text_that_is_not_words_is_refused(tmp_path: Path) -> None:
    (tmp_path / "blob.txt").write_text("aGVsbG8gd29ybGQ=/+9x" * 40, encoding="utf-8")
    documents, problems = _read(tmp_path / "blob.txt")
    assert documents == [] and "not language" in problems[0].reason


def test_fields_must_be_strings_and_unknown_fields_are_named_once(tmp_path: Path) -> None:
    lines = [
        json.dumps({"id": 5, "text": 7}),
        json.dumps({"id": 6, "text": BODY, "foo": 1, "bar": 2}),
        json.dumps({"id": 7, "text": BODY, "foo": 3}),
        json.dumps({"id": 8, "text": BODY, "summary_only": "no"}),
    ]
    documents, problems = _read(_jsonl(tmp_path / "t.jsonl", *lines))
    assert [d.id for d in documents] == ["6", "7"]
    errors = _errors(problems)
    assert 'field "text" must be a string' in errors["1"] and "summary_only" in errors["4"]
    warnings = [p for p in problems if p.kind is ProblemKind.WARNING]
    assert [(p.source, p.reason) for p in warnings] == [(str(tmp_path / "t.jsonl"), "ignored unknown fields: bar, foo")]


# Reads the file in a fresh process and prints what it found and the process's peak memory.
_MEASURE = r"""
import re, sys
from pathlib import Path
from storytrace.ingest import read_inputs
from storytrace.settings import Settings
items = list(read_inputs([sys.argv[1]], Settings(max_record_bytes=1_000_000)))
print(repr([(type(item).__name__, getattr(item, "id", None) or item.reason) for item in items]))
# VmHWM, this process's own peak: getrusage's ru_maxrss keeps the forking parent's across exec.
print(int(re.search(r"VmHWM:\s+(\d+) kB", Path("/proc/self/status").read_text()).group(1)) * 1024)
"""


def test_an_over_long_line_is_skipped_in_bounded_memory(tmp_path: Path) -> None:
    path = tmp_path / "long.jsonl.gz"
    with gzip.open(path, "wb") as stream:
        for _ in range(25):  # 250 MB in one line without a newline: 250 kB packed
            stream.write(b"a" * 10_000_000)
        stream.write(b"\n" + json.dumps({"id": "after", "text": BODY}).encode() + b"\n")
    done = subprocess.run([sys.executable, "-c", _MEASURE, str(path)], capture_output=True, text=True, check=True)
    found, peak = done.stdout.splitlines()
    assert found == repr([("Problem", "line is over the 1 MB record limit"), ("RawDocument", "after")])
    # The interpreter and libraries take about 100 MB; the line held whole would add its 250 MB.
    assert int(peak) < 250_000_000
