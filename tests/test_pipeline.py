"""The analyze API: batches, workers, and inputs that clean to nothing."""

from __future__ import annotations

from pathlib import Path

from storytrace import analyze
from storytrace.model import ProblemKind


def test_pages_of_pure_clutter_are_problems_not_duplicates(tmp_path: Path) -> None:
    report = analyze(
        [{"id": "a", "text": "Share this article"}, {"id": "b", "text": "Leave a Reply"}], db=tmp_path / "p.db"
    )
    assert report.articles == ()
    assert report.duplicates == {}
    assert [(p.kind, p.reason) for p in report.problems] == [
        (ProblemKind.ERROR, "no article text left after removing boilerplate")
    ] * 2


def test_parallel_and_serial_cleaning_agree(tmp_path: Path) -> None:
    records = [
        {
            "id": f"p{n}",
            "title": f"Report {n} on the harbour",
            "text": f"Share this article\n\nThe council met for session {n} and agreed that the harbour "
            f"would stay open through the winter, officials said on Monday.\n\nLeave a Reply",
        }
        for n in range(450)  # above the size at which a process pool is used
    ]
    serial = analyze(records, db=tmp_path / "s.db", workers=1)
    parallel = analyze(records, db=tmp_path / "p.db", workers=2)
    assert serial.articles == parallel.articles
    assert len(serial.articles) == 450
