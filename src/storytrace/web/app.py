"""The web app: server-rendered pages (FastAPI + Jinja2) over the store, each with a JSON twin.

Pages: stories (search and filters), a story (timeline and copy graph as SVG, copy families,
summary, quotes, disagreements, coverage), an article, two articles side by side, outlets (who originates, who
copies, how fast), an upload form. ``POST /api/articles`` ingests files or JSONL and adds them
to the stories. Article text is hostile: Jinja2 autoescapes everything, pages carry a strict
Content-Security-Policy (no script at all, styles from the stylesheet only), ids of any
characters are reachable (see ``links``), uploads are size-limited while they stream (see
``upload``), and errors say what went wrong without internals.
"""

from __future__ import annotations

import functools
import logging
import statistics
import threading
from collections import OrderedDict, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.exceptions import HTTPException

from storytrace.embed import load_embedder
from storytrace.errors import StoreError, StorytraceError
from storytrace.model import Article, Copy, StoryComparison
from storytrace.pipeline import compare as compare_story
from storytrace.pipeline import compare_pair
from storytrace.provenance.families import copy_families
from storytrace.report import comparison_record
from storytrace.settings import DEFAULT_SETTINGS, Settings
from storytrace.store import Store, StoredStory
from storytrace.web.links import anchor, server_url
from storytrace.web.protocol import HeadAsGet, allowed_methods, check_url
from storytrace.web.svg import copy_graph_svg, hours_between, timeline_svg
from storytrace.web.upload import ingest, public_source

log = logging.getLogger(__name__)

# The strictest policy the pages work under: nothing but this origin's stylesheet and images
# (inline SVG needs no source), no script anywhere, no framing, forms only to this origin.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)
# How many rendered story views the server keeps (each a few hundred kB at most).
_VIEW_CACHE = 256
# How many filtered story lists the server keeps (dropped whenever the stories change).
_LIST_CACHE = 64
# Colour classes for aligned passages (c0 … c7 in the stylesheet), reused in turn.
_PASSAGE_COLOURS = 8

templates = Environment(loader=PackageLoader("storytrace.web", "templates"), autoescape=select_autoescape(["html"]))
# Every template builds its links with these (a view may pass its own ``url``, as the report does).
templates.globals.update(url=server_url, anchor=anchor)
# Ids no path can carry ("", ".", "..") come as ``?id=`` (see links.server_url); kept out of the schema.
QueryId = Annotated[str | None, Query(alias="id", include_in_schema=False)]


def stylesheet() -> str:
    """The pages' CSS (also inlined into the shareable report)."""
    return resources.files("storytrace.web").joinpath("static/app.css").read_text("utf-8")


def render(name: str, **context: Any) -> str:
    """A page from its template, every value autoescaped."""
    return templates.get_template(name).render(**context)


def _error(request: Request, status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    """An error answer: JSON under ``/api/``, else the error page; the message is autoescaped there."""
    if request.url.path.startswith("/api/"):
        return JSONResponse({"error": message}, status_code=status, headers=headers)
    return HTMLResponse(render("error.html", message=message, status=status), status_code=status, headers=headers)


def _given(path_id: str, query_id: str | None) -> str:
    """The id of a one-id page: from its path, or from ``?id=`` when the path holds none."""
    return query_id if not path_id and query_id is not None else path_id


def _day(value: str | None, name: str) -> str | None:
    """A date filter as an ISO date, or 400 saying it is not one (as the CLI's ``--since`` does)."""
    if not value:
        return None
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise HTTPException(400, f"{name}: {value!r} is not a date (YYYY-MM-DD)") from None


def story_view(
    story: StoredStory,
    articles: list[Article],
    copies: list[Copy],
    comparison: StoryComparison | None,
    url: Any = server_url,
) -> dict[str, Any]:
    """What the story page, its JSON twin and the shareable report show of a story."""
    by_id = {article.id: article for article in articles}
    members = sorted(articles, key=lambda a: (a.published is None, a.published or "", a.outlet or "", a.id))
    copy_of = defaultdict(list)
    for relation in copies:
        copy_of[relation.copy].append(relation)
    return {
        "story": story,
        "members": members,
        "copy_of": copy_of,
        "copies": copies,
        "families": copy_families(copies),
        "by_id": by_id,
        "comparison": comparison,
        "record": comparison_record(comparison) if comparison is not None else None,
        "timeline_svg": timeline_svg(
            articles, comparison.timeline if comparison else (), copies, lambda article_id: url("article", article_id)
        ),
        "graph_svg": copy_graph_svg(articles, copies, lambda article_id: url("article", article_id)),
        "url": url,
    }


def highlight(text: str, spans: list[tuple[int, int, int]]) -> list[tuple[str, int | None]]:
    """The text cut into (piece, colour) with each aligned span's colour, for the side-by-side page."""
    pieces: list[tuple[str, int | None]] = []
    position = 0
    for start, end, colour in sorted(spans):
        if start < position:
            continue
        if start > position:
            pieces.append((text[position:start], None))
        pieces.append((text[start:end], colour))
        position = end
    pieces.append((text[position:], None))
    return pieces


def _outlets(articles: list[Article], copies: list[Copy]) -> list[dict[str, Any]]:
    """Per outlet: articles, how many others copied, how many are copies, median delay of its copies."""
    by_id = {article.id: article for article in articles}
    rows: dict[str, dict[str, Any]] = {}
    for article in articles:
        row = rows.setdefault(
            article.outlet or "(unknown)", {"articles": 0, "copied_by_others": 0, "copies": 0, "delays": []}
        )
        row["articles"] += 1
    for relation in copies:
        original, copy = by_id.get(relation.original), by_id.get(relation.copy)
        if original is None or copy is None:
            continue
        rows[original.outlet or "(unknown)"]["copied_by_others"] += 1
        row = rows[copy.outlet or "(unknown)"]
        row["copies"] += 1
        hours = hours_between(original.published, copy.published)
        if hours is not None:
            row["delays"].append(hours)
    result = []
    for outlet, row in sorted(rows.items(), key=lambda item: (-item[1]["copied_by_others"], item[0])):
        delays = row.pop("delays")
        result.append(
            {"outlet": outlet, **row, "median_copy_delay_hours": statistics.median(delays) if delays else None}
        )
    return result


def create_app(db: str | Path = "storytrace.db", settings: Settings = DEFAULT_SETTINGS) -> FastAPI:
    """The app over one database (a SQLite path or a PostgreSQL URL)."""
    app = FastAPI(title="storytrace", docs_url=None, redoc_url=None, dependencies=[Depends(check_url)])
    app.state.db = str(db)
    # The embedder analyze uses by default, loaded on the first side-by-side view that needs it.
    pair_embedder = functools.cache(lambda: load_embedder("auto"))

    @app.middleware("http")
    async def security_headers(request: Request, call_next: Any) -> Response:
        response: Response = await call_next(request)
        response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["X-Frame-Options"] = "DENY"
        return response

    app.add_middleware(HeadAsGet)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, error: HTTPException) -> Response:
        message = error.detail if error.status_code < 500 else "internal error"
        headers = {"Allow": allowed_methods(app.routes, request.scope)} if error.status_code == 405 else None
        return _error(request, error.status_code, message, headers)

    @app.exception_handler(RequestValidationError)
    async def bad_parameters(request: Request, error: RequestValidationError) -> Response:
        # What is wrong with which parameter, never the input itself (FastAPI's answer echoes it).
        reasons = "; ".join(f"{'.'.join(str(part) for part in e['loc'][1:])}: {e['msg']}" for e in error.errors())
        return _error(request, 400, reasons or "bad request")

    @app.exception_handler(StorytraceError)
    async def storytrace_error(request: Request, error: StorytraceError) -> Response:
        if isinstance(error, StoreError):
            # Its message names the database and the holder of its lock: internals, logged only.
            log.warning("store error: %s", error)
            return _error(request, 503, "the database is busy or unavailable; try again later")
        return _error(request, 400, str(error))

    @app.exception_handler(Exception)
    async def unexpected(request: Request, error: Exception) -> Response:
        return _error(request, 500, "internal error")

    # One store (one connection pool) for the app's life: opening a Store checks the schema, far
    # too slow to do per request. SQLAlchemy's engine is safe to share between request threads.
    shared = Store(app.state.db, settings)

    @contextmanager
    def store() -> Iterator[Store]:
        yield shared

    @app.on_event("shutdown")
    def close_store() -> None:
        shared.close()

    # Cached story lists and rendered story views, and the lock guarding both.
    lists: OrderedDict[tuple[str, ...], list[StoredStory]] = OrderedDict()
    lock = threading.Lock()

    def list_stories(
        q: str | None, outlet: str | None, language: str | None, since: str | None, until: str | None
    ) -> list[StoredStory]:
        """Stories matching the filters; lists are cached until the stories change (any add)."""
        since, until = _day(since, "since"), _day(until, "until")
        with store() as opened:
            key = (opened.stories_version(), outlet or "", language or "", since or "", until or "")
            with lock:
                cached = lists.get(key)
            if cached is None:
                cached = opened.load_stories(outlet=outlet or None, language=language or None, since=since, until=until)
                with lock:
                    lists[key] = cached
                    while len(lists) > _LIST_CACHE:
                        lists.popitem(last=False)
        found = cached
        if q:
            needle = q.casefold()
            found = [story for story in found if needle in (story.title or "").casefold()]
        return found

    @app.get("/static/app.css", include_in_schema=False)
    def css() -> Response:
        return Response(stylesheet(), media_type="text/css")

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def home(
        q: str | None = None,
        outlet: str | None = None,
        language: str | None = None,
        since: str | None = None,
        until: str | None = None,
    ) -> str:
        found = list_stories(q, outlet, language, since, until)
        return render(
            "stories.html",
            stories=found,
            q=q or "",
            outlet=outlet or "",
            language=language or "",
            since=since or "",
            until=until or "",
        )

    @app.get("/api/stories", summary="Stories, newest filters applied (q searches titles)")
    def api_stories(
        q: str | None = None,
        outlet: str | None = None,
        language: str | None = None,
        since: str | None = None,
        until: str | None = None,
    ) -> list[dict[str, Any]]:
        return [asdict(story) for story in list_stories(q, outlet, language, since, until)]

    # Story views by (story id, its articles): a story changes only when an article joins it, which
    # changes the key, so a cached view is never stale; the last _VIEW_CACHE views are kept.
    views: OrderedDict[tuple[str, tuple[str, ...]], dict[str, Any]] = OrderedDict()

    def story_data(story_id: str) -> dict[str, Any]:
        with store() as opened:
            found = opened.load_story(story_id)
            if found is None:
                raise HTTPException(404, f"{story_id}: no such story")
            key = (found.id, found.articles)
            with lock:
                if key in views:
                    views.move_to_end(key)
                    return views[key]
            articles = opened.load_articles(found.articles)
            copies = [c for c in opened.load_copies(found.articles) if c.copy in found.articles]
        _, comparison = compare_story(found.id, db=app.state.db, settings=settings, embedder="none", workers=1)
        view = story_view(found, articles, copies, comparison)
        view["html"] = render("story.html", **view)
        with lock:
            views[key] = view
            while len(views) > _VIEW_CACHE:
                views.popitem(last=False)
        return view

    # Ids are whole path tails (":path"): an id may hold "/", sent percent-encoded by links.server_url.
    @app.get("/stories/{story_id:path}", response_class=HTMLResponse, include_in_schema=False)
    def story_page(story_id: str, query_id: QueryId = None) -> str:
        return str(story_data(_given(story_id, query_id))["html"])

    @app.get(
        "/api/stories/{story_id:path}",
        summary="One story with its comparison (the report's story record); ids percent-encoded",
    )
    def api_story(story_id: str, query_id: QueryId = None) -> dict[str, Any]:
        view = story_data(_given(story_id, query_id))
        if "json" in view:
            return view["json"]  # type: ignore[no-any-return]
        story: StoredStory = view["story"]
        view["json"] = {
            "id": story.id,
            "title": story.title,
            "storyline": story.storyline,
            "start": story.start,
            "end": story.end,
            "articles": list(story.articles),
            "copies": [copy.to_record() for copy in view["copies"]],
            "copy_families": [family.to_record() for family in view["families"]],
        } | (view["record"] or {})
        return view["json"]  # type: ignore[no-any-return]

    def article_data(article_id: str) -> dict[str, Any]:
        with store() as opened:
            found = opened.load_articles([article_id])
            if not found:
                raise HTTPException(404, f"{article_id}: no such article")
            relations = opened.load_copies([article_id])
            story_id = opened.story_of(article_id)
        return {"article": found[0], "relations": relations, "story_id": story_id}

    @app.get("/articles/{article_id:path}", response_class=HTMLResponse, include_in_schema=False)
    def article_page(article_id: str, query_id: QueryId = None) -> str:
        return render("article.html", **article_data(_given(article_id, query_id)))

    @app.get(
        "/api/articles/{article_id:path}",
        summary='One article with its copy relations and story; ids percent-encoded ("/" as %2F)',
    )
    def api_article(article_id: str, query_id: QueryId = None) -> dict[str, Any]:
        data = article_data(_given(article_id, query_id))
        record = data["article"].to_record()
        return record | {
            "source": public_source(record["source"]),
            "story": data["story_id"],
            "copies": [r.to_record() for r in data["relations"]],
        }

    def compare_data(first: str, second: str) -> dict[str, Any]:
        if first == second:
            raise HTTPException(400, f"{first}: compare needs two different articles")
        with store() as opened:
            found = {a.id: a for a in opened.load_articles([first, second])}
        missing = [i for i in (first, second) if i not in found]
        if missing:
            raise HTTPException(404, f"{', '.join(missing)}: no such article")
        # The verdict analyze stored, or the pair judged as analyze would (the embedder loads once).
        _, _, passages, relation = compare_pair(first, second, app.state.db, settings, pair_embedder())
        left = [(p.original[0], p.original[1], n % _PASSAGE_COLOURS) for n, p in enumerate(passages)]
        right = [(p.copy[0], p.copy[1], n % _PASSAGE_COLOURS) for n, p in enumerate(passages)]
        return {
            "first": found[first],
            "second": found[second],
            "passages": passages,
            "relation": relation,
            "left": highlight(found[first].text, left),
            "right": highlight(found[second].text, right),
        }

    # Two ids: in the query (any characters), or in the path for ids without "/" (the older form).
    # (Decorators apply bottom-up: the query form is registered, and listed, first.)
    @app.get("/compare/{a}/{b}", response_class=HTMLResponse, include_in_schema=False)
    @app.get("/compare", response_class=HTMLResponse, include_in_schema=False)
    def compare_page(a: str, b: str) -> str:
        return render("compare.html", **compare_data(a, b))

    @app.get("/api/compare/{a}/{b}", summary="The same, for two ids without '/' in the path")
    @app.get("/api/compare", summary="Two articles (ids a and b) aligned: shared passages and the copy relation")
    def api_compare(a: str, b: str) -> dict[str, Any]:
        data = compare_data(a, b)
        return {
            "first": a,
            "second": b,
            "passages": [
                {"first": list(p.original), "second": list(p.copy), "similarity": p.similarity}
                for p in data["passages"]
            ],
            "copy": data["relation"].to_record() if data["relation"] is not None else None,
        }

    def outlet_rows() -> list[dict[str, Any]]:
        with store() as opened:
            return _outlets(opened.load_articles(), opened.load_copies())

    @app.get("/outlets", response_class=HTMLResponse, include_in_schema=False)
    def outlets_page() -> str:
        return render("outlets.html", outlets=outlet_rows())

    @app.get("/api/outlets", summary="Outlets: articles, copied by others, copies, median copy delay (hours)")
    def api_outlets() -> list[dict[str, Any]]:
        return outlet_rows()

    @app.get("/upload", response_class=HTMLResponse, include_in_schema=False)
    def upload_page() -> str:
        return render("upload.html", result=None)

    @app.post(
        "/api/articles",
        summary="Ingest files (multipart) or JSONL and add them to the stories (400 when nothing could be stored)",
    )
    async def api_ingest(request: Request) -> JSONResponse:
        result, status = await ingest(request, app.state.db, settings)
        return JSONResponse(result, status_code=status)

    @app.post("/upload", response_class=HTMLResponse, include_in_schema=False)
    async def upload_form(request: Request) -> HTMLResponse:
        result, status = await ingest(request, app.state.db, settings)
        return HTMLResponse(render("upload.html", result=result), status_code=status)

    @app.get("/docs", response_class=HTMLResponse, include_in_schema=False)
    def docs() -> str:
        schema = app.openapi()
        return render("docs.html", paths=schema.get("paths", {}))

    @app.get("/story", include_in_schema=False)
    def story_redirect(id: str) -> RedirectResponse:  # noqa: A002 - the form field's name
        return RedirectResponse(server_url("story", id), status_code=303)

    return app
