"""Dating an article from the page itself, with where the date came from (invented texts)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text, update

from storytrace import Article, Settings, Store
from storytrace.clean import draft_article, finish_article
from storytrace.clean.dating import DATE_SOURCES, DateEvidence, date_article, date_from_url, split_page_stamp
from storytrace.model import RawDocument, Removal
from storytrace.store.schema import SCHEMA_VERSION, articles, meta

SETTINGS = Settings()
BODY = (
    "The harbour council of Valmora approved the new ferry timetable after a long debate, "
    "and the first boats will follow it from next month, the mayor told reporters."
)


def _dated(text_: str, language: str = "en", **fields: Any) -> tuple[str | None, str]:
    draft = draft_article(RawDocument(source="test", text=text_, language=language, **fields), SETTINGS)
    return draft.published, draft.date_source


# --- each kind of evidence ------------------------------------------------------------------


def test_leading_stamp_dates_the_page_and_is_cut_from_the_text() -> None:
    draft = draft_article(RawDocument(source="t", text=f" date 2021-04-13 {BODY}", language="en"), SETTINGS)
    assert (draft.published, draft.date_source) == ("2021-04-13", "page")
    assert draft.paragraphs[0].startswith("The harbour council")
    assert draft.removed[0].text == "date 2021-04-13" and draft.removed[0].reason is Removal.DATELINE


def test_month_only_stamp_gives_no_day() -> None:
    assert split_page_stamp(f" date 2021-04 {BODY}")[0] == "date 2021-04"
    assert _dated(f" date 2021-04 {BODY}") == (None, "none")


def test_month_only_stamp_bounds_a_text_date() -> None:
    page = f" date 2021-04 {BODY}\n\nThe vote came on Tuesday, April 13, after a week of talks."
    assert _dated(page) == ("2021-04-13", "text")
    # A year-less date takes the stamp's year; a weekday with the day only ("sábado (17)") too.
    assert _dated(f" date 2021-04 {BODY}\n\nLe conseil a voté mardi 13 avril à Valmora.", "fr") == (
        "2021-04-13",
        "text",
    )
    assert _dated(f" date 2021-04 {BODY}\n\nO conselho votou neste sábado (17) em Valmora.", "pt") == (
        "2021-04-17",
        "text",
    )
    # Outside the stamp's month: background, not the page's date.
    assert _dated(f" date 2021-04 {BODY}\n\nThe old timetable dated from Tuesday, March 2, 2010.") == (None, "none")


@pytest.mark.parametrize(
    ("line", "language", "expected"),
    [
        ("Veröffentlicht am 13.04.2021 um 18:30 Uhr", "de", "2021-04-13T18:30:00"),
        ("Publié le 13 avril 2021 à 18h30", "fr", "2021-04-13T18:30:00"),
        ("Publicado el 13 de abril de 2021", "es", "2021-04-13"),
        ("Publicado em 13 de abril de 2021", "pt", "2021-04-13"),
        ("Pubblicato il 13 aprile 2021", "it", "2021-04-13"),
        ("Опубликовано 13 апреля 2021", "ru", "2021-04-13"),
        ("Yayınlanma: 13 Nisan 2021", "tr", "2021-04-13"),
        ("Objavljeno 13. aprila 2021", "sl", "2021-04-13"),
        ("Published: April 13, 2021, 6:30 PM", "en", "2021-04-13T18:30:00"),
    ],
)
def test_published_stamps_in_every_language(line: str, language: str, expected: str) -> None:
    assert _dated(f"{line}\n\n{BODY}", language) == (expected, "page")


def test_published_stamp_wins_over_updated() -> None:
    assert _dated(f"Aktualisiert am 15.04.2021\nVeröffentlicht am 13.04.2021\n\n{BODY}", "de")[0] == "2021-04-13"


def test_agency_dateline_takes_its_year_from_the_page() -> None:
    lede = "VALMORA, April 13 (Reuters) - The harbour council approved the new ferry timetable on Tuesday."
    assert _dated(f"{lede}\n\n{BODY}", url="https://news.example/2021/04/ferry") == ("2021-04-13", "page")
    lede_sl = "Valmora, 13. aprila - Mestni svet je potrdil nov vozni red trajektov po dolgi razpravi."
    assert _dated(f"{lede_sl}\n\n{BODY}", "sl", fetched="2021-04-14T08:00:00Z") == ("2021-04-13", "page")
    # Without a year anywhere, a dateline dates nothing.
    assert _dated(f"{lede}\n\n{BODY}") == (None, "none")


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://news.example/2021/04/13/ferry-timetable/", "2021-04-13"),
        ("https://news.example/world/ferry-timetable-2021-04-13-806630", "2021-04-13"),
        ("https://news.example/world/ferry-timetable-20210413-p5cr96.html", "2021-04-13"),
        ("https://news.example/harbour/13apr2021/ferry_1.html", "2021-04-13"),
        ("https://news.example/article/32708796", None),  # an id, not a date
        ("https://news.example/2021/04/ferry", None),  # a month only
    ],
)
def test_dates_in_the_url(url: str, expected: str | None) -> None:
    assert date_from_url(url) == expected


def test_text_dates_that_say_they_are_the_news() -> None:
    assert _dated(f"{BODY}\n\nIl consiglio ha votato oggi 13 aprile 2021 a Valmora.", "it") == ("2021-04-13", "text")
    assert _dated(f"{BODY}\n\nThe council met on Tuesday, April 13, 2021, in the town hall.") == ("2021-04-13", "text")
    # A wrong weekday, a plain past date and a file photo's date do not date the page.
    assert _dated(f"{BODY}\n\nThe council met on Monday, April 13, 2021, in the town hall.") == (None, "none")
    assert _dated(f"{BODY}\n\nThe ferry line opened on April 13, 2009 after years of planning.") == (None, "none")
    assert _dated(f"{BODY}\n\nIn this Tuesday, April 13, 2021 file photo the mayor speaks.") == (None, "none")


def test_embedded_post_stamp_inside_the_page_month() -> None:
    page = f" date 2021-04 {BODY}\n\nThe timetable is out. — Valmora Port (@ValmoraPort) April 13, 2021"
    assert _dated(page) == ("2021-04-13", "text")


# --- relative expressions and the future guard ----------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "language"),
    [
        ("The council voted on Tuesday after a long debate.", "en"),
        ("Der Rat stimmte am Dienstagabend nach langer Debatte ab.", "de"),
        ("El consejo votó el martes tras un largo debate.", "es"),
        ("Le conseil a voté mardi après un long débat.", "fr"),
        ("Совет проголосовал во вторник после долгих дебатов.", "ru"),
    ],
)
def test_a_weekday_is_the_last_such_day_on_or_before_the_fetch_day(sentence: str, language: str) -> None:
    # Fetched on Friday 2021-04-16: "Tuesday" is 2021-04-13, never the Tuesday after.
    assert _dated(f"{BODY}\n\n{sentence}", language, fetched="2021-04-16T10:00:00Z") == ("2021-04-13", "text")


def test_weekday_of_the_fetch_day_itself() -> None:
    assert _dated(f"{BODY}\n\nThe council voted on Friday.", fetched="2021-04-16T10:00:00Z") == ("2021-04-16", "text")


def test_year_less_date_resolves_on_or_before_the_fetch_day() -> None:
    fetched = "2021-01-03T10:00:00Z"
    assert _dated(f"{BODY}\n\nThe council voted on December 30.", fetched=fetched) == ("2020-12-30", "text")


def test_no_date_after_the_page_day() -> None:
    # A URL date after the fetch day, and a text date after it, are refused: the fetch time stays.
    fetched = "2021-04-16T10:00:00Z"
    late_url = "https://news.example/2021/05/20/ferry/"
    assert _dated(BODY, url=late_url, fetched=fetched) == ("2021-04-16T10:00:00+00:00", "fetched")
    assert _dated(f"{BODY}\n\nThe vote is due on April 30, 2021.", fetched=fetched)[0] == "2021-04-16T10:00:00+00:00"
    # Without a fetch day, today is the limit.
    evidence = DateEvidence(url="https://news.example/2031/01/02/ferry/")
    assert date_article(evidence, SETTINGS, today=date(2030, 1, 1)).source == "none"


# --- precedence ----------------------------------------------------------------------------


def test_precedence_stated_metadata_page_url_text_fetched() -> None:
    full = DateEvidence(
        stated="2021-04-10",
        metadata="2021-04-11",
        stamp="date 2021-04-12",
        paragraphs=(BODY, "Il consiglio ha votato oggi 14 aprile 2021."),
        url="https://news.example/2021/04/13/ferry/",
        fetched="2021-04-15T08:00:00Z",
        language="it",
    )
    evidence = full
    for emptied, day, source in (
        ({"stated": None}, "2021-04-10", "stated"),
        ({"metadata": None}, "2021-04-11", "metadata"),
        ({"stamp": None}, "2021-04-12", "page"),
        ({"url": None}, "2021-04-13", "url"),
        ({"paragraphs": (BODY,)}, "2021-04-14", "text"),
    ):
        dating = date_article(evidence, SETTINGS)
        assert ((dating.published or "")[:10], dating.source) == (day, source)
        evidence = replace(evidence, **emptied)
    assert date_article(evidence, SETTINGS).source == "fetched"
    assert date_article(DateEvidence(paragraphs=(BODY,)), SETTINGS).source == "none"
    assert set(DATE_SOURCES) == {"stated", "metadata", "page", "url", "text", "fetched", "none"}


def test_stated_time_of_day_is_kept() -> None:
    assert _dated(BODY, published="2021-04-13T18:30:00+02:00") == ("2021-04-13T18:30:00+02:00", "stated")


def test_article_carries_date_source_into_its_record() -> None:
    draft = draft_article(RawDocument(source="t", id="a", text=f" date 2021-04-13 {BODY}", language="en"), SETTINGS)
    record = finish_article(draft, SETTINGS).to_record()
    assert (record["published"], record["date_source"]) == ("2021-04-13", "page")


# --- the store ------------------------------------------------------------------------------

ARTICLE = Article(
    id="d1",
    source="test",
    text=BODY,
    url="https://news.example/d1",
    outlet="news.example",
    published="2021-04-13",
    date_source="page",
    language="en",
    sentences=((0, len(BODY)),),
)


def test_date_source_round_trip(db: str) -> None:
    with Store(db, Settings()) as store:
        store.save_articles([ARTICLE, Article(id="d2", source="test", text="Another story text.")])
        loaded = {article.id: article for article in store.load_articles()}
        assert loaded["d1"] == ARTICLE
        assert loaded["d2"].date_source is None
        assert store.schema_version == SCHEMA_VERSION


def test_version_4_database_gains_the_column_with_unknown_sources(tmp_path: Path) -> None:
    path = tmp_path / "v4.db"
    with Store(path, Settings()) as store:
        store.save_articles([ARTICLE])
        with store.engine.begin() as connection:
            connection.execute(text("ALTER TABLE articles DROP COLUMN date_source"))
            connection.execute(update(meta).where(meta.c.key == "schema_version").values(value="4"))
    with Store(path, Settings()) as store:
        assert store.schema_version == SCHEMA_VERSION
        with store.engine.connect() as connection:
            assert connection.execute(articles.select()).one().date_source is None
        (old,) = store.load_articles()
        assert (old.published, old.date_source) == ("2021-04-13", None)
        store.save_articles([replace(ARTICLE, id="d3", url="https://news.example/d3", text=BODY + " More.")])
        assert {a.id: a.date_source for a in store.load_articles()} == {"d1": None, "d3": "page"}


def test_stamp_sharing_a_line_after_a_separator() -> None:
    page = f"Valmora Daily | Veröffentlicht am 13.04.2021, 18:30 Uhr | Lokales\n\n{BODY}"
    assert _dated(page, "de") == ("2021-04-13T18:30:00", "page")
    # In prose, "published on" is not a stamp.
    assert _dated(f"{BODY} The report was published on 2 March 2010 by the port.") == (None, "none")
