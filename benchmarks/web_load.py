"""Web load: the story page and the JSON API under 50 concurrent clients for 30 s.

What it measures
    A store of 10,000 articles (the scraped-page articles of ``benchmarks/ingest_throughput.py``,
    built from the real bodies of ``../shared/data``, then the seeds, analysed without the
    comparison, which pages compute and cache on first view) is served by ``storytrace serve``
    (uvicorn, one process, in a child process). 50 clients (httpx, asyncio) each loop for the
    duration over a mix of requests: the story page of one of the 20 largest stories, its JSON twin
    (``/api/stories/{id}``), the story list API, and an article's JSON. Each story is viewed once
    before the clock starts (its comparison computed and cached), as a served store would be.

    Printed: requests, errors (non-2xx or transport errors), p50/p99/max latency in ms, overall and
    per kind. The baseline in the same run: ``/static/app.css``, a constant response, under the
    same 50 clients — the floor of the server and client on this machine. Each ``--workers`` count
    (server processes of ``storytrace serve --workers N``) is measured in turn, over one store;
    a 202 (a view still being built) counts as an error, and the warm-up waits until none is left.

Command (from the repository root)::

    .venv/bin/python benchmarks/web_load.py                 # about 3 minutes (building the store)
    .venv/bin/python benchmarks/web_load.py --articles 2000 --seconds 10 --workers 1 --workers 2
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from ingest_throughput import write_articles  # noqa: E402

import storytrace  # noqa: E402

CLIENTS = 50
PORT = 8765


def _serve(db: str, port: int, workers: int, cores: str | None) -> subprocess.Popen[bytes]:
    """``storytrace serve`` as a user starts it, with ``workers`` server processes (on ``cores``
    only, through taskset, when given)."""
    command = [sys.executable, "-m", "storytrace.cli", "serve", "--db", db, "--port", str(port)]
    command += ["--workers", str(workers)]
    pinned = ["taskset", "-c", cores] if cores else []
    return subprocess.Popen([*pinned, *command], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _warm(base: str, paths: list[tuple[str, str]], workers: int) -> None:
    """Every path answered 200 (not 202, still building) by every server process: each process
    has its own caches, so each path is asked until it has answered 200 ``3 * workers`` times."""
    import httpx

    for _, path in paths:
        answered = 0
        while answered < 3 * workers:
            status = httpx.get(base + path, timeout=300).status_code
            if status == 200:
                answered += 1
            elif status == 202:
                time.sleep(0.5)
            else:
                raise SystemExit(f"{path}: HTTP {status} while warming up")


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


async def _load(base: str, paths: list[tuple[str, str]], seconds: float) -> dict[str, list[float] | int]:
    import httpx

    latencies: dict[str, list[float]] = {}
    errors = 0
    deadline = time.perf_counter() + seconds
    rng = random.Random(5)

    async def client() -> None:
        nonlocal errors
        async with httpx.AsyncClient(base_url=base, timeout=30) as http:
            while time.perf_counter() < deadline:
                kind, path = rng.choice(paths)
                started = time.perf_counter()
                try:
                    response = await http.get(path)
                    ok = response.status_code == 200
                except httpx.HTTPError:
                    ok = False
                latencies.setdefault(kind, []).append((time.perf_counter() - started) * 1000)
                errors += not ok

    await asyncio.gather(*(client() for _ in range(CLIENTS)))
    return {**latencies, "errors": errors}


# wrk's Lua hooks: each connection cycles through the (shuffled) paths, accepting gzip as a browser
# does (wrk does not decompress; it reads the bytes sent); the summary line holds
# requests, errors (connect, read, write, timeout, status >= 400) and latencies in microseconds.
_WRK_SCRIPT = """
wrk.headers["Accept-Encoding"] = "gzip, deflate"  -- as browsers (and httpx) send it
local paths = {%s}
local n = 0
request = function()
  n = n + 1
  return wrk.format("GET", paths[(n %% #paths) + 1])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %%d %%d %%d %%d %%d\\n", summary.requests,
    e.connect + e.read + e.write + e.status + e.timeout,
    latency:percentile(50), latency:percentile(99), latency.max))
end
"""


def _wrk(base: str, paths: list[tuple[str, str]], seconds: float, folder: Path, threads: int) -> dict[str, float]:
    """The same mix of requests from wrk (C, ``threads`` threads, ``CLIENTS`` connections): a client that
    leaves the shared cores to the server, unlike 50 Python clients."""
    order = [path for _, path in paths]
    random.Random(5).shuffle(order)
    script = folder / "paths.lua"
    script.write_text(_WRK_SCRIPT % ", ".join(json.dumps(path) for path in order))
    command = ["wrk", f"-t{threads}", f"-c{CLIENTS}", f"-d{int(seconds)}s", "--timeout", "30s", "-s", str(script), base]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    requests, errors, p50, p99, most = (int(v) for v in output.split("RESULT")[1].split())
    return {"requests": requests, "errors": errors, "p50_ms": p50 / 1000, "p99_ms": p99 / 1000, "max_ms": most / 1000}


def _wrk_report(name: str, result: dict[str, float], seconds: float) -> dict[str, object]:
    row: dict[str, object] = {"run": name, "per_second": result["requests"] / seconds, **result}
    print(
        f"{name:<44} {int(result['requests']):>7} {row['per_second']:>7.0f}/s errors {int(result['errors']):>3}  "
        f"p50 {result['p50_ms']:6.1f} ms  p99 {result['p99_ms']:7.1f} ms  max {result['max_ms']:7.1f} ms"
    )
    return row


def _report(name: str, result: dict[str, list[float] | int], seconds: float) -> dict[str, object]:
    every = [v for key, values in result.items() if key != "errors" for v in values]  # type: ignore[union-attr]
    row = {
        "run": name,
        "requests": len(every),
        "per_second": len(every) / seconds,
        "errors": result["errors"],
        "p50_ms": _percentile(every, 0.5),
        "p99_ms": _percentile(every, 0.99),
        "max_ms": max(every, default=0.0),
    }
    print(
        f"{name:<22} {row['requests']:>7} {row['per_second']:>7.0f}/s errors {row['errors']:>3}  "
        f"p50 {row['p50_ms']:6.1f} ms  p99 {row['p99_ms']:7.1f} ms  max {row['max_ms']:7.1f} ms"
    )
    for kind, values in sorted(result.items()):
        if kind == "errors":
            continue
        print(
            f"   {kind:<19} {len(values):>7}  p50 {statistics.median(values):6.1f} ms  "  # type: ignore[arg-type]
            f"p99 {_percentile(values, 0.99):7.1f} ms"  # type: ignore[arg-type]
        )
    return row


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--workers", type=int, action="append", help="server processes (repeatable; default 1 and 2)")
    parser.add_argument(
        "--client",
        choices=("wrk", "httpx"),
        action="append",
        help="load client (repeatable): wrk (scripts/bench-setup.sh installs it) and/or 50 httpx clients; "
        "default both when wrk is installed, else httpx",
    )
    parser.add_argument(
        "--pin",
        action="store_true",
        help="the load client on the last core and the server on the others (taskset), as one "
        "measures a server without its client's load; wrk then runs one thread",
    )
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    import httpx

    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "articles").mkdir()
        write_articles(root / "articles", root / "manifest.json", args.articles, seed=7)
        db = str(root / "load.db")
        started = time.perf_counter()
        storytrace.analyze(
            [str(root / "articles"), str(ROOT.parent / "shared" / "seeds")], db=db, embedder="none", compare=False
        )
        print(f"store: {args.articles} articles analysed in {time.perf_counter() - started:.0f} s")
        with storytrace.Store(db, storytrace.Settings()) as store:
            stories = sorted(store.load_stories(), key=lambda s: -len(s.articles))[:20]
            articles = [a for s in stories for a in s.articles][:200]
        paths = [("story page", f"/stories/{s.id}") for s in stories]
        paths += [("story JSON", f"/api/stories/{s.id}") for s in stories]
        paths += [("story list JSON", "/api/stories?q=the")] * 5
        paths += [("article JSON", f"/api/articles/{a}") for a in articles[:20]]
        rows = []
        server_cores = None
        if args.pin:
            last = max(os.sched_getaffinity(0))
            if last == 0:
                raise SystemExit("--pin needs two cores at least")
            server_cores = f"0-{last - 1}"
            os.sched_setaffinity(0, {last})  # this process (the httpx clients) and wrk, its child
        clients = args.client or (["httpx", "wrk"] if shutil.which("wrk") else ["httpx"])
        for workers in args.workers or [1, 2]:
            server = _serve(db, PORT, workers, server_cores)
            base = f"http://127.0.0.1:{PORT}"
            for _ in range(600):
                try:
                    httpx.get(base + "/static/app.css", timeout=1)
                    break
                except httpx.HTTPError:
                    time.sleep(0.1)
            warm = time.perf_counter()
            _warm(base, paths, workers)
            print(
                f"\n{workers} server process(es); warm-up (views built and cached): {time.perf_counter() - warm:.0f} s"
            )
            print(f"{CLIENTS} clients, {args.seconds:.0f} s each run")
            constant = [("stylesheet", "/static/app.css")]
            for client in clients:
                for name, mix in (("baseline: stylesheet", constant), ("story pages and API", paths)):
                    label = f"{name}, {workers} process(es), {client}{', pinned' if args.pin else ''}"
                    if client == "wrk":
                        measured = _wrk(base, mix, args.seconds, root, 1 if args.pin else 2)
                        row = _wrk_report(label, measured, args.seconds)
                    else:
                        row = _report(label, asyncio.run(_load(base, mix, args.seconds)), args.seconds)
                    rows.append(row | {"client": client, "workers": workers, "pinned": args.pin})
            server.terminate()
            server.wait()
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
