"""The copy graph as server-side SVG: layered by time, families grouped, labels that cannot collide.

Every article of a copy relation has a row of its own, grouped by copy family (families in the
order they began, members by publication time); its column is its place in the family's time
order, so derivations run left to right. An arrow runs from each original down (or up) its trunk
and into the copy's node. Each copy's relations are labelled on its own row, in a label column
right of every node and arrow: one row, one label, so no two labels ever share a place, at any
number of articles. Strings from articles are escaped (markupsafe); colours come from classes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime

from markupsafe import Markup, escape

from storytrace.model import Article, Copy
from storytrace.provenance.families import copy_families
from storytrace.web.svg import delay_label
from storytrace.web.timescale import CHAR_PX, fit, moment

_WIDTH = 960
_ROW = 30
_NODE_W, _NODE_H = 220, 22
# Nodes take the left part; each column is at most _STEP px right of the one before, so a long
# chain of copies still leaves the label column its room.
_NODES_FROM, _NODES_TO, _STEP = 20, 600, 110
_LABELS_FROM = _NODES_TO + 10
# Vertical gap between two families' blocks.
_FAMILY_GAP = 12


def _when(article: Article | None) -> datetime | None:
    return moment(article.published) if article else None


def _order(family_ids: Sequence[str], by_id: Mapping[str, Article]) -> list[str]:
    """A family's members by publication time (undated last), then id."""
    return sorted(family_ids, key=lambda i: (_when(by_id.get(i)) is None, _when(by_id.get(i)) or datetime.min, i))


def _columns(members: Sequence[str], by_id: Mapping[str, Article], sources: Mapping[str, list[str]]) -> dict[str, int]:
    """Each member's column: the rank of its publication time in the family (equal times share a
    column); an undated member one column right of its latest source (or first, with none)."""
    moments = sorted({m for m in (_when(by_id.get(i)) for i in members) if m is not None})
    rank = {m: n for n, m in enumerate(moments)}
    column: dict[str, int] = {}
    for member in members:
        when = _when(by_id.get(member))
        if when is not None:
            column[member] = rank[when]
    for member in members:  # undated, in the family's order: their dated sources are placed already
        if member not in column:
            placed = [column[s] for s in sources.get(member, ()) if s in column]
            column[member] = max(placed) + 1 if placed else 0
    return column


def _node_name(article_id: str, article: Article | None) -> str:
    """A node's text: the outlet (or the id) and the publication day and time when known."""
    name = article.outlet if article and article.outlet else article_id
    when = _when(article)
    if when is None or article is None:
        return name
    return f"{name} · {when.strftime('%m-%d %H:%M') if len(article.published or '') > 10 else when.strftime('%m-%d')}"


def copy_graph_svg(articles: Sequence[Article], copies: Sequence[Copy], link: Callable[[str], str]) -> Markup:
    """A story's copy relations: a row per article, families grouped, columns in time order, an arrow
    from each original to its copy and, on the copy's row, what it is (kind, source, delay)."""
    if not copies:
        return Markup('<p class="muted">No copies among these articles.</p>')
    by_id: Mapping[str, Article] = {a.id: a for a in articles}
    incoming: defaultdict[str, list[Copy]] = defaultdict(list)
    sources: defaultdict[str, list[str]] = defaultdict(list)
    for relation in copies:
        incoming[relation.copy].append(relation)
        sources[relation.copy].append(relation.original)
    families = copy_families(copies)
    blocks = [_order([m.id for m in family.members], by_id) for family in families]
    blocks.sort(key=lambda ids: (_when(by_id.get(ids[0])) is None, _when(by_id.get(ids[0])) or datetime.min, ids[0]))
    place: dict[str, tuple[float, float]] = {}
    bands = []
    y = 8.0
    for members in blocks:
        column = _columns(members, by_id, sources)
        step = min(_STEP, (_NODES_TO - _NODES_FROM - _NODE_W) / max(1, max(column.values())))
        top = y
        for member in members:
            y += _ROW
            place[member] = (_NODES_FROM + column[member] * step, y)
        bands.append((top + _ROW / 2 - 4, y + _ROW / 2 - 2))
        y += _FAMILY_GAP
    height = int(y + _ROW / 2)
    parts = [
        f'<svg class="graph" viewBox="0 0 {_WIDTH} {height}" width="{_WIDTH}" height="{height}" role="img" '
        'aria-label="Copy graph" xmlns="http://www.w3.org/2000/svg">',
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" '
        'orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" class="arrowhead"/></marker></defs>',
    ]
    for top, bottom in bands:
        parts.append(
            f'<rect x="2" y="{top:.0f}" width="{_WIDTH - 4}" height="{bottom - top:.0f}" class="family-band"/>'
        )
    for relation in copies:
        parts.append(_edge(relation, place, by_id))
    for article_id, (x, row_y) in place.items():
        article = by_id.get(article_id)
        tip = " · ".join(
            p for p in (article_id, *((article.outlet, article.published, article.title) if article else ())) if p
        )
        parts.append(
            f'<a href="{escape(link(article_id))}"><rect x="{x:.1f}" y="{row_y - _NODE_H / 2}" width="{_NODE_W}" '
            f'height="{_NODE_H}" rx="5" class="node"/><text x="{x + 8:.1f}" y="{row_y + 4}" class="label">'
            f"{escape(fit(_node_name(article_id, article), _NODE_W - 14))}<title>{escape(tip)}</title></text></a>"
        )
        if incoming.get(article_id):
            parts.append(_label(incoming[article_id], row_y, by_id))
    parts.append("</svg>")
    return Markup("".join(parts))


def _edge(relation: Copy, place: Mapping[str, tuple[float, float]], by_id: Mapping[str, Article]) -> str:
    """An arrow from the original's node along a vertical trunk into the copy's node's left side."""
    if relation.original not in place or relation.copy not in place:
        return ""
    (x1, y1), (x2, y2) = place[relation.original], place[relation.copy]
    trunk = x1 + 14
    if trunk > x2 - 10:
        # The copy is not to the right (same or an earlier column): leave the original on its left.
        trunk = min(x1, x2) - 6
        start = f"M {x1:.1f} {y1} H {trunk:.1f}"
    else:
        start = f"M {trunk:.1f} {y1 + (_NODE_H / 2 if y2 > y1 else -_NODE_H / 2)}"
    undecided = " undecided" if relation.direction == "undecided" else ""
    return (
        f'<path d="{start} V {y2} H {x2 - 1:.1f}" class="edge {escape(relation.kind)}{undecided}" '
        f'marker-end="url(#arrow)"><title>{escape(_relation_text(relation, by_id))}</title></path>'
    )


def _relation_text(relation: Copy, by_id: Mapping[str, Article]) -> str:
    """ "verbatim copy of Coastal Daily, +2 h" (or "direction undecided" when it is)."""
    original = by_id.get(relation.original)
    source = original.outlet if original and original.outlet else relation.original
    delay = delay_label(original, by_id.get(relation.copy))
    if relation.direction == "undecided":
        return f"{relation.kind}, with {source} (direction undecided)"
    return f"{relation.kind} copy of {source}{', ' + delay if delay else ''}"


def _label(relations: Sequence[Copy], row_y: float, by_id: Mapping[str, Article]) -> str:
    """A copy's relations on its row in the label column (a white box under the text, which ends
    before the picture's edge: cut with an ellipsis, whole in the tooltip)."""
    text = "; ".join(_relation_text(relation, by_id) for relation in relations)
    room = _WIDTH - _LABELS_FROM - 6
    shown = fit("← " + text, room - 8)
    return (
        f'<rect x="{_LABELS_FROM}" y="{row_y - 9}" width="{min(room, len(shown) * CHAR_PX + 8):.0f}" height="18" '
        'class="label-box"/>'
        f'<text x="{_LABELS_FROM + 4}" y="{row_y + 4}" class="label edge-label">{escape(shown)}'
        f"<title>{escape(text)}</title></text>"
    )
