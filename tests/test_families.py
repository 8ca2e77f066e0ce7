"""Copy families: components of the copy relations, their original and every derivative."""

from __future__ import annotations

import json
import random
from pathlib import Path

from storytrace import analyze
from storytrace.model import Copy, CopyFamily
from storytrace.provenance.direction import UNDECIDED
from storytrace.provenance.families import copy_families, family_id


def _copy(original: str, copy: str, kind: str = "verbatim", score: float = 0.9, direction: str = "") -> Copy:
    return Copy(original=original, copy=copy, kind=kind, score=score, direction=direction or "publication date")


def _shape(family: CopyFamily) -> list[tuple[str, int, tuple[tuple[str, str], ...]]]:
    return [(m.id, m.depth, m.sources) for m in family.members]


def test_no_copies_no_families() -> None:
    assert copy_families([]) == []
    assert copy_families([_copy("self", "self")]) == []  # never detected; no family of one


def test_a_wire_story_and_its_copies_form_one_tree() -> None:
    copies = [
        _copy("wire", "site-a", "verbatim"),
        _copy("wire", "site-b", "edited"),
        _copy("site-a", "site-c", "spun"),
        _copy("other", "other-copy", "excerpt"),
    ]
    big, small = copy_families(copies)
    assert (big.original, big.candidates, big.decided) == ("wire", ("wire",), True)
    assert _shape(big) == [
        ("wire", 0, ()),
        ("site-a", 1, (("wire", "verbatim"),)),
        ("site-b", 1, (("wire", "edited"),)),
        ("site-c", 2, (("site-a", "spun"),)),
    ]
    assert big.id == family_id(["site-c", "wire", "site-b", "site-a"]) and big.id.startswith("cf-")
    assert small.original == "other" and [m.id for m in small.members] == ["other", "other-copy"]
    assert big.id != small.id


def test_a_chain_counts_its_steps() -> None:
    (family,) = copy_families([_copy(str(n), str(n + 1)) for n in range(6)])
    assert family.original == "0"
    assert [(m.id, m.depth) for m in family.members] == [(str(n), n) for n in range(7)]


def test_a_long_chain_does_not_recurse() -> None:
    chain = [_copy(f"a{n:05d}", f"a{n + 1:05d}") for n in range(5000)]
    (family,) = copy_families(chain)
    assert family.original == "a00000" and family.members[-1].depth == 5000


def test_a_stitched_article_lists_its_sources_best_first() -> None:
    copies = [
        _copy("wire", "first", "verbatim", 0.95),
        _copy("wire", "second", "edited", 0.8),
        _copy("first", "stitched", "excerpt", 0.4),
        _copy("second", "stitched", "edited", 0.6),
    ]
    (family,) = copy_families(copies)
    stitched = family.members[-1]
    assert stitched.id == "stitched" and stitched.depth == 2
    assert stitched.sources == (("second", "edited"), ("first", "excerpt"))


def test_two_roots_leave_the_original_undecided() -> None:
    # One article copied from two independent texts joins their families into one with two roots.
    copies = [_copy("left", "merged", "edited"), _copy("right", "merged", "edited")]
    (family,) = copy_families(copies)
    assert family.original is None and not family.decided
    assert family.candidates == ("left", "right")
    assert [(m.id, m.depth) for m in family.members] == [("left", 0), ("right", 0), ("merged", 1)]


def test_a_cycle_leaves_the_original_undecided_and_lists_it() -> None:
    (family,) = copy_families([_copy("a", "b"), _copy("b", "a"), _copy("b", "c")])
    assert family.original is None and family.candidates == ("a", "b")
    assert [(m.id, m.depth) for m in family.members] == [("a", 0), ("b", 0), ("c", 1)]


def test_a_source_above_a_cycle_is_the_original() -> None:
    (family,) = copy_families([_copy("w", "a"), _copy("a", "b"), _copy("b", "a")])
    assert family.original == "w" and [(m.id, m.depth) for m in family.members] == [("w", 0), ("a", 1), ("b", 2)]


def test_an_undecided_relation_counts_both_ways() -> None:
    # Alone, an undecided pair has two candidate roots, whichever order it is stored in.
    for pair in (("x", "y"), ("y", "x")):
        (family,) = copy_families([_copy(*pair, "verbatim", direction=UNDECIDED)])
        assert family.original is None and family.candidates == ("x", "y")
        assert [(m.id, m.depth, m.sources) for m in family.members] == [("x", 0, ()), ("y", 0, ())]
        assert [m.undecided for m in family.members] == [(("y", "verbatim"),), (("x", "verbatim"),)]


def test_an_undecided_relation_below_the_original_keeps_it() -> None:
    copies = [
        _copy("wire", "a", "verbatim"),
        _copy("wire", "b", "verbatim"),
        _copy("b", "a", "verbatim", direction=UNDECIDED),  # a and b: who copied whom is unknown
        _copy("a", "c", "spun"),
    ]
    (family,) = copy_families(copies)
    assert family.original == "wire"
    assert _shape(family) == [
        ("wire", 0, ()),
        ("a", 1, (("wire", "verbatim"),)),
        ("b", 1, (("wire", "verbatim"),)),
        ("c", 2, (("a", "spun"),)),
    ]
    assert family.members[1].undecided == (("b", "verbatim"),)


def test_an_undecided_relation_at_the_top_makes_both_ends_candidates() -> None:
    copies = [_copy("x", "y", "verbatim", direction=UNDECIDED), _copy("y", "z", "edited")]
    (family,) = copy_families(copies)
    assert family.original is None and family.candidates == ("x", "y")
    assert _shape(family) == [("x", 0, ()), ("y", 0, ()), ("z", 1, (("y", "edited"),))]


def test_order_and_ids_do_not_depend_on_the_input_order() -> None:
    copies = [_copy("wire", f"site-{n}", ("verbatim", "edited", "spun")[n % 3], 0.5 + n / 100) for n in range(12)] + [
        _copy("site-3", "deep", "excerpt"),
        _copy("p", "q"),
        _copy("r", "s"),
        _copy("b", "a"),
    ]
    expected = copy_families(copies)
    shuffled = list(copies)
    for seed in range(5):
        random.Random(seed).shuffle(shuffled)
        assert copy_families(shuffled) == expected
    # Largest first, then by first member: b → a before p → q before r → s.
    assert [f.members[0].id for f in expected] == ["wire", "b", "p", "r"]


def test_records_are_json() -> None:
    (family,) = copy_families([_copy("o", "c", "spun", direction=UNDECIDED), _copy("o", "d", "edited")])
    record = json.loads(json.dumps(family.to_record()))
    assert record["id"] == family.id and record["original"] is None and record["candidates"] == ["c", "o"]
    assert record["members"][-1] == {"id": "d", "depth": 1, "sources": [{"id": "o", "kind": "edited"}], "undecided": []}


def test_seeds_spun_copy_is_one_family(seeds: Path, tmp_path: Path) -> None:
    report = analyze(seeds, db=tmp_path / "f.db", workers=1, embedder="none", compare=False)
    (relation,) = [r for r in report.copies if r.original.startswith("000_")]
    assert relation.copy.startswith("001_")
    (family,) = [f for f in copy_families(report.copies) if relation.copy in {m.id for m in f.members}]
    assert family.original == relation.original
    assert [(m.id, m.depth, m.sources) for m in family.members] == [
        (relation.original, 0, ()),
        (relation.copy, 1, ((relation.original, relation.kind),)),
    ]
