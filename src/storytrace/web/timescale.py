"""A time axis for the SVG pictures: publication moments in hours (UTC), ticks a reader can use.

Stated times are kept to the minute, so articles published hours apart sit apart; a date without
a time is drawn at noon of its day (the middle of what it can mean) and said to be a day only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from markupsafe import escape

from storytrace.days import publication_date, publication_moment

# Tick steps in hours; the finest that leaves each tick label _TICK_PX of room is used.
_STEPS = (1, 2, 3, 6, 12, 24, 48, 24 * 7, 24 * 14, 24 * 30, 24 * 91, 24 * 365)
_TICK_PX = 100
# Approximate width of one character of the pictures' 11 px labels, to fit labels to their room.
CHAR_PX = 6.6


def has_time(published: str | None) -> bool:
    """Whether an ISO publication value states a time of day, not just a day."""
    return bool(published) and len(published or "") > 10 and publication_moment(published) is not None


def moment(published: str | None) -> datetime | None:
    """Where an article goes on a time axis: its stated moment (UTC), noon of its day when only the
    day is known, None when undated."""
    if has_time(published):
        return publication_moment(published)
    day = publication_date(published)
    return None if day is None else datetime(day.year, day.month, day.day, 12)


def fit(text: str, pixels: float) -> str:
    """``text`` cut to fit ``pixels`` of label width, with an ellipsis when cut."""
    room = max(1, int(pixels / CHAR_PX))
    return text if len(text) <= room else text[: room - 1].rstrip() + "…"


@dataclass(frozen=True)
class TimeScale:
    """A linear map from moments to x between ``left`` and ``right``, padded so edge dots show whole."""

    first: datetime
    last: datetime
    left: float
    right: float

    @classmethod
    def over(cls, moments: Sequence[datetime], left: float, right: float) -> TimeScale:
        """A scale spanning the moments, at least one day wide (a single day's articles fill its width)."""
        low, high = min(moments), max(moments)
        if high - low < timedelta(hours=24):
            middle = low + (high - low) / 2
            low, high = min(low, middle - timedelta(hours=12)), max(high, middle + timedelta(hours=12))
        pad = (high - low) * 0.03
        return cls(low - pad, high + pad, left, right)

    def x(self, when: datetime) -> float:
        """The x of a moment."""
        return self.left + (self.right - self.left) * (when - self.first) / (self.last - self.first)

    def hourly(self) -> bool:
        """Whether the ticks are finer than a day (then their labels carry the time)."""
        return self._step() < 24

    def _step(self) -> int:
        hours = (self.last - self.first).total_seconds() / 3600
        most = max(2, int((self.right - self.left) / _TICK_PX))
        return next((step for step in _STEPS if hours / step <= most), _STEPS[-1])

    def ticks(self) -> list[tuple[datetime, str]]:
        """Round moments inside the scale with their labels (time of day when finer than a day)."""
        step = self._step()
        start = self.first.replace(minute=0, second=0, microsecond=0)
        if step >= 24:
            start = start.replace(hour=0)
        while start < self.first:
            start += timedelta(hours=1 if step < 24 else 24)
        # Align to the step (hours of the day, or days since the epoch for longer steps).
        while (start.hour % step if step < 24 else (start - datetime(1970, 1, 1)).days % (step // 24)) != 0:
            start += timedelta(hours=1 if step < 24 else 24)
        found = []
        while start <= self.last:
            found.append((start, start.strftime("%m-%d %H:%M" if step < 24 else "%Y-%m-%d")))
            start += timedelta(hours=step)
        return found

    def axis(self, y: float) -> list[str]:
        """SVG elements of the axis line at ``y`` with its ticks and labels (UTC when hourly)."""
        parts = [f'<line x1="{self.left}" y1="{y}" x2="{self.right}" y2="{y}" class="axis"/>']
        for when, label in self.ticks():
            x = self.x(when)
            parts.append(f'<line x1="{x:.1f}" y1="{y}" x2="{x:.1f}" y2="{y + 4}" class="axis"/>')
            # A label centred on a tick near the right end would run past the picture: end it there.
            anchor = "end" if x + len(label) * CHAR_PX / 2 > self.right + 16 else "mid"
            parts.append(f'<text x="{x:.1f}" y="{y + 16}" class="label {anchor} tick">{escape(label)}</text>')
        if self.hourly():
            parts.append(f'<text x="{self.right}" y="{y + 30}" class="label end dim">times in UTC</text>')
        return parts
