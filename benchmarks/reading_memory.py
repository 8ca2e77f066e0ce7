"""Reading and cleaning large inputs: does memory stay flat as the input grows?

What it measures
    WARC files of real news pages: the 181 pages of ``../shared/data/article-extraction/html``
    (real HTML, 174 kB on average), repeated under distinct URLs to N records, written once
    with warcio as one gzipped WARC and as the same records split over 40 WARC files. For each
    N (default 800, 3,200 and 6,400: eight times the input), each way of reading runs in a forked
    process of its own (``measure.measured``) on 2 worker processes and reports documents/s,
    the driver's peak RSS above its start (what it holds: raw pages or cleaned articles) and the
    largest worker's peak RSS:

    * ``read all, then clean`` (the baseline: storytrace before this change): every document
      of the inputs read into a list, then the list handed to the ``cleaning`` step (today's
      ``read_batch`` with the driver reading and one cleaning window as large as the input);
    * ``storytrace, one WARC``: ``storytrace.batch.read_batch`` on the single file: this
      process reads the records as the cleaning step takes them, a window at a time;
    * ``storytrace, 40 WARCs``: ``read_batch`` on the 40 files: each worker reads and cleans
      whole files (the ``reading and cleaning`` step).

    With ``--jsonl-records`` (default 3,200 and 6,400), the same pages as one JSONL file (a record
    each, ``html`` and ``url``), read two ways: ``one JSONL, read here (before)`` (this process reads
    the records, as before large JSONL files were split: ``read_batch`` with ``PART_BYTES`` and
    ``MIN_PART_BYTES`` larger than the file) and ``storytrace, one JSONL in parts`` (the workers
    read stretches of whole lines: 64 MB ones for these files). ``--records`` with no value leaves the WARC rows out.

    All ways must give the same articles (checked). The cleaned articles are kept in every
    case (the later stages need them), so the driver's memory grows with them in every row;
    what the change removes is holding every raw page besides.

Command (from the repository root; about 10 minutes on 2 cores)::

    .venv/bin/python benchmarks/reading_memory.py --json docs/reading-memory-benchmark.json
"""

from __future__ import annotations

import argparse
import gzip
import json
import platform
import resource
import sys
import tempfile
import time
from dataclasses import replace
from io import BytesIO
from pathlib import Path
from typing import Any
from unittest import mock

from measure import measured
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from storytrace import Settings, batch
from storytrace.executor import LocalExecutor
from storytrace.model import Article
from storytrace.progress import SilentProgress

PAGES = Path(__file__).resolve().parents[2] / "shared" / "data" / "article-extraction" / "html"
WORKERS = 2
FILES = 40
_HTML = "text/html; charset=utf-8"


def _pages() -> list[bytes]:
    if not PAGES.is_dir():
        raise SystemExit(f"pages not found at {PAGES} (the shared/ folder must sit beside the repository)")
    return [gzip.decompress(path.read_bytes()) for path in sorted(PAGES.glob("*.html.gz"))]


def _write_warcs(folder: Path, pages: list[bytes], records: int, files: int) -> list[Path]:
    """``records`` responses of the pages in turn, each under its own URL, over ``files`` WARC files."""
    folder.mkdir()
    paths = [folder / f"crawl-{n:02d}.warc.gz" for n in range(files)]
    per_file = -(-records // files)
    for number, path in enumerate(paths):
        with path.open("wb") as stream:
            writer = WARCWriter(stream, gzip=True)
            for record in range(number * per_file, min(records, (number + 1) * per_file)):
                headers = StatusAndHeaders(
                    "200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1"
                )
                url = f"https://news.example/{record}/page.html"
                body = pages[record % len(pages)]
                writer.write_record(
                    writer.create_warc_record(url, "response", payload=BytesIO(body), http_headers=headers)
                )
    return paths


def _read_all_then_clean(inputs: list[str]) -> list[Article]:
    """The baseline: storytrace's path before (every document read, then all cleaned), as
    ``read_batch`` with the driver reading and one cleaning window as large as the input."""
    whole = replace(batch.CLEANING, window=10**9)
    with mock.patch.object(batch, "FILES_PER_WORKER", 10**9), mock.patch.object(batch, "CLEANING", whole):
        return _storytrace(inputs)


def _storytrace(inputs: list[str]) -> list[Article]:
    return batch.read_batch(inputs, Settings(), SilentProgress(), LocalExecutor(WORKERS))[0]


def _write_jsonl(path: Path, pages: list[bytes], records: int) -> Path:
    """The same pages as one JSONL file, a record each (``html`` and ``url``)."""
    with path.open("w", encoding="utf-8") as out:
        for record in range(records):
            html = pages[record % len(pages)].decode("utf-8", "replace")
            out.write(json.dumps({"url": f"https://news.example/{record}/page.html", "html": html}) + "\n")
    return path


def _jsonl_read_here(inputs: list[str]) -> list[Article]:
    """One large JSONL as storytrace read it before parts: this process reads its records."""
    # Parts of at least the whole file: it is read whole.
    with mock.patch.object(batch, "PART_BYTES", 1 << 62), mock.patch.object(batch, "MIN_PART_BYTES", 1 << 62):
        return _storytrace(inputs)


def _with_workers_peak(system: Any) -> Any:
    def run(inputs: list[str]) -> tuple[list[str], float]:
        articles = system(inputs)
        # Every pool has been joined: the largest worker's peak, KiB on Linux.
        worker_peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        return [f"{article.url}:{len(article.text)}" for article in articles], worker_peak  # record ids are random

    return run


def _compared(systems: list[tuple[str, Any, list[str]]], records: int, pages: list[bytes]) -> list[dict[str, Any]]:
    """Each way of reading run in a forked process of its own, a row each; all must give the same articles."""
    raw_mb = records * sum(map(len, pages)) / len(pages) / 1e6
    rows, outputs = [], []
    for name, system, inputs in systems:
        run = measured(name, _with_workers_peak(system), inputs)
        articles, worker_peak = run.output
        outputs.append(articles)
        rows.append({
            "records": records, "html_mb": round(raw_mb, 1), "system": name, "articles": len(articles),
            "seconds": round(run.seconds, 2), "documents_per_s": round(records / run.seconds, 1),
            "driver_peak_mib": round(run.peak_mib, 1), "worker_peak_mib": round(worker_peak, 1),
        })  # fmt: skip
        print(json.dumps(rows[-1]), flush=True)
    if any(output != outputs[0] for output in outputs):
        raise SystemExit(f"the ways of reading disagree at {records} records")
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, nargs="*", default=[800, 3_200, 6_400])
    parser.add_argument("--jsonl-records", type=int, nargs="*", default=[3_200, 6_400],
                        help="also the same pages as one JSONL file of N records, read here or in parts")  # fmt: skip
    parser.add_argument("--json", type=Path, help="write the figures here")
    options = parser.parse_args()
    pages = _pages()
    rows: list[dict[str, Any]] = []
    for records in options.records:
        with tempfile.TemporaryDirectory() as folder:
            one = _write_warcs(Path(folder, "one"), pages, records, 1)
            many = _write_warcs(Path(folder, "many"), pages, records, FILES)
            systems = [
                ("read all, then clean (baseline)", _read_all_then_clean, [str(one[0])]),
                ("storytrace, one WARC", _storytrace, [str(one[0])]),
                (f"storytrace, {FILES} WARCs", _storytrace, [str(path) for path in many]),
            ]
            rows.extend(_compared(systems, records, pages))
    for records in options.jsonl_records:
        with tempfile.TemporaryDirectory() as folder:
            jsonl = str(_write_jsonl(Path(folder, "pages.jsonl"), pages, records))
            systems = [("one JSONL, read here (before)", _jsonl_read_here, [jsonl]),
                       ("storytrace, one JSONL in parts", _storytrace, [jsonl])]  # fmt: skip
            rows.extend(_compared(systems, records, pages))
    print(f"\n{'records':>7} {'HTML MB':>8}  {'system':<34} {'docs/s':>7} {'driver MiB':>10} {'worker MiB':>10}")
    for row in rows:
        print(f"{row['records']:>7} {row['html_mb']:>8}  {row['system']:<34} {row['documents_per_s']:>7} "
              f"{row['driver_peak_mib']:>10} {row['worker_peak_mib']:>10}")  # fmt: skip
    if options.json:
        meta = {"python": platform.python_version(), "workers": WORKERS, "files": FILES,
                "when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "argv": sys.argv[1:]}  # fmt: skip
        options.json.write_text(json.dumps({"meta": meta, "rows": rows}, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
