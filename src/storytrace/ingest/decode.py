"""Turning the bytes of one input into text: size limits, gzip, binary sniffing, encodings."""

from __future__ import annotations

import gzip
import zlib
from pathlib import Path

from charset_normalizer import from_bytes

from storytrace.errors import InputError
from storytrace.settings import Settings

# Control characters other than tab, newline, carriage return and form feed never occur in text.
_CONTROL_BYTES = bytes(sorted(set(range(32)) - {9, 10, 12, 13}))


def read_bytes(path: Path, settings: Settings) -> bytes:
    """Read a whole (possibly gzipped) file, refusing empty, oversized and truncated ones."""
    source = str(path)
    size = path.stat().st_size
    if size == 0:
        raise InputError(source, "empty file")
    if size > settings.max_article_bytes:
        raise InputError(
            source,
            f"file is {size / 1e6:.1f} MB, over the {settings.max_article_bytes / 1e6:.0f} MB limit "
            "for one article (Settings.max_article_bytes)",
        )
    if not path.name.lower().endswith(".gz"):
        return path.read_bytes()
    try:
        with gzip.open(path, "rb") as stream:
            data = stream.read(settings.max_article_bytes + 1)
    except EOFError:
        raise InputError(source, "truncated gzip file (ends before its end-of-stream marker)") from None
    except (gzip.BadGzipFile, zlib.error, OSError) as error:
        raise InputError(source, f"not a valid gzip file ({error})") from None
    if len(data) > settings.max_article_bytes:
        raise InputError(source, "decompressed file is over the size limit for one article")
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
    matches = list(from_bytes(data))
    if not matches:
        raise InputError(source, f"not UTF-8 (invalid byte at offset {first_bad}) and no encoding fits")
    # On a tie (short texts fit several code pages equally), prefer windows-1252: the web's most
    # common legacy encoding, which WHATWG also substitutes for latin-1.
    top = [m for m in matches if (m.chaos, m.coherence) == (matches[0].chaos, matches[0].coherence)]
    best = next((m for m in top if m.encoding == "cp1252"), matches[0])
    return str(best), f"not UTF-8 (invalid byte at offset {first_bad}); decoded as {best.encoding}"
