"""Copy families: the articles derived from one source text.

A family is a connected component of the copy relations (each copy points to its nearest
source, so a wire story copied by many sites forms a tree, or a graph when an article was
stitched from several). Its original is the one member nothing in the family was copied into.
A relation whose direction is undecided (``Copy.direction == "undecided"``; its original and
copy are then in arbitrary order) counts both ways, so either end may be the original. Found
generally: the members of the strongly connected components no other component points into are
the candidate roots; one candidate is the original, several (or a cycle of two or more) leave it
undecided.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict, deque
from collections.abc import Iterable, Sequence

from storytrace.model import Copy, CopyFamily, FamilyMember
from storytrace.provenance.direction import UNDECIDED

__all__ = ["copy_families", "family_id"]


def family_id(members: Iterable[str]) -> str:
    """``cf-`` + the hash of the sorted member ids (JSON-encoded, so no id can run into another)."""
    basis = json.dumps(sorted(set(members)), ensure_ascii=False)
    return "cf-" + hashlib.sha1(basis.encode("utf-8")).hexdigest()[:12]


def copy_families(copies: Sequence[Copy]) -> list[CopyFamily]:
    """The families of ``copies``: largest first, then by their first member's id (deterministic,
    whatever the order of ``copies``)."""
    neighbours: dict[str, set[str]] = defaultdict(set)  # both ways: the components
    onward: dict[str, set[str]] = defaultdict(set)  # source → copy, both ways when undecided
    incoming: dict[str, dict[str, Copy]] = defaultdict(dict)  # copy → source → best relation
    undecided: dict[str, dict[str, Copy]] = defaultdict(dict)  # either end → the other → best relation
    for relation in copies:
        source, copy = relation.original, relation.copy
        neighbours[source].add(copy)
        neighbours[copy].add(source)
        if source == copy:
            continue  # never made by detection; an article is not its own source
        onward[source].add(copy)
        if relation.direction == UNDECIDED:
            onward[copy].add(source)
            for one, other in ((source, copy), (copy, source)):
                undecided[one][other] = _better(undecided[one].get(other), relation)
        else:
            incoming[copy][source] = _better(incoming[copy].get(source), relation)

    families = []
    seen: set[str] = set()
    for start in sorted(neighbours):
        if start in seen:
            continue
        component = _component(start, neighbours)
        seen.update(component)
        if len(component) > 1:  # an article "copied" from itself alone is no family
            families.append(_family(component, onward, incoming, undecided))
    return sorted(families, key=lambda f: (-len(f.members), f.members[0].id, f.id))


def _better(kept: Copy | None, relation: Copy) -> Copy:
    """Of two relations between the same articles, the higher-scoring (then the smaller kind)."""
    if kept is None:
        return relation
    return min(kept, relation, key=lambda r: (-r.score, r.kind, r.original))


def _component(start: str, neighbours: dict[str, set[str]]) -> list[str]:
    found = {start}
    queue = deque([start])
    while queue:
        for other in neighbours[queue.popleft()]:
            if other not in found:
                found.add(other)
                queue.append(other)
    return sorted(found)


def _family(
    component: list[str],
    onward: dict[str, set[str]],
    incoming: dict[str, dict[str, Copy]],
    undecided: dict[str, dict[str, Copy]],
) -> CopyFamily:
    candidates = _roots(component, onward)
    depth = dict.fromkeys(candidates, 0)
    queue = deque(candidates)
    while queue:
        current = queue.popleft()
        for other in sorted(onward[current]):
            if other not in depth:
                depth[other] = depth[current] + 1
                queue.append(other)
    members = tuple(
        FamilyMember(
            id=member,
            depth=depth[member],
            sources=tuple(
                (r.original, r.kind) for r in sorted(incoming[member].values(), key=lambda r: (-r.score, r.original))
            ),
            undecided=tuple((other, r.kind) for other, r in sorted(undecided[member].items())),
        )
        for member in sorted(component, key=lambda m: (depth[m], m))
    )
    return CopyFamily(
        id=family_id(component),
        original=candidates[0] if len(candidates) == 1 else None,
        candidates=tuple(candidates),
        members=members,
    )


def _roots(component: list[str], onward: dict[str, set[str]]) -> list[str]:
    """The members of the strongly connected components that no other component points into,
    sorted: every member is reachable from one of them."""
    scc = _strong_components(component, onward)
    pointed_into = {scc[copy] for source in component for copy in onward[source] if scc[copy] != scc[source]}
    return [member for member in component if scc[member] not in pointed_into]


def _strong_components(nodes: list[str], onward: dict[str, set[str]]) -> dict[str, int]:
    """Each node's strongly connected component number (Kosaraju, iterative: a family may be a
    chain of thousands of copies)."""
    order: list[str] = []
    visited: set[str] = set()
    for root in nodes:
        if root in visited:
            continue
        visited.add(root)
        stack = [(root, iter(sorted(onward[root])))]
        while stack:
            node, pending = stack[-1]
            step = next((n for n in pending if n not in visited), None)
            if step is None:
                stack.pop()
                order.append(node)
            else:
                visited.add(step)
                stack.append((step, iter(sorted(onward[step]))))
    backward: dict[str, list[str]] = defaultdict(list)
    for source in nodes:
        for copy in onward[source]:
            backward[copy].append(source)
    number: dict[str, int] = {}
    for count, root in enumerate(reversed(order)):
        if root in number:
            continue
        number[root] = count
        todo = [root]
        while todo:
            for source in backward[todo.pop()]:
                if source not in number:
                    number[source] = count
                    todo.append(source)
    return number
