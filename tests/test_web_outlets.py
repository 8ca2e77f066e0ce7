"""The outlets page's picture of who copies whom (storytrace.web.flows) and the data under it."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi.testclient import TestClient

from storytrace import analyze
from storytrace.web.app import create_app
from storytrace.web.flows import OTHERS, outlet_flows_svg
from tests.conftest import EXAMPLES


def _cells(svg: str) -> dict[str, int]:
    """Each cell's tooltip ("copier: N copies of source") with its count."""
    return {m.group(0): int(m.group(1)) for m in re.finditer(r"[^<>]*: (\d+) cop(?:y|ies) of [^<]*", svg)}


def test_each_pair_of_outlets_is_one_cell_and_the_rest_are_summed() -> None:
    flows = {("b.example", "a.example"): 3, ("c.example", "a.example"): 1, ("d.example", "e.example"): 1}
    svg = str(outlet_flows_svg(flows, most=3))
    cells = _cells(svg)
    assert cells["b.example: 3 copies of a.example"] == 3 and cells["c.example: 1 copy of a.example"] == 1
    # Two outlets beyond the three most involved: their copy is counted in the "other outlets" cell.
    assert sum(cells.values()) == sum(flows.values())
    assert any(OTHERS in cell for cell in cells)
    assert outlet_flows_svg({}) == ""


def test_outlet_names_are_escaped() -> None:
    svg = str(outlet_flows_svg({("<script>alert(1)</script>", "x&y"): 2}))
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "x&amp;y" in svg


def test_the_outlets_page_draws_every_stored_copy_between_outlets(tmp_path: Path) -> None:
    db = str(tmp_path / "o.db")
    report = analyze([str(EXAMPLES)], db=db, embedder=None, compare=False)
    with TestClient(create_app(db)) as client:
        page = client.get("/outlets")
        rows = client.get("/api/outlets").json()
    assert page.status_code == 200 and "Who copies whom" in page.text
    assert sum(_cells(page.text).values()) == len(report.copies) == sum(row["copies"] for row in rows) > 0
