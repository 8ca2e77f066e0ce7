"""Coverage, summary and timeline on small made-up stories: what counts as shared, added and omitted."""

from __future__ import annotations

from storytrace.model import Article, Copy
from storytrace.settings import Settings
from storytrace.summarize import compare_coverage, independent_groups

SHARED = "The city council approved the new bridge over the river on Monday after a long debate."
SHARED_REWORDED = "On Monday the city council approved a new bridge over the river after a long debate."
SHARED_AGAIN = "After a long debate the city council approved the new river bridge on Monday."
TOLL = "The storm destroyed forty houses in the northern district, firefighters reported."
ONLY_A = "Local shop owners fear the construction will block deliveries for several months."
ONLY_C = "The mayor thanked the volunteers who cleared the flooded streets near the harbour."


def _article(article_id: str, *sentences: str, language: str = "en", published: str = "2024-03-05") -> Article:
    text = "\n\n".join(sentences)
    spans = []
    start = 0
    for sentence in sentences:
        spans.append((start, start + len(sentence)))
        start += len(sentence) + 2
    return Article(
        id=article_id,
        source=article_id,
        text=text,
        language=language,
        published=published,
        outlet=article_id,
        sentences=tuple(spans),
    )


def test_independent_groups_join_copies_to_their_original() -> None:
    articles = [_article("a", SHARED), _article("b", SHARED), _article("c", SHARED)]
    groups = independent_groups(articles, [Copy("a", "b", "verbatim", 1.0), Copy("x", "c", "verbatim", 1.0)])
    assert groups["a"] == groups["b"] and groups["c"] == "c"


def test_summary_favours_content_several_outlets_carry_and_cites_them_all() -> None:
    articles = [
        _article("a", ONLY_A, SHARED, TOLL),
        _article("b", SHARED_REWORDED, TOLL),
        _article("c", ONLY_C, SHARED_AGAIN),
    ]
    comparison = compare_coverage("s", articles)
    assert comparison.summary, "a story with content gets a summary"
    first_shared = next(s for s in comparison.summary if "council" in s.text)
    assert set(first_shared.sources) == {"a", "b", "c"}
    toll = next(s for s in comparison.summary if "storm" in s.text)
    assert set(toll.sources) == {"a", "b"}
    assert len(comparison.summary) <= Settings().summary_max_sentences


def test_copies_do_not_make_content_look_widely_reported() -> None:
    copied = [_article("a", ONLY_A, TOLL), _article("a2", ONLY_A, TOLL), _article("a3", ONLY_A, TOLL)]
    others = [_article("b", SHARED, ONLY_C), _article("c", SHARED_REWORDED)]
    copies = [Copy("a", "a2", "verbatim", 1.0), Copy("a", "a3", "verbatim", 1.0)]
    comparison = compare_coverage("s", copied + others, copies, Settings(summary_max_sentences=1))
    # Three articles carry the storm sentence but they are one outlet; two independent outlets carry the council.
    assert len(comparison.summary) == 1 and "council" in comparison.summary[0].text
    coverage = {c.article: c for c in comparison.coverage}
    assert coverage["a2"].added == (ONLY_A, TOLL)  # carried by no other independent outlet


def test_omissions_are_what_most_other_outlets_carry() -> None:
    articles = [
        _article("a", SHARED, TOLL),
        _article("b", SHARED_REWORDED, TOLL),
        _article("c", SHARED_AGAIN, ONLY_C),
    ]
    coverage = {c.article: c for c in compare_coverage("s", articles).coverage}
    assert coverage["c"].added == (ONLY_C,)
    assert len(coverage["c"].omitted) == 1 and "storm" in coverage["c"].omitted[0]
    assert coverage["a"].omitted == () and coverage["a"].added == ()


def test_timeline_dates_events_and_joins_outlets_reporting_them() -> None:
    articles = [
        _article("a", "The council voted on Monday to approve the new bridge over the river."),
        _article("b", "On Monday the council voted to approve the new bridge over the river.", published="2024-03-06"),
        _article("c", "The old bridge over the river was built in 1921 by the railway company."),
    ]
    timeline = compare_coverage("s", articles).timeline
    assert [(e.date, e.sources) for e in timeline] == [("1921", ("c",)), ("2024-03-04", ("a", "b"))]


def test_a_dated_sentence_a_page_repeats_is_one_event() -> None:
    repeated = "The council voted on Monday to approve the new bridge over the river."
    articles = [
        _article("a", repeated, "Engineers expect the work to take three years.", repeated),
        _article("b", "The old bridge over the river was built in 1921 by the railway company."),
    ]
    timeline = compare_coverage("s", articles).timeline
    assert [(e.date, e.text, e.sources) for e in timeline] == [
        ("1921", "The old bridge over the river was built in 1921 by the railway company.", ("b",)),
        ("2024-03-04", repeated, ("a",)),
    ]
    assert timeline[1].span == (0, len(repeated))  # the first in text order speaks for it


def test_a_language_without_a_pipeline_is_named_unsupported() -> None:
    articles = [_article("a", SHARED), _article("k", "Kalshi hii ya mji iliidhinisha daraja jipya.", language="sw")]
    comparison = compare_coverage("s", articles)
    assert comparison.unsupported == ("k",)
    assert {c.article for c in comparison.coverage} == {"a", "k"}


def test_single_article_story_is_summarized_from_its_lead() -> None:
    article = _article("a", ONLY_A, SHARED, TOLL, ONLY_C)
    summary = compare_coverage("s", [article], settings=Settings(summary_max_sentences=2)).summary
    assert [s.text for s in summary] == [ONLY_A, SHARED]


def test_a_quote_and_its_translation_are_one_statement_of_one_speaker() -> None:
    from storytrace.embed import load_embedder

    english = (
        "Russian President Vladimir Putin said on Thursday that the West must answer quickly.\n\n"
        '"We just directly posed the question that there should be no further NATO movement to the east. '
        'The ball is in their court, they should answer us with something," Putin said.'
    )
    french = (
        "Le président russe Vladimir Poutine a exigé jeudi une réponse rapide de l'Occident.\n\n"
        "« Nous avons posé directement la question : il ne doit plus y avoir de mouvement de l'OTAN vers l'Est. "
        "La balle est dans leur camp, ils doivent nous répondre quelque chose », a déclaré M. Poutine."
    )
    articles = [_article("en", english), _article("fr", french, language="fr")]
    groups = compare_coverage("s", articles, embedder=load_embedder("use")).quotes
    statement = next(g for g in groups if any("ball is in their court" in q.text for q in g.quotes))
    assert {q.article for q in statement.quotes} == {"en", "fr"}
    assert statement.speaker == "Vladimir Putin"  # "Poutine" is the same person, spelled the French way
    # Without an embedder nothing links the two languages.
    plain = compare_coverage("s", articles).quotes
    assert all(len({q.article for q in g.quotes}) == 1 for g in plain)


def test_a_very_long_article_is_read_in_part() -> None:
    paragraph = '"We will rebuild the bridge before winter," Mayor Jane Doakes said on Monday.'
    article = _article("long", *([paragraph] * 40))
    comparison = compare_coverage("s", [article], settings=Settings(compare_max_chars=1_000))
    quotes = [q for g in comparison.quotes for q in g.quotes]
    assert quotes and all(q.span[1] <= 1_000 for q in quotes)
    assert all(article.text[q.span[0] : q.span[1]] == q.text for q in quotes)
