"""Cleaning hostile documents: metadata read from a page is made storable, sentences are bounded,
a one-sentence article survives, and a runaway extraction is stopped and reported."""

from __future__ import annotations

import time

import pytest

import storytrace.clean as clean
from storytrace.clean import clean_document
from storytrace.errors import InputError
from storytrace.model import RawDocument, Removal
from storytrace.settings import Settings
from storytrace.stories.features import content_lemmas, story_features

SENTENCE = "Police arrested two men after a fire destroyed the old harbour warehouse on Monday"


def test_metadata_read_from_the_page_fits_the_store() -> None:
    html = (
        f'<html lang="english-as-spoken-in-the-uk"><head><title>{"T" * 3000}&#0;</title>'
        f'<meta property="og:site_name" content="{"Outlet " * 200}">'
        f'<meta name="author" content="{"A" * 3000}"></head>'
        f"<body><article><p>{SENTENCE}, the police said.&#0; Two men were held.</p></article></body></html>"
    )
    article = clean_document(RawDocument(source="page.html", html=html, id="p"), Settings())
    assert "\x00" not in article.text and "police said." in article.text
    assert article.title is not None and len(article.title) <= 1000 and "\x00" not in article.title
    assert article.outlet is not None and len(article.outlet) <= 512
    assert article.author is None or len(article.author) <= 1000
    assert article.language is None or len(article.language) <= 3


def test_a_document_built_directly_is_checked_too() -> None:
    raw = RawDocument(source="api\udce9", text=f"{SENTENCE}.\x00", id="a\ud800", url="", language="EN_us")
    article = clean_document(raw, Settings())
    for value in (article.id, article.source, article.text):
        value.encode("utf-8")
    assert (article.id, article.url, article.language, article.text) == ("a\\ud800", None, "en", f"{SENTENCE}.")
    with pytest.raises(InputError, match="max_id_chars"):
        clean_document(RawDocument(source="x", text=SENTENCE, id="i" * 600), Settings())


@pytest.mark.parametrize(
    "raw",
    [
        RawDocument(source="a.txt", text=SENTENCE, id="a"),
        RawDocument(source="b.txt", text=f"{SENTENCE}.", title=f"{SENTENCE}.", id="b"),
        RawDocument(source="c.html", html=f"<html><head><title>{SENTENCE}.</title></head><body><p>{SENTENCE}.</p>"),
    ],
)
def test_a_one_sentence_article_is_kept_even_when_it_is_its_own_headline(raw: RawDocument) -> None:
    article = clean_document(raw, Settings())
    assert article.text.rstrip(".") == SENTENCE
    assert article.title is not None and article.title.rstrip(".") == SENTENCE


def test_a_headline_over_boilerplate_still_leaves_nothing() -> None:
    text = "Ferry terminal to close\nShare on Facebook\nSubscribe to our newsletter"
    article = clean_document(RawDocument(source="t.txt", text=text, id="t"), Settings())
    assert article.text == ""
    assert [line.reason for line in article.removed][0] is Removal.TITLE


@pytest.mark.parametrize("word", ["harbour ", "x"])
def test_every_sentence_is_bounded(word: str) -> None:
    text = word * 20_000  # no sentence end: one "sentence" of 160 kB (or one 20 kB word)
    article = clean_document(RawDocument(source="big.txt", text=text, id="big"), Settings(max_sentence_chars=1_000))
    assert len(article.sentences) >= len(text.strip()) // 1_000
    assert all(0 < end - start <= 1_000 for start, end in article.sentences)
    assert all(not article.text[start:end].startswith(" ") for start, end in article.sentences)
    # Every word of the text lies in a sentence: nothing is lost by the cuts.
    covered = sum(end - start for start, end in article.sentences)
    assert covered >= len(article.text.replace(" ", ""))


def test_a_runaway_extraction_is_stopped_and_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    def endless(html: str, url: str | None) -> object:
        while True:
            time.sleep(0.01)

    monkeypatch.setattr(clean, "extract_html", endless)
    started = time.monotonic()
    with pytest.raises(InputError, match=r"extraction took over 0.3 s \(Settings.clean_timeout_s\)"):
        clean_document(RawDocument(source="slow.html", html="<p>x</p>"), Settings(clean_timeout_s=0.3))
    assert time.monotonic() - started < 5
    # The timer is gone afterwards: a later document is cleaned as usual.
    monkeypatch.undo()
    assert clean_document(RawDocument(source="a.txt", text=f"{SENTENCE}.", id="a"), Settings(clean_timeout_s=0.3)).text


def test_a_giant_token_gives_bounded_story_terms() -> None:
    text = "Harbour " + "x" * 100_000 + " " + " ".join(["Capital"] * 5_000) + " " + "9" * 5_000
    article = clean_document(RawDocument(source="big.txt", text=text, id="big"), Settings())
    features = story_features(article)
    assert max(map(len, [*features.terms, *features.names])) <= 256
    assert "harbour" in features.terms and "capital" in features.names
    assert max(map(len, content_lemmas(text, "en"))) <= 256
