"""The same generated batches through the command line, the web API (``POST /api/articles``)
and a PostgreSQL store."""

from __future__ import annotations

import resource
import tempfile
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from storytrace.web import create_app
from tests.conftest import PG_URL, REQUIRE_PG, _postgres_database
from tests.fuzz.conftest import SLOW_DATA, examples
from tests.fuzz.generators import Draft, Entry, Spec, batches, jsonl_drafts
from tests.fuzz.harness import (
    contains,
    rerun_violations,
    run_api,
    run_cli,
    run_web,
    stored_articles,
    violations,
    write_batch,
)

# The CLI's peak memory over all its runs here (a batch of a few small files).
MAX_CLI_RSS_KB = 2_000_000
# Formats an upload can carry (no FIFOs or symlinks over HTTP).
_UPLOAD_FORMATS = ("text", "html", "jsonl", "warc", "arc", "feed", "sniff", "gzip")
# Client file names: a path in front, odd characters after the generated stem (kept as the key).
_UPLOAD_PATHS = st.sampled_from(["", "../../", "a/b/", "C:\\dir\\", "/etc/"])
_UPLOAD_INFIXES = st.sampled_from(["", "-", 'quo"te;=', "é ", "tab\t", "n" * 300, "nul\x00", "\u202e", "\r\n"])


@settings(max_examples=examples(4))
@given(specs=batches(odd_names=True, max_files=4))
def test_cli(specs: tuple[Spec, ...]) -> None:
    """``storytrace analyze`` twice: exit code 0/1 as the report says, no traceback, every property."""
    with tempfile.TemporaryDirectory(prefix="storytrace-fuzz-") as folder:
        inputs = Path(folder, "in")
        inputs.mkdir()
        entries = write_batch(inputs, specs)
        db = str(Path(folder, "fuzz.db"))
        first = run_cli([str(inputs)], db)
        before = stored_articles(db) if not first.failures else []
        found = violations(entries, first, before)
        if not found:
            second = run_cli([str(inputs)], db)
            found = rerun_violations(first, second, before, stored_articles(db))
        assert not found, "\n".join(str(v) for v in found)
    assert resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss < MAX_CLI_RSS_KB


@settings(max_examples=examples(8))
@given(specs=batches(_UPLOAD_FORMATS, max_files=4), data=st.data())
def test_web_upload(specs: tuple[Spec, ...], data: st.DataObject) -> None:
    """Multipart uploads under odd client file names: never a server error, every property."""
    files: list[tuple[str, bytes]] = []
    entries: dict[str, Spec] = {}
    for spec in specs:
        suffix = spec.name.decode()[len(spec.stem) :]
        name = data.draw(_UPLOAD_PATHS) + spec.stem + data.draw(_UPLOAD_INFIXES) + suffix
        files.append((name, spec.data))
        # The server names the file itself; a good one-article file's id comes from that name.
        entries[spec.stem] = replace(spec, goods=tuple(replace(g, id=None) for g in spec.goods))
    with tempfile.TemporaryDirectory(prefix="storytrace-fuzz-") as folder:
        db = str(Path(folder, "web.db"))
        with TestClient(create_app(db)) as client:
            status, document, outcome = run_web(client, files=files)
            articles = stored_articles(db)
            found = violations(entries, outcome, articles, match=contains)
            assert not found, "\n".join([*(str(v) for v in found), f"answer: {document}"])
            # Every batch holds a good file: something is stored, so the answer is 200.
            assert status == 200, (status, document)
            assert set(outcome.articles) <= {a.id for a in articles}
            second_status, _, second = run_web(client, files=files)
            found = rerun_violations(outcome, second, articles, stored_articles(db))
            assert second_status == 200 and not found, "\n".join(str(v) for v in found)


@settings(max_examples=examples(6))
@given(drafts=st.lists(jsonl_drafts(), min_size=1, max_size=3))
def test_web_jsonl_body(drafts: list[Draft]) -> None:
    """A raw JSONL body: good records stored, bad lines named, never a server error."""
    body = b"\n".join(draft.data for draft in drafts)
    goods = [g for draft in drafts for g in draft.goods]
    with tempfile.TemporaryDirectory(prefix="storytrace-fuzz-") as folder:
        db = str(Path(folder, "web.db"))
        with TestClient(create_app(db)) as client:
            status, document, outcome = run_web(client, body=body)
        assert not outcome.failures, "\n".join(str(v) for v in outcome.failures)
        if not body.strip():
            assert status == 400 and "empty body" in document["error"]
            return
        assert (status == 200) if goods else (status in (200, 400)), (status, document)
        assert status == 200 or document["problems"], document
        stored = stored_articles(db)
        for good in goods:
            assert any(a.id == good.id and good.marker in a.text for a in stored), good.marker


@contextmanager
def _database(backend: str, folder: str):  # noqa: ANN202 - a context manager yielding a URL
    if backend == "sqlite":
        yield str(Path(folder, "fuzz.db"))
    else:
        yield from _postgres_database()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def backend(request: pytest.FixtureRequest) -> str:
    """The store the batch goes to; PostgreSQL needs ``STORYTRACE_TEST_PG_URL``."""
    if request.param == "postgresql" and not PG_URL:
        if REQUIRE_PG:
            pytest.fail("STORYTRACE_REQUIRE_PG=1 but STORYTRACE_TEST_PG_URL is not set")
        pytest.skip("PostgreSQL tests need STORYTRACE_TEST_PG_URL")
    return request.param


@settings(max_examples=examples(6), suppress_health_check=[*SLOW_DATA, HealthCheck.function_scoped_fixture])
@given(specs=batches(("jsonl", "text", "feed"), max_files=4))
def test_store_backends(backend: str, specs: tuple[Spec, ...]) -> None:
    """Hostile field values (long ids and outlets, NUL characters, surrogates) in either store."""
    assert all(spec.entry is Entry.FILE for spec in specs)
    with tempfile.TemporaryDirectory(prefix="storytrace-fuzz-") as folder, _database(backend, folder) as db:
        inputs = Path(folder, "in")
        inputs.mkdir()
        entries = write_batch(inputs, specs)
        first = run_api([str(inputs)], db, inputs)
        before = stored_articles(db) if not first.failures else []
        found = violations(entries, first, before)
        if not found:
            second = run_api([str(inputs)], db, inputs)
            found = rerun_violations(first, second, before, stored_articles(db))
        assert not found, "\n".join(str(v) for v in found)
