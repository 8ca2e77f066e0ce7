"""HTTP details the framework leaves to the app: HEAD wherever GET is answered, the ``Allow``
header of a 405, and URLs that are not UTF-8 or hold NUL refused before any route reads them."""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import unquote_to_bytes

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.routing import BaseRoute, Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send


class SecurityHeaders:
    """ASGI middleware adding the same security headers to every response (the Content-Security-
    Policy and its companions). Pure ASGI rather than ``@app.middleware("http")``, whose wrapper
    re-streams every response body through another task: a third of a cached page's cost."""

    def __init__(self, app: ASGIApp, headers: dict[str, str]) -> None:
        self.app = app
        self.headers = [(name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in headers.items()]
        self.names = {name for name, _ in self.headers}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                kept = [(name, value) for name, value in message.get("headers", []) if name.lower() not in self.names]
                message = {**message, "headers": [*kept, *self.headers]}
            await send(message)

        await self.app(scope, receive, with_headers)


class HeadAsGet:
    """ASGI middleware answering HEAD as GET without the body (FastAPI routes answer only the
    methods they name; the body is dropped here, not left to the server, which may not)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def headers_only(message: Message) -> None:
            if message["type"] == "http.response.body":
                message = {**message, "body": b""}
            await send(message)

        # A copy: the server still reads its own scope's method to know the response is bodiless.
        await self.app({**scope, "method": "GET"}, receive, headers_only)


def allowed_methods(routes: Iterable[BaseRoute], scope: Scope) -> str:
    """The ``Allow`` header for a path: every method of every route at it (Starlette names only the
    first route's, and ``/upload`` has two), with HEAD wherever GET is answered."""
    methods: set[str] = set()
    for route in routes:
        # Only endpoints name methods (an included router, say, is matched through its own routes).
        named = getattr(route, "methods", None)
        if named and route.matches(scope)[0] is not Match.NONE:
            methods |= named
    if "GET" in methods:
        methods.add("HEAD")
    return ", ".join(sorted(methods))


def _check_decodes(raw: bytes, plus_is_space: bool) -> None:
    """400 for a percent-encoded URL part that is not UTF-8 or holds NUL once decoded (the server
    would quietly replace the first, and a database may refuse the second)."""
    try:
        text = unquote_to_bytes(raw.replace(b"+", b" ") if plus_is_space else raw).decode("utf-8")
    except UnicodeDecodeError:
        raise HTTPException(400, "the URL is not valid UTF-8 once percent-decoded") from None
    if "\x00" in text:
        raise HTTPException(400, "the URL holds a NUL character")


async def check_url(request: Request) -> None:
    """A dependency of every route: the request's path and query decode to clean UTF-8."""
    _check_decodes(request.scope.get("raw_path") or request.scope["path"].encode("utf-8"), plus_is_space=False)
    _check_decodes(request.scope.get("query_string", b""), plus_is_space=True)
