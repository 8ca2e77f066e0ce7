"""Server-side SVG pictures: a story's timeline and a storyline's stories in time (the copy graph is
``graph``'s).

Built as strings with every article-derived text escaped (markupsafe), no script, no style
attributes (the pages' Content-Security-Policy allows styles only from the stylesheet, so
colours come from classes and SVG presentation attributes).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime, timedelta

from markupsafe import Markup, escape

from storytrace.days import publication_date
from storytrace.model import Article, Copy, TimelineEvent
from storytrace.store import StoredStory
from storytrace.web.timescale import CHAR_PX, TimeScale, fit, has_time, moment

_WIDTH = 960
_ROW = 26
# Bounds of the room for lane labels (pixels).
_LABEL_MIN, _LABEL_MAX = 90, 260


def _day(value: str | None) -> date | None:
    """The day an ISO date as precise as a day, a month ("2021-12": its first day) or a year starts on."""
    if not value:
        return None
    return publication_date(value if len(value) >= 10 else f"{value[:7]}-01" if len(value) == 7 else f"{value}-01-01")


def _lane_label_room(names: Sequence[str]) -> int:
    """Pixels left of the lanes for their labels: the longest name's width, within bounds (a longer
    name is cut with an ellipsis and shown whole in its tooltip)."""
    widest = max((len(name) for name in names), default=0) * CHAR_PX + 16
    return int(min(_LABEL_MAX, max(_LABEL_MIN, widest)))


def timeline_svg(
    articles: Sequence[Article],
    events: Sequence[TimelineEvent],
    copies: Sequence[Copy],
    link: Callable[[str], str],
) -> Markup:
    """Outlets on lanes, their articles as dots at their publication time (hours apart when the
    times are stated; copies hollow), the story's dated events as day bands on the axis, each with
    its text in a tooltip (``<title>``); undated articles listed under the picture, not on a lane."""
    placed = [(article, moment(article.published)) for article in articles]
    dated = sorted(((a, m) for a, m in placed if m is not None), key=lambda item: item[1])
    undated = [article for article, when in placed if when is None]
    event_days = sorted({d for d in (_day(e.date) for e in events) if d is not None})
    if dated:
        # Only events on the articles' days are drawn: background events years before ("opened in
        # 1887") are in the table under the picture, and drawn they would squeeze the articles
        # into one pixel column.
        low, high = dated[0][1].date(), dated[-1][1].date()
        event_days = [d for d in event_days if low <= d <= high]
    noons = [m for _, m in dated] or [datetime(d.year, d.month, d.day, 12) for d in event_days]
    if not noons:
        return Markup('<p class="muted">No dates to draw a timeline.</p>') + _undated(undated, link)
    lanes = list(dict.fromkeys(article.outlet or article.id for article, _ in dated))
    room = _lane_label_room(lanes)
    scale = TimeScale.over(noons, room, _WIDTH - 20)
    copied = {copy.copy for copy in copies}
    axis = (len(lanes) + 1) * _ROW
    height = axis + 48
    parts = [
        f'<svg class="timeline" viewBox="0 0 {_WIDTH} {height}" width="{_WIDTH}" height="{height}" '
        'role="img" aria-label="Story timeline" xmlns="http://www.w3.org/2000/svg">'
    ]
    for row, lane in enumerate(lanes):
        y = (row + 1) * _ROW
        parts.append(
            f'<text x="4" y="{y + 4}" class="label lane">{escape(fit(lane, room - 12))}'
            f"<title>{escape(lane)}</title></text>"
        )
        parts.append(f'<line x1="{room}" y1="{y}" x2="{_WIDTH - 20}" y2="{y}" class="row"/>')
    # A day without its time is drawn at noon; beside stated times it is marked as only a day.
    timed = any(has_time(article.published) for article, _ in dated)
    for article, when in dated:
        y = (lanes.index(article.outlet or article.id) + 1) * _ROW
        kind = "copy" if article.id in copied else "original"
        if timed and not has_time(article.published):
            kind += " day-only"
        stated = article.published if has_time(article.published) else f"{article.published} (day only)"
        tip = f"{stated} · {article.title or article.id}"
        parts.append(
            f'<a href="{escape(link(article.id))}"><circle cx="{scale.x(when):.1f}" cy="{y}" r="6" '
            f'class="{kind}"><title>{escape(tip)}</title></circle></a>'
        )
    for day in event_days:
        start = max(scale.x(datetime(day.year, day.month, day.day)), scale.left)
        end = min(scale.x(datetime(day.year, day.month, day.day) + timedelta(days=1)), scale.right)
        texts = [f"{e.date}: {e.text[:200]}" for e in events if _day(e.date) == day]
        parts.append(
            f'<rect x="{start:.1f}" y="{axis - 5}" width="{max(2.0, end - start):.1f}" height="5" class="event">'
            f"<title>{escape(chr(10).join(texts))}</title></rect>"
        )
    parts.extend(scale.axis(axis))
    legend = "● original  ○ copy  ▬ days of dated events (table below)"
    if timed and not all(has_time(article.published) for article, _ in dated):
        legend += "  ◌ date without time (drawn at noon)"
    parts.append(f'<text x="4" y="{axis + 30}" class="label dim">{legend}</text>')
    parts.append("</svg>")
    return Markup("".join(parts)) + _undated(undated, link)


def _undated(articles: Sequence[Article], link: Callable[[str], str]) -> Markup:
    """The articles without a date, set apart under the timeline (an empty lane would say nothing)."""
    if not articles:
        return Markup("")
    items = Markup(", ").join(
        Markup('<a href="{}">{}</a>').format(
            link(a.id), f"{a.outlet} ({a.title or a.id})" if a.outlet else a.title or a.id
        )
        for a in articles
    )
    return Markup('<p class="undated small">Undated, so not on the timeline: {}.</p>').format(items)


def hours_between(first: str | None, second: str | None) -> float | None:
    """Hours from one ISO publication date or time to another (None when either is missing or unreadable)."""
    if not first or not second:
        return None
    try:
        start, end = datetime.fromisoformat(first), datetime.fromisoformat(second)
    except ValueError:
        return None
    if (start.tzinfo is None) != (end.tzinfo is None):
        start, end = start.replace(tzinfo=None), end.replace(tzinfo=None)
    return round((end - start).total_seconds() / 3600, 1)


def delay_label(original: Article | None, copy: Article | None) -> str:
    """Hours (or days) from the original's publication to the copy's, when both are dated."""
    hours = hours_between(original.published if original else None, copy.published if copy else None)
    if hours is None:
        return ""
    if abs(hours) >= 48:
        return f"{hours / 24:+.0f} d"
    if math.isclose(hours, 0.0):
        return "same time"
    # Tenths of an hour under ten hours, where a wire copy's half hour matters.
    return f"{hours:+.1f} h".replace(".0 h", " h") if abs(hours) < 10 else f"{hours:+.0f} h"


def storyline_svg(
    stories: Sequence[StoredStory], published: Mapping[str, str | None], link: Callable[[str], str]
) -> Markup:
    """A storyline's dated stories on one time axis, a row each (oldest first): a bar from its first
    to its last article, a dot per article (how the story grew), its title linked and its size.

    ``published`` holds each member article's publication value; undated stories are left to the
    page's table, and undated articles of a dated story are counted beside it, not drawn.
    """
    rows = []
    for story in stories:
        moments = sorted(m for m in (moment(published.get(a)) for a in story.articles) if m is not None)
        if moments:
            rows.append((story, moments))
    if not rows:
        return Markup('<p class="muted">No dated stories to draw.</p>')
    label_room, count_room = 330, 150
    scale = TimeScale.over([m for _, moments in rows for m in moments], label_room, _WIDTH - count_room)
    height = (len(rows) + 1) * _ROW + 40
    parts = [
        f'<svg class="storyline" viewBox="0 0 {_WIDTH} {height}" width="{_WIDTH}" height="{height}" '
        'role="img" aria-label="Stories of the storyline in time" xmlns="http://www.w3.org/2000/svg">'
    ]
    for row, (story, moments) in enumerate(rows):
        y = (row + 1) * _ROW
        title = story.title or story.id
        parts.append(
            f'<a href="{escape(link(story.id))}"><text x="4" y="{y + 4}" class="label story-title">'
            f"{escape(fit(title, label_room - 12))}<title>{escape(title)}</title></text></a>"
        )
        parts.append(f'<line x1="{label_room}" y1="{y}" x2="{_WIDTH - count_room}" y2="{y}" class="row"/>')
        start, end = scale.x(moments[0]), scale.x(moments[-1])
        parts.append(
            f'<rect x="{start - 4:.1f}" y="{y - 5}" width="{end - start + 8:.1f}" height="10" rx="5" class="span"/>'
        )
        for when in moments:
            parts.append(f'<circle cx="{scale.x(when):.1f}" cy="{y}" r="3.5" class="article"/>')
        size = f"{len(story.articles)} article{'' if len(story.articles) == 1 else 's'}"
        if len(moments) < len(story.articles):
            size += f", {len(story.articles) - len(moments)} undated"
        parts.append(f'<text x="{_WIDTH - count_room + 10}" y="{y + 4}" class="label count">{size}</text>')
    parts.extend(scale.axis((len(rows) + 1) * _ROW - 6))
    parts.append("</svg>")
    return Markup("".join(parts))
