"""Uploads: a multipart form's files or a JSONL body, streamed to a private folder under a size cap,
then added to the stories in a worker thread; the answer says what was stored and what was not.

Everything about an upload is hostile: its size (a chunked body states none), its file names
(NUL, ``..``, absolute or ``\\`` paths, names longer than a file system takes) and its content.
"""

from __future__ import annotations

import re
import shutil
import tempfile
import unicodedata
from collections.abc import AsyncGenerator
from pathlib import Path, PurePosixPath
from typing import Any

import anyio
from fastapi import Request
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException, MultiPartParser

from storytrace import pipeline
from storytrace.model import Report
from storytrace.settings import Settings

# The private folders' name prefix, by which their paths are cut from what clients see.
_FOLDER_PREFIX = "storytrace-upload-"
_FOLDER_PATH = re.compile(rf"\S*/{_FOLDER_PREFIX}[^/\s]+/(?:\d+/)?")
# Most file systems take names of at most 255 bytes.
_MAX_NAME_BYTES = 255
# A longer "extension" (``a.<300 letters>``) is part of the name, not a format to keep.
_MAX_SUFFIX_BYTES = 16
# Copy uploaded files in pieces of this size (never a whole file in memory).
_COPY_CHUNK = 1 << 20


class Rejected(Exception):
    """An upload with nothing to add (no file, an empty body, an unreadable form)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def safe_file_name(name: str | None) -> str:
    """An uploaded file's name made safe to create in the private folder: its last ``/`` or ``\\``
    component without control characters or leading dots (ingest skips hidden names), cut to 255
    bytes from the stem, so the extension that picks the reader and as much of the stem (the
    article id) as fits stay; ``upload`` when nothing is left."""
    base = re.split(r"[/\\]", name or "")[-1]
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C").strip().lstrip(".")
    if not base:
        return "upload"
    if len(base.encode("utf-8")) <= _MAX_NAME_BYTES:
        return base
    path = PurePosixPath(base)
    suffix = "".join(path.suffixes[-2:]) if base.lower().endswith(".gz") else path.suffix
    if len(suffix.encode("utf-8")) > _MAX_SUFFIX_BYTES:
        suffix = ""
    room = _MAX_NAME_BYTES - len(suffix.encode("utf-8"))
    stem = base[: len(base) - len(suffix)] if suffix else base
    return stem.encode("utf-8")[:room].decode("utf-8", "ignore") + suffix


def public_source(text: str) -> str:
    """A source (or a reason naming sources) as the uploader named them: the private folder's path,
    an internal, cut off."""
    return _FOLDER_PATH.sub("", text)


def _slot(folder: Path, number: int) -> Path:
    """A subfolder per uploaded file, so that files of one name do not overwrite each other and
    each keeps its own name (single-article files take their name as the article id)."""
    slot = folder / f"{number:04d}"
    slot.mkdir()
    return slot


def _too_large(cap: int) -> HTTPException:
    """The 413 of an upload over the cap (``Settings.web_upload_max_bytes``)."""
    return HTTPException(413, f"upload larger than {cap} bytes")


async def _capped(request: Request, cap: int) -> AsyncGenerator[bytes, None]:
    """The body's chunks as they arrive, stopping with 413 once past ``cap`` bytes: a chunked body
    states no Content-Length, so the cap is counted, not taken from the header."""
    received = 0
    async for chunk in request.stream():
        received += len(chunk)
        if received > cap:
            raise _too_large(cap)
        yield chunk


def _refuse_declared_oversize(request: Request, cap: int) -> None:
    """Refuse with 413 before reading a body whose stated length is over ``cap`` bytes."""
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > cap:
        raise _too_large(cap)


def _save_files(files: list[UploadFile], folder: Path) -> None:
    """Copy the form's files (spooled to disk by the parser when large) into their slots."""
    for number, upload in enumerate(files):
        with (_slot(folder, number) / safe_file_name(upload.filename)).open("wb") as target:
            shutil.copyfileobj(upload.file, target, _COPY_CHUNK)


async def _receive_form(request: Request, folder: Path, cap: int) -> None:
    """A multipart form's files written into the folder, the body counted against the cap."""
    try:
        form = await MultiPartParser(request.headers, _capped(request, cap)).parse()
    except MultiPartException as error:
        raise Rejected(f"unreadable form: {error.message}") from None
    try:
        files = [value for _, value in form.multi_items() if isinstance(value, UploadFile)]
        if not files:
            raise Rejected("no file in the form")
        await run_in_threadpool(_save_files, files, folder)
    finally:
        await form.close()


async def _receive_jsonl(request: Request, folder: Path, cap: int) -> None:
    """A JSONL body written into the folder as it arrives, counted against the cap."""
    blank = True
    async with await anyio.open_file(_slot(folder, 0) / "upload.jsonl", "wb") as target:
        async for chunk in _capped(request, cap):
            blank = blank and not chunk.strip()
            await target.write(chunk)
    if blank:
        raise Rejected("empty body: send files (multipart) or JSONL")


def _answer(result: dict[str, Any]) -> tuple[dict[str, Any], int]:
    """The answer and its status: 400 with the reasons when nothing could be stored, else 200 (with
    the problems of any inputs that could not be stored beside the stored ones)."""
    # The store's counts include articles the database refused ("rejected"): those are not stored.
    if any(count for status, count in result["stored"].items() if status != "rejected"):
        return result, 200
    reasons = "; ".join(f"{p['source']}: {p['reason']}" for p in result["problems"][:3]) or "no article in the upload"
    more = len(result["problems"]) - 3
    return {"error": f"nothing could be stored: {reasons}{f' (and {more} more)' if more > 0 else ''}"} | result, 400


def _result(report: Report) -> dict[str, Any]:
    """What the client is told of an added upload."""
    return {
        "stored": report.stored,
        "grouped": report.grouped,
        "articles": [article.id for article in report.articles],
        "stories": [story.id for story in report.stories],
        "problems": [
            {"source": public_source(p.source), "reason": public_source(p.reason), "kind": p.kind.value}
            for p in report.problems
        ],
    }


def _rejection(reason: str) -> dict[str, Any]:
    """The result of an upload with nothing to add."""
    problem = {"source": "upload", "reason": reason, "kind": "error"}
    return {"stored": {}, "grouped": {}, "articles": [], "stories": [], "problems": [problem]}


async def ingest(request: Request, db: str, settings: Settings) -> tuple[dict[str, Any], int]:
    """The request's files (multipart) or JSONL body added to the stories; the result and its status."""
    _refuse_declared_oversize(request, settings.web_upload_max_bytes)
    multipart = request.headers.get("content-type", "").lower().startswith("multipart/form-data")
    with tempfile.TemporaryDirectory(prefix=_FOLDER_PREFIX) as name:
        folder = Path(name)
        try:
            await (_receive_form if multipart else _receive_jsonl)(request, folder, settings.web_upload_max_bytes)
        except Rejected as rejected:
            return _answer(_rejection(rejected.reason))
        # The pipeline is slow and blocking: off the event loop, other requests go on meanwhile
        # (uploads, like CLI runs, take turns on the store's writer lock).
        report = await run_in_threadpool(pipeline.add, [str(folder)], db=db, settings=settings, embedder="none")
    return _answer(_result(report))
