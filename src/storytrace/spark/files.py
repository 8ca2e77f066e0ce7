"""Files named by URLs, listed and read through Spark's Hadoop file systems.

The driver's Python cannot open ``hdfs://`` or ``s3a://`` (only the JVM has those file systems,
with whatever connectors the user's Spark carries), so listing goes through the JVM's Hadoop
``FileSystem`` over the Py4J gateway, and reading through ``SparkContext.binaryFiles`` in the
executors: each file's bytes go from the JVM to one Python worker, never through the driver.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from storytrace.executor import ListedFile
from storytrace.model import Problem, ProblemKind

if TYPE_CHECKING:
    from pyspark import SparkContext

__all__ = ["MAX_FILE_BYTES", "input_path", "list_files"]

# binaryFiles hands a file to Python as one JVM byte array, whose length is an int (2 GiB less a
# few bytes); larger files cannot be read this way at all.
MAX_FILE_BYTES = (1 << 31) - 1024
_GLOB_MARKS = re.compile(r"[*?\[{]")
# Hadoop's glob syntax marks; a listed file's own name is escaped so that it names only itself.
_GLOB_SPECIAL = re.compile(r"([\\*?\[\]{}])")


def input_path(url: str) -> str:
    """A listed file's URL as one path of Hadoop's comma-separated input paths: glob marks escaped."""
    return _GLOB_SPECIAL.sub(r"\\\1", url)


def _java_reason(error: Exception) -> str:
    """The first line of a Java exception's message, with its class when the message is empty."""
    java = getattr(error, "java_exception", None)
    if java is None:
        return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    message = java.getMessage()
    name = java.getClass().getSimpleName()
    return f"{name}: {str(message).splitlines()[0]}" if message else name


# What Hadoop raises for a scheme it has no file system class for: none registered, or the
# registered class's jar (hadoop-aws for s3a) missing from the classpath.
_NO_CONNECTOR = ("UnsupportedFileSystemException", "ClassNotFoundException")


def _listing_problem(reason: str) -> str:
    """A failed listing's reason as the user can act on it."""
    if "FileNotFoundException" in reason:
        return "no such file or directory"
    if any(name in reason for name in _NO_CONNECTOR):
        return f"cannot list: Spark has no connector for this file system; add its jar (spark.jars.packages) ({reason})"
    return f"cannot list ({reason})"


def _hidden(name: str) -> bool:
    """Hadoop's input formats never read names starting with ``_`` or ``.`` (``_SUCCESS``, ``.crc``)."""
    return name.startswith(("_", "."))


def list_files(spark: SparkContext, urls: Iterable[str]) -> Iterator[ListedFile | Problem]:
    """The files under each URL, in the given order and in ``discover``'s order for a local
    path: a file itself, a folder's files recursively (a folder's files before its subfolders',
    each sorted; names starting with ``.`` skipped), a glob pattern that names no file itself:
    its matches (sorted). A URL that names nothing, a file system Spark has no connector for,
    or a file no task can read is a problem naming it."""
    jvm: Any = spark._jvm  # noqa: SLF001 - the Py4J gateway is PySpark's way to the Hadoop API
    conf = spark._jsc.hadoopConfiguration()  # noqa: SLF001
    for url in urls:
        try:
            path = jvm.org.apache.hadoop.fs.Path(url)
            system = path.getFileSystem(conf)
            if _GLOB_MARKS.search(url) and not system.exists(path):  # a name with marks is itself first
                statuses = sorted(system.globStatus(path) or [], key=lambda status: status.getPath().toString())
                if not statuses:
                    yield Problem(url, "no file matches this pattern")
                    continue
            else:
                statuses = [system.getFileStatus(path)]
            found: list[Any] = []
            for status in statuses:
                found.extend(_folder(system, status.getPath()) if status.isDirectory() else [status])
        except Exception as error:  # noqa: BLE001 - any Java failure (no connector, no file) is this URL's problem
            yield Problem(url, _listing_problem(_java_reason(error)))
            continue
        yield from map(_listed, found)


def _folder(system: Any, root: Any) -> list[Any]:
    """A folder's files, recursively, in the order ``os.walk`` gives them locally (``_walk``):
    within a folder, its files (sorted) before its subfolders (sorted); names starting with
    ``.`` skipped, with what is below them."""
    files = system.listFiles(root, True)
    prefix = root.toString().rstrip("/") + "/"
    ordered: list[tuple[tuple[tuple[int, str], ...], Any]] = []
    while files.hasNext():
        status = files.next()
        parts = status.getPath().toString()[len(prefix) :].split("/")
        if not any(part.startswith(".") for part in parts):
            # A file's own name sorts before any folder's at its level (0 before 1).
            ordered.append((tuple((1, part) for part in parts[:-1]) + ((0, parts[-1]),), status))
    return [status for _, status in sorted(ordered, key=lambda pair: pair[0])]


def _listed(status: Any) -> ListedFile | Problem:
    url = status.getPath().toString()
    size = int(status.getLen())
    if _hidden(status.getPath().getName()):
        reason = "skipped: Hadoop's input formats never read a name starting with _ or ."
        return Problem(url, reason, ProblemKind.WARNING)
    if "," in url:
        return Problem(url, "cannot be read by Spark: Hadoop's input paths are separated by commas; rename the file")
    if size > MAX_FILE_BYTES:
        return Problem(url, f"file is {size / 1e9:.1f} GB: Spark reads a file whole into one task, at most 2 GB")
    return ListedFile(url)
