"""Reading and cleaning a batch: files read by the workers or here, in windows, with one result."""

from __future__ import annotations

import shutil
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from storytrace import Settings
from storytrace import batch as batch_module
from storytrace.batch import read_batch
from storytrace.executor import LocalExecutor, Step
from storytrace.progress import SilentProgress

from .conftest import EXAMPLES


class _RecordingExecutor(LocalExecutor):
    """A local executor that remembers each map's step name and item count."""

    def __init__(self, workers: int) -> None:
        super().__init__(workers)
        self.calls: list[tuple[str, int]] = []

    def map(self, step: Step[Any, Any, Any], items: Sequence[Any], context: Any) -> Iterator[Any]:
        self.calls.append((step.name, len(items)))
        return super().map(step, items, context)


@pytest.fixture
def mixed_inputs(tmp_path: Path) -> list[str]:
    """The example corpus (every format) plus a broken file, a binary one and a missing path."""
    folder = tmp_path / "in"
    shutil.copytree(EXAMPLES, folder)
    (folder / "text" / "broken.jsonl").write_text('{"id": "x", "text": "no end\n', encoding="utf-8")
    (folder / "text" / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    return [str(folder), str(tmp_path / "missing.html")]


def test_files_read_on_the_workers_equal_files_read_here(mixed_inputs: list[str]) -> None:
    on_workers = _RecordingExecutor(2)
    here = _RecordingExecutor(2)
    settings = Settings()
    workers_result = read_batch(mixed_inputs, settings, SilentProgress(), on_workers)
    files = len([path for path in Path(mixed_inputs[0]).rglob("*") if path.is_file()])
    assert files >= batch_module.FILES_PER_WORKER * 2  # so the workers read them
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(batch_module, "FILES_PER_WORKER", 1_000)  # too few files per worker: read here
        here_result = read_batch(mixed_inputs, settings, SilentProgress(), here)
    assert [name for name, _ in on_workers.calls] == ["reading and cleaning"]
    assert on_workers.calls[0][1] == files
    assert [name for name, _ in here.calls] == ["cleaning"]
    assert workers_result == here_result  # articles and problems, in the same order
    articles, problems = workers_result
    assert len(articles) > 10
    reasons = {Path(problem.source).name: problem.reason for problem in problems}
    assert reasons["broken.jsonl:1"].startswith("invalid JSON") and reasons["image.txt"] == "binary content, not text"
    assert reasons["missing.html"] == "no such file or directory"


def test_documents_read_here_are_cleaned_a_window_at_a_time(mixed_inputs: list[str]) -> None:
    whole = read_batch(mixed_inputs, Settings(), SilentProgress(), _RecordingExecutor(1_000))
    windowed = _RecordingExecutor(1_000)  # more workers than files: the documents are read here
    # A window as small as a page: every document is cleaned alone, never the whole batch at once.
    result = read_batch(mixed_inputs, Settings(read_window_chars=1), SilentProgress(), windowed)
    assert result == whole
    assert {name for name, _ in windowed.calls} == {"cleaning"}
    assert {count for _, count in windowed.calls} == {1}
    assert len(windowed.calls) >= len(whole[0])  # each article's document alone


def test_records_and_files_keep_their_order_whichever_way_files_are_read(tmp_path: Path) -> None:
    for n in range(9):
        (tmp_path / f"f{n}.txt").write_text(f"The harbour council met for session {n} and agreed that the "
                                            "harbour would stay open through the winter, officials said.",
                                            encoding="utf-8")  # fmt: skip
    record = {"id": "r", "text": "The river authority said on Monday that the bridge would reopen in the spring."}
    articles, problems = read_batch([str(tmp_path), record], Settings(), SilentProgress(), LocalExecutor(2))
    assert [article.id for article in articles] == ["r", *(f"f{n}" for n in range(9))]
    assert problems == []
