"""Every input format, hostile and good files mixed, through ``storytrace.analyze`` twice."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.fuzz.conftest import examples
from tests.fuzz.generators import FORMATS, Spec, batches
from tests.fuzz.harness import rerun_violations, run_api, stored_articles, violations, write_batch


def check_batch(specs: tuple[Spec, ...], explicit: bool = False) -> None:
    """Write the batch, analyze it twice (the folder, or each file by name) and assert every property."""
    with tempfile.TemporaryDirectory(prefix="storytrace-fuzz-") as folder:
        inputs = Path(folder, "in")
        inputs.mkdir()
        entries = write_batch(inputs, specs)
        db = str(Path(folder, "fuzz.db"))
        paths = list(entries) if explicit else [str(inputs)]
        first = run_api(paths, db, inputs)
        before = stored_articles(db) if not first.failures else []
        found = violations(entries, first, before)
        if not found:
            second = run_api(paths, db, inputs)
            found = rerun_violations(first, second, before, stored_articles(db))
        assert not found, "\n".join(str(v) for v in found)


@pytest.mark.parametrize("name", sorted(FORMATS))
@settings(max_examples=examples(25))
@given(data=st.data())
def test_format(name: str, data: st.DataObject) -> None:
    check_batch(data.draw(batches((name,)), label="batch"))


@settings(max_examples=examples(25))
@given(specs=batches(odd_names=True))
def test_mixed_formats_and_odd_names(specs: tuple[Spec, ...]) -> None:
    check_batch(specs)


@settings(max_examples=examples(5))
@given(specs=batches(("text", "html", "jsonl", "sniff", "entry"), odd_names=True, max_files=3))
def test_files_named_one_by_one(specs: tuple[Spec, ...]) -> None:
    check_batch(specs, explicit=True)
