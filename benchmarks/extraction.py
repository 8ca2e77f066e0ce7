"""Article-body extraction quality and speed: storytrace against trafilatura and jusText.

What it measures
    On the 181 pages of the scrapinghub article-extraction-benchmark
    (``../shared/data/article-extraction``: ``html/<id>.html.gz`` and ``ground-truth.json``),
    each system's article text is scored against the hand-made ``articleBody`` with the
    benchmark's own metric, re-implemented here exactly as in its ``evaluate.py``
    (https://github.com/scrapinghub/article-extraction-benchmark):

    * tokens are ``re.findall(r"\\w+", text)`` (case kept, as upstream);
    * each text becomes the multiset (Counter) of its word 4-gram shingles; a text of fewer
      than 4 tokens is one shingle of all its tokens, an empty text has none;
    * per page: tp = sum of min(counts), fp = predicted surplus, fn = truth surplus, then
      tp, fp, fn are divided by their sum so that every page weighs the same;
    * precision = mean over pages with tp + fp > 0 of tp / (tp + fp); recall = mean over
      pages with tp + fn > 0 of tp / (tp + fn) (both 1 when fp == fn == 0);
    * F1 = harmonic mean of that mean precision and mean recall (upstream's definition:
      *not* the mean of per-page F1, which is printed too, as ``page-F1``);
    * accuracy = share of pages whose token list equals the truth's exactly;
    * ± is the standard deviation of F1 over bootstrap resamples of the pages (upstream
      does the same, 1000 resamples by default).

    Systems, all in the same run on the same pages:

    * ``storytrace``: ``finish_article(draft_article(RawDocument(html=..., url=...)), ...)
      .text`` with default ``Settings()`` (trafilatura extraction, then storytrace's
      line-level cleaning; the timing includes language, date and sentence work);
    * ``storytrace extract only``: ``storytrace.clean.html.extract_html(html, url).text``,
      the text before line cleaning, to tell extraction losses from cleaning losses;
    * ``trafilatura``: ``trafilatura.extract(html, url=url)`` with its defaults (the named
      baseline storytrace builds on);
    * ``trafilatura (no comments)``: the same with ``include_comments=False``, as upstream's
      ``run_trafilatura.py`` and storytrace's ``extract_html`` call it (trafilatura's default
      keeps reader comments, which the ground truth leaves out);
    * ``jusText``: ``justext.justext(html, justext.get_stoplist("English"))`` with its
      defaults, non-boilerplate paragraphs joined;
    * ``jusText (benchmark params)``: the parameters upstream's ``run_justext.py`` uses
      (50, 200, 0.1, 0.2, 0.2, 200, True).

    pages/s is wall time of the extraction calls only (pages are decompressed beforehand;
    one untimed warm-up call per system first), one process.

``--worst N`` lists the N pages where storytrace's page-F1 falls furthest below
trafilatura's, with the lines storytrace's cleaning removed (``Draft.removed``) that are
ground-truth story text (at least half of the line's 4-gram shingles, or for lines of under
4 words the whole token sequence, occur in the truth). A summary by removal reason over all
pages is always printed.

Command (from the repository root, about 30 s on 2 cores)::

    .venv/bin/python benchmarks/extraction.py --worst 10
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import json
import random
import re
import statistics
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import justext
import trafilatura

from storytrace.clean import Draft, draft_article, finish_article
from storytrace.clean.html import extract_html
from storytrace.model import RawDocument, RemovedLine
from storytrace.settings import Settings

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = REPO_ROOT.parent / "shared" / "data" / "article-extraction"

# --- the benchmark's metric (scrapinghub/article-extraction-benchmark, evaluate.py) ---------

_TOKEN_RE = re.compile(r"\w+", re.UNICODE | re.MULTILINE | re.IGNORECASE | re.DOTALL)
NGRAM_N = 4

TpFpFn = tuple[float, float, float]


def tokenize(text: str | None) -> list[str]:
    return _TOKEN_RE.findall(text or "")


def shingles(tokens: list[str], n: int = NGRAM_N) -> Counter[tuple[str, ...]]:
    """Upstream ``_ngrams``: at least one (possibly shorter) shingle unless there are no tokens."""
    result: Counter[tuple[str, ...]] = Counter()
    for i in range(max(1, len(tokens) - n + 1)):
        shingle = tuple(tokens[i : i + n])
        if shingle:
            result[shingle] += 1
    return result


def shingle_matching(true: str, pred: str) -> TpFpFn:
    """Upstream ``string_shingle_matching``: tp/fp/fn over shingles, normalised per page."""
    true_shingles = shingles(tokenize(true))
    pred_shingles = shingles(tokenize(pred))
    tp = fp = fn = 0.0
    for key in true_shingles.keys() | pred_shingles.keys():
        true_count = true_shingles.get(key, 0)
        pred_count = pred_shingles.get(key, 0)
        tp += min(true_count, pred_count)
        fp += max(0, pred_count - true_count)
        fn += max(0, true_count - pred_count)
    total = tp + fp + fn
    if total > 0:
        return tp / total, fp / total, fn / total
    return tp, fp, fn


def precision_score(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    if tp == fp == 0:
        return 0.0
    return tp / (tp + fp)


def recall_score(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    if tp == fn == 0:
        return 0.0
    return tp / (tp + fn)


def page_f1(counts: TpFpFn) -> float:
    """Per-page F1 (for ranking pages and the page-F1 column): 0 when P and R are both 0."""
    p, r = precision_score(*counts), recall_score(*counts)
    return 2 * p * r / (p + r) if p + r else 0.0


def corpus_metrics(counts: list[TpFpFn]) -> dict[str, float]:
    """Upstream ``metrics_from_tp_fp_fns``."""
    precision = statistics.mean([precision_score(*c) for c in counts if c[0] + c[1] > 0] or [0.0])
    recall = statistics.mean([recall_score(*c) for c in counts if c[0] + c[2] > 0] or [0.0])
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1}


def bootstrap_f1_std(counts: list[TpFpFn], n_bootstrap: int, rng: random.Random) -> float:
    values = []
    n = len(counts)
    for _ in range(n_bootstrap):
        sample = [counts[rng.randrange(n)] for _ in range(n)]
        values.append(corpus_metrics(sample)["f1"])
    return statistics.stdev(values) if len(values) > 1 else 0.0


def bootstrap_f1_difference(
    a: list[TpFpFn], b: list[TpFpFn], n_bootstrap: int, rng: random.Random
) -> tuple[float, float]:
    """Paired bootstrap of F1(a) - F1(b), as upstream's ``--bootstrap-differences``."""
    diffs = []
    n = len(a)
    for _ in range(n_bootstrap):
        indices = [rng.randrange(n) for _ in range(n)]
        diffs.append(corpus_metrics([a[i] for i in indices])["f1"] - corpus_metrics([b[i] for i in indices])["f1"])
    return statistics.mean(diffs), (statistics.stdev(diffs) if len(diffs) > 1 else 0.0)


# --- systems ------------------------------------------------------------------------------


@dataclass
class Page:
    id: str
    url: str
    html: str
    truth: str


@dataclass
class SystemRun:
    name: str
    texts: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0
    errors: int = 0


SETTINGS = Settings()
# storytrace's drafts, kept for the analysis of removed lines.
DRAFTS: dict[str, Draft] = {}


def run_storytrace(page: Page) -> str:
    draft = draft_article(RawDocument(source=f"{page.id}.html", html=page.html, url=page.url), SETTINGS)
    DRAFTS[page.id] = draft
    return finish_article(draft).text


def run_storytrace_extract(page: Page) -> str:
    return extract_html(page.html, page.url).text


def run_trafilatura(page: Page) -> str:
    return trafilatura.extract(page.html, url=page.url) or ""


def run_trafilatura_no_comments(page: Page) -> str:
    return trafilatura.extract(page.html, url=page.url, include_comments=False) or ""


_ENGLISH = justext.get_stoplist("English")


def run_justext(page: Page) -> str:
    paragraphs = justext.justext(page.html, _ENGLISH)
    return "\n\n".join(p.text for p in paragraphs if not p.is_boilerplate)


def run_justext_benchmark(page: Page) -> str:
    paragraphs = justext.justext(page.html, _ENGLISH, 50, 200, 0.1, 0.2, 0.2, 200, True)
    return "\n\n".join(p.text for p in paragraphs if not p.is_boilerplate)


SYSTEMS: dict[str, Callable[[Page], str]] = {
    "storytrace": run_storytrace,
    "storytrace extract only": run_storytrace_extract,
    "trafilatura": run_trafilatura,
    "trafilatura (no comments)": run_trafilatura_no_comments,
    "jusText": run_justext,
    "jusText (benchmark params)": run_justext_benchmark,
}


def load_pages(data: Path, limit: int | None) -> list[Page]:
    truth = json.loads((data / "ground-truth.json").read_text(encoding="utf-8"))
    pages = []
    for page_id in sorted(truth)[:limit]:
        with gzip.open(data / "html" / f"{page_id}.html.gz", "rt", encoding="utf-8", errors="replace") as stream:
            html = stream.read()
        pages.append(Page(page_id, truth[page_id].get("url") or "", html, truth[page_id].get("articleBody") or ""))
    return pages


def run_system(name: str, function: Callable[[Page], str], pages: list[Page]) -> SystemRun:
    result = SystemRun(name)
    # One untimed call first: lazy imports and model loads are not per-page cost (errors: see below).
    with contextlib.suppress(Exception):
        function(pages[0])
    started = time.perf_counter()
    for page in pages:
        try:
            result.texts[page.id] = function(page)
        except Exception as error:  # noqa: BLE001 - a crash on one page scores that page as empty
            result.texts[page.id] = ""
            result.errors += 1
            print(f"  {name}: {page.id}: {type(error).__name__}: {error}", file=sys.stderr)
    result.seconds = time.perf_counter() - started
    return result


# --- removed lines that are story text ----------------------------------------------------


def line_in_truth(line: str, truth_tokens: list[str], truth_shingles: set[tuple[str, ...]], truth_joined: str) -> bool:
    tokens = tokenize(line)
    if not tokens:
        return False
    if len(tokens) >= NGRAM_N:
        grams = [tuple(tokens[i : i + NGRAM_N]) for i in range(len(tokens) - NGRAM_N + 1)]
        return sum(g in truth_shingles for g in grams) / len(grams) >= 0.5
    return f" {' '.join(tokens)} " in truth_joined


def removed_in_truth(page: Page) -> list[RemovedLine]:
    draft = DRAFTS.get(page.id)
    if draft is None:
        return []
    truth_tokens = tokenize(page.truth)
    truth_shingles = set(shingles(truth_tokens))
    truth_joined = f" {' '.join(truth_tokens)} "
    return [line for line in draft.removed if line_in_truth(line.text, truth_tokens, truth_shingles, truth_joined)]


# --- output -------------------------------------------------------------------------------


def print_table(headers: list[str], rows: list[list[str]], aligns: str) -> None:
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]

    def fmt(cells: list[str]) -> str:
        return "  ".join(c.ljust(w) if a == "l" else c.rjust(w) for c, w, a in zip(cells, widths, aligns, strict=True))

    print(fmt(headers))
    print("  ".join("-" * w for w in widths))
    for row in rows:
        print(fmt(row))


def shorten(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="article-extraction-benchmark folder")
    parser.add_argument("--limit", type=int, default=None, help="only the first N pages (by id), for a quick try")
    parser.add_argument(
        "--worst",
        type=int,
        default=0,
        metavar="N",
        help="show the N pages where storytrace loses most F1 to trafilatura",
    )
    parser.add_argument("--max-lines", type=int, default=12, help="removed story lines shown per page with --worst")
    parser.add_argument(
        "--n-bootstrap", type=int, default=1000, help="bootstrap resamples for the ± (upstream default 1000)"
    )
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    pages = load_pages(args.data, args.limit)
    print(f"{len(pages)} pages from {args.data}")
    print(f"trafilatura {trafilatura.__version__}, jusText {getattr(justext, '__version__', '?')}")
    runs = {}
    for name, function in SYSTEMS.items():
        print(f"  running {name} ...", file=sys.stderr, flush=True)
        runs[name] = run_system(name, function, pages)

    rng = random.Random(args.seed)
    counts = {name: [shingle_matching(p.truth, run.texts[p.id]) for p in pages] for name, run in runs.items()}
    rows = []
    for name, run in runs.items():
        metrics = corpus_metrics(counts[name])
        std = bootstrap_f1_std(counts[name], args.n_bootstrap, rng)
        accuracy = statistics.mean(float(tokenize(p.truth) == tokenize(run.texts[p.id])) for p in pages)
        mean_page_f1 = statistics.mean(page_f1(c) for c in counts[name])
        empty = sum(not tokenize(run.texts[p.id]) for p in pages)
        rows.append(
            [
                name,
                f"{metrics['precision']:.3f}",
                f"{metrics['recall']:.3f}",
                f"{metrics['f1']:.3f} ± {std:.3f}",
                f"{mean_page_f1:.3f}",
                f"{accuracy:.3f}",
                str(empty),
                f"{len(pages) / run.seconds:.1f}",
            ]
        )
    print()
    print_table(["system", "precision", "recall", "F1", "page-F1", "accuracy", "empty", "pages/s"], rows, "lrrrrrrr")
    mean, std = bootstrap_f1_difference(counts["storytrace"], counts["trafilatura"], args.n_bootstrap, rng)
    print(f"\nF1 storytrace minus trafilatura (paired bootstrap): {mean:+.3f} ± {std:.3f}")
    mean, std = bootstrap_f1_difference(counts["storytrace"], counts["storytrace extract only"], args.n_bootstrap, rng)
    print(f"F1 storytrace minus its own extraction before line cleaning: {mean:+.3f} ± {std:.3f}")

    # Removed lines that are story text, by reason, over all pages.
    by_reason: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])  # lines, words, pages, all removed lines
    for page in pages:
        draft = DRAFTS.get(page.id)
        for line in draft.removed if draft else ():
            by_reason[str(line.reason)][3] += 1
        lost = removed_in_truth(page)
        for reason in {str(line.reason) for line in lost}:
            by_reason[reason][2] += 1
        for line in lost:
            by_reason[str(line.reason)][0] += 1
            by_reason[str(line.reason)][1] += len(tokenize(line.text))
    print("\nLines storytrace's cleaning removed that are ground-truth story text, by reason (all pages):")
    reason_rows = [
        [reason, str(v[3]), str(v[0]), str(v[1]), str(v[2])]
        for reason, v in sorted(by_reason.items(), key=lambda item: (-item[1][1], item[0]))
    ]
    print_table(["reason", "removed lines", "of which story", "story words", "pages"], reason_rows, "lrrrr")

    if args.worst:
        show_worst(args.worst, pages, counts, args.max_lines)


def show_worst(n: int, pages: list[Page], counts: dict[str, list[TpFpFn]], max_lines: int) -> None:
    index = {page.id: i for i, page in enumerate(pages)}
    deltas = sorted(
        pages,
        key=lambda p: page_f1(counts["trafilatura"][index[p.id]]) - page_f1(counts["storytrace"][index[p.id]]),
        reverse=True,
    )[:n]
    print(f"\nThe {n} pages where storytrace's page-F1 falls furthest below trafilatura's:")
    for rank, page in enumerate(deltas, 1):
        i = index[page.id]
        st, ex, tr = counts["storytrace"][i], counts["storytrace extract only"][i], counts["trafilatura"][i]
        print(
            f"\n#{rank} {page.id[:12]}  {page.url}\n"
            f"   page-F1 storytrace {page_f1(st):.3f} (P {precision_score(*st):.3f} R {recall_score(*st):.3f}) | "
            f"extract only {page_f1(ex):.3f} (P {precision_score(*ex):.3f} R {recall_score(*ex):.3f}) | "
            f"trafilatura {page_f1(tr):.3f} (P {precision_score(*tr):.3f} R {recall_score(*tr):.3f})"
        )
        lost = removed_in_truth(page)
        if not lost:
            print("   no removed line is story text (the loss is in extraction, or in the added text)")
        for line in lost[:max_lines]:
            print(f"   [{line.reason}] {shorten(line.text, 150)}")
        if len(lost) > max_lines:
            more = Counter(str(line.reason) for line in lost[max_lines:])
            print(f"   ... and {len(lost) - max_lines} more: " + ", ".join(f"{r} {n}" for r, n in more.most_common()))


if __name__ == "__main__":
    main()
