"""Reading and cleaning a batch: files read by the workers or here, in windows, with one result."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from storytrace import Settings
from storytrace import batch as batch_module
from storytrace.batch import read_batch
from storytrace.executor import LocalExecutor, Step
from storytrace.ingest import read_file
from storytrace.progress import SilentProgress

from .conftest import EXAMPLES


@pytest.fixture
def mixed_inputs(tmp_path: Path) -> list[str]:
    """The example corpus (every format) plus a broken file, a binary one and a missing path."""
    folder = tmp_path / "in"
    shutil.copytree(EXAMPLES, folder)
    (folder / "text" / "broken.jsonl").write_text('{"id": "x", "text": "no end\n', encoding="utf-8")
    (folder / "text" / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    return [str(folder), str(tmp_path / "missing.html")]


def test_files_read_on_the_workers_equal_files_read_here(mixed_inputs: list[str]) -> None:
    on_workers = LocalExecutor(2)
    here = LocalExecutor(2)
    settings = Settings()
    workers_result = read_batch(mixed_inputs, settings, SilentProgress(), on_workers)
    files = len([path for path in Path(mixed_inputs[0]).rglob("*") if path.is_file()])
    assert files >= batch_module.FILES_PER_WORKER * 2  # so the workers read them
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(batch_module, "FILES_PER_WORKER", 1_000)  # too few files per worker: read here
        here_result = read_batch(mixed_inputs, settings, SilentProgress(), here)
    assert [(step.name, step.items, step.processes) for step in on_workers.statistics()] == [
        ("reading and cleaning", files, 2)
    ]
    assert [step.name for step in here.statistics()] == ["cleaning"]
    assert workers_result == here_result  # articles and problems, in the same order
    articles, problems = workers_result
    assert len(articles) > 10
    reasons = {Path(problem.source).name: problem.reason for problem in problems}
    assert reasons["broken.jsonl:1"].startswith("invalid JSON") and reasons["image.txt"] == "binary content, not text"
    assert reasons["missing.html"] == "no such file or directory"


class _Counting(SilentProgress):
    """A progress sink that notes, at each cleaned document, how many documents were read by then."""

    def __init__(self, read: list[int]) -> None:
        self.read = read
        self.ahead: list[int] = []

    def advance(self, count: int = 1) -> None:
        self.ahead.append(self.read[0] - len(self.ahead) - 1)


def test_a_large_file_read_here_is_read_only_a_few_windows_ahead_of_its_cleaning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = [json.dumps({"id": f"r{n}", "text": f"The council met for session {n} and agreed that the harbour would "
                         "stay open through the winter, officials said on Monday."}) for n in range(200)]  # fmt: skip
    (tmp_path / "big.jsonl").write_text("\n".join(lines), encoding="utf-8")
    read = [0]

    def counted(path: Path, settings: Settings) -> Iterator[object]:
        for found in read_file(path, settings):
            read[0] += 1
            yield found

    window = 10
    monkeypatch.setattr(batch_module, "read_file", counted)
    monkeypatch.setattr(batch_module, "CLEANING", Step("cleaning", batch_module._prepare, 1, 2, window=window))
    sink = _Counting(read)
    articles, problems = read_batch([str(tmp_path / "big.jsonl")], Settings(), sink, LocalExecutor(2))
    assert [article.id for article in articles] == [f"r{n}" for n in range(200)] and problems == []
    # Two windows in the pool and the one being read: never the whole file before its cleaning.
    assert len(sink.ahead) == 200 and max(sink.ahead) <= 3 * window


def test_records_and_files_keep_their_order_whichever_way_files_are_read(tmp_path: Path) -> None:
    for n in range(9):
        (tmp_path / f"f{n}.txt").write_text(f"The harbour council met for session {n} and agreed that the "
                                            "harbour would stay open through the winter, officials said.",
                                            encoding="utf-8")  # fmt: skip
    record = {"id": "r", "text": "The river authority said on Monday that the bridge would reopen in the spring."}
    articles, problems = read_batch([str(tmp_path), record], Settings(), SilentProgress(), LocalExecutor(2))
    assert [article.id for article in articles] == ["r", *(f"f{n}" for n in range(9))]
    assert problems == []


def test_a_large_jsonl_file_read_in_parts_by_the_workers_equals_reading_it_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = []
    for n in range(80):
        if n % 17 == 5:
            lines.append('{"id": "broken", "text": ')
        elif n % 13 == 3:
            lines.append("   ")
        else:
            text = f"The council met for session {n} and agreed that the harbour would stay open, officials said."
            lines.append(json.dumps({"id": f"r{n}", "extra": n, "text": text}))
    (tmp_path / "big.jsonl").write_text("\n".join(lines), encoding="utf-8")
    (tmp_path / "blank.jsonl").write_text("\n" * 700, encoding="utf-8")
    inputs = [str(tmp_path / "big.jsonl"), str(tmp_path / "blank.jsonl")]
    whole = read_batch(inputs, Settings(), SilentProgress(), LocalExecutor(2))  # two files: read here
    monkeypatch.setattr(batch_module, "PART_BYTES", 600)
    monkeypatch.setattr(batch_module, "MIN_PART_BYTES", 600)
    on_workers = LocalExecutor(2)
    in_parts = read_batch(inputs, Settings(), SilentProgress(), on_workers)
    (reading,) = on_workers.statistics()
    assert reading.name == "reading and cleaning" and reading.items > 10 and reading.processes == 2
    assert in_parts == whole
    articles, problems = in_parts
    assert len(articles) == 80 - 5 - 6  # broken and blank lines are no articles
    reasons = [(Path(problem.source).name, problem.reason) for problem in problems]
    broken = [name for name, reason in reasons if reason.startswith("invalid JSON")]
    assert broken == [f"big.jsonl:{n + 1}" for n in range(80) if n % 17 == 5]  # numbered across the parts
    assert ("big.jsonl", "ignored unknown fields: extra") in reasons  # once, after the file's last part
    assert ("blank.jsonl", "no records (only blank lines)") in reasons


def test_a_jsonl_file_is_cut_into_enough_parts_for_every_worker(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Parts of at most PART_BYTES alone would leave this file whole; it is cut to give each of
    # the 2 workers FILES_PER_WORKER parts, no part under MIN_PART_BYTES.
    text = "The council met for session {} and agreed that the harbour would stay open, officials said."
    lines = [json.dumps({"id": f"r{n}", "text": text.format(n)}) for n in range(120)]
    path = tmp_path / "news.jsonl"
    path.write_text("\n".join(lines), encoding="utf-8")
    size = path.stat().st_size
    whole = read_batch([str(path)], Settings(), SilentProgress(), LocalExecutor(2))
    monkeypatch.setattr(batch_module, "PART_BYTES", size)  # "large" is the whole file
    monkeypatch.setattr(batch_module, "MIN_PART_BYTES", size // 20)
    on_workers = LocalExecutor(2)
    assert read_batch([str(path)], Settings(), SilentProgress(), on_workers) == whole
    (reading,) = on_workers.statistics()
    assert reading.name == "reading and cleaning" and reading.processes == 2
    assert batch_module.FILES_PER_WORKER * 2 <= reading.items <= batch_module.FILES_PER_WORKER * 2 + 1
    monkeypatch.setattr(batch_module, "MIN_PART_BYTES", size)  # parts may not be smaller: read whole, here
    here = LocalExecutor(2)
    assert read_batch([str(path)], Settings(), SilentProgress(), here) == whole
    assert [step.name for step in here.statistics()] == ["cleaning"]
