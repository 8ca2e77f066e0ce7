"""The pages' Jinja2 templates and stylesheet, shared by the web app and the shareable report."""

from __future__ import annotations

from importlib import resources
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from storytrace.web.links import anchor, server_url

templates = Environment(loader=PackageLoader("storytrace.web", "templates"), autoescape=select_autoescape(["html"]))
# Every template builds its links with these (a view may pass its own ``url``, as the report does).
templates.globals.update(url=server_url, anchor=anchor)


def stylesheet() -> str:
    """The pages' CSS (also inlined into the shareable report)."""
    return resources.files("storytrace.web").joinpath("static/app.css").read_text("utf-8")


def render(name: str, **context: Any) -> str:
    """A page from its template, every value autoescaped."""
    return templates.get_template(name).render(**context)
