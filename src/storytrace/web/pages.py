"""The pages' Jinja2 templates and stylesheet, shared by the web app and the shareable report."""

from __future__ import annotations

import functools
from datetime import datetime
from importlib import resources
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from storytrace.web.links import anchor, server_url

templates = Environment(loader=PackageLoader("storytrace.web", "templates"), autoescape=select_autoescape(["html"]))
# Every template builds its links with these (a view may pass its own ``url``, as the report does).
templates.globals.update(url=server_url, anchor=anchor)


def when(published: str | None) -> str:
    """A publication value as a reader reads it: the day, and the time to the minute with its zone
    when stated ("2025-10-14 15:10 +02:00", "… 06:15 UTC"); a value that is no ISO time is shown as stored."""
    if not published or len(published) <= 10:
        return published or ""
    try:
        moment = datetime.fromisoformat(published)
    except ValueError:
        return published
    zone = moment.strftime("%z")
    shown = moment.strftime("%Y-%m-%d %H:%M")
    if not zone:
        return shown
    return f"{shown} UTC" if zone in ("+0000", "-0000") else f"{shown} {zone[:3]}:{zone[3:5]}"


def counted(number: int, singular: str, plural: str | None = None) -> str:
    """ "1 article", "2 articles": a count with its noun in the right number."""
    return f"{number} {singular if number == 1 else plural or singular + 's'}"


templates.filters.update(when=when, counted=counted)


@functools.cache
def stylesheet() -> str:
    """The pages' CSS (also inlined into the shareable report), read from the package once."""
    return resources.files("storytrace.web").joinpath("static/app.css").read_text("utf-8")


def render(name: str, **context: Any) -> str:
    """A page from its template, every value autoescaped."""
    return templates.get_template(name).render(**context)
