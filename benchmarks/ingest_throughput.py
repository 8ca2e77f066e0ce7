"""Ingest throughput: ``storytrace.analyze`` end to end on scraped plain-text articles.

What it measures
    N synthetic scraped-page ``.txt`` articles (default 10,000) are written to a temporary
    folder, then ``storytrace.analyze(folder, db=<fresh SQLite file>, workers=W)`` is timed end
    to end (discover + read + decode + clean + language + dates + sentences + store; the
    coverage comparison, measured by ``benchmarks/compare.py``, is left off) for
    W = 1 and W = 2, each in a fresh Python process so that every run pays its own lazy model
    loads and its peak RSS is its own. Articles/s and peak RSS are printed.

    The articles are built from real text: the 181 ``articleBody`` texts of
    ``../shared/data/article-extraction/ground-truth.json`` and the 982 ECB+ documents of
    ``../shared/data/ecbplus/ecbplus_docs.jsonl`` (tokenised, spaces around punctuation;
    one sentence a line, grouped here into paragraphs of 1-3 sentences). Each article takes a
    random real body (paragraphs randomly dropped, one pair maybe swapped, sometimes 1-2
    paragraphs of another body appended; every body is unique) and wraps it in scraped-page
    boilerplate: a headline, sometimes a "By ..." byline, "Updated 09:01, 15-Dec-2021"
    (random date, a few formats), "Share this article", a caption with a "Photo: X / AP"
    credit line after paragraph 1-3, "You might also like" + 3 headlines, "Leave a Reply".
    The seed makes the set reproducible.

    Baselines, same files, same run, each in a fresh process, one process (W = 1):

    * ``read + py3langid + sentencex``: the unavoidable minimum any pipeline that stores
      language-tagged sentence spans must pay: read and UTF-8-decode every file,
      ``py3langid.classify`` on the first 1,000 characters (storytrace's sample size) and
      ``sentencex.segment`` over the whole text; no cleaning, no store;
    * ``... + sqlite3 store``: the same plus a plain ``sqlite3`` ``executemany`` insert
      (id, text, language, sentence JSON) in transactions of 200 rows with storytrace's
      pragmas (WAL, synchronous=NORMAL): the minimum including storage.

    The gap between storytrace W=1 and the second baseline is what cleaning, date parsing,
    SQLAlchemy and the idempotence checks cost.

    Finally cProfile runs ``analyze`` over the first 1,000 articles with W = 1 and prints the
    top 15 functions by cumulative time and by own (tottime) time.

Command (from the repository root; a few minutes on 2 cores)::

    .venv/bin/python benchmarks/ingest_throughput.py

(``-n 2000`` for a quick try; ``--keep DIR`` writes the articles to DIR and keeps them.)
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import random
import re
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = REPO_ROOT.parent / "shared" / "data"
GROUND_TRUTH = SHARED_DATA / "article-extraction" / "ground-truth.json"
ECBPLUS = SHARED_DATA / "ecbplus" / "ecbplus_docs.jsonl"

# --- synthetic scraped pages ---------------------------------------------------------------

_FIRST_NAMES = ["Anna", "James", "Maria", "Chen", "Olu", "Priya", "Lars", "Sofia", "Ahmed", "Kate", "Diego", "Yuki"]
_LAST_NAMES = ["Smith", "Okafor", "Rossi", "Nguyen", "Kowalski", "Haddad", "Berg", "Silva", "Tanaka", "Moreau", "Patel"]
_AGENCIES = ["AP", "AFP", "Reuters", "Getty Images", "EPA", "Bloomberg"]
_DATE_FORMATS = [
    "Updated {t:%H:%M}, {t:%d-%b-%Y}",
    "Published {t:%B} {t.day}, {t:%Y} {t:%I:%M %p}",
    "Updated: {t:%d %B %Y}",
    "Posted on {t:%Y-%m-%d}",
]
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"“])")
_SPACES = re.compile(r"[\s\u00a0\u2000-\u200b\u202f\u205f\u3000]+")


def _clean(text: str) -> str:
    """Whitespace (zero-width spaces included) collapsed, as storytrace's line normaliser does."""
    return " ".join(_SPACES.sub(" ", text).split())


def _paragraphs_from_truth(body: str) -> list[str]:
    return [p for p in (_clean(p) for p in re.split(r"\n\s*\n|\n", body)) if p]


def _paragraphs_from_ecb(text: str, rng: random.Random) -> list[str]:
    # ECB+ documents often open with the source URL ("http : / / www ..."): not story text.
    sentences = [s for s in (_clean(s) for s in text.split("\n")) if s and not s.startswith("http")]
    paragraphs, i = [], 0
    while i < len(sentences):
        size = rng.randint(1, 3)
        paragraphs.append(" ".join(sentences[i : i + size]))
        i += size
    return paragraphs


def load_bodies(rng: random.Random) -> list[list[str]]:
    """Every real body as a list of paragraphs (bodies with fewer than 2 are skipped)."""
    bodies = [
        _paragraphs_from_truth(v.get("articleBody") or "") for v in json.loads(GROUND_TRUTH.read_text("utf-8")).values()
    ]
    with ECBPLUS.open(encoding="utf-8") as stream:
        bodies += [_paragraphs_from_ecb(json.loads(line)["text"], rng) for line in stream if line.strip()]
    return [b for b in bodies if len(b) >= 2]


def _headline(body: list[str], rng: random.Random) -> str:
    words = body[0].split()
    return " ".join(words[: rng.randint(6, 14)]).rstrip(" .,;:!?\"'“”")


def _short_sentence(bodies: list[list[str]], rng: random.Random) -> str:
    for _ in range(50):
        paragraph = rng.choice(rng.choice(bodies))
        sentences = [s for s in _SENTENCE.split(paragraph) if 40 <= len(s) <= 200 and s.endswith(".")]
        if sentences:
            return rng.choice(sentences)
    return "A view of the scene on Tuesday."


def _person(rng: random.Random) -> str:
    return f"{rng.choice(_FIRST_NAMES)} {rng.choice(_LAST_NAMES)}"


def make_article(
    bodies: list[list[str]], rng: random.Random, seen: set[tuple[str, ...]]
) -> tuple[str, list[str], list[tuple[str, str]]]:
    """One scraped-page text: a unique variant of a real body inside typical page clutter.

    Returns the text, its story paragraphs and its (kind, line) boilerplate (for the cleaning check).
    """
    while True:
        main = bodies[rng.randrange(len(bodies))]
        paragraphs = [main[0]] + [p for p in main[1:] if rng.random() > 0.2]
        if len(paragraphs) > 2 and rng.random() < 0.3:
            i = rng.randrange(1, len(paragraphs) - 1)
            paragraphs[i], paragraphs[i + 1] = paragraphs[i + 1], paragraphs[i]
        if rng.random() < 0.3:
            other = rng.choice(bodies)
            paragraphs += other[-rng.randint(1, 2) :]
        key = tuple(paragraphs)
        if key not in seen:
            seen.add(key)
            break
    stamp = datetime(2015, 1, 1) + timedelta(minutes=rng.randrange(9 * 365 * 24 * 60))
    head: list[tuple[str, str]] = [("headline", _headline(main, rng))]
    if rng.random() < 0.5:
        head.append(("byline", f"By {_person(rng)}"))
    head += [("dateline", rng.choice(_DATE_FORMATS).format(t=stamp)), ("share", "Share this article")]
    caption = [
        ("caption", _short_sentence(bodies, rng)),
        ("credit", f"Photo: {_person(rng)} / {rng.choice(_AGENCIES)}"),
    ]
    tail = [("related header", "You might also like")]
    tail += [("related headline", _headline(rng.choice(bodies), rng)) for _ in range(3)]
    tail += [("comment form", "Leave a Reply")]
    cut = min(len(paragraphs), rng.randint(1, 3))
    blocks = [
        "\n".join(line for _, line in head),
        *paragraphs[:cut],
        "\n".join(line for _, line in caption),
        *paragraphs[cut:],
        "\n".join(line for _, line in tail[:-1]),
        tail[-1][1],
    ]
    return "\n\n".join(blocks) + "\n", paragraphs, head + caption + tail


def write_articles(folder: Path, manifest: Path, count: int, seed: int) -> int:
    """Write the articles; ``manifest`` gets {id: [story paragraphs, [kind, boilerplate line]...]}."""
    rng = random.Random(seed)
    bodies = load_bodies(rng)
    seen: set[tuple[str, ...]] = set()
    total = 0
    parts = {}
    for index in range(count):
        text, paragraphs, boilerplate = make_article(bodies, rng, seen)
        total += len(text.encode("utf-8"))
        article_id = f"article-{index:05d}"
        (folder / f"{article_id}.txt").write_text(text, encoding="utf-8")
        parts[article_id] = [paragraphs, boilerplate]
    manifest.write_text(json.dumps(parts), encoding="utf-8")
    return total


def cleaning_check(report: object, manifest: Path) -> dict:
    """How the cleaned texts compare with what each synthetic page was built from (exact lines)."""
    parts = json.loads(manifest.read_text(encoding="utf-8"))
    story = story_kept = clutter = clutter_left = emptied = 0
    lost_by_reason: dict[str, int] = {}
    left_by_kind: dict[str, int] = {}
    for article in report.articles:  # type: ignore[attr-defined]
        paragraphs, boilerplate = parts[article.id]
        kept = {" ".join(p.split()) for p in article.text.split("\n\n")}
        removed = {line.text: str(line.reason) for line in article.removed}
        emptied += not article.text.strip()
        for paragraph in paragraphs:
            story += 1
            if " ".join(paragraph.split()) in kept:
                story_kept += 1
            else:
                reason = removed.get(" ".join(paragraph.split()), "not found")
                lost_by_reason[reason] = lost_by_reason.get(reason, 0) + 1
        for kind, line in boilerplate:
            clutter += 1
            if " ".join(line.split()) in kept:
                clutter_left += 1
                left_by_kind[kind] = left_by_kind.get(kind, 0) + 1
    return {
        "articles": len(report.articles),  # type: ignore[attr-defined]
        "emptied": emptied,
        "story": story,
        "story_kept": story_kept,
        "clutter": clutter,
        "clutter_left": clutter_left,
        "lost_by_reason": lost_by_reason,
        "left_by_kind": left_by_kind,
    }


# --- the measured runs (each in its own process) ---------------------------------------------


def _peak_rss_mib() -> tuple[float, float]:
    """Peak resident set size of this process and of its largest (reaped) child, MiB (Linux: KiB)."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, child


def _files(folder: Path, limit: int | None) -> list[Path]:
    return sorted(folder.glob("*.txt"))[:limit]


def child_storytrace(folder: Path, workers: int, db: Path, manifest: Path) -> dict[str, object]:
    import storytrace

    started = time.perf_counter()
    report = storytrace.analyze(str(folder), db=db, workers=workers, compare=False)
    seconds = time.perf_counter() - started
    own, child = _peak_rss_mib()
    return {
        "check": cleaning_check(report, manifest),
        "duplicates": len(report.duplicates),
        "seconds": seconds,
        "articles": len(report.articles),
        "problems": len(report.problems),
        "stored": report.stored.get("new", 0),
        "rss": own,
        "rss_child": child,
    }


def child_baseline(folder: Path, store: bool, db: Path) -> dict[str, float]:
    import py3langid
    import sentencex

    started = time.perf_counter()
    connection = None
    if store:
        connection = sqlite3.connect(db)
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=NORMAL")
        connection.execute("CREATE TABLE articles (id TEXT PRIMARY KEY, text TEXT, language TEXT, sentences TEXT)")
    rows: list[tuple[str, str, str, str]] = []
    count = 0

    def flush() -> None:
        assert connection is not None
        with connection:
            connection.executemany("INSERT INTO articles VALUES (?, ?, ?, ?)", rows)
        rows.clear()

    for path in _files(folder, None):
        text = path.read_bytes().decode("utf-8")
        language, _score = py3langid.classify(text[:1000])
        spans, cursor = [], 0
        for piece in sentencex.segment(language, text):
            start = text.find(piece, cursor)
            cursor = start + len(piece)
            spans.append((start, cursor))
        count += 1
        if connection is not None:
            rows.append((path.stem, text, language, json.dumps(spans)))
            if len(rows) >= 200:
                flush()
    if connection is not None:
        if rows:
            flush()
        connection.close()
    seconds = time.perf_counter() - started
    own, child = _peak_rss_mib()
    return {
        "seconds": seconds,
        "articles": count,
        "problems": 0,
        "stored": count if store else 0,
        "rss": own,
        "rss_child": child,
    }


def child_profile(folder: Path, count: int, db: Path, top: int) -> str:
    import storytrace

    paths = [str(p) for p in _files(folder, count)]
    profiler = cProfile.Profile()
    profiler.enable()
    storytrace.analyze(paths, db=db, workers=1, compare=False)
    profiler.disable()
    stats = pstats.Stats(profiler)
    out = io.StringIO()
    total = stats.total_tt  # type: ignore[attr-defined]
    for key, title in (("cumulative", "cumulative time"), ("tottime", "own time (tottime)")):
        rows = sorted(stats.stats.items(), key=lambda item: item[1][3 if key == "cumulative" else 2], reverse=True)  # type: ignore[attr-defined]
        out.write(f"\nTop {top} functions by {title}; {len(paths)} articles, workers=1, profiled total {total:.1f} s\n")
        out.write(f"{'ncalls':>10}  {'tottime':>8}  {'cumtime':>8}  {'cum %':>6}  function\n")
        out.write(f"{'-' * 10}  {'-' * 8}  {'-' * 8}  {'-' * 6}  {'-' * 60}\n")
        for (filename, line, name), (cc, nc, tt, ct, _callers) in rows[:top]:
            calls = f"{nc}/{cc}" if nc != cc else str(nc)
            out.write(f"{calls:>10}  {tt:8.3f}  {ct:8.3f}  {100 * ct / total:5.1f}%  {_where(filename, line, name)}\n")
    return out.getvalue()


def _where(filename: str, line: int, name: str) -> str:
    if filename == "~":
        return name  # a built-in
    path = filename
    for marker in ("site-packages/", "/src/", "/lib/python"):
        if marker in path:
            path = path.split(marker, 1)[1]
            break
    return f"{path}:{line}({name})"


def run_child(args: list[str]) -> dict:
    command = [sys.executable, str(Path(__file__).resolve()), "--child", *args]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        sys.stderr.write(result.stderr)
        raise SystemExit(f"child run failed: {' '.join(args)}")
    return json.loads(result.stdout.strip().splitlines()[-1])


# --- main ------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "-n", "--articles", type=int, default=10_000, help="how many articles to generate (default 10000)"
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--workers", type=int, nargs="+", default=[1, 2], help="storytrace worker counts to time (default 1 2)"
    )
    parser.add_argument("--profile", type=int, default=1000, help="articles to profile with workers=1 (0: no profile)")
    parser.add_argument("--top", type=int, default=15, help="functions to list from the profile")
    parser.add_argument("--keep", type=Path, default=None, help="write the articles here and keep them")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child:
        kind, folder, db = args.child[0], Path(args.child[1]), Path(args.child[2])
        if kind == "storytrace":
            result: object = child_storytrace(folder, int(args.child[3]), db, Path(args.child[4]))
        elif kind in ("baseline", "baseline-store"):
            result = child_baseline(folder, kind == "baseline-store", db)
        else:
            result = {"text": child_profile(folder, int(args.child[3]), db, int(args.child[4]))}
        print(json.dumps(result))
        return

    work = Path(tempfile.mkdtemp(prefix="storytrace-bench-"))
    folder = args.keep or work / "articles"
    folder.mkdir(parents=True, exist_ok=True)
    try:
        started = time.perf_counter()
        manifest = work / "manifest.json"
        size = write_articles(folder, manifest, args.articles, args.seed)
        elapsed = time.perf_counter() - started
        print(
            f"{args.articles} articles, {size / 1e6:.1f} MB, written to {folder} in {elapsed:.1f} s "
            f"(seed {args.seed}); {os.cpu_count()} CPUs, Python {sys.version.split()[0]}"
        )
        runs: list[tuple[str, dict]] = []
        for label, child in (
            ("baseline: read + py3langid + sentencex", ["baseline", str(folder), str(work / "b1.db")]),
            ("baseline: ... + sqlite3 store", ["baseline-store", str(folder), str(work / "b2.db")]),
        ):
            print(f"  running {label} ...", file=sys.stderr, flush=True)
            runs.append((label, run_child(child)))
        for workers in args.workers:
            label = f"storytrace.analyze, workers={workers}"
            print(f"  running {label} ...", file=sys.stderr, flush=True)
            runs.append(
                (
                    label,
                    run_child(["storytrace", str(folder), str(work / f"st{workers}.db"), str(workers), str(manifest)]),
                )
            )

        base = runs[1][1]["seconds"]
        headers = [
            "run",
            "articles",
            "stored",
            "problems",
            "seconds",
            "articles/s",
            "vs store baseline",
            "peak RSS MiB",
            "largest worker MiB",
        ]
        rows = [
            [
                label,
                str(r["articles"]),
                str(r["stored"]),
                str(r["problems"]),
                f"{r['seconds']:.1f}",
                f"{args.articles / r['seconds']:.0f}",
                f"{r['seconds'] / base:.1f}x time",
                f"{r['rss']:.0f}",
                f"{r['rss_child']:.0f}" if r["rss_child"] else "-",
            ]
            for label, r in runs
        ]
        widths = [max(len(h), *(len(row[i]) for row in rows)) for i, h in enumerate(headers)]
        print()
        print(
            "  ".join(
                h.ljust(w) if i == 0 else h.rjust(w) for i, (h, w) in enumerate(zip(headers, widths, strict=True))
            )
        )
        print("  ".join("-" * w for w in widths))
        for row in rows:
            print(
                "  ".join(
                    c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths, strict=True))
                )
            )
        print("(peak RSS: the run's main process; largest worker: the biggest reaped child process, workers>1 only)")
        check_run = next(((label, r) for label, r in runs if "check" in r), None)
        if check_run:
            label, r = check_run
            c = r["check"]
            missing = args.articles - c["articles"]
            kept_share = 100 * c["story_kept"] / max(1, c["story"])
            left_share = 100 * c["clutter_left"] / max(1, c["clutter"])
            print(
                f"\nCleaning check ({label}), against how each page was built:\n"
                f"  story paragraphs kept    {c['story_kept']}/{c['story']} ({kept_share:.2f}%)\n"
                f"  boilerplate lines left   {c['clutter_left']}/{c['clutter']} ({left_share:.2f}%)\n"
                f"  articles cleaned to empty text: {c['emptied']}; articles not in the report "
                f"(reported as duplicates): {missing} (report.duplicates: {r['duplicates']})"
            )
            if c["lost_by_reason"]:
                lost = ", ".join(
                    f"{reason} {n}" for reason, n in sorted(c["lost_by_reason"].items(), key=lambda i: -i[1])
                )
                print(f"  story paragraphs removed, by reason: {lost}")
            if c["left_by_kind"]:
                left = ", ".join(f"{kind} {n}" for kind, n in sorted(c["left_by_kind"].items(), key=lambda i: -i[1]))
                print(f"  boilerplate lines left, by kind: {left}")

        if args.profile:
            print(f"  profiling {args.profile} articles ...", file=sys.stderr, flush=True)
            result = run_child(
                ["profile", str(folder), str(work / "profile.db"), str(min(args.profile, args.articles)), str(args.top)]
            )
            print(result["text"])
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
