"""Scoring of predicted copies on the two real labelled sets in ``../shared/data``.

Shared by ``benchmarks/copies_real.py`` and ``tests/test_quality_copies_real.py``. The pages-dev
scoring follows ``../shared/data/pages-dev/README.md`` ("Scoring as the acceptance checks do") and
gives the same copy figures as ``../shared/tools/score-pages-dev`` on a report (the benchmark checks
that in every run):

* copies by family: a labelled pair is found when both pages fall in one connected component of
  the predicted copy graph (undirected); recall per kind;
* direction: for a found pair, a directed path original -> ... -> copy in the predicted graph,
  counted separately for high- and medium-confidence pairs;
* false copies: a predicted copy between pages of different stories or events (each distractor
  event its own event, each single distractor its own), unless it is a labelled pair or joins two
  members of one ``copy_families`` family.

MEANTIME: each translation found (same component as its English original), the English original
reached (a directed path English -> translation), and false copies (a predicted copy between
documents of different ``doc_key``), per language.

``score_pages_dev_parts`` splits the pages-dev figures by story (the folds of the benchmark's
``--cross-validate``), with the pairs and false copies among distractors alone apart.

A predicted copy is anything with ``original`` and ``copy`` (a ``storytrace.model.Copy`` or a
report's copy record); the lists of missed pairs and false copies name the ids, for study.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
PAGES_DEV = SHARED / "data" / "pages-dev"
MEANTIME = SHARED / "data" / "meantime"
KINDS = ("verbatim", "edited", "spun", "translated", "excerpt")
CONFIDENCES = ("high", "medium")


def _edge(copy: Any) -> tuple[str, str, str, float]:
    """(original, copy, kind, score) of a Copy or of a report's copy record."""
    if isinstance(copy, Mapping):
        return str(copy["original"]), str(copy["copy"]), str(copy.get("kind", "")), float(copy.get("score", 0.0))
    return str(copy.original), str(copy.copy), str(copy.kind), float(copy.score)


@dataclass
class CopyGraph:
    """The predicted copies as an undirected union-find (components) and a directed adjacency (paths)."""

    edges: list[tuple[str, str, str, float]]
    _parent: dict[str, str] = field(default_factory=dict)
    _out: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))

    @classmethod
    def of(cls, copies: Iterable[Any]) -> CopyGraph:
        graph = cls([_edge(copy) for copy in copies])
        for original, copy, _, _ in graph.edges:
            graph._parent[graph.root(original)] = graph.root(copy)
            graph._out[original].add(copy)
        return graph

    def root(self, node: str) -> str:
        self._parent.setdefault(node, node)
        while self._parent[node] != node:
            self._parent[node] = self._parent[self._parent[node]]
            node = self._parent[node]
        return node

    def joined(self, a: str, b: str) -> bool:
        """Both in one connected component (a page always is with itself)."""
        return self.root(a) == self.root(b)

    def reaches(self, source: str, target: str) -> bool:
        """A directed path of at least one copy from ``source`` to ``target``."""
        seen, todo = {source}, [source]
        while todo:
            for following in self._out.get(todo.pop(), ()):
                if following == target:
                    return True
                if following not in seen:
                    seen.add(following)
                    todo.append(following)
        return False


# --- pages-dev ---------------------------------------------------------------------------------


def load_pages_dev_labels(folder: Path = PAGES_DEV) -> dict[str, Any]:
    return json.loads((folder / "labels.json").read_text(encoding="utf-8"))


def pages_dev_events(labels: Mapping[str, Any]) -> dict[str, str]:
    """Page id -> its story or event: stories, distractor events, each other distractor alone."""
    event: dict[str, str] = {}
    for story, entry in labels["stories"].items():
        for page in entry["articles"]:
            event[page] = story
    for name, pages in labels["distractor_events"].items():
        for page in pages:
            event[page] = "distractor:" + name
    for page in labels["distractors"]:
        event.setdefault(page, "single:" + page)
    return event


def _tally(graph: CopyGraph, pairs: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """Family recall per kind and direction of these labelled pairs in the predicted graph."""
    family = {kind: {"found": 0, "total": 0} for kind in KINDS}
    direction = {confidence: {"right": 0, "found": 0} for confidence in CONFIDENCES}
    missed, wrong_direction = [], []
    for pair in pairs:
        original, copy, kind, confidence = pair["original"], pair["copy"], pair["kind"], pair["confidence"]
        family.setdefault(kind, {"found": 0, "total": 0})["total"] += 1
        if not graph.joined(original, copy):
            missed.append({"original": original, "copy": copy, "kind": kind, "confidence": confidence})
            continue
        family[kind]["found"] += 1
        direction.setdefault(confidence, {"right": 0, "found": 0})["found"] += 1
        if graph.reaches(original, copy):
            direction[confidence]["right"] += 1
        else:
            wrong_direction.append({"original": original, "copy": copy, "kind": kind, "confidence": confidence})
    return {
        "family": family,
        "family_found": sum(entry["found"] for entry in family.values()),
        "family_total": sum(entry["total"] for entry in family.values()),
        "direction": direction,
        "missed_pairs": missed,
        "wrong_direction_pairs": wrong_direction,
    }


def _false_copies(graph: CopyGraph, labels: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Predicted copies across stories/events, outside the labelled pairs and the copy families."""
    event = pages_dev_events(labels)
    labelled = {frozenset((pair["original"], pair["copy"])) for pair in labels["copies"]}
    families: dict[str, set[str]] = defaultdict(set)
    for entry in labels.get("copy_families", []):
        for page in entry.get("members", []):
            families[page].add(entry.get("family"))
    return [
        {"original": original, "copy": copy, "kind": kind, "score": round(score, 4)}
        for original, copy, kind, score in graph.edges
        if event.get(original) != event.get(copy)
        and frozenset((original, copy)) not in labelled
        and not families[original] & families[copy]
    ]


def score_pages_dev(copies: Iterable[Any], labels: Mapping[str, Any]) -> dict[str, Any]:
    """The README's copy scores of one method's predicted copies, with the missed pairs and false copies."""
    graph = CopyGraph.of(copies)
    tally = _tally(graph, labels["copies"])
    false = _false_copies(graph, labels)
    return {
        "predicted_copies": len(graph.edges),
        "family": tally["family"],
        "family_found": tally["family_found"],
        "family_total": tally["family_total"],
        "direction": tally["direction"],
        "false_copies": len(false),
        "false_copy_list": false,
        "missed_pairs": tally["missed_pairs"],
        "wrong_direction_pairs": tally["wrong_direction_pairs"],
    }


# --- pages-dev by story: the folds of leave-one-story-out cross-validation ---------------------

DISTRACTORS_ONLY = "distractors only"


def pages_dev_story_pages(labels: Mapping[str, Any]) -> dict[str, str]:
    """Story page id -> its story (distractors are in no story)."""
    return {page: story for story, entry in labels["stories"].items() for page in entry["articles"]}


def _parts_touched(pages: Iterable[str], story_of: Mapping[str, str]) -> set[str]:
    return {story_of[page] for page in pages if page in story_of} or {DISTRACTORS_ONLY}


def score_pages_dev_parts(copies: Iterable[Any], labels: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """The copy scores split by story, plus a "distractors only" part, on one graph of all 125 pages.

    A labelled pair or a false copy belongs to the story of each story page it touches (a false
    copy between pages of two stories belongs to both); with no story page, to "distractors
    only". Components and paths are those of the whole predicted graph, as in ``score_pages_dev``.
    """
    graph = CopyGraph.of(copies)
    story_of = pages_dev_story_pages(labels)
    names = [*labels["stories"], DISTRACTORS_ONLY]
    pairs: dict[str, list[Mapping[str, Any]]] = {name: [] for name in names}
    for pair in labels["copies"]:
        for name in _parts_touched((pair["original"], pair["copy"]), story_of):
            pairs[name].append(pair)
    false: dict[str, list[dict[str, Any]]] = {name: [] for name in names}
    for entry in _false_copies(graph, labels):
        for name in _parts_touched((entry["original"], entry["copy"]), story_of):
            false[name].append(entry)
    parts = {}
    for name in names:
        tally = _tally(graph, pairs[name])
        parts[name] = {**tally, "false_copies": len(false[name]), "false_copy_list": false[name]}
    return parts


def sum_parts(parts: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """Family found per kind, direction and false copies added up over parts (e.g. the held-out folds)."""
    family = {kind: {"found": 0, "total": 0} for kind in KINDS}
    direction = {confidence: {"right": 0, "found": 0} for confidence in CONFIDENCES}
    false = 0
    for part in parts:
        for kind, entry in part["family"].items():
            for key in ("found", "total"):
                family.setdefault(kind, {"found": 0, "total": 0})[key] += entry[key]
        for confidence, entry in part["direction"].items():
            for key in ("right", "found"):
                direction.setdefault(confidence, {"right": 0, "found": 0})[key] += entry[key]
        false += part["false_copies"]
    return {
        "family": family,
        "family_found": sum(entry["found"] for entry in family.values()),
        "family_total": sum(entry["total"] for entry in family.values()),
        "direction": direction,
        "false_copies": false,
    }


def training_objective(
    parts: Mapping[str, Mapping[str, Any]], held_out: str | None, labels: Mapping[str, Any], penalty: int = 5
) -> tuple[int, int, int]:
    """(objective, family found, false copies) on the stories other than ``held_out`` (None: all of them).

    Family pairs found on those stories minus ``penalty`` x their false copies; a false copy that
    touches a held-out page is not counted (its pages' labels are the held-out fold's), one
    between two training stories once, and false copies between two distractors are left out
    (they are reported apart, under "distractors only").
    """
    held_pages = set(labels["stories"][held_out]["articles"]) if held_out is not None else set()
    found = sum(part["family_found"] for name, part in parts.items() if name not in (held_out, DISTRACTORS_ONLY))
    false = {
        (entry["original"], entry["copy"])
        for name, part in parts.items()
        if name not in (held_out, DISTRACTORS_ONLY)
        for entry in part["false_copy_list"]
        if entry["original"] not in held_pages and entry["copy"] not in held_pages
    }
    return found - penalty * len(false), found, len(false)


def pages_dev_line(scores: Mapping[str, Any]) -> str:
    """The copy part of ``score-pages-dev``'s line, word for word, to compare with its output."""
    family, direction = scores["family"], scores["direction"]
    kinds = ", ".join(f"{kind} {family[kind]['found']}/{family[kind]['total']}" for kind in sorted(family))
    return (
        f"pages-dev copies by family {scores['family_found']}/{scores['family_total']} ({kinds})"
        f"; direction high {direction['high']['right']}/{direction['high']['found']}"
        f", medium {direction['medium']['right']}/{direction['medium']['found']}"
        f"; false copies across events {scores['false_copies']}"
    )


# --- MEANTIME ----------------------------------------------------------------------------------


def _jsonl(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def load_meantime(folder: Path = MEANTIME) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The documents and the translation pairs (labels: never give the pairs to a method)."""
    return _jsonl(folder / "documents.jsonl"), _jsonl(folder / "translation_pairs.jsonl")


def score_meantime(
    copies: Iterable[Any], documents: Iterable[Mapping[str, Any]], pairs: Iterable[Mapping[str, Any]]
) -> dict[str, Any]:
    """Translations found and English originals reached per language; false copies across doc_keys."""
    graph = CopyGraph.of(copies)
    documents = list(documents)
    language = {document["id"]: document["language"] for document in documents}
    key = {document["id"]: document["doc_key"] for document in documents}
    per_language: dict[str, dict[str, int]] = {}
    missed, unreached = [], []
    for pair in pairs:
        original, copy = pair["original"], pair["copy"]
        entry = per_language.setdefault(language[copy], {"found": 0, "reached": 0, "total": 0})
        entry["total"] += 1
        if not graph.joined(original, copy):
            missed.append({"original": original, "copy": copy, "language": language[copy]})
            continue
        entry["found"] += 1
        if graph.reaches(original, copy):
            entry["reached"] += 1
        else:
            unreached.append({"original": original, "copy": copy, "language": language[copy]})
    per_language = dict(sorted(per_language.items()))
    false = [
        {"original": original, "copy": copy, "kind": kind, "score": round(score, 4)}
        for original, copy, kind, score in graph.edges
        if key.get(original) != key.get(copy)
    ]
    return {
        "predicted_copies": len(graph.edges),
        "per_language": per_language,
        "found": sum(entry["found"] for entry in per_language.values()),
        "reached": sum(entry["reached"] for entry in per_language.values()),
        "total": sum(entry["total"] for entry in per_language.values()),
        "false_copies": len(false),
        "false_copy_list": false,
        "missed_pairs": missed,
        "unreached_pairs": unreached,
    }
