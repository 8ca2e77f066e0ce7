"""Hypothesis strategies for every input storytrace reads, hostile and good mixed.

A strategy draws :class:`Draft` files (bytes plus what the pipeline must do with them);
:func:`batches` names them uniquely and returns :class:`Spec` entries ready to write into a
folder (``harness.write_batch``). Good articles are short news-like paragraphs written here
with a unique marker word, so that a stored article can be recognised whatever its id. Each
draft strategy takes a ``salt`` (one letter per file of a batch, ``zz`` when drawn alone) that
goes into the markers of its filler articles (the readable parts of hostile files).

Expectations (:class:`Expect`):

* ``GOOD``: every good article of the file is stored and no error names the file;
* ``BAD``: an error problem names the file (its good articles, if any, are still stored);
* ``ANY``: hostile input whose right outcome is not unique: it must only be accounted for
  (an article stored from it, a duplicate, or a problem naming it).
"""

from __future__ import annotations

import gzip
import io
import json
import string
import zlib
from collections.abc import Callable
from dataclasses import dataclass, replace
from enum import Enum
from functools import lru_cache

from hypothesis import assume
from hypothesis import strategies as st
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

# --------------------------------------------------------------------------- records


class Expect(Enum):
    """What the pipeline must do with one generated file (see the module docstring)."""

    GOOD = "good"
    BAD = "bad"
    ANY = "any"


class Entry(Enum):
    """The kind of directory entry a spec is written as."""

    FILE = "file"
    FIFO = "fifo"
    SOCKET = "socket"
    SYMLINK_LOOP = "symlink-loop"  # name -> name.loop -> name
    DANGLING = "dangling-symlink"
    DIR_LOOP = "dir-symlink-loop"  # a folder holding a symlink to its parent


@dataclass(frozen=True)
class GoodArticle:
    """A short, plausible news article; ``marker`` occurs in its body and nowhere else in the batch."""

    marker: str
    title: str
    paragraphs: tuple[str, ...]
    id: str | None = None  # None: the file name gives it (one-article files) or the reader makes one

    def text(self) -> str:
        return self.title + "\n\n" + "\n\n".join(self.paragraphs) + "\n"

    def html(self) -> str:
        body = "".join(f"<p>{p}</p>" for p in self.paragraphs)
        return (
            f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{self.title}</title></head>"
            f"<body><nav><a href='/'>Home</a></nav><article><h1>{self.title}</h1>{body}</article>"
            "<footer>All rights reserved</footer></body></html>"
        )


@dataclass(frozen=True)
class Draft:
    """A file before it is named: its bytes, its format suffix and what must happen to it."""

    suffix: str
    data: bytes
    expect: Expect
    label: str
    goods: tuple[GoodArticle, ...] = ()
    single: bool = False  # a one-article file: its good article's id is the file's stem
    entry: Entry = Entry.FILE
    barren: bool = False  # holds no article: nothing may be stored from it


@dataclass(frozen=True)
class Spec:
    """One named directory entry of a batch."""

    name: bytes
    data: bytes
    expect: Expect
    label: str
    goods: tuple[GoodArticle, ...] = ()
    entry: Entry = Entry.FILE
    stem: str = ""  # the article id a one-article file gives (decoded file name less extensions)
    barren: bool = False


# --------------------------------------------------------------------------- good articles

_PLACES = ["Portmere", "Valdrin", "Eskerby", "Tarrow", "Middlecombe", "Ashgate", "Kelver", "Brennock"]
_BODIES = [
    "harbour council",
    "regional water board",
    "city transport authority",
    "district school board",
    "provincial health office",
    "county planning committee",
]
_PROJECTS = [
    "a new ferry terminal",
    "a flood barrier on the river",
    "a night bus network",
    "two new primary schools",
    "a clinic for the northern suburbs",
    "a cycle bridge over the railway",
]
_CRITICS = ["Shopkeepers in the old town", "Residents of the eastern quay", "Opposition councillors", "Local farmers"]
_CONCERNS = ["the cost of the works", "months of road closures", "the loss of green space", "noise at night"]
_ROLES = ["Council leader", "Deputy mayor", "Board chair", "Spokeswoman", "Project director"]
_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]


@st.composite
def good_articles(draw: st.DrawFn, salt: str, filler: bool = False) -> GoodArticle:
    """A four-paragraph local news report with a marker name in its second paragraph.

    The marker starts with the draft's ``salt`` (unique in a batch), so articles of different
    files never share a marker or a text; ``filler`` articles (the readable parts of hostile
    files) take nine letters starting with ``q``, good ones seven.
    """
    drawn = draw(st.text(string.ascii_lowercase, min_size=6, max_size=6))
    marker = (f"q{salt}{drawn}" if filler else f"{salt}{drawn}").capitalize()
    place, body, project = (
        draw(st.sampled_from(_PLACES)),
        draw(st.sampled_from(_BODIES)),
        draw(st.sampled_from(_PROJECTS)),
    )
    months, cost, names = draw(st.integers(2, 40)), draw(st.integers(3, 900)), draw(st.integers(200, 90_000))
    paragraphs = (
        f"The {body} of {place} voted on {draw(st.sampled_from(_DAYS))} to approve {project}, "
        f"ending a debate that had lasted {months} months and divided the town.",
        f"{draw(st.sampled_from(_ROLES))} Elena {marker} said the plan would cost about {cost} million euros "
        f"and that the first works could begin before the end of next year.",
        f"{draw(st.sampled_from(_CRITICS))} have criticised {draw(st.sampled_from(_CONCERNS))}, and a petition "
        f"against the plan gathered {names} signatures in a few weeks.",
        f"A final decision on the budget is expected when the {body} meets again, officials in {place} said.",
    )
    return GoodArticle(marker=marker, title=f"{place} {body} approves {project}", paragraphs=paragraphs)


# --------------------------------------------------------------------------- plain text

_WHITESPACE = st.text(st.sampled_from([" ", "\t", "\n", "\r", "\u00a0", "\u2028", "\u3000", "\ufeff"]), max_size=40)


@st.composite
def text_drafts(draw: st.DrawFn, salt: str = "zz") -> Draft:
    """A ``.txt`` file: a good article in some encoding and line-ending style, or hostile bytes."""
    kind = draw(
        st.sampled_from(["good", "cp1252", "bom-crlf", "cr", "random", "empty", "blank", "nul", "controls", "unicode"])
    )
    if kind in ("good", "cp1252", "bom-crlf", "cr"):
        article = draw(good_articles(salt))
        text = article.text()
        if kind == "cp1252":
            data = text.replace("approve", "approve the café and").encode("cp1252")
        elif kind == "bom-crlf":
            data = b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode()
        elif kind == "cr":
            data = text.replace("\n", "\r").encode()
        else:
            data = text.encode()
        return Draft(".txt", data, Expect.GOOD, f"text:{kind}", (article,), single=True)
    if kind == "random":
        # Random bytes are not an article, whatever an encoding detector makes of them.
        return Draft(
            ".txt",
            draw(st.randoms(use_true_random=False)).randbytes(draw(st.integers(64, 4096))),
            Expect.BAD,
            "text:random",
            barren=True,
        )
    if kind == "empty":
        return Draft(".txt", b"", Expect.BAD, "text:empty", barren=True)
    if kind == "blank":
        return Draft(".txt", draw(_WHITESPACE).encode(), Expect.BAD, "text:whitespace-only", barren=True)
    if kind == "nul":
        article = draw(good_articles(salt, filler=True))
        return Draft(
            ".txt", article.text().encode().replace(b" ", b"\x00", 3), Expect.BAD, "text:nul-bytes", barren=True
        )
    if kind == "controls":
        return Draft(
            ".txt",
            bytes(draw(st.lists(st.integers(1, 31), min_size=20, max_size=400))),
            Expect.BAD,
            "text:controls",
            barren=True,
        )
    hostile = draw(st.text(st.characters(exclude_categories=["Cs"]), min_size=1, max_size=3000))
    return Draft(".txt", hostile.encode(), Expect.ANY, "text:unicode")


# --------------------------------------------------------------------------- HTML


@st.composite
def html_drafts(draw: st.DrawFn, salt: str = "zz") -> Draft:
    """An ``.html`` page: a good article, or markup built to break parsers and extractors."""
    kind = draw(
        st.sampled_from(
            [
                "good",
                "deep",
                "charrefs",
                "script-only",
                "comment-only",
                "empty",
                "blank",
                "binary",
                "attribute",
                "markup",
            ]
        )
    )
    if kind == "good":
        article = draw(good_articles(salt))
        return Draft(".html", article.html().encode(), Expect.GOOD, "html:good", (article,), single=True)
    if kind == "deep":
        article, depth = draw(good_articles(salt, filler=True)), draw(st.sampled_from([300, 3000, 30_000]))
        page = "<html><body>" + "<div>" * depth + article.html() + "</div>" * depth + "</body></html>"
        return Draft(".html", page.encode(), Expect.ANY, "html:deep-nesting")
    if kind == "charrefs":
        article = draw(good_articles(salt, filler=True))
        refs = "".join(draw(st.lists(st.sampled_from(_CHARREFS), min_size=1, max_size=20)))
        return Draft(".html", article.html().replace("<p>", f"<p>{refs}", 1).encode(), Expect.ANY, "html:charrefs")
    if kind == "script-only":
        page = "<html><head><script>var a = '<p>not text</p>';</script><style>p{}</style></head><body></body></html>"
        return Draft(".html", page.encode(), Expect.BAD, "html:script-only", barren=True)
    if kind == "comment-only":
        return Draft(
            ".html",
            b"<html><body><!-- " + b"x " * 500 + b"--></body></html>",
            Expect.BAD,
            "html:comment-only",
            barren=True,
        )
    if kind == "empty":
        return Draft(".html", b"", Expect.BAD, "html:empty", barren=True)
    if kind == "blank":
        return Draft(".html", draw(_WHITESPACE).encode(), Expect.BAD, "html:whitespace-only", barren=True)
    if kind == "binary":
        return Draft(
            ".html", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200), Expect.BAD, "html:binary", barren=True
        )
    if kind == "attribute":
        article = draw(good_articles(salt, filler=True))
        page = article.html().replace("<article>", "<article data-x='" + "y" * 1_000_000 + "'>")
        return Draft(".html", page.encode(), Expect.ANY, "html:huge-attribute")
    tags = st.sampled_from(
        [
            "<p>",
            "</p>",
            "<div",
            "<table><tr><td>",
            "<!--",
            "-->",
            "<![CDATA[",
            "]]>",
            "<script>",
            "&",
            "<",
            ">",
            "'",
            '"',
            "<br/>",
        ]
    )
    soup = "".join(draw(st.lists(st.one_of(tags, st.text(max_size=30)), min_size=1, max_size=60)))
    return Draft(".html", soup.encode("utf-8", "surrogatepass"), Expect.ANY, "html:markup-soup")


_CHARREFS = [
    "&#xFFFFFFF;",
    "&#0;",
    "&#xD800;",
    "&#99999999999999999999;",
    "&#x110000;",
    "&nbsp;",
    "&bogus;",
    "&#;",
    "&amp",
]

# --------------------------------------------------------------------------- JSONL


@dataclass(frozen=True)
class _Line:
    data: bytes
    bad: bool  # certainly a problem (the file must then be named)
    good: GoodArticle | None = None
    label: str = ""


def _record_line(article: GoodArticle, **extra: object) -> bytes:
    record: dict[str, object] = {
        "id": article.id,
        "url": f"https://news.example/{article.marker.lower()}",
        "title": article.title,
        "text": article.text(),
    }
    record.update(extra)
    return json.dumps(record).encode()


@st.composite
def _good_line(draw: st.DrawFn, salt: str) -> _Line:
    article = draw(good_articles(salt))
    article = replace(article, id=f"j-{article.marker.lower()}")
    style = draw(st.sampled_from(["text", "html", "ascii", "extra-fields", "int-id"]))
    if style == "html":
        data = json.dumps({"id": article.id, "html": article.html(), "outlet": "Portmere Post"}).encode()
    elif style == "ascii":
        data = json.dumps({"id": article.id, "text": article.text() + "Café ünïcode ✓."}, ensure_ascii=True).encode()
    elif style == "extra-fields":
        data = _record_line(article, unknown={"nested": [1, 2]}, summary_only=False, language="en")
    elif style == "int-id":
        # The salt's letter as the last two digits: ids of different files never coincide.
        number = draw(st.integers(1, 10**13)) * 100 + ord(salt[0]) - ord("a")
        article = replace(article, id=str(number))
        data = json.dumps({"id": number, "text": article.text()}).encode()
    else:
        data = _record_line(article)
    return _Line(data, False, article, f"jsonl:good-{style}")


@st.composite
def _hostile_line(draw: st.DrawFn, salt: str = "zz") -> _Line:
    kind = draw(
        st.sampled_from(
            [
                "invalid",
                "deep",
                "big-int",
                "surrogate",
                "long-fields",
                "nul",
                "non-object",
                "no-text",
                "wrong-type",
                "nan",
                "non-utf8",
                "blank-text",
                "duplicate-keys",
            ]
        )
    )
    text = draw(good_articles(salt, filler=True)).text()
    if kind == "invalid":
        return _Line(
            draw(st.sampled_from([b'{"id": ', b"{'text': 'x'}", b'{"text": "a"', b"\xef\xbb\xbf[", b"}{"])),
            True,
            label="jsonl:invalid-json",
        )
    if kind == "deep":
        depth = draw(st.sampled_from([1_000, 100_000]))
        return _Line(b'{"text": ' + b"[" * depth + b"]" * depth + b"}", True, label="jsonl:deep-nesting")
    if kind == "big-int":
        return _Line(
            b'{"id": '
            + b"9" * draw(st.sampled_from([4_301, 5_000, 50_000]))
            + b', "text": '
            + json.dumps(text).encode()
            + b"}",
            False,
            label="jsonl:huge-integer",
        )
    if kind == "surrogate":
        field_name = draw(st.sampled_from(["id", "title", "text", "outlet"]))
        record = {"id": "s1", "text": text, field_name: "\\ud800" + ("" if field_name != "text" else text)}
        return _Line(
            json.dumps(record).replace("\\\\ud800", "\\ud800").encode(),
            False,
            label=f"jsonl:lone-surrogate-{field_name}",
        )
    if kind == "long-fields":
        field_name, size = draw(
            st.sampled_from([("id", 600), ("outlet", 600), ("language", 20), ("url", 5000), ("title", 20_000)])
        )
        return _Line(
            json.dumps({"id": f"long-{field_name}", "text": text, field_name: "x" * size}).encode(),
            False,
            label=f"jsonl:long-{field_name}",
        )
    if kind == "nul":
        return _Line(
            json.dumps({"id": "nul", "text": text.replace(" ", "\u0000", 2), "title": "a\u0000b"}).encode(),
            False,
            label="jsonl:nul-in-text",
        )
    if kind == "non-object":
        return _Line(
            draw(st.sampled_from([b"[1, 2]", b'"text"', b"3", b"null", b"true"])), True, label="jsonl:non-object"
        )
    if kind == "no-text":
        return _Line(b'{"id": "no-text", "title": "Only a title"}', True, label="jsonl:no-text")
    if kind == "wrong-type":
        value = draw(st.sampled_from(["[1]", "true", '{"a": 1}', "1.5"]))
        field_name = draw(st.sampled_from(["text", "id", "url"]))
        if field_name == "text":
            return _Line(f'{{"text": {value}}}'.encode(), True, label="jsonl:wrong-type")
        return _Line(
            f'{{"{field_name}": {value}, "text": {json.dumps(text)}}}'.encode(), True, label="jsonl:wrong-type"
        )
    if kind == "nan":
        return _Line(f'{{"id": NaN, "text": {json.dumps(text)}}}'.encode(), True, label="jsonl:nan-id")
    if kind == "non-utf8":
        return _Line(
            b'{"text": "caf\xe9 ' + text.encode()[:200].replace(b'"', b"") + b'"}', True, label="jsonl:non-utf8"
        )
    if kind == "blank-text":
        return _Line(json.dumps({"id": "blank", "text": draw(_WHITESPACE)}).encode(), True, label="jsonl:blank-text")
    return _Line(b'{"text": "short", "text": ' + json.dumps(text).encode() + b"}", False, label="jsonl:duplicate-keys")


@st.composite
def jsonl_drafts(draw: st.DrawFn, salt: str = "zz") -> Draft:
    """A ``.jsonl`` file: good records mixed with hostile lines, blank lines, CRLF; or a file of nothing."""
    shape = draw(st.sampled_from(["mixed", "mixed", "mixed", "empty-urls", "empty", "blank"]))
    if shape == "empty":
        return Draft(".jsonl", b"", Expect.BAD, "jsonl:empty-file", barren=True)
    if shape == "blank":
        return Draft(".jsonl", (draw(_WHITESPACE) + "\n").encode(), Expect.BAD, "jsonl:whitespace-only", barren=True)
    if shape == "empty-urls":
        # Two different articles that both say "url": "" are two articles, not one.
        first, second = draw(good_articles(salt)), draw(good_articles(salt))
        assume(first.marker != second.marker)
        first, second = replace(first, id=f"u-{first.marker.lower()}"), replace(second, id=f"u-{second.marker.lower()}")
        lines = [_record_line(first, url=""), _record_line(second, url="")]
        return Draft(".jsonl", b"\n".join(lines) + b"\n", Expect.GOOD, "jsonl:empty-urls", (first, second))
    lines = draw(st.lists(st.one_of(_good_line(salt), _hostile_line(salt)), min_size=1, max_size=6))
    separator = draw(st.sampled_from([b"\n", b"\r\n", b"\n\n"]))
    data = separator.join(line.data for line in lines) + draw(st.sampled_from([b"", b"\n"]))
    goods = tuple(line.good for line in lines if line.good is not None)
    assume(len({g.marker for g in goods}) == len(goods))
    bad = [line for line in lines if line.bad]
    hostile = [line for line in lines if line.good is None]
    expect = Expect.BAD if bad else (Expect.GOOD if not hostile else Expect.ANY)
    label = hostile[0].label if hostile else "jsonl:good"
    return Draft(".jsonl", data, expect, label, goods)


# --------------------------------------------------------------------------- WARC and ARC

_DATE = "2025-06-03T10:00:00Z"


def _uuid(draw: st.DrawFn) -> str:
    return f"urn:uuid:{draw(st.uuids(version=4))}"


def _response(
    writer: WARCWriter,
    uri: str,
    record_id: str,
    body: bytes,
    content_type: str,
    extra: list[tuple[str, str]] | None = None,
) -> None:
    http = StatusAndHeaders("200 OK", [("Content-Type", content_type), *(extra or [])], protocol="HTTP/1.1")
    record = writer.create_warc_record(
        uri,
        "response",
        payload=io.BytesIO(body),
        http_headers=http,
        warc_headers_dict={"WARC-Record-ID": f"<{record_id}>", "WARC-Date": _DATE},
    )
    writer.write_record(record)


def _raw_record(headers: list[tuple[str, str]], block: bytes, length: int | None) -> bytes:
    """A WARC record written by hand, so that headers and lengths can be wrong."""
    lines = ["WARC/1.0", *(f"{k}: {v}" for k, v in headers)]
    if length is not None:
        lines.append(f"Content-Length: {length}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + block + b"\r\n\r\n"


def _http(body: bytes, content_type: str = "text/html; charset=utf-8") -> bytes:
    return b"HTTP/1.1 200 OK\r\nContent-Type: " + content_type.encode() + b"\r\n\r\n" + body


@st.composite
def warc_drafts(draw: st.DrawFn, salt: str = "zz") -> Draft:
    """A ``.warc``/``.warc.gz`` archive: good HTML responses plus hostile records or a broken tail."""
    compressed = draw(st.booleans())
    suffix = ".warc.gz" if compressed else ".warc"
    shape = draw(
        st.sampled_from(
            ["records", "records", "records", "meta-only", "one-byte", "empty-gz", "text", "random", "one-member"]
        )
    )
    if shape == "one-member":
        # A whole plain WARC gzipped as one member (what ``gzip crawl.warc`` makes).
        buffer = io.BytesIO()
        article = replace(draw(good_articles(salt, filler=True)), id=_uuid(draw))
        plain = WARCWriter(buffer, gzip=False)
        for _ in range(2):
            _response(plain, "https://news.example/one", _uuid(draw), article.html().encode(), "text/html")
        return Draft(".warc.gz", gzip.compress(buffer.getvalue()), Expect.ANY, "warc:one-gzip-member")
    if shape == "one-byte":
        return Draft(".warc", b"W", Expect.BAD, "warc:one-byte", barren=True)
    if shape == "empty-gz":
        return Draft(
            ".warc.gz", draw(st.sampled_from([b"", gzip.compress(b"")])), Expect.BAD, "warc:empty-gzip", barren=True
        )
    if shape == "text":
        return Draft(
            ".warc",
            draw(good_articles(salt, filler=True)).text().encode(),
            Expect.BAD,
            "warc:text-named-warc",
            barren=True,
        )
    if shape == "random":
        return Draft(
            suffix,
            draw(st.randoms(use_true_random=False)).randbytes(draw(st.integers(16, 2048))),
            Expect.BAD,
            "warc:random-bytes",
            barren=True,
        )
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=compressed)
    if shape == "meta-only":
        writer.write_record(writer.create_warcinfo_record("crawl.warc", {"software": "fuzz"}))
        for _ in range(draw(st.integers(0, 3))):
            request = writer.create_warc_record(
                "https://news.example/", "request", payload=io.BytesIO(b"GET / HTTP/1.1\r\nHost: news.example\r\n\r\n")
            )
            writer.write_record(request)
        # An archive with no HTML response holds no article: that must be said, not passed over.
        return Draft(suffix, buffer.getvalue(), Expect.BAD, "warc:no-html-records", barren=True)
    goods: list[GoodArticle] = []
    labels: list[str] = []
    for _ in range(draw(st.integers(1, 3))):
        article = draw(good_articles(salt))
        article = replace(article, id=_uuid(draw))
        encoding = draw(st.sampled_from(["plain", "plain", "gzip", "chunked"]))
        body = article.html().encode()
        if encoding == "gzip":
            _response(
                writer,
                f"https://news.example/{article.marker.lower()}",
                article.id,
                gzip.compress(body),
                "text/html",
                [("Content-Encoding", "gzip")],
            )
        elif encoding == "chunked":
            chunked = b"%x\r\n%s\r\n0\r\n\r\n" % (len(body), body)
            _response(
                writer,
                f"https://news.example/{article.marker.lower()}",
                article.id,
                chunked,
                "text/html",
                [("Transfer-Encoding", "chunked")],
            )
        else:
            _response(
                writer, f"https://news.example/{article.marker.lower()}", article.id, body, "text/html; charset=utf-8"
            )
        goods.append(article)
    assume(len({g.marker for g in goods}) == len(goods))
    for _ in range(draw(st.integers(0, 3))):
        kind = draw(st.sampled_from(["pdf", "no-uri", "no-http", "resource", "revisit", "cp1252", "xhtml"]))
        labels.append(f"warc:{kind}")
        html = draw(good_articles(salt, filler=True)).html().encode()
        if kind == "pdf":
            _response(writer, "https://news.example/a.pdf", _uuid(draw), b"%PDF-1.4\n" + bytes(100), "application/pdf")
        elif kind == "no-uri":
            buffer.write(
                _wrap(
                    _raw_record(
                        [
                            ("WARC-Type", "response"),
                            ("WARC-Record-ID", f"<{_uuid(draw)}>"),
                            ("WARC-Date", _DATE),
                            ("Content-Type", "application/http; msgtype=response"),
                        ],
                        _http(html),
                        len(_http(html)),
                    ),
                    compressed,
                )
            )
        elif kind == "no-http":
            buffer.write(
                _wrap(
                    _raw_record(
                        [
                            ("WARC-Type", "response"),
                            ("WARC-Target-URI", "https://news.example/raw"),
                            ("WARC-Record-ID", f"<{_uuid(draw)}>"),
                            ("WARC-Date", _DATE),
                        ],
                        html,
                        len(html),
                    ),
                    compressed,
                )
            )
        elif kind == "resource":
            writer.write_record(
                writer.create_warc_record(
                    "https://news.example/r", "resource", payload=io.BytesIO(html), warc_content_type="text/html"
                )
            )
        elif kind == "revisit":
            writer.write_record(
                writer.create_revisit_record(
                    "https://news.example/v",
                    digest="sha1:AAAA",
                    refers_to_uri="https://news.example/",
                    refers_to_date=_DATE,
                )
            )
        elif kind == "cp1252":
            _response(
                writer,
                "https://news.example/latin",
                _uuid(draw),
                html.replace(b"approve", b"approve caf\xe9"),
                "text/html; charset=windows-1252",
            )
        else:
            _response(writer, "https://news.example/x", _uuid(draw), html, "application/xhtml+xml")
    data = buffer.getvalue()
    tail = draw(st.sampled_from(["none", "none", "truncated", "long-length", "short-length", "no-length"]))
    if tail == "none":
        return Draft(
            suffix, data, Expect.ANY if labels else Expect.GOOD, labels[0] if labels else "warc:good", tuple(goods)
        )
    # The broken record comes last: the records before it are whole and must be kept.
    html = draw(good_articles(salt, filler=True)).html().encode()
    block = _http(html)
    headers = [
        ("WARC-Type", "response"),
        ("WARC-Target-URI", "https://news.example/tail"),
        ("WARC-Record-ID", f"<{_uuid(draw)}>"),
        ("WARC-Date", _DATE),
        ("Content-Type", "application/http; msgtype=response"),
    ]
    if tail == "truncated":
        whole = _wrap(_raw_record(headers, block, len(block)), compressed)
        broken = whole[: draw(st.integers(1, len(whole) - 9))]
    elif tail == "long-length":
        # Up to 4 bytes more take the record's closing CRLF CRLF into the page: nothing is lost and
        # warcio cannot tell, so that is accepted (docs/fuzz.md); from 5 on, the file ends early.
        broken = _wrap(_raw_record(headers, block, len(block) + draw(st.integers(5, 5000))), compressed)
    elif tail == "short-length":
        broken = _wrap(_raw_record(headers, block, draw(st.integers(0, len(block) - 1))), compressed)
    else:
        broken = _wrap(_raw_record(headers, block, None), compressed)
    return Draft(suffix, data + broken, Expect.BAD, f"warc:{tail}", tuple(goods))


def _wrap(record: bytes, compressed: bool) -> bytes:
    return gzip.compress(record) if compressed else record


def _arc_record(uri: str, body: bytes) -> bytes:
    http = _http(body)
    return f"{uri} 192.0.2.1 20250603100000 text/html {len(http)}\n".encode() + http + b"\n"


@st.composite
def arc_drafts(draw: st.DrawFn, salt: str = "zz") -> Draft:
    """An ARC (version 1) archive written by hand, plain or gzipped record by record: good HTML
    records, maybe a broken one last; or a whole ARC gzipped as one member (as ``gzip`` makes it)."""
    header_body = b"1 0 Storytrace\nURL IP-address Archive-date Content-type Archive-length\n"
    header = f"filedesc://crawl.arc 0.0.0.0 20250603100000 text/plain {len(header_body)}\n".encode()
    records = [header + header_body + b"\n"]
    goods: list[GoodArticle] = []
    for _ in range(draw(st.integers(1, 3))):
        article = draw(good_articles(salt))
        records.append(_arc_record(f"http://news.example/{article.marker.lower()}", article.html().encode()))
        goods.append(article)
    assume(len({g.marker for g in goods}) == len(goods))
    tail = draw(st.sampled_from(["none", "none", "truncated", "bad-header", "long-length", "one-member"]))
    compressed = draw(st.booleans())
    suffix = ".arc.gz" if compressed or tail == "one-member" else ".arc"
    if tail == "one-member":
        return Draft(suffix, gzip.compress(b"".join(records)), Expect.ANY, "arc:one-gzip-member")
    if tail != "none":
        record = _arc_record("http://news.example/tail", draw(good_articles(salt, filler=True)).html().encode())
        if tail == "truncated":
            record = record[: draw(st.integers(1, len(record) - 2))]
        elif tail == "bad-header":
            record = b"not an arc header line\n" + record
        else:
            record = record.replace(b" text/html ", b" text/html 9", 1)
        records.append(record)
    data = b"".join(gzip.compress(r) for r in records) if compressed else b"".join(records)
    return Draft(
        suffix,
        data,
        Expect.GOOD if tail == "none" else Expect.BAD,
        f"arc:{'good' if tail == 'none' else tail}",
        tuple(goods),
    )


# --------------------------------------------------------------------------- RSS and Atom


def _rss(items: list[str], prolog: str = '<?xml version="1.0" encoding="utf-8"?>') -> str:
    return (
        f'{prolog}\n<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>'
        "<title>Portmere Post</title><link>https://news.example/</link><language>en-gb</language>"
        + "".join(items)
        + "</channel></rss>\n"
    )


def _rss_item(article: GoodArticle, body: str | None = None) -> str:
    content = body if body is not None else "".join(f"<p>{p}</p>" for p in article.paragraphs)
    return (
        f"<item><title>{article.title}</title><link>https://news.example/{article.marker.lower()}</link>"
        f"<guid>{article.id}</guid><pubDate>Tue, 03 Jun 2025 10:00:00 GMT</pubDate>"
        f"<content:encoded><![CDATA[{content}]]></content:encoded></item>"
    )


def _atom(articles: list[GoodArticle]) -> str:
    entries = "".join(
        f"<entry><title>{a.title}</title><link href='https://news.example/{a.marker.lower()}'/><id>{a.id}</id>"
        "<updated>2025-06-03T10:00:00Z</updated><content type='html'>"
        + "".join(f"&lt;p&gt;{p}&lt;/p&gt;" for p in a.paragraphs)
        + "</content></entry>"
        for a in articles
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">'
        "<title>Valdrin Voice</title><id>urn:feed:valdrin</id>"
        f"<updated>2025-06-03T10:00:00Z</updated>{entries}</feed>\n"
    )


_ENTITY_BOMB = (
    '<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
    '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">'
    '<!ENTITY secret SYSTEM "file:///etc/passwd">]>'
)


@st.composite
def feed_drafts(draw: st.DrawFn, salt: str = "zz") -> Draft:
    """An RSS or Atom feed of good entries, with one hostile entry or a hostile prolog, or not a feed."""
    articles = [
        replace(a, id=f"f-{a.marker.lower()}") for a in draw(st.lists(good_articles(salt), min_size=1, max_size=3))
    ]
    assume(len({a.marker for a in articles}) == len(articles))
    suffix = draw(st.sampled_from([".rss", ".xml", ".atom"]))
    hostility = draw(
        st.sampled_from(
            [
                "none",
                "none",
                "charref-entry",
                "cdata-entry",
                "empty-entry",
                "entities",
                "encoding-lie",
                "truncated",
                "not-a-feed",
            ]
        )
    )
    if suffix == ".atom" and hostility == "none":
        return Draft(suffix, _atom(articles).encode(), Expect.GOOD, "feed:atom-good", tuple(articles))
    items = [_rss_item(a) for a in articles]
    if hostility == "none":
        return Draft(suffix, _rss(items).encode(), Expect.GOOD, "feed:rss-good", tuple(articles))
    if hostility == "charref-entry":
        ref = draw(st.sampled_from(_CHARREFS))
        hostile = (
            f"<item><title>Bad {ref} title</title><guid>bad-{ref}</guid>"
            f"<description>Text {ref} here and a few words more.</description></item>"
        )
        return Draft(suffix, _rss([*items, hostile]).encode(), Expect.ANY, "feed:charref", tuple(articles))
    if hostility == "cdata-entry":
        cdata = draw(
            st.sampled_from(["<![CDATA[<![CDATA[nested]]>]]>", "<![CDATA[unterminated", "]]>", "<![CDATA[]]>"])
        )
        hostile = f"<item><title>CDATA</title><guid>cdata</guid><description>{cdata}</description></item>"
        return Draft(suffix, _rss([*items, hostile]).encode(), Expect.ANY, "feed:cdata")
    if hostility == "empty-entry":
        hostile = "<item><title>Nothing</title><guid>empty</guid></item>" * draw(st.integers(1, 50))
        return Draft(suffix, _rss([*items, hostile]).encode(), Expect.BAD, "feed:empty-entries", tuple(articles))
    if hostility == "entities":
        hostile = (
            "<item><title>&d; &secret;</title><guid>entities</guid>"
            "<description>&d; &secret; and some words</description></item>"
        )
        return Draft(suffix, _rss([*items, hostile], _ENTITY_BOMB).encode(), Expect.ANY, "feed:entities")
    if hostility == "encoding-lie":
        declared = draw(st.sampled_from(["utf-16", "x-klingon", "shift_jis", "utf-8"]))
        body = (
            _rss(items, f'<?xml version="1.0" encoding="{declared}"?>')
            .replace("approve", "approve café")
            .encode("cp1252")
        )
        return Draft(suffix, body, Expect.ANY, "feed:encoding-lie")
    if hostility == "truncated":
        whole = _rss(items).encode()
        return Draft(suffix, whole[: draw(st.integers(1, len(whole) - 1))], Expect.ANY, "feed:truncated")
    other = draw(
        st.sampled_from(
            [
                '<?xml version="1.0"?><config><a>1</a></config>',
                "<svg xmlns='http://www.w3.org/2000/svg'/>",
                "plain words, not xml",
            ]
        )
    )
    return Draft(".xml", other.encode(), Expect.BAD, "feed:not-a-feed", barren=True)


# --------------------------------------------------------------------------- extensionless, gzip


@st.composite
def extensionless_drafts(draw: st.DrawFn, salt: str = "zz") -> Draft:
    """A file without extension, to be sniffed: text, HTML, a feed, a WARC, binary or empty."""
    kind = draw(st.sampled_from(["text", "html", "feed", "warc", "binary", "empty"]))
    article = draw(good_articles(salt))
    if kind == "text":
        return Draft("", article.text().encode(), Expect.GOOD, "sniff:text", (article,), single=True)
    if kind == "html":
        return Draft("", article.html().encode(), Expect.GOOD, "sniff:html", (article,), single=True)
    if kind == "feed":
        article = replace(article, id=f"f-{article.marker.lower()}")
        return Draft("", _rss([_rss_item(article)]).encode(), Expect.GOOD, "sniff:feed", (article,))
    if kind == "warc":
        buffer = io.BytesIO()
        article = replace(article, id=_uuid(draw))
        _response(
            WARCWriter(buffer, gzip=False),
            f"https://news.example/{article.marker.lower()}",
            article.id,
            article.html().encode(),
            "text/html",
        )
        return Draft("", buffer.getvalue(), Expect.GOOD, "sniff:warc", (article,))
    if kind == "binary":
        return Draft(
            "", b"\x7fELF\x02\x01\x01" + bytes(draw(st.integers(0, 300))), Expect.BAD, "sniff:binary", barren=True
        )
    return Draft("", b"", Expect.BAD, "sniff:empty", barren=True)


@lru_cache(maxsize=1)
def _bomb() -> bytes:
    """11 MB of spaces and words (just over the one-article limit) in about 11 kB of gzip."""
    return gzip.compress(b"word " * 2_200_000, compresslevel=9)


@st.composite
def gzip_drafts(draw: st.DrawFn, salt: str = "zz") -> Draft:
    """A gzipped variant of another format's draft: whole, multi-member, empty, truncated, padded or a bomb."""
    inner = draw(
        st.one_of(text_drafts(salt), html_drafts(salt), jsonl_drafts(salt), feed_drafts(salt)).filter(
            lambda d: d.expect is Expect.GOOD
        )
    )
    variant = draw(st.sampled_from(["whole", "members", "empty", "empty-member", "truncated", "garbage", "bomb"]))
    suffix = inner.suffix + ".gz"
    if variant == "whole":
        return replace(inner, suffix=suffix, data=gzip.compress(inner.data), label=f"gzip:{inner.label}")
    if variant == "members":
        cut = draw(st.integers(0, len(inner.data)))
        return replace(
            inner,
            suffix=suffix,
            data=gzip.compress(inner.data[:cut]) + gzip.compress(inner.data[cut:]),
            label="gzip:members",
        )
    if variant == "empty":
        return Draft(suffix, b"", Expect.BAD, "gzip:empty-file", barren=True)
    if variant == "empty-member":
        return Draft(suffix, gzip.compress(b""), Expect.BAD, "gzip:empty-member", barren=True)
    if variant == "truncated":
        whole = gzip.compress(inner.data)
        # Bytes of a member cut before its trailer: never a whole, checked file.
        cut = whole[: draw(st.integers(1, len(whole) - 1))]
        return Draft(suffix, cut, Expect.BAD, "gzip:truncated", barren=inner.suffix != ".jsonl")
    if variant == "garbage":
        junk = draw(st.binary(min_size=1, max_size=64).filter(lambda b: b.strip(b"\x00") != b""))
        return Draft(suffix, gzip.compress(inner.data) + junk, Expect.ANY, "gzip:trailing-garbage")
    suffix = draw(st.sampled_from([".txt.gz", ".html.gz", ".jsonl.gz"]))
    return Draft(suffix, _bomb(), Expect.BAD, "gzip:bomb", barren=True)


def _deflate_only() -> bytes:
    """Raw deflate bytes under a .gz name (no gzip header)."""
    return zlib.compress(b"The council met on Monday.")


@st.composite
def raw_deflate_drafts(draw: st.DrawFn, salt: str = "zz") -> Draft:
    """Zlib (not gzip) bytes under a ``.gz`` name."""
    return Draft(
        draw(st.sampled_from([".txt.gz", ".jsonl.gz", ".warc.gz"])),
        _deflate_only(),
        Expect.BAD,
        "gzip:zlib-not-gzip",
        barren=True,
    )


# --------------------------------------------------------------------------- names and entries

_ODD_STEMS = st.sampled_from(
    [
        b"-",
        b"--json",
        b"-rf",
        b" leading and trailing ",
        b"tab\tand\nnewline",
        b"caf\xc3\xa9 na\xc3\xafve",  # UTF-8, NFC
        b"cafe\xcc\x81",  # UTF-8, NFD
        b"colon:7#hash[1]",
        b"a" * 240,
        b"dots...",
        b"\xe2\x80\xae rtl override",
    ]
)
_NON_UTF8_STEMS = st.sampled_from([b"\xff\xfe", b"caf\xe9", b"\xed\xa0\x80surrogate", b"mixed-\xc3\xa9-\xe9"])


@st.composite
def odd_name_drafts(draw: st.DrawFn, salt: str = "zz") -> tuple[bytes, Draft]:
    """A good text or HTML article under an odd file name; a non-UTF-8 name only has to be accounted for."""
    draft = draw(st.one_of(text_drafts(salt), html_drafts(salt)).filter(lambda d: d.expect is Expect.GOOD))
    if draw(st.booleans()):
        # Whatever id an undecodable name gives, the article is stored (found by its marker).
        return draw(_NON_UTF8_STEMS), replace(
            draft,
            expect=Expect.ANY,
            single=False,
            goods=tuple(replace(g, id=None) for g in draft.goods),
            label="name:non-utf8",
        )
    # The id an odd name gives may be tidied (stripped, normalized): the article is found by its marker.
    return draw(_ODD_STEMS), replace(
        draft, single=False, goods=tuple(replace(g, id=None) for g in draft.goods), label="name:odd"
    )


def entry_drafts() -> st.SearchStrategy[Draft]:
    """Directory entries that are not regular files: each must be reported, none may hang the batch."""
    return st.sampled_from(
        [
            Draft(".txt", b"", Expect.BAD, "entry:fifo", barren=True, entry=Entry.FIFO),
            Draft(".jsonl", b"", Expect.BAD, "entry:socket", barren=True, entry=Entry.SOCKET),
            Draft(".txt", b"", Expect.BAD, "entry:symlink-loop", barren=True, entry=Entry.SYMLINK_LOOP),
            Draft(".html", b"", Expect.BAD, "entry:dangling-symlink", barren=True, entry=Entry.DANGLING),
            Draft("", b"", Expect.ANY, "entry:dir-symlink-loop", entry=Entry.DIR_LOOP),
        ]
    )


# --------------------------------------------------------------------------- batches

# Each format's draft strategy, given the salt that keeps its filler articles apart from other files'.
FORMATS: dict[str, Callable[[str], st.SearchStrategy[Draft]]] = {
    "text": text_drafts,
    "html": html_drafts,
    "jsonl": jsonl_drafts,
    "warc": warc_drafts,
    "arc": arc_drafts,
    "feed": feed_drafts,
    "sniff": extensionless_drafts,
    "gzip": lambda salt: st.one_of(gzip_drafts(salt), raw_deflate_drafts(salt)),
    "entry": lambda salt: entry_drafts(),
}


def _name(index: int, draft: Draft, odd_stem: bytes | None) -> tuple[bytes, str]:
    """A unique file name for the index-th draft, and the article id its stem gives."""
    stem = (
        odd_stem + b"%d" % index if odd_stem is not None else b"f%02d-%s" % (index, draft.label.split(":")[0].encode())
    )
    return stem + draft.suffix.encode(), stem.decode("utf-8", "surrogateescape")


@st.composite
def batches(
    draw: st.DrawFn, formats: tuple[str, ...] = tuple(FORMATS), odd_names: bool = False, max_files: int = 5
) -> tuple[Spec, ...]:
    """A folder's worth of drafts from ``formats`` (at least one good file among them), uniquely named."""
    count = draw(st.integers(1, max_files))
    drafts: list[tuple[bytes | None, Draft]] = [
        (None, draw(st.one_of(*(FORMATS[name](string.ascii_lowercase[i]) for name in formats)))) for i in range(count)
    ]
    drafts.append((None, draw(text_drafts(string.ascii_lowercase[count]).filter(lambda d: d.expect is Expect.GOOD))))
    for extra in range(draw(st.integers(1, 3)) if odd_names else 0):
        drafts.append(draw(odd_name_drafts(string.ascii_lowercase[count + 1 + extra])))
    specs: list[Spec] = []
    for index, (odd_stem, draft) in enumerate(drafts):
        name, stem = _name(index, draft, odd_stem)
        goods = tuple(replace(g, id=stem) for g in draft.goods) if draft.single else draft.goods
        specs.append(Spec(name, draft.data, draft.expect, draft.label, goods, draft.entry, stem, draft.barren))
    markers = [g.marker for spec in specs for g in spec.goods]
    assume(len(set(markers)) == len(markers))
    return tuple(specs)
