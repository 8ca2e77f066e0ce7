"""One named, minimal input per crash class the fuzzers found, each checked through the Python
API (and the CLI where the crash was in writing the report)."""

from __future__ import annotations

import gzip
import io
import json
import os
import subprocess
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from storytrace.model import ProblemKind, Report
from storytrace.pipeline import analyze
from tests.fuzz.harness import STORYTRACE, fifo_watchdog, names, stored_articles

BODY = (
    "The harbour council of Portmere voted on Tuesday to approve a new ferry terminal, ending a debate "
    "that had lasted three years.\n\nCouncil leader Elena Quorvane said the plan would cost about 40 million "
    "euros and that the first works could begin before the end of next year.\n"
)
OTHER = BODY.replace("Quorvane", "Taliskar").replace("ferry terminal", "flood barrier")
HTML = f"<html><body><article><p>{BODY}</p></article></body></html>".encode()
HTTP = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n" + HTML


def run(folder: Path, files: dict[bytes, bytes], db: str | None = None) -> tuple[Report, str]:
    """Write ``files`` into ``folder/in`` and analyze the folder; the report and the database."""
    inputs = folder / "in"
    inputs.mkdir(exist_ok=True)
    for name, data in files.items():
        Path(os.fsdecode(os.path.join(os.fsencode(inputs), name))).write_bytes(data)
    target = db or str(folder / "fuzz.db")
    return analyze([str(inputs)], db=target, compare=False, embedder=None, workers=1), target


def errors_naming(report: Report, path: str) -> list[str]:
    return [p.reason for p in report.problems if p.kind is ProblemKind.ERROR and names(p.source, path)]


def test_jsonl_nested_100000_deep_is_a_bad_line(tmp_path: Path) -> None:
    line = b'{"text": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    report, _ = run(tmp_path, {b"deep.jsonl": line + b"\n" + json.dumps({"id": "ok", "text": BODY}).encode()})
    assert errors_naming(report, str(tmp_path / "in" / "deep.jsonl:1"))
    assert [a.id for a in report.articles] == ["ok"]


def test_jsonl_5000_digit_id_does_not_crash(tmp_path: Path) -> None:
    report, db = run(
        tmp_path, {b"big.jsonl": b'{"id": ' + b"9" * 5000 + b', "text": ' + json.dumps(BODY).encode() + b"}"}
    )
    source = str(tmp_path / "in" / "big.jsonl:1")
    assert errors_naming(report, source) or [a.source for a in stored_articles(db)] == [source]


def test_feed_with_huge_character_reference_keeps_its_entries(tmp_path: Path) -> None:
    feed = (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Post</title>'
        f"<item><title>Ferry &#xFFFFFFF; vote</title><guid>g1</guid><description>{BODY}</description></item>"
        "</channel></rss>"
    )
    report, _ = run(tmp_path, {b"feed.rss": feed.encode()})
    assert [a.id for a in report.articles] == ["g1"]


def _warc(headers: dict[str, str], body: bytes, uri: str | None) -> bytes:
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=False)
    http = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
    record = writer.create_warc_record(
        uri or "", "response", payload=io.BytesIO(body), http_headers=http, warc_headers_dict=headers
    )
    if uri is None:
        record.rec_headers.remove_header("WARC-Target-URI")
    writer.write_record(record)
    return buffer.getvalue()


def test_warc_response_without_target_uri_does_not_crash(tmp_path: Path) -> None:
    html = f"<html><body><article><p>{BODY}</p></article></body></html>".encode()
    data = _warc({"WARC-Record-ID": "<urn:uuid:00000000-0000-4000-8000-000000000001>"}, html, None)
    assert b"WARC-Target-URI" not in data
    report, db = run(tmp_path, {b"a.warc": data})
    path = str(tmp_path / "in" / "a.warc")
    assert errors_naming(report, path) or any(names(a.source, path) for a in stored_articles(db))


def test_lone_surrogate_in_an_id_through_the_cli(tmp_path: Path) -> None:
    (tmp_path / "s.jsonl").write_bytes(b'{"id": "a\\ud800b", "text": ' + json.dumps(BODY).encode() + b"}\n")
    done = subprocess.run(
        [STORYTRACE, "analyze", str(tmp_path / "s.jsonl"), "--db", str(tmp_path / "s.db"), "--no-compare",
         "--embedder", "none", "--json", "-"],
        capture_output=True, timeout=120,
    )  # fmt: skip
    assert done.returncode in (0, 1) and b"Traceback" not in done.stderr, done.stderr[-2000:]
    assert json.loads(done.stdout)["schema"] == "storytrace.report/1"


def test_non_utf8_file_name_through_the_cli(tmp_path: Path) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    with open(os.path.join(os.fsencode(inputs), b"caf\xe9.txt"), "wb") as stream:
        stream.write(BODY.encode())
    done = subprocess.run(
        [STORYTRACE, "analyze", str(inputs), "--db", str(tmp_path / "n.db"), "--no-compare", "--embedder", "none",
         "--json", "-"],
        capture_output=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0 and b"Traceback" not in done.stderr, done.stderr[-2000:]
    assert len(json.loads(done.stdout)["articles"]) == 1


def test_two_jsonl_records_with_empty_urls_are_two_articles(tmp_path: Path) -> None:
    lines = [json.dumps({"id": "a", "url": "", "text": BODY}), json.dumps({"id": "b", "url": "", "text": OTHER})]
    report, db = run(tmp_path, {b"u.jsonl": "\n".join(lines).encode()})
    assert sorted(a.id for a in stored_articles(db)) == ["a", "b"] and not report.problems


def test_fifo_in_an_input_folder_is_reported_without_hanging(tmp_path: Path) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    os.mkfifo(inputs / "pipe.txt")
    (inputs / "good.txt").write_text(BODY)
    with fifo_watchdog(inputs, 20) as unblocked:
        report = analyze([str(inputs)], db=str(tmp_path / "f.db"), compare=False, embedder=None, workers=1)
    assert not unblocked
    assert errors_naming(report, str(inputs / "pipe.txt")) and [a.id for a in report.articles] == ["good"]


@pytest.mark.parametrize(
    ("field", "value"),
    [("id", "i" * 600), ("outlet", "o" * 600), ("language", "l" * 20), ("text", BODY.replace(" ", "\u0000", 3))],
)
def test_oversized_fields_and_nul_in_either_store(tmp_path: Path, db: str, field: str, value: str) -> None:
    record = {"id": "r1", "text": BODY} | {field: value}
    report, _ = run(tmp_path, {b"r.jsonl": json.dumps(record).encode(), b"good.txt": OTHER.encode()}, db)
    source = str(tmp_path / "in" / "r.jsonl:1")
    stored = stored_articles(db)
    assert "good" in {a.id for a in stored}
    assert errors_naming(report, source) or any(a.source == source for a in stored)


@pytest.mark.parametrize(
    ("name", "data"),
    [
        (b"one-byte.warc", b"W"),
        (b"empty.warc.gz", b""),
        (b"empty-member.warc.gz", gzip.compress(b"")),
        (b"text.warc", BODY.encode()),
        (b"blank.jsonl", b" \n\t\n"),
    ],
)
def test_unreadable_archives_and_blank_jsonl_are_errors(tmp_path: Path, name: bytes, data: bytes) -> None:
    report, db = run(tmp_path, {name: data, b"good.txt": BODY.encode()})
    assert errors_naming(report, str(tmp_path / "in" / name.decode()))
    assert [a.id for a in stored_articles(db)] == ["good"]


def test_random_bytes_named_txt_are_not_an_article(tmp_path: Path) -> None:
    # Bytes with no NUL and few control characters, which an encoding detector still "decodes".
    data = bytes(range(0x80, 0x100)) * 4 + b"\x1b\x7f"
    report, db = run(tmp_path, {b"noise.txt": data, b"good.txt": BODY.encode()})
    assert errors_naming(report, str(tmp_path / "in" / "noise.txt"))
    assert [a.id for a in stored_articles(db)] == ["good"]


def warc_record(block: bytes, length: int) -> bytes:
    return (
        (
            b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: https://news.example/a\r\n"
            b"WARC-Record-ID: <urn:uuid:00000000-0000-4000-8000-000000000002>\r\nWARC-Date: 2025-06-03T10:00:00Z\r\n"
            b"Content-Type: application/http; msgtype=response\r\nContent-Length: %d\r\n\r\n" % length
        )
        + block
        + b"\r\n\r\n"
    )


def test_truncated_warc_record_is_an_error(tmp_path: Path) -> None:
    whole = warc_record(HTTP, len(HTTP))
    report, _ = run(tmp_path, {b"cut.warc": whole[: len(whole) - 200], b"good.txt": OTHER.encode()})
    assert errors_naming(report, str(tmp_path / "in" / "cut.warc"))


def test_truncated_arc_record_is_an_error(tmp_path: Path) -> None:
    header_body = b"1 0 Storytrace\nURL IP-address Archive-date Content-type Archive-length\n"
    header = b"filedesc://crawl.arc 0.0.0.0 20250603100000 text/plain %d\n" % len(header_body) + header_body + b"\n"
    record = b"http://news.example/a 192.0.2.1 20250603100000 text/html %d\n" % len(HTTP) + HTTP + b"\n"
    report, _ = run(tmp_path, {b"cut.arc": header + record[:-200], b"good.txt": OTHER.encode()})
    assert errors_naming(report, str(tmp_path / "in" / "cut.arc"))


def test_jsonl_text_of_byte_order_marks_is_not_an_article(tmp_path: Path) -> None:
    line = json.dumps({"id": "blank", "text": "\ufeff\u2028\u3000\ufeff"}).encode()
    report, db = run(tmp_path, {b"b.jsonl": line, b"good.txt": OTHER.encode()})
    assert errors_naming(report, str(tmp_path / "in" / "b.jsonl:1"))
    assert [a.id for a in report.articles] == ["good"]


def test_feed_entry_with_a_surrogate_character_reference_keeps_the_other_entries(tmp_path: Path) -> None:
    feed = (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Post</title>'
        f"<item><title>Ferry vote</title><guid>g1</guid><description>{BODY}</description></item>"
        "<item><title>Bad &#xD800; title</title><guid>g2</guid><description>A few words.</description></item>"
        "</channel></rss>"
    )
    report, _ = run(tmp_path, {b"feed.rss": feed.encode()})
    assert "g1" in [a.id for a in report.articles]


def test_warc_content_length_past_the_end_is_an_error(tmp_path: Path) -> None:
    report, _ = run(tmp_path, {b"long.warc": warc_record(HTTP, len(HTTP) + 500), b"good.txt": OTHER.encode()})
    assert errors_naming(report, str(tmp_path / "in" / "long.warc"))


def test_warc_record_without_content_length_is_an_error(tmp_path: Path) -> None:
    record = warc_record(HTTP, 0).replace(b"Content-Length: 0\r\n", b"")
    report, _ = run(tmp_path, {b"nolength.warc": record, b"good.txt": OTHER.encode()})
    assert errors_naming(report, str(tmp_path / "in" / "nolength.warc"))


def test_arc_length_past_the_end_is_an_error(tmp_path: Path) -> None:
    header_body = b"1 0 Storytrace\nURL IP-address Archive-date Content-type Archive-length\n"
    header = b"filedesc://crawl.arc 0.0.0.0 20250603100000 text/plain %d\n" % len(header_body) + header_body + b"\n"
    record = b"http://news.example/a 192.0.2.1 20250603100000 text/html %d\n" % (len(HTTP) + 500) + HTTP + b"\n"
    report, _ = run(tmp_path, {b"long.arc": header + record, b"good.txt": OTHER.encode()})
    assert errors_naming(report, str(tmp_path / "in" / "long.arc"))


def test_warc_content_length_one_byte_short_is_an_error(tmp_path: Path) -> None:
    # The block loses its last byte and the reader meets a stray byte before the next record.
    report, _ = run(tmp_path, {b"short.warc": warc_record(HTTP, len(HTTP) - 1), b"good.txt": OTHER.encode()})
    assert errors_naming(report, str(tmp_path / "in" / "short.warc"))


def test_warc_gz_member_cut_in_its_trailer_is_an_error(tmp_path: Path) -> None:
    # The deflate data is whole; the CRC and length that end the member are missing.
    member = gzip.compress(warc_record(HTTP, len(HTTP)))
    report, _ = run(tmp_path, {b"cut.warc.gz": member[:-4], b"good.txt": OTHER.encode()})
    assert errors_naming(report, str(tmp_path / "in" / "cut.warc.gz"))
