"""The acceptance checks of the foundation on the five real seed articles (read from ../shared/seeds).

The expectations are the issue's: no clutter of the listed kinds remains, every paragraph of the
story body remains, titles are headlines, and the stated dates are found. Nothing here depends
on which seed is which, except the two dates the issue names.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from storytrace import Report, analyze

# Clutter the issue lists; none may survive in any cleaned text.
FORBIDDEN = [
    r"share this",
    r"embed link",
    r"copy to clipboard",
    r"you might also like",
    r"also read",
    r"leave a reply",
    r"email address will not be published",
    r"previous article",
    r"next article",
    r"search trends",
    r"^download$",
    r"^photo:",
    r"copyright",
    r"\(cover:",
    r"powered by automated translation",
    r"^find us$",
]


@pytest.fixture(scope="module")
def report(seeds: Path, tmp_path_factory: pytest.TempPathFactory) -> Report:
    return analyze(seeds, db=tmp_path_factory.mktemp("db") / "seeds.db", workers=1)


def _raw_lines(path: Path) -> list[str]:
    return [" ".join(line.split()) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_five_english_articles_with_file_ids(report: Report, seeds: Path) -> None:
    assert sorted(a.id for a in report.articles) == sorted(p.stem for p in seeds.glob("*.txt"))
    assert {a.language for a in report.articles} == {"en"}
    assert report.problems == ()


@pytest.mark.parametrize("pattern", FORBIDDEN)
def test_no_listed_clutter_remains(report: Report, pattern: str) -> None:
    for article in report.articles:
        for paragraph in article.text.split("\n\n"):
            assert not re.search(pattern, paragraph, re.IGNORECASE), (article.id, paragraph)


def test_no_caption_or_credit_line_remains(report: Report, seeds: Path) -> None:
    # A caption is a line followed by itself plus a credit, or a line ending in an agency credit.
    for article in report.articles:
        raw = _raw_lines(seeds / f"{article.id}.txt")
        for line, following in zip(raw, raw[1:], strict=False):
            if following.startswith(line) and following != line:
                assert line not in article.text
        for paragraph in article.text.split("\n\n"):
            assert not re.search(r"[.!?]\s+(AFP|AP|Reuters|Getty Images)$", paragraph), (article.id, paragraph)


def test_every_story_paragraph_remains(report: Report, seeds: Path) -> None:
    # Story paragraphs are the long lines: every raw line of 200+ characters must be kept whole.
    for article in report.articles:
        long_lines = [line for line in _raw_lines(seeds / f"{article.id}.txt") if len(line) >= 200]
        assert long_lines, article.id
        for line in long_lines:
            assert line in article.text, (article.id, line[:80])


def test_titles_are_the_headlines(report: Report, seeds: Path) -> None:
    for article in report.articles:
        raw = _raw_lines(seeds / f"{article.id}.txt")
        assert article.title in raw, article.id
        assert article.title not in article.text.split("\n\n")
        assert len(article.title.split()) >= 5 and not article.title.endswith(".")
        # The headline comes before the story's first long paragraph.
        first_body = next(i for i, line in enumerate(raw) if len(line) >= 200)
        assert raw.index(article.title) < first_body


def test_dates_stated_in_the_pages(report: Report) -> None:
    published = {a.id[:3]: a.published for a in report.articles}
    assert published["002"] is not None and published["002"].startswith("2021-12-23")
    assert published["004"] is not None and published["004"].startswith("2021-12-15")
    # A site header date without a year ("Tuesday, January 31") is never taken for the date.
    assert published["001"] is None


def test_sentence_spans_cover_the_text(report: Report) -> None:
    for article in report.articles:
        assert len(article.sentences) >= 5
        previous_end = 0
        for start, end in article.sentences:
            assert previous_end <= start < end <= len(article.text)
            assert article.text[start:end] == article.text[start:end].strip()
            previous_end = end
        # Every non-space character of the text lies in exactly one sentence.
        covered = "".join(article.text[s:e] for s, e in article.sentences)
        assert "".join(covered.split()) == "".join(article.text.split())


def _seed(report: Report, prefix: str) -> str:
    return next(a.id for a in report.articles if a.id.startswith(prefix))


def test_exactly_one_copy_relation_the_spun_copy_of_the_original(report: Report) -> None:
    # The ground truth: 000 is an original and 001 a spun copy of it; 002 and 003 are
    # independent reports quoting the same people, 004 an earlier event.
    assert [(c.original, c.copy) for c in report.copies] == [(_seed(report, "000"), _seed(report, "001"))]
    relation = report.copies[0]
    assert relation.kind in ("spun", "edited")
    copy_text = next(a.text for a in report.articles if a.id == relation.copy)
    covered = sum(end - start for _, (start, end) in ((p.original, p.copy) for p in relation.passages))
    assert covered > 0.8 * len(copy_text)
