"""Who copies whom across the whole corpus, as a server-side SVG matrix (the outlets page).

A row per copying outlet, a column per outlet copied, a cell's shade and number the copies of
that pair of outlets (its tooltip says it in words). A matrix stays legible however many copies
there are, where arrows between outlets would cross and pile up; the busiest outlets are shown
(``most``) and the rest summed into one "other outlets" row and column, so no copy goes uncounted.
Every outlet name is escaped (markupsafe); shades are classes (the CSP allows no style attribute).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping

from markupsafe import Markup, escape

from storytrace.web.timescale import CHAR_PX

_CELL = 26
_TOP_ROOM = 150  # column labels, turned 45 degrees
_NAME_MAX_CHARS = 32
# Shade classes flow0 (lightest) … flow4 (darkest) in the stylesheet, by powers of two: 1, 2-3,
# 4-7, 8-15, 16 or more copies (a linear scale let one busy pair wash out every other cell).
_SHADES = 5
OTHERS = "(other outlets)"


def _name(outlet: str) -> str:
    return outlet if len(outlet) <= _NAME_MAX_CHARS else outlet[: _NAME_MAX_CHARS - 1] + "…"


def _kept(flows: Mapping[tuple[str, str], int], most: int) -> tuple[list[str], dict[tuple[str, str], int]]:
    """The ``most`` outlets most involved in copies, and the flows with the others summed as ``OTHERS``."""
    involvement: Counter[str] = Counter()
    for (copier, source), count in flows.items():
        involvement[copier] += count
        involvement[source] += count
    shown = [outlet for outlet, _ in sorted(involvement.items(), key=lambda item: (-item[1], item[0]))[:most]]
    kept: Counter[tuple[str, str]] = Counter()
    for (copier, source), count in flows.items():
        kept[(copier if copier in shown else OTHERS, source if source in shown else OTHERS)] += count
    if any(OTHERS in pair for pair in kept):
        shown.append(OTHERS)
    return shown, dict(kept)


def outlet_flows_svg(flows: Mapping[tuple[str, str], int], most: int = 20) -> Markup:
    """The matrix of ``flows`` ((copying outlet, copied outlet) -> copies); empty when there are none."""
    if not flows:
        return Markup("")
    outlets, kept = _kept(flows, most)
    left = int(max(len(_name(outlet)) for outlet in outlets) * CHAR_PX) + 16
    # The last column's label, turned 45 degrees, reaches past the matrix by about its own width.
    width = left + _CELL * len(outlets) + int(_NAME_MAX_CHARS * CHAR_PX * 0.75)
    height = _TOP_ROOM + _CELL * len(outlets) + 10
    parts = [
        f'<svg class="flows" width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" '
        'aria-label="Copies between outlets: rows copy from columns">'
    ]
    for column, source in enumerate(outlets):
        x = left + column * _CELL + _CELL // 2
        parts.append(
            f'<text class="label" transform="translate({x},{_TOP_ROOM - 6}) rotate(-45)">{escape(_name(source))}'
            f"<title>{escape(source)}</title></text>"
        )
    for row, copier in enumerate(outlets):
        y = _TOP_ROOM + row * _CELL
        parts.append(
            f'<text class="label end" x="{left - 8}" y="{y + _CELL // 2 + 4}">{escape(_name(copier))}'
            f"<title>{escape(copier)}</title></text>"
        )
        for column, source in enumerate(outlets):
            x = left + column * _CELL
            count = kept.get((copier, source), 0)
            if not count:
                parts.append(f'<rect class="flow-none" x="{x}" y="{y}" width="{_CELL - 2}" height="{_CELL - 2}"/>')
                continue
            shade = min(_SHADES - 1, count.bit_length() - 1)
            copies = "copy" if count == 1 else "copies"
            parts.append(
                f'<rect class="flow{shade}" x="{x}" y="{y}" width="{_CELL - 2}" height="{_CELL - 2}">'
                f"<title>{escape(copier)}: {count} {copies} of {escape(source)}</title></rect>"
                f'<text class="label cell{" on-dark" if shade >= 3 else ""}" x="{x + (_CELL - 2) // 2}" '
                f'y="{y + _CELL // 2 + 3}">{count}</text>'
            )
    parts.append("</svg>")
    return Markup("".join(parts))
