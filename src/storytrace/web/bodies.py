"""Cached answers sent as their bytes, compressed with gzip for the clients that accept it.

A story page or its JSON is a few hundred kilobytes (every article's text and the pictures):
compressing it on every request (Starlette's ``GZipMiddleware``) would cost more CPU than the
page itself, so the compressed form is made once, beside the cached view, on first need.
"""

from __future__ import annotations

import functools
import gzip
import json
import re
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

# Smaller bodies gain nothing from compression (gzip's header alone is 18 bytes).
_MIN_COMPRESSED_BYTES = 1024
# "gzip;q=0" (or q=0.0) in Accept-Encoding refuses gzip.
_REFUSED = re.compile(r";\s*q\s*=\s*0(?:\.0*)?\s*$")


def accepts_gzip(request: Request) -> bool:
    """Whether the request's Accept-Encoding names gzip (or ``*``) without refusing it."""
    for part in request.headers.get("accept-encoding", "").lower().split(","):
        name = part.split(";", 1)[0].strip()
        if name in ("gzip", "*") and not _REFUSED.search(part):
            return True
    return False


class Body:
    """One cached answer: its bytes, media type, and gzip form made on first need."""

    def __init__(self, content: bytes, media_type: str) -> None:
        self.content = content
        self.media_type = media_type

    @classmethod
    def json(cls, document: Any) -> Body:
        """A JSON document encoded as FastAPI's JSONResponse encodes it."""
        text = json.dumps(document, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
        return cls(text.encode("utf-8"), "application/json")

    @classmethod
    def html(cls, page: str) -> Body:
        """A rendered page."""
        return cls(page.encode("utf-8"), "text/html; charset=utf-8")

    @functools.cached_property
    def gzipped(self) -> bytes:
        """The bytes compressed (level 6, gzip's default; no timestamp, so the same every time)."""
        return gzip.compress(self.content, compresslevel=6, mtime=0)

    def answer(self, request: Request) -> Response:
        """A new response over these bytes (responses are not shared between requests): gzip
        when the client accepts it and the body is worth compressing."""
        headers = {"Vary": "Accept-Encoding"}
        if len(self.content) >= _MIN_COMPRESSED_BYTES and accepts_gzip(request):
            return Response(self.gzipped, media_type=self.media_type, headers={**headers, "Content-Encoding": "gzip"})
        return Response(self.content, media_type=self.media_type, headers=headers)
