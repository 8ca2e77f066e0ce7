"""Copy detection quality and speed: ``storytrace.provenance.detect_copies`` against MinHash-LSH.

What it measures
    The labelled corpus of ``benchmarks/copy_corpus.py`` (seeded): the 1,160 real articles of
    ``../shared/data`` (ECB+ and the article-extraction benchmark) plus about 2,000 verbatim,
    edited, excerpt and spun copies of them and a few copies of copies; ECB+'s own wire
    reuse is labelled ``natural``. Every record is cleaned first, untimed, with
    ``storytrace.clean.clean_documents`` (``clean_document`` per record, then the per-outlet
    repeated-line pass, as ``storytrace.analyze`` does); the script checks that cleaning kept
    the story paragraphs and says how much of the added boilerplate it left.

    Systems, in the same run on the same cleaned articles, each in a forked process (a system
    that raises stops the benchmark with its traceback):

    * ``storytrace``: ``detect_copies(articles, settings=Settings(), embedder=None)``;
    * ``datasketch MinHash-LSH``: the named baseline: ``MinHash(num_perm=128)`` over the
      article's lower-cased word 5-gram shingles (``\\w+`` tokens), ``MinHashLSH(threshold=0.5,
      num_perm=128)``, one query per article; every pair a query returns is a copy, of kind
      ``verbatim``, score = estimated Jaccard, original = the earlier date, else (same or
      missing date) the longer text;
    * ``rensa MinHash-LSH`` (``--rensa``): the same with rensa's ``RMinHash``/``RMinHashLSH``;
      rensa needs a band count dividing 128, so it uses the divisor whose S-curve midpoint
      (1/b)^(1/r) is nearest 0.5 (32 bands of 4 rows: 0.42; datasketch picks 25 x 5: 0.53).

    Scoring (unordered pairs; a system's duplicates and self-pairs are dropped and counted):

    * gold copy *families* are the connected components of the gold pairs (a source, its
      copies, copies of those copies, ECB+'s natural copies). A predicted pair is a true
      positive when it is a gold pair or joins two articles of one family (two copies of one
      source, or a source and a copy of its copy: transitive pairs); it is *ignored* when
      the two families share text outside a copy relation (ECB+ articles quoting one wire
      paragraph, an edited copy and the article it borrowed sentences from); otherwise it
      is a false positive, split into same event (different ECB+ articles on one event),
      same topic (the look-alike event of an ECB+ topic) and other;
    * recall per gold kind = gold pairs found / gold pairs of the kind, where a gold pair is
      found when the true-positive predicted pairs connect its two articles (so a copy linked
      to an identical earlier copy of its source, rather than to the source, counts: they
      cannot be told apart); the share predicted as exactly that pair is printed beside it.
      Precision per predicted kind = true positives among the pairs predicted as that kind;
      F1 per kind = their harmonic mean; overall P/R/F1 ignore kinds;
    * kind accuracy and its confusion table: among gold pairs predicted exactly (natural ones
      excepted, their kind is unknown), predicted kind vs gold kind;
    * NEWS-COPY protocol: ARI (``sklearn.metrics.adjusted_rand_score``) of the connected
      components of the predicted pairs against the gold families, every article counted
      (singletons are their own clusters); partial-reuse pairs are left out as in the pairwise
      scores, and the ARI with them (they merge families) is printed beside it;
    * direction accuracy among gold pairs predicted exactly (natural ones excepted): predicted
      original == gold original, split by whether both articles state different dates;
    * articles/s = articles / wall time of the call (cleaning excluded); peak memory = the
      forked child's ``resource.getrusage`` ``ru_maxrss`` at the end minus its RSS
      (``psutil``) at the start, i.e. what the call added on top of the cleaned corpus.

``--scale N`` runs the same on N articles: the labelled corpus among background articles
(copy_corpus.build_scale_corpus), for throughput; quality figures then include the
background as negatives.

Command (from the repository root)::

    .venv/bin/python benchmarks/copies.py              # about 20 s plus storytrace's time; --limit 300: quicker
    .venv/bin/python benchmarks/copies.py --scale 100000 --rensa --json /tmp/copies-scale.json
"""

from __future__ import annotations

import argparse
import json
import os
import re
import time
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import rensa
from copy_corpus import KINDS, Corpus, GoldPair, build_corpus, build_scale_corpus, components  # beside this script
from datasketch import MinHash, MinHashLSH
from measure import measured  # beside this script
from sklearn.metrics import adjusted_rand_score

from storytrace.clean import clean_document, remove_outlet_repeats
from storytrace.executor import LocalExecutor
from storytrace.model import Article, Copy, RawDocument
from storytrace.provenance import detect_copies
from storytrace.settings import Settings

SHINGLE_SIZE = 5
NUM_PERM = 128
LSH_THRESHOLD = 0.5
MINHASH_SEED = 1
GOLD_KINDS = (*KINDS, "natural")

Pair = frozenset[str]


# --- cleaning --------------------------------------------------------------------------------


def _clean_one(raw: RawDocument) -> Article:
    """One record's cleaning, at module level so that the process pool can pickle it."""
    return clean_document(raw, Settings())


def clean(documents: list[RawDocument], workers: int) -> list[Article]:
    """``clean_documents`` spread over processes: per-record cleaning, then the per-outlet pass."""
    with ProcessPoolExecutor(workers) as pool:
        articles = list(pool.map(_clean_one, documents, chunksize=256))
    return remove_outlet_repeats(articles, Settings())


def check_cleaning(corpus: Corpus, articles: list[Article]) -> dict[str, float]:
    """How much of each labelled article's story survived cleaning, and of its added boilerplate."""
    space = re.compile(r"\s+")
    kept = story = left = added = 0
    for article in articles:
        if article.id not in corpus.story:
            continue
        text = space.sub(" ", article.text)
        for paragraph in corpus.story[article.id]:
            story += 1
            kept += space.sub(" ", paragraph).strip() in text
        for line in corpus.boilerplate[article.id]:
            added += 1
            left += line in article.text
    return {"story_paragraphs_kept": kept / max(1, story), "boilerplate_lines_left": left / max(1, added)}


# --- the systems -----------------------------------------------------------------------------


def word_shingles(text: str) -> list[str]:
    """Lower-cased word 5-grams; a text of fewer words is one shingle of all of them."""
    words = re.findall(r"\w+", text.lower())
    if len(words) < SHINGLE_SIZE:
        return [" ".join(words)] if words else []
    return list({" ".join(words[i : i + SHINGLE_SIZE]) for i in range(len(words) - SHINGLE_SIZE + 1)})


def _as_copy(first: Article, second: Article, score: float) -> Copy:
    """The baseline's direction: the earlier date, else the longer text, is the original."""
    if first.published and second.published and first.published != second.published:
        original, copy = (first, second) if first.published < second.published else (second, first)
    else:
        original, copy = (first, second) if len(first.text) >= len(second.text) else (second, first)
    return Copy(original=original.id, copy=copy.id, kind="verbatim", score=score)


def _queried_pairs(articles: Sequence[Article], hashes: dict[int, Any], lsh: Any) -> list[Copy]:
    """One query per article against either library's LSH; each pair once, scored by estimated Jaccard."""
    return [
        _as_copy(articles[index], articles[other], minhash.jaccard(hashes[other]))
        for index, minhash in hashes.items()
        for other in lsh.query(minhash)
        if other > index
    ]


def datasketch_lsh(articles: Sequence[Article]) -> list[Copy]:
    """The named baseline: datasketch MinHash-LSH over word 5-grams."""
    hashes: dict[int, MinHash] = {}
    lsh = MinHashLSH(threshold=LSH_THRESHOLD, num_perm=NUM_PERM)
    with lsh.insertion_session() as session:
        for index, article in enumerate(articles):
            shingles = word_shingles(article.text)
            if shingles:
                minhash = MinHash(num_perm=NUM_PERM, seed=MINHASH_SEED)
                minhash.update_batch([shingle.encode("utf-8") for shingle in shingles])
                hashes[index] = minhash
                session.insert(index, minhash)
    return _queried_pairs(articles, hashes, lsh)


def rensa_bands(threshold: float = LSH_THRESHOLD, num_perm: int = NUM_PERM) -> int:
    """The band count dividing ``num_perm`` whose S-curve midpoint is nearest ``threshold``."""
    divisors = [bands for bands in range(1, num_perm + 1) if num_perm % bands == 0]
    return min(divisors, key=lambda bands: abs((1 / bands) ** (bands / num_perm) - threshold))


def rensa_lsh(articles: Sequence[Article]) -> list[Copy]:
    """The same baseline through rensa (Rust)."""
    hashes: dict[int, rensa.RMinHash] = {}
    lsh = rensa.RMinHashLSH(LSH_THRESHOLD, NUM_PERM, rensa_bands())
    for index, article in enumerate(articles):
        shingles = word_shingles(article.text)
        if shingles:
            minhash = rensa.RMinHash(NUM_PERM, MINHASH_SEED)
            minhash.update(shingles)
            hashes[index] = minhash
            lsh.insert(index, minhash)
    return _queried_pairs(articles, hashes, lsh)


def storytrace_copies(articles: Sequence[Article], workers: int = 1) -> list[Copy]:
    """The system under test, with its default settings and no embedder."""
    return detect_copies(articles, settings=Settings(), embedder=None, executor=LocalExecutor(workers))


@dataclass
class Run:
    """One system's output on the corpus, with its cost."""

    name: str
    copies: list[Copy]
    seconds: float
    peak_mib: float


def measure(name: str, system: Callable[[Sequence[Article]], list[Copy]], articles: list[Article]) -> Run:
    """Run ``system`` in a forked process (``measure.measured``), so that its peak memory is its own."""
    result = measured(name, system, articles)
    return Run(name, result.output, result.seconds, result.peak_mib)


# --- scoring ---------------------------------------------------------------------------------


@dataclass
class Scores:
    """Everything printed for one system."""

    predicted: int = 0
    duplicates: int = 0
    true_gold: int = 0
    true_family: int = 0
    ignored: int = 0
    false: Counter[str] = field(default_factory=Counter)
    found: Counter[str] = field(default_factory=Counter)  # gold pairs connected within their family, by kind
    found_exact: Counter[str] = field(default_factory=Counter)  # gold pairs predicted as such, by kind
    found_chain: int = 0
    predicted_kind: Counter[str] = field(default_factory=Counter)
    predicted_kind_true: Counter[str] = field(default_factory=Counter)
    confusion: Counter[tuple[str, str]] = field(default_factory=Counter)  # (gold, predicted)
    direction: Counter[tuple[str, bool]] = field(default_factory=Counter)  # (dates, correct)
    ari: float = 0.0  # predicted pairs less the partial-reuse ones, as in the pairwise scores
    ari_all_pairs: float = 0.0  # every predicted pair: partial reuse merges families


class Scorer:
    """The gold standard in the form the scoring rules need."""

    def __init__(self, corpus: Corpus, articles: list[Article]) -> None:
        self.ids = [article.id for article in articles]
        self.gold: dict[Pair, GoldPair] = {frozenset((pair.original, pair.copy)): pair for pair in corpus.gold}
        labels = components(self.ids, [(pair.original, pair.copy) for pair in corpus.gold])
        self.family = dict(zip(self.ids, labels.tolist(), strict=True))
        self.gold_labels = labels
        self.partial = {frozenset(self.family[article_id] for article_id in pair) for pair in corpus.partial}
        self.event, self.topic = corpus.event, corpus.topic
        self.published = {article.id: article.published for article in articles}
        self.kinds = Counter(pair.kind for pair in corpus.gold)
        self.chains = sum(pair.chain for pair in corpus.gold)

    def dates_differ(self, pair: GoldPair) -> bool:
        """Whether both articles state a date and the dates differ (direction is then easy)."""
        first, second = self.published[pair.original], self.published[pair.copy]
        return bool(first and second and first != second)

    def score(self, copies: list[Copy]) -> Scores:
        """Every figure for one system's output."""
        scores = Scores()
        seen: set[Pair] = set()
        edges: list[tuple[str, str]] = []
        scored: list[tuple[str, str]] = []  # edges less the partial-reuse pairs left out of scoring
        within_family: list[tuple[str, str]] = []
        for copy in sorted(copies, key=lambda item: -item.score):
            pair = frozenset((copy.original, copy.copy))
            if len(pair) < 2 or pair in seen:
                scores.duplicates += 1
                continue
            seen.add(pair)
            edges.append((copy.original, copy.copy))
            scores.predicted += 1
            verdict = self.verdict(pair)
            if verdict == "ignored":
                scores.ignored += 1
                continue
            scored.append((copy.original, copy.copy))
            scores.predicted_kind[copy.kind] += 1
            if verdict in ("gold", "family"):
                scores.predicted_kind_true[copy.kind] += 1
                within_family.append((copy.original, copy.copy))
            if verdict == "family":
                scores.true_family += 1
            elif verdict == "gold":
                gold = self.gold[pair]
                scores.true_gold += 1
                scores.found_exact[gold.kind] += 1
                if gold.directed:
                    scores.confusion[(gold.kind, copy.kind)] += 1
                    dates = "dates differ" if self.dates_differ(gold) else "same or missing date"
                    scores.direction[(dates, copy.original == gold.original)] += 1
            else:
                scores.false[verdict] += 1
        scores.ari = float(adjusted_rand_score(self.gold_labels, components(self.ids, scored)))
        scores.ari_all_pairs = float(adjusted_rand_score(self.gold_labels, components(self.ids, edges)))
        # A gold pair is found when the predicted links inside its family connect its two
        # articles: a detector that points a copy to an identical earlier copy instead of the
        # source ("nearest source") has found it too.
        linked = components(self.ids, within_family)
        position = {article_id: index for index, article_id in enumerate(self.ids)}
        for gold in self.gold.values():
            if linked[position[gold.original]] == linked[position[gold.copy]]:
                scores.found[gold.kind] += 1
                scores.found_chain += gold.chain
        return scores

    def verdict(self, pair: Pair) -> str:
        """gold | family | ignored | same event | same topic | other."""
        first, second = sorted(pair)
        if pair in self.gold:
            return "gold"
        families = frozenset((self.family[first], self.family[second]))
        if len(families) == 1:
            return "family"
        if families in self.partial:
            return "ignored"
        if first in self.event and self.event.get(first) == self.event.get(second):
            return "same event"
        if first in self.topic and self.topic.get(first) == self.topic.get(second):
            return "same topic"
        return "other"


# --- report ------------------------------------------------------------------------------------


def _ratio(part: float, whole: float) -> float | None:
    return part / whole if whole else None


def _f1(precision: float | None, recall: float | None) -> float | None:
    if precision is None or recall is None or precision + recall == 0:
        return None
    return 2 * precision * recall / (precision + recall)


def _fmt(value: float | None, width: int = 9) -> str:
    return f"{value:{width}.3f}" if value is not None else f"{'-':>{width}}"


def figures(run: Run, scores: Scores, scorer: Scorer, articles: int, baseline_seconds: float) -> dict[str, Any]:
    """The printed figures as a JSON-ready dict."""
    true = scores.true_gold + scores.true_family
    false = sum(scores.false.values())
    precision = _ratio(true, true + false)
    recall = _ratio(sum(scores.found.values()), len(scorer.gold))
    synthetic = sum(count for kind, count in scorer.kinds.items() if kind != "natural")
    per_kind = {}
    for kind in GOLD_KINDS:
        kind_recall = _ratio(scores.found[kind], scorer.kinds[kind])
        kind_precision = _ratio(scores.predicted_kind_true[kind], scores.predicted_kind[kind])
        per_kind[kind] = {
            "gold": scorer.kinds[kind],
            "found": scores.found[kind],
            "recall": kind_recall,
            "recall_exact_pair": _ratio(scores.found_exact[kind], scorer.kinds[kind]),
            "predicted": scores.predicted_kind[kind],
            "precision": kind_precision,
            "f1": _f1(kind_precision, kind_recall),
        }
    judged = sum(scores.confusion.values())
    direction = {
        dates: {
            "pairs": scores.direction[(dates, True)] + scores.direction[(dates, False)],
            "accuracy": _ratio(
                scores.direction[(dates, True)], scores.direction[(dates, True)] + scores.direction[(dates, False)]
            ),
        }
        for dates in ("dates differ", "same or missing date")
    }
    return {
        "articles": articles,
        "predicted_pairs": scores.predicted,
        "duplicate_or_self_pairs_dropped": scores.duplicates,
        "true_gold_pairs": scores.true_gold,
        "true_family_pairs": scores.true_family,
        "ignored_partial_reuse_pairs": scores.ignored,
        "false_positives": dict(scores.false),
        "precision": precision,
        "recall": recall,
        "recall_exact_pair": _ratio(scores.true_gold, len(scorer.gold)),
        "f1": _f1(precision, recall),
        "recall_synthetic": _ratio(sum(scores.found[k] for k in KINDS), synthetic),
        "recall_copies_of_copies": _ratio(scores.found_chain, scorer.chains),
        "per_kind": per_kind,
        "kind_accuracy": _ratio(sum(n for (gold, got), n in scores.confusion.items() if gold == got), judged),
        "kind_confusion": {f"{gold} -> {got}": n for (gold, got), n in sorted(scores.confusion.items())},
        "direction": direction,
        "ari": scores.ari,
        "ari_all_pairs": scores.ari_all_pairs,
        "seconds": run.seconds,
        "articles_per_second": articles / run.seconds if run.seconds else None,
        "peak_mib": run.peak_mib,
        "time_vs_datasketch": run.seconds / baseline_seconds if baseline_seconds else None,
    }


def print_figures(name: str, result: dict[str, Any]) -> None:
    """One system's figures as text."""
    print(f"\n== {name} ==")
    print(
        f"{result['articles']} articles in {result['seconds']:.2f} s = {result['articles_per_second']:.0f} articles/s, "
        f"peak +{result['peak_mib']:.0f} MiB, {result['time_vs_datasketch']:.2f}x datasketch's time"
    )
    false = result["false_positives"]
    print(
        f"pairs: {result['predicted_pairs']} predicted ({result['duplicate_or_self_pairs_dropped']} duplicates "
        f"dropped), {result['true_gold_pairs']} gold, {result['true_family_pairs']} same family, "
        f"{result['ignored_partial_reuse_pairs']} ignored (partial reuse), {sum(false.values())} false: "
        + ", ".join(f"{reason} {count}" for reason, count in sorted(false.items()))
    )
    print(
        f"overall  precision {_fmt(result['precision'], 5)}  recall {_fmt(result['recall'], 5)}  "
        f"F1 {_fmt(result['f1'], 5)}  (exact-pair recall {_fmt(result['recall_exact_pair'], 5)}, "
        f"recall of synthetic copies {_fmt(result['recall_synthetic'], 5)}, "
        f"of copies of copies {_fmt(result['recall_copies_of_copies'], 5)})"
    )
    print(
        f"ARI (copy families, NEWS-COPY protocol) {result['ari']:.3f}; "
        f"{result['ari_all_pairs']:.3f} with the partial-reuse pairs left out of scoring put back"
    )
    header = ("kind", "gold", "found", "recall", "exact pair", "predicted", "precision", "F1")
    print("\n{:10} {:>6} {:>6} {:>9} {:>10} {:>9} {:>9} {:>9}".format(*header))
    for kind, row in result["per_kind"].items():
        print(
            f"{kind:10} {row['gold']:6} {row['found']:6} {_fmt(row['recall'])} {_fmt(row['recall_exact_pair'], 10)} "
            f"{row['predicted']:9} {_fmt(row['precision'])} {_fmt(row['f1'])}"
        )
    print(
        "(recall: the two articles linked through predicted pairs inside their family; exact pair: predicted as such)"
    )
    print(f"\nkind accuracy among gold pairs predicted exactly: {_fmt(result['kind_accuracy'], 5)}")
    for label, count in result["kind_confusion"].items():
        print(f"  {label:22} {count:5}")
    for dates, row in result["direction"].items():
        print(f"direction accuracy, {dates:20} {_fmt(row['accuracy'], 5)} of {row['pairs']} pairs")


def main(argv: list[str] | None = None) -> None:
    """Build and clean the corpus, run every system in the same run, print and save the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--derivatives", type=int, default=2000, help="copies to make (default 2000)")
    parser.add_argument("--limit", type=int, help="use only this many real articles (a quick run)")
    parser.add_argument("--scale", type=int, help="throughput run on this many articles (labelled + background)")
    parser.add_argument("--rensa", action="store_true", help="also run the baseline through rensa")
    parser.add_argument("--no-storytrace", action="store_true", help="run the baselines only")
    parser.add_argument(
        "--workers", type=int, default=os.cpu_count() or 1, help="processes for cleaning and for storytrace's alignment"
    )
    parser.add_argument("--json", type=Path, help="write the figures here")
    args = parser.parse_args(argv)

    started = time.perf_counter()
    if args.scale:
        corpus = build_scale_corpus(args.scale, args.seed, args.derivatives)
    else:
        corpus = build_corpus(args.seed, args.derivatives, args.limit)
    kinds = Counter(pair.kind + (" (copy of a copy)" if pair.chain else "") for pair in corpus.gold)
    print(
        f"corpus: {len(corpus.documents)} articles ({corpus.background} background), seed {args.seed}, built in "
        f"{time.perf_counter() - started:.0f} s; gold pairs: "
        + ", ".join(f"{kind} {count}" for kind, count in sorted(kinds.items()))
        + f"; partial reuse (not scored): {len(corpus.partial)}"
    )
    started = time.perf_counter()
    articles = clean(corpus.documents, args.workers)
    cleaning = check_cleaning(corpus, articles)
    print(
        f"cleaned in {time.perf_counter() - started:.0f} s: story paragraphs kept "
        f"{cleaning['story_paragraphs_kept']:.2%}, added boilerplate lines left "
        f"{cleaning['boilerplate_lines_left']:.2%}"
    )

    systems: list[tuple[str, Callable[[Sequence[Article]], list[Copy]]]] = []
    if not args.no_storytrace:
        # One process, like the baselines; and with every core, as `storytrace analyze` runs it.
        systems.append(("storytrace (1 process)", storytrace_copies))
        if args.workers > 1:
            systems.append((f"storytrace ({args.workers} processes)", partial(storytrace_copies, workers=args.workers)))
    systems.append(("datasketch MinHash-LSH", datasketch_lsh))
    if args.rensa:
        systems.append(("rensa MinHash-LSH", rensa_lsh))
    runs = [measure(name, system, articles) for name, system in systems]
    baseline_seconds = next(run.seconds for run in runs if run.name.startswith("datasketch"))
    scorer = Scorer(corpus, articles)
    results = {}
    for run in runs:
        results[run.name] = figures(run, scorer.score(run.copies), scorer, len(articles), baseline_seconds)
        print_figures(run.name, results[run.name])
    if args.json:
        report = {
            "seed": args.seed,
            "articles": len(articles),
            "background": corpus.background,
            "gold_pairs": dict(kinds),
            "partial_reuse_pairs": len(corpus.partial),
            "cleaning": cleaning,
            "systems": results,
        }
        args.json.write_text(json.dumps(report, indent=1), encoding="utf-8")
        print(f"\nfigures written to {args.json}")


if __name__ == "__main__":
    main()
