"""Turning the bytes of one input into text: opening safely, size limits, gzip, binary
sniffing, encodings, and refusing decoded text that is not language."""

from __future__ import annotations

import gzip
import os
import re
import stat
import zlib
from pathlib import Path
from typing import BinaryIO

from charset_normalizer import from_bytes

from storytrace.errors import InputError
from storytrace.settings import Settings

# Control characters other than tab, newline, carriage return and form feed never occur in text.
_CONTROL_BYTES = bytes(sorted(set(range(32)) - {9, 10, 12, 13}))
_CONTROL_CHARS = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f]")
# A word: letters only, in lower case, Capitalised or UPPER CASE (or of a script without case).
_LETTER_RUN = re.compile(r"[^\W\d_]+")
_WHITESPACE = re.compile(r"\s+")
_FILE_KINDS = (
    (stat.S_ISFIFO, "FIFO"),
    (stat.S_ISSOCK, "socket"),
    (stat.S_ISCHR, "character device"),
    (stat.S_ISBLK, "block device"),
    (stat.S_ISDIR, "directory"),
)


def file_kind(mode: int) -> str:
    """What a non-regular file is, for the reason that refuses it."""
    return next((name for test, name in _FILE_KINDS if test(mode)), "special file")


def open_regular(path: Path) -> BinaryIO:
    """Open a regular file for reading; a FIFO, socket or device is refused, never waited on.

    The file is opened non-blocking (opening a FIFO otherwise waits for a writer) and checked
    through its descriptor, so a path swapped after an earlier check cannot block either.
    """
    descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    try:
        mode = os.fstat(descriptor).st_mode
        if not stat.S_ISREG(mode):
            raise InputError(str(path), f"not a regular file ({file_kind(mode)})")
        os.set_blocking(descriptor, True)
        return os.fdopen(descriptor, "rb")
    except BaseException:
        os.close(descriptor)
        raise


def file_size(stream: BinaryIO) -> int:
    """Size in bytes of an open file."""
    return os.fstat(stream.fileno()).st_size


def read_bytes(path: Path, settings: Settings) -> bytes:
    """Read a whole (possibly gzipped) file, refusing empty, oversized and truncated ones.

    Reads never go past the size limit, however the file grows or decompresses.
    """
    source = str(path)
    limit = settings.max_article_bytes
    with open_regular(path) as stream:
        size = file_size(stream)
        if size == 0:
            raise InputError(source, "empty file")
        if size > limit:
            raise InputError(
                source,
                f"file is {size / 1e6:.1f} MB, over the {limit / 1e6:.0f} MB limit "
                "for one article (Settings.max_article_bytes)",
            )
        if not path.name.lower().endswith(".gz"):
            data = stream.read(limit + 1)
        else:
            try:
                data = gzip.GzipFile(fileobj=stream).read(limit + 1)
            except EOFError:
                raise InputError(source, "truncated gzip file (ends before its end-of-stream marker)") from None
            except (gzip.BadGzipFile, zlib.error, OSError) as error:
                raise InputError(source, f"not a valid gzip file ({error})") from None
    if len(data) > limit:
        raise InputError(source, "file is over the size limit for one article (Settings.max_article_bytes)")
    if not data:
        raise InputError(source, "empty file")
    return data


def looks_binary(data: bytes, settings: Settings) -> bool:
    """True when the bytes are not text: a NUL byte or too many control characters."""
    sample = data[:8192]
    if b"\x00" in sample:
        return True
    controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    return controls > settings.binary_control_share * max(len(sample), 1)


def decode_text(data: bytes, source: str, settings: Settings) -> tuple[str, str | None]:
    """Decode bytes as UTF-8, else as the encoding charset-normalizer detects.

    Returns the text and a warning when the input was not UTF-8; raises :class:`InputError`
    for binary data or bytes no encoding explains.
    """
    if looks_binary(data, settings):
        raise InputError(source, "binary content, not text")
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as error:
        first_bad = error.start
    not_utf8 = f"not UTF-8 (invalid byte at offset {first_bad})"
    if len(data) < settings.guessed_encoding_min_bytes:
        raise InputError(
            source,
            f"{not_utf8} and too short ({len(data)} bytes) to tell its encoding (Settings.guessed_encoding_min_bytes)",
        )
    # UTF-16/32 without a byte-order mark cannot be real text here: any ASCII character in it
    # (a space, a newline) would hold a NUL byte, and those were refused as binary above.
    matches = [m for m in from_bytes(data) if not m.encoding.startswith(("utf_16", "utf_32"))]
    if not matches:
        raise InputError(source, f"{not_utf8} and no encoding fits")
    # On a tie (short texts fit several code pages equally), prefer windows-1252: the web's most
    # common legacy encoding, which WHATWG also substitutes for latin-1.
    top = [m for m in matches if (m.chaos, m.coherence) == (matches[0].chaos, matches[0].coherence)]
    best = next((m for m in top if m.encoding == "cp1252"), matches[0])
    text = str(best)
    # A legacy code page maps bytes under 32 to the same controls as ASCII: text has none.
    if _CONTROL_CHARS.search(text):
        raise InputError(source, f"{not_utf8} and holds control characters under any encoding: not text")
    return text, f"{not_utf8}; decoded as {best.encoding}"


def _is_word(run: str) -> bool:
    cased = any(character.isupper() or character.islower() for character in run)
    return not cased or run.islower() or run.isupper() or run.istitle()


def require_language(text: str, source: str, settings: Settings) -> None:
    """Refuse decoded text that is not language: too few of its characters are in words."""
    visible = len(_WHITESPACE.sub("", text))
    in_words = sum(len(run) for run in _LETTER_RUN.findall(text) if _is_word(run))
    if visible and in_words < settings.text_min_word_share * visible:
        raise InputError(
            source,
            f"not language: only {in_words / visible:.0%} of its characters are in words "
            f"(Settings.text_min_word_share is {settings.text_min_word_share:.0%})",
        )
