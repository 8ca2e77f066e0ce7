"""The web app's routes: each page over its view (see ``views``), rendered as HTML or as its JSON twin.

Handlers reach the app's one store, its settings and caches through dependencies (``Served``),
never through a closure, so the routes live on a module-level router that ``create_app`` includes.
Ids are whole path tails (``:path``): an id may hold ``/``, sent percent-encoded by ``links.server_url``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Annotated, Any, cast

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException

from storytrace.embed import Embedder, load_embedder
from storytrace.settings import Settings
from storytrace.store import Store, StoredStory
from storytrace.web import views
from storytrace.web.background import BackgroundBuilds, StillBuilding
from storytrace.web.bodies import Body
from storytrace.web.cache import LRUCache
from storytrace.web.flows import outlet_flows_svg
from storytrace.web.links import server_url
from storytrace.web.pages import render, stylesheet
from storytrace.web.upload import ingest, public_source

# How many rendered story views the server keeps (each a few hundred kB at most).
_VIEW_CACHE = 256
# How many filtered story lists the server keeps (dropped whenever the stories change).
_LIST_CACHE = 64


@dataclass
class Served:
    """What every request shares for the app's life: the database, its one store, the settings and the caches."""

    db: str
    store: Store
    settings: Settings
    lists: LRUCache[tuple[str, ...], list[StoredStory]] = field(default_factory=lambda: LRUCache(_LIST_CACHE))
    # The story list API's encoded answers, by every filter (q included), dropped with the lists.
    list_bodies: LRUCache[tuple[str, ...], Body] = field(default_factory=lambda: LRUCache(_LIST_CACHE))
    views: views.ViewCache = field(
        default_factory=lambda: views.ViewCache(LRUCache(_VIEW_CACHE), LRUCache(_VIEW_CACHE))
    )
    # Views too slow for a request (a story's first comparison), built in a worker thread.
    builds: BackgroundBuilds[tuple[str, str], dict[str, Any]] = field(init=False)
    # The embedder analyze uses by default, loaded on the first view that needs it (a side by side,
    # a story in several languages), so that the pages give show's and compare's answers; each app
    # its own.
    embedder: Callable[[], Embedder | None] = field(default_factory=lambda: functools.cache(_auto_embedder))

    def __post_init__(self) -> None:
        self.builds = BackgroundBuilds(self.settings.web_build_wait_seconds)


def _auto_embedder() -> Embedder | None:
    """The embedder ``analyze`` picks by default."""
    return load_embedder("auto")


async def served(request: Request) -> Served:
    """The app's shared state, set by ``create_app`` (a dependency, so handlers close over nothing)."""
    return cast(Served, request.app.state.served)


ServedDep = Annotated[Served, Depends(served)]


async def opened_store(state: ServedDep) -> Store:
    """The app's one store: one connection pool for the app's life (SQLAlchemy's engine is safe to
    share between request threads; opening a Store checks the schema, far too slow per request)."""
    return state.store


StoreDep = Annotated[Store, Depends(opened_store)]
# Ids no path can carry ("", ".", "..") come as ``?id=`` (see links.server_url); kept out of the schema.
QueryId = Annotated[str | None, Query(alias="id", include_in_schema=False)]

# The handlers carry no docstrings: FastAPI would publish them as the operations' descriptions.
router = APIRouter()


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


def story_filters(
    q: str | None = None,
    outlet: str | None = None,
    language: str | None = None,
    since: str | None = None,
    until: str | None = None,
) -> views.StoryFilters:
    """A story list's query parameters, its dates checked (400 when one is not a date)."""
    return views.StoryFilters(q, outlet, language, _day(since, "since"), _day(until, "until"))


FiltersDep = Annotated[views.StoryFilters, Depends(story_filters)]


def _story(store: Store, state: Served, story_id: str) -> dict[str, Any]:
    """A story's cached view and rendered page; built in the background (StillBuilding: 202) when
    it takes longer than ``web_build_wait_seconds``, as a first comparison may."""
    view = state.builds.get(
        ("story", story_id),
        lambda: views.story_page(store, state.views, story_id, state.db, state.settings, state.embedder),
    )
    if view is None:
        raise StillBuilding(f"story {story_id} is being compared (its articles are parsed once, then cached)")
    return view


def _compare(store: Store, state: Served, first: str, second: str) -> dict[str, Any]:
    """Two different articles side by side."""
    if first == second:
        raise HTTPException(400, f"{first}: compare needs two different articles")
    return views.compare_view(store, first, second, state.db, state.settings, state.embedder)


@router.get("/static/app.css", include_in_schema=False)
async def css() -> Response:
    return Response(stylesheet(), media_type="text/css")


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
def home(store: StoreDep, state: ServedDep, filters: FiltersDep) -> str:
    found = views.story_list(store, state.lists, filters)
    return render("stories.html", stories=found, **{k: v or "" for k, v in asdict(filters).items()})


@router.get("/api/stories", summary="Stories, newest filters applied (q searches titles)")
def api_stories(request: Request, store: StoreDep, state: ServedDep, filters: FiltersDep) -> Response:
    version = store.stories_version()
    key = tuple(value or "" for value in asdict(filters).values())
    body = state.list_bodies.get(key, version)
    if body is None:
        body = Body.json([asdict(story) for story in views.story_list(store, state.lists, filters)])
        state.list_bodies.put(key, body, version)
    return body.answer(request)


@router.get("/stories/{story_id:path}", response_class=HTMLResponse, include_in_schema=False)
def story_page(
    request: Request, store: StoreDep, state: ServedDep, story_id: str, query_id: QueryId = None
) -> Response:
    return cast(Body, _story(store, state, _given(story_id, query_id))["html"]).answer(request)


@router.get(
    "/api/stories/{story_id:path}",
    summary="One story with its comparison (the report's story record); ids percent-encoded",
)
def api_story(request: Request, store: StoreDep, state: ServedDep, story_id: str, query_id: QueryId = None) -> Response:
    view = _story(store, state, _given(story_id, query_id))
    # Shaped and encoded once per cached view, on the first request for it.
    if "json" not in view:
        story: StoredStory = view["story"]
        view["json"] = Body.json(
            {
                "id": story.id,
                "title": story.title,
                "storyline": story.storyline,
                "start": story.start,
                "end": story.end,
                "articles": list(story.articles),
                "copies": [copy.to_record() for copy in view["copies"]],
                "copy_families": [family.to_record() for family in view["families"]],
            }
            | (view["record"] or {})
        )
    return cast(Body, view["json"]).answer(request)


@router.get("/storylines/{storyline_id:path}", response_class=HTMLResponse, include_in_schema=False)
def storyline_page(store: StoreDep, storyline_id: str, query_id: QueryId = None) -> str:
    return render("storyline.html", **views.storyline_view(store, _given(storyline_id, query_id)))


@router.get("/api/storylines/{storyline_id:path}", summary="One storyline: its stories, oldest first")
def api_storyline(store: StoreDep, storyline_id: str, query_id: QueryId = None) -> dict[str, Any]:
    view = views.storyline_view(store, _given(storyline_id, query_id))
    return {"id": view["id"], "title": view["title"], "stories": [asdict(story) for story in view["stories"]]}


@router.get("/articles/{article_id:path}", response_class=HTMLResponse, include_in_schema=False)
def article_page(store: StoreDep, article_id: str, query_id: QueryId = None) -> str:
    return render("article.html", **views.article_view(store, _given(article_id, query_id)))


@router.get(
    "/api/articles/{article_id:path}",
    summary='One article with its copy relations and story; ids percent-encoded ("/" as %2F)',
)
def api_article(store: StoreDep, article_id: str, query_id: QueryId = None) -> dict[str, Any]:
    data = views.article_view(store, _given(article_id, query_id))
    record = data["article"].to_record()
    return record | {
        "source": public_source(record["source"]),
        "story": data["story_id"],
        "copies": [r.to_record() for r in data["relations"]],
    }


# Two ids: in the query (any characters), or in the path for ids without "/" (the older form).
# (Decorators apply bottom-up: the query form is registered, and listed, first.)
@router.get("/compare/{a}/{b}", response_class=HTMLResponse, include_in_schema=False)
@router.get("/compare", response_class=HTMLResponse, include_in_schema=False)
def compare_page(store: StoreDep, state: ServedDep, a: str, b: str) -> str:
    return render("compare.html", **_compare(store, state, a, b))


@router.get("/api/compare/{a}/{b}", summary="The same, for two ids without '/' in the path")
@router.get("/api/compare", summary="Two articles (ids a and b) aligned: shared passages and the copy relation")
def api_compare(store: StoreDep, state: ServedDep, a: str, b: str) -> dict[str, Any]:
    data = _compare(store, state, a, b)
    return {
        "first": a,
        "second": b,
        "passages": [
            {"first": list(p.original), "second": list(p.copy), "similarity": p.similarity} for p in data["passages"]
        ],
        "copy": data["relation"].to_record() if data["relation"] is not None else None,
    }


@router.get("/outlets", response_class=HTMLResponse, include_in_schema=False)
def outlets_page(store: StoreDep) -> str:
    rows, flows = views.outlet_summary(store)
    return render("outlets.html", outlets=rows, flows=outlet_flows_svg(flows))


@router.get("/api/outlets", summary="Outlets: articles, copied by others, copies, median copy delay (hours)")
def api_outlets(store: StoreDep) -> list[dict[str, Any]]:
    return views.outlet_rows(store)


@router.get("/upload", response_class=HTMLResponse, include_in_schema=False)
def upload_page() -> str:
    return render("upload.html", result=None)


@router.post(
    "/api/articles",
    summary="Ingest files (multipart) or JSONL and add them to the stories (400 when nothing could be stored)",
)
async def api_ingest(request: Request, state: ServedDep) -> JSONResponse:
    result, status = await ingest(request, state.db, state.settings)
    return JSONResponse(result, status_code=status)


@router.post("/upload", response_class=HTMLResponse, include_in_schema=False)
async def upload_form(request: Request, state: ServedDep) -> HTMLResponse:
    result, status = await ingest(request, state.db, state.settings)
    return HTMLResponse(render("upload.html", result=result), status_code=status)


@router.get("/docs", response_class=HTMLResponse, include_in_schema=False)
def docs(request: Request) -> str:
    schema = request.app.openapi()
    return render("docs.html", paths=schema.get("paths", {}))


@router.get("/story", include_in_schema=False)
def story_redirect(id: str) -> RedirectResponse:  # noqa: A002 - the form field's name
    return RedirectResponse(server_url("story", id), status_code=303)
