"""Inputs named by file system URLs: which inputs are URLs, what the local engine does with them,
and a file fetched by an engine read exactly as the same local file."""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import replace
from pathlib import Path

import pytest

from storytrace import Settings
from storytrace.batch import read_batch
from storytrace.executor import FetchedFile, LocalExecutor
from storytrace.ingest import read_file
from storytrace.ingest.urls import is_url, local_path, read_fetched
from storytrace.model import Problem
from storytrace.progress import SilentProgress

from .conftest import EXAMPLES


@pytest.mark.parametrize(
    ("item", "url"),
    [
        ("hdfs://namenode:8020/crawl/", True),
        ("s3a://bucket/news/*.warc.gz", True),
        ("file:///data/news.jsonl", True),
        ("crawl/a.warc.gz", False),
        ("/data/news.jsonl", False),
        ("C:\\news\\a.html", False),
        ("notes:today.txt", False),
        ("-", False),
    ],
)
def test_urls_are_told_from_paths(item: str, url: bool) -> None:
    assert is_url(item) is url


def test_only_a_local_file_url_names_a_local_path() -> None:
    assert local_path("file:///data/a b/news.jsonl") == Path("/data/a b/news.jsonl")  # as Hadoop reads it
    assert local_path("file://localhost/data/news.jsonl") == Path("/data/news.jsonl")
    assert local_path("file://otherhost/data/news.jsonl") is None
    assert local_path("hdfs://namenode/data/news.jsonl") is None


@pytest.mark.parametrize(
    "name", ["jsonl/agency-feed.jsonl", "warc/crawl.warc.gz", "text/newsfarm-bridge.txt", "feeds/harbour-times.rss"]
)
def test_a_fetched_file_reads_as_the_local_file_with_its_url_as_source(name: str) -> None:
    path = EXAMPLES / name
    url = f"hdfs://namenode/corpus/{name}"
    local = list(read_file(path, Settings()))
    fetched = read_fetched(FetchedFile(url, path.read_bytes()), Settings())
    assert len(fetched) == len(local) > 0
    for mine, theirs in zip(fetched, local, strict=True):
        assert mine.source.startswith(url)
        # The same record (the id from the file name included) once the source is mapped back.
        assert replace(mine, source=str(path) + mine.source[len(url) :]) == theirs


def test_a_broken_fetched_file_is_a_problem_naming_its_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # where the fetched bytes are written
    url = "s3a://bucket/in/broken.jsonl"
    (found,) = read_fetched(FetchedFile(url, b'{"id": "x", "text": "no end\n'), Settings())
    assert isinstance(found, Problem) and found.source == f"{url}:1" and found.reason.startswith("invalid JSON")
    (empty,) = read_fetched(FetchedFile("s3a://bucket/in/empty.txt", b""), Settings())
    assert isinstance(empty, Problem) and empty.source == "s3a://bucket/in/empty.txt" and "empty" in empty.reason
    assert not list(tmp_path.iterdir())  # the fetched bytes' copies are gone


def test_the_local_engine_reads_file_urls_and_names_the_engine_for_others(tmp_path: Path) -> None:
    folder = tmp_path / "in corpus"
    shutil.copytree(EXAMPLES, folder)
    by_path = read_batch([str(folder)], Settings(), SilentProgress(), LocalExecutor(1))
    remote = "hdfs://namenode/crawl/"
    articles, problems = read_batch([remote, f"file://{folder}"], Settings(), SilentProgress(), LocalExecutor(1))
    assert (articles, problems[1:]) == by_path
    assert problems[0].source == remote and "--engine spark" in problems[0].reason
