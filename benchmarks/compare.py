"""Speed of comparing a story: ``storytrace.summarize.compare_coverage`` on real 20-article stories.

What it measures
    The whole comparison of one story (quotes aligned, facts compared, coverage, summary,
    timeline) for the three largest ECB+ events (``../shared/data/ecbplus/ecbplus_docs.jsonl``),
    20 documents each (the first 20 of an event with more), detokenised and cleaned as in
    ``benchmarks/stories.py``. ECB+ states no dates; each article is given one day so that
    relative dates resolve.

    * ``cold``: nothing cached. spaCy parses every article (quotes, facts, sentence words), then
      the story is compared: what ``analyze`` pays once per article.
    * ``warm``: the per-article parses are in the store (SQLite, as ``analyze`` leaves them);
      the time is reading them back plus comparing: what ``storytrace show`` and
      ``storytrace.compare`` pay.
    * ``cold, 2 processes``: the same with ``workers=2`` (spaCy's ``n_process``, forked), as
      ``analyze`` and ``show`` run it on this 2-core machine.
    * ``spaCy parse`` (the baseline): ``nlp.pipe`` over the same texts and nothing else, the
      floor under any cold comparison built on this pipeline.

    Times are the median of 3 runs, one process, after loading the pipeline once (0.4 s, not
    counted). The target is a whole comparison of a 20-article story in under a second.

    ``--stage N`` measures instead the comparison stage as ``analyze`` runs it, on the first N
    ECB+ documents in file order (detokenised as in ``benchmarks/stories.py``), in the same run:

    * ``analyze --no-compare`` and ``analyze`` (comparison on): ``storytrace.analyze`` into a new
      SQLite database, ``embedder=None``, all cores; their ratio is the issue's target (<= 2x);
    * ``comparison stage, 1 process``: every article's parse (``parse_articles``) and each
      gold ECB+ event compared (``compare_coverage``), nothing cached;
    * ``spaCy full pipeline`` (the floor): ``nlp.pipe`` over the same texts, batches of 16, one
      process, nothing else;
    * what parsing only the sentences that can carry a quote or a fact would keep: the share of
      characters in sentences (the articles' own spans) holding a quotation mark, a number, a
      DATE/number entity or a framing verb (``FRAMING_VERBS``, "according"), and with a
      PERSON/ORG/GPE name as well (names are facts, and speakers' antecedents), read from the
      full parse, so a perfect selector could skip no more than the rest.

Command (from the repository root)::

    .venv/bin/python benchmarks/compare.py
    .venv/bin/python benchmarks/compare.py --json /tmp/compare.json
    .venv/bin/python benchmarks/compare.py --stage 200       # about 3 minutes on 2 shared cores
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from copy_corpus import detokenize  # noqa: E402
from stories import clean as clean_documents  # noqa: E402
from stories import load_ecbplus  # noqa: E402

from storytrace import analyze  # noqa: E402
from storytrace.clean import clean_document  # noqa: E402
from storytrace.executor import LocalExecutor  # noqa: E402
from storytrace.model import Article, RawDocument  # noqa: E402
from storytrace.quotes.extract import FRAMING_VERBS  # noqa: E402
from storytrace.quotes.nlp import load_pipeline  # noqa: E402
from storytrace.settings import Settings  # noqa: E402
from storytrace.store import Store  # noqa: E402
from storytrace.summarize import compare_coverage, parse_articles  # noqa: E402
from storytrace.summarize.parsing import parsed_from_record, parsed_record  # noqa: E402

ECB = ROOT.parent / "shared" / "data" / "ecbplus" / "ecbplus_docs.jsonl"
STORY_SIZE = 20
RUNS = 3


def _stories(settings: Settings) -> list[tuple[str, list[Article]]]:
    by_event: dict[str, list[dict[str, str]]] = defaultdict(list)
    with ECB.open(encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            by_event[record["cluster"]].append(record)
    largest = sorted(by_event, key=lambda event: -len(by_event[event]))[:3]
    stories = []
    for event in largest:
        articles = []
        for record in by_event[event][:STORY_SIZE]:
            lines = [detokenize(line, frozenset()) for line in record["text"].split("\n") if line.strip()]
            raw = RawDocument(
                source=record["doc_id"], id=record["doc_id"], text="\n\n".join(lines), published="2024-03-05"
            )
            articles.append(clean_document(raw, settings))
        stories.append((event, articles))
    return stories


def _parse(nlp: Any, texts: list[str]) -> list[Any]:
    return list(nlp.pipe(texts, batch_size=16))


def _median(function: Callable[[], object]) -> float:
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def _analyze_into(folder: Path, records: list[dict[str, str]], compare: bool) -> None:
    """``storytrace.analyze`` of the records into a database of its own (nothing cached before)."""
    database = folder / f"run-{time.perf_counter_ns()}.db"
    analyze(records, db=database, embedder=None, compare=compare)


def _trigger_shares(articles: list[Article], docs: list[Any]) -> tuple[float, float]:
    """Shares of characters in sentences that can carry a quote or a fact, without and with names."""
    marks = set('"“”«»„')
    triggers = FRAMING_VERBS["en"] | {"according"}
    carrying = named = total = 0
    for article, doc in zip(articles, docs, strict=True):
        for start, end in article.sentences:
            span = doc.char_span(start, end, alignment_mode="expand")
            tokens = list(span) if span is not None else []
            labels = {entity.label_ for entity in span.ents} if span is not None else set()
            quote_or_fact = (
                any(mark in article.text[start:end] for mark in marks)
                or any(token.like_num or token.lemma_.lower() in triggers for token in tokens)
                or bool(labels & {"DATE", "CARDINAL", "QUANTITY", "MONEY", "PERCENT"})
            )
            total += end - start
            carrying += (end - start) * quote_or_fact
            named += (end - start) * (quote_or_fact or bool(labels & {"PERSON", "ORG", "GPE"}))
    return carrying / total, named / total


def _stage(count: int) -> dict[str, Any]:
    """The comparison stage's times on the first ``count`` ECB+ documents (see the module docstring)."""
    settings = Settings()
    documents = load_ecbplus()[:count]
    articles, _ = clean_documents(documents, settings)
    events: dict[str, list[Article]] = defaultdict(list)
    for document, article in zip(documents, articles, strict=True):
        events[document.event].append(article)
    references = {article.id: date(2024, 3, 5) for article in articles}
    records = [{"id": document.doc_id, "text": document.text} for document in documents]
    nlp = load_pipeline("en")

    def stage() -> None:
        parsed = {a.article.id: a for a in parse_articles(articles, references, settings)}
        for event, members in events.items():
            compare_coverage(event, members, (), settings, None, parsed)

    with tempfile.TemporaryDirectory() as folder:
        without = _median(partial(_analyze_into, Path(folder), records, False))
        with_compare = _median(partial(_analyze_into, Path(folder), records, True))
    texts = [article.text for article in articles]
    carrying, named = _trigger_shares(articles, _parse(nlp, texts))
    return {
        "documents": len(articles),
        "characters": sum(len(article.text) for article in articles),
        "events": len(events),
        "analyze_no_compare_seconds": without,
        "analyze_seconds": with_compare,
        "ratio": with_compare / without,
        "stage_one_process_seconds": _median(stage),
        "spacy_full_pipeline_seconds": _median(partial(_parse, nlp, texts)),
        "quote_or_fact_sentence_share": carrying,
        "with_names_sentence_share": named,
    }


def _print_stage(row: dict[str, Any]) -> None:
    print(f"first {row['documents']} ECB+ documents ({row['characters']:,} characters, {row['events']} events)")
    print(f"  analyze --no-compare           {row['analyze_no_compare_seconds']:7.2f}s")
    print(f"  analyze (comparison on)        {row['analyze_seconds']:7.2f}s  ({row['ratio']:.1f}x; target <= 2x)")
    print(f"  comparison stage, 1 process    {row['stage_one_process_seconds']:7.2f}s")
    print(f"  spaCy full pipeline (floor)    {row['spacy_full_pipeline_seconds']:7.2f}s")
    print(
        f"  characters in sentences that can carry a quote or fact: {row['quote_or_fact_sentence_share']:.0%}, "
        f"with names: {row['with_names_sentence_share']:.0%}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--json", type=Path, help="write the figures to this file")
    parser.add_argument(
        "--stage", type=int, metavar="N", help="time the comparison stage on the first N ECB+ documents"
    )
    args = parser.parse_args()
    if not ECB.exists():
        print(f"missing {ECB}: the benchmark needs ../shared/data", file=sys.stderr)
        return 2
    if args.stage:
        figures = _stage(args.stage)
        _print_stage(figures)
        if args.json:
            args.json.write_text(json.dumps(figures, indent=2))
        return 0
    settings = Settings()
    nlp = load_pipeline("en")
    rows = []
    with tempfile.TemporaryDirectory() as folder, Store(Path(folder) / "cache.db", settings) as store:
        for event, articles in _stories(settings):
            references = {article.id: date(2024, 3, 5) for article in articles}
            texts = [article.text for article in articles]
            parse = _median(partial(_parse, nlp, texts))
            cold = _median(partial(compare_coverage, event, articles, (), settings))
            cold_two = _median(partial(compare_coverage, event, articles, (), settings, executor=LocalExecutor(2)))
            made = parse_articles(articles, references, settings)
            store.save_parsed({parse.article.id: parsed_record(parse) for parse in made})

            def warm(story: str, a: list[Article], r: dict[str, date]) -> None:
                records = store.load_parsed(x.id for x in a)
                cached = {x.id: found for x in a if (found := parsed_from_record(x, records[x.id], r[x.id]))}
                compare_coverage(story, a, (), settings, None, cached)

            rows.append(
                {
                    "event": event,
                    "articles": len(articles),
                    "characters": sum(len(t) for t in texts),
                    "parse_seconds": parse,
                    "cold_seconds": cold,
                    "cold_two_processes_seconds": cold_two,
                    "warm_seconds": _median(partial(warm, event, articles, references)),
                }
            )
    header = (
        f"{'ECB+ event':<12} {'articles':>8} {'chars':>7} {'spaCy parse':>12} {'cold':>7} "
        f"{'cold, 2 proc.':>13} {'warm':>7}"
    )
    print(header)
    print("-" * len(header))
    for row in rows:
        print(
            f"{row['event']:<12} {row['articles']:>8} {row['characters']:>7} {row['parse_seconds']:>11.2f}s "
            f"{row['cold_seconds']:>6.2f}s {row['cold_two_processes_seconds']:>12.2f}s {row['warm_seconds']:>6.2f}s"
        )
    print("\ncold = parse + extract + compare, nothing cached; warm = parses read from the store + compare")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
