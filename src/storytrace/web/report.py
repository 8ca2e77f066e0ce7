"""The shareable HTML report: chosen stories in one self-contained file (no request leaves it).

The stylesheet is inlined, pictures are inline SVG, there is no script; links point inside the
file: each story, each copy shown side by side, and each article's text.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from markupsafe import Markup

from storytrace.embed import load_embedder
from storytrace.errors import InputError
from storytrace.settings import DEFAULT_SETTINGS, Settings
from storytrace.store import Store
from storytrace.web.links import anchor
from storytrace.web.pages import render, stylesheet
from storytrace.web.views import pair_view, story_comparison, story_members, story_view


def _link(kind: str, *ids: str) -> str:
    """Links of the story views point at the report's own anchors."""
    return f"#{anchor(kind, *ids)}"


def build_report(db: str | Path, stories: Sequence[str] = (), settings: Settings = DEFAULT_SETTINGS) -> str:
    """The report's HTML for the given story ids, in their order, or for every stored story, the
    largest first (the main story is what a reader opening the file expects to see)."""
    with Store(db, settings) as store:
        chosen = list(stories)
        if not chosen:
            every = store.load_stories()
            chosen = [
                s.id for s in sorted(every, key=lambda s: (-len(s.articles), s.start is None, s.start or "", s.id))
            ]
        found = []
        for story_id in chosen:
            story = store.load_story(story_id)
            if story is None:
                raise InputError(story_id, "no such story in the database (see storytrace stories)")
            articles, copies = story_members(store, story)
            found.append((story, articles, copies))
    sections = []
    embedder = functools.cache(lambda: load_embedder("auto"))  # loaded for the first story in several languages
    for story, articles, copies in found:
        comparison = story_comparison(story.id, articles, db, settings, embedder, workers=None)
        view = story_view(story, articles, copies, comparison, _link)
        by_id = {article.id: article for article in articles}
        # Each copy side by side with the passages its stored verdict aligned, as the web app's
        # side-by-side view shows them.
        pairs = [pair_view(by_id[r.original], by_id[r.copy], r.passages, r) for r in copies]
        html = render("story_body.html", **view, inline_css=True)
        sections.append({"story": story, "html": Markup(html), "pairs": pairs, "articles": view["members"]})
    generated = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return render("report.html", stories=sections, generated=generated, inline_css=Markup(stylesheet()), url=_link)


def write_report(
    db: str | Path, target: str | Path, stories: Sequence[str] = (), settings: Settings = DEFAULT_SETTINGS
) -> int:
    """Write the report atomically; returns how many stories it holds."""
    html = build_report(db, stories, settings)
    path = Path(target)
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(html, encoding="utf-8")
    temporary.replace(path)
    return html.count('<section class="story"')
