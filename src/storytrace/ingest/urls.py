"""Inputs named by file system URLs (``hdfs://nn/crawl/``, ``s3a://bucket/*.warc.gz``,
``file:///data/``): which inputs are URLs, what this process can open itself, and how a file an
engine fetched in a worker is read by the same readers as a local one.

The readers work on local files (they check the file's kind, size and first bytes before
reading), so a fetched file's bytes are written to a private temporary folder under the file's
own name and read from there; every source the readers name is then given back its URL.
"""

from __future__ import annotations

import re
import tempfile
from dataclasses import replace
from pathlib import Path
from urllib.parse import urlsplit

from storytrace.executor import FetchedFile
from storytrace.ingest import read_file
from storytrace.model import Problem, RawDocument
from storytrace.settings import Settings

__all__ = ["is_url", "local_path", "read_fetched"]

# RFC 3986's scheme, then "//": "C:\\news" or "notes:today.txt" stay paths.
_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://")


def is_url(item: str) -> bool:
    """Whether an input names a file system URL rather than a local path."""
    return _URL.match(item) is not None


def local_path(url: str) -> Path | None:
    """The local path a ``file://`` URL names (no host, or ``localhost``); None for any other URL.

    As Hadoop's ``Path`` reads it, so that both engines read the same file: the path is taken
    as written, with no percent-decoding (``file:///data/a b/`` is the folder ``a b``).
    """
    parts = urlsplit(url)
    if parts.scheme.lower() != "file" or parts.netloc not in ("", "localhost"):
        return None
    return Path(parts.path)


def _file_name(url: str) -> str:
    """The last part of a URL's path: the name the readers see (single-article formats take the
    article id from it, every reader its format from the extension)."""
    name = urlsplit(url).path.rstrip("/").rpartition("/")[2]  # Hadoop's URLs are not percent-encoded
    return name if name not in ("", ".", "..") else "file"


def read_fetched(fetched: FetchedFile, settings: Settings) -> list[RawDocument | Problem]:
    """A fetched file read and checked exactly as ``read_file`` reads a local one, its sources
    (``url``, ``url#record``, ``url:line``) naming the URL."""
    with tempfile.TemporaryDirectory(prefix="storytrace-fetched-") as folder:
        path = Path(folder, _file_name(fetched.url))
        path.write_bytes(fetched.data)
        local = str(path)

        def renamed(source: str) -> str:
            return fetched.url + source[len(local) :] if source.startswith(local) else source

        found: list[RawDocument | Problem] = []
        for item in read_file(path, settings):
            if isinstance(item, Problem):
                found.append(Problem(renamed(item.source), item.reason.replace(local, fetched.url), item.kind))
            else:
                found.append(replace(item, source=renamed(item.source)))
        return found
