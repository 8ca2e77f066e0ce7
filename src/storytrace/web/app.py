"""The web app: server-rendered pages (FastAPI + Jinja2) over the store, each with a JSON twin.

Pages: stories (search and filters), a story (timeline and copy graph as SVG, copy families,
summary, quotes, disagreements, coverage), an article, two articles side by side, outlets (who originates, who
copies, how fast), an upload form. ``POST /api/articles`` ingests files or JSONL and adds them
to the stories. Article text is hostile: Jinja2 autoescapes everything, pages carry a strict
Content-Security-Policy (no script at all, styles from the stylesheet only), ids of any
characters are reachable (see ``links``), uploads are size-limited while they stream (see
``upload``), and errors say what went wrong without internals.

This module builds the app: middleware, error handlers and the shared state; the pages are
``routes`` over ``views``.
"""

from __future__ import annotations

import logging
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.exceptions import HTTPException

from storytrace.errors import StoreError, StorytraceError
from storytrace.settings import DEFAULT_SETTINGS, Settings
from storytrace.store import Store
from storytrace.web.background import RETRY_SECONDS, StillBuilding
from storytrace.web.pages import render
from storytrace.web.protocol import HeadAsGet, SecurityHeaders, allowed_methods, check_url
from storytrace.web.routes import Served, router
from storytrace.web.views import Missing

log = logging.getLogger(__name__)

# The strictest policy the pages work under: nothing but this origin's stylesheet and images
# (inline SVG needs no source), no script anywhere, no framing, forms only to this origin.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}


def _error(request: Request, status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    """An error answer: JSON under ``/api/``, else the error page; the message is autoescaped there."""
    if request.url.path.startswith("/api/"):
        return JSONResponse({"error": message}, status_code=status, headers=headers)
    return HTMLResponse(render("error.html", message=message, status=status), status_code=status, headers=headers)


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    """The app's life: its store closes when the server shuts down."""
    yield
    app.state.served.builds.close()
    app.state.served.store.close()


def _install_error_handlers(app: FastAPI) -> None:
    """Every error answered as ``_error`` does: what went wrong, never internals or the input."""

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, error: HTTPException) -> Response:
        message = error.detail if error.status_code < 500 else "internal error"
        # FastAPI keeps an included router as one entry of app.routes: its own routes are read too.
        routes = [*app.routes, *router.routes]
        headers = {"Allow": allowed_methods(routes, request.scope)} if error.status_code == 405 else None
        return _error(request, error.status_code, message, headers)

    @app.exception_handler(Missing)
    async def missing(request: Request, error: Missing) -> Response:
        return _error(request, 404, str(error))

    @app.exception_handler(StillBuilding)
    async def still_building(request: Request, error: StillBuilding) -> Response:
        headers = {"Retry-After": str(RETRY_SECONDS)}
        if request.url.path.startswith("/api/"):
            answer = {"status": "building", "message": str(error), "retry_after_seconds": RETRY_SECONDS}
            return JSONResponse(answer, status_code=202, headers=headers)
        page = render("building.html", message=str(error), retry=RETRY_SECONDS)
        return HTMLResponse(page, status_code=202, headers=headers)

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


def create_app(db: str | Path = "storytrace.db", settings: Settings = DEFAULT_SETTINGS) -> FastAPI:
    """The app over one database (a SQLite path or a PostgreSQL URL)."""
    app = FastAPI(
        title="storytrace", docs_url=None, redoc_url=None, dependencies=[Depends(check_url)], lifespan=_lifespan
    )
    app.state.db = str(db)
    # One store for the app's life, opened here so that an unusable database fails at once.
    app.state.served = Served(app.state.db, Store(app.state.db, settings), settings)

    app.add_middleware(HeadAsGet)
    app.add_middleware(SecurityHeaders, headers=SECURITY_HEADERS)
    _install_error_handlers(app)
    app.include_router(router)
    return app


# ``serve --workers N``: each worker process builds its own app from what it inherits.
SERVED_DB = "STORYTRACE_SERVED_DB"


def app_from_environment() -> FastAPI:
    """The app a ``serve --workers`` process runs: the database named by ``STORYTRACE_SERVED_DB``,
    the settings of the ``STORYTRACE_CONFIG`` file when there is one (as the CLI reads it)."""
    config = os.environ.get("STORYTRACE_CONFIG")
    return create_app(os.environ[SERVED_DB], Settings.from_file(config) if config else DEFAULT_SETTINGS)
