"""Quotes: quotation marks as scraped text has them, speakers resolved, reported speech, alignment."""

from __future__ import annotations

import numpy as np
import pytest

from storytrace.model import Article
from storytrace.quotes import extract_quotes
from storytrace.quotes.align import align_quotes, merge_aliases
from storytrace.quotes.marks import quoted_stretches
from storytrace.quotes.nlp import load_pipeline
from storytrace.quotes.speakers import SpeakerReader
from storytrace.settings import Settings

SETTINGS = Settings()


def _inside(text: str) -> list[str]:
    return [text[s.span[0] : s.span[1]] for s in quoted_stretches(text, SETTINGS.quote_continued_lines)]


def _quotes(text: str, language: str = "en") -> list[tuple[str, str, str | None]]:
    article = Article(id="a", source="test", text=text, language=language)
    doc = load_pipeline(language)(text)  # type: ignore[operator]
    found = extract_quotes(article, doc, SETTINGS)
    for quote in found:
        assert text[quote.span[0] : quote.span[1]] == quote.text
    return [(quote.kind, quote.text, quote.speaker) for quote in found]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('He said "we will win" today.', ["we will win"]),
        ("She said “we will win, and soon,” and left.", ["we will win, and soon,"]),
        ("Il a dit « nous gagnerons » hier.", ["nous gagnerons"]),
        # A closing mark typed as an opening one, as spinners leave it.
        ("“We are ready to start in Geneva, “Putin said.", ["We are ready to start in Geneva,"]),
        # Two single quotes standing for a double one.
        ("``It was an attempt to mislead voters,'' Moy said.", ["It was an attempt to mislead voters,"]),
        # Apostrophes are not quotation marks.
        ("The leaders’ summit didn't end; it’s over.", []),
        ("He called it ‘a very big deal’ on Friday.", ["a very big deal"]),
    ],
)
def test_quotation_marks(text: str, expected: list[str]) -> None:
    assert _inside(text) == expected


def test_quote_over_paragraphs_is_one_stretch() -> None:
    text = "“First part of the statement.\n\n“Second part of it,” she said."
    assert _inside(text) == ["First part of the statement.\n\n“Second part of it,"]


def test_a_quote_runs_over_lines_up_to_the_configured_number() -> None:
    text = '"The bridge is closed.\nIt will open in May.\nWe are sorry," the mayor said.'
    assert _inside(text) == ["The bridge is closed.\nIt will open in May.\nWe are sorry,"]
    one_line = quoted_stretches(text, Settings(quote_continued_lines=1).quote_continued_lines)
    assert [(text[s.span[0] : s.span[1]], s.balanced) for s in one_line][0] == ("The bridge is closed.", False)


def test_unbalanced_marks_end_with_the_paragraph() -> None:
    text = 'He said: "this never closes\n\nA new paragraph "with a quote" here.'
    stretches = quoted_stretches(text, SETTINGS.quote_continued_lines)
    assert [text[s.span[0] : s.span[1]] for s in stretches] == ["this never closes", "with a quote"]
    assert [s.balanced for s in stretches] == [False, True]


def test_direct_quotes_with_speakers_named_later_by_surname_and_pronoun() -> None:
    text = (
        "Finnish President Sauli Niinisto spoke with Mayor Jane Doakes on Monday.\n\n"
        '"We will rebuild the bridge before winter," Doakes said.\n\n'
        '"It is the only road to the hospital," she added.'
    )
    quotes = _quotes(text)
    assert [(kind, speaker) for kind, _, speaker in quotes] == [("direct", "Jane Doakes"), ("direct", "Jane Doakes")]


def test_reported_speech_and_according_to() -> None:
    text = (
        "Russian President Vladimir Putin said on Thursday that the talks would start in January.\n\n"
        "According to the Kremlin, the meeting will be held in Geneva."
    )
    quotes = _quotes(text)
    assert ("reported", "the talks would start in January", "Vladimir Putin") in quotes
    assert ("reported", "the meeting will be held in Geneva", "Kremlin") in quotes


def test_role_description_resolves_to_the_named_person() -> None:
    text = (
        "Russian President Vladimir Putin met reporters in Moscow.\n\n"
        "The Russian leader also warned that the discussion needs to produce quick results."
    )
    quotes = _quotes(text)
    assert quotes == [("reported", "the discussion needs to produce quick results", "Vladimir Putin")]


def test_indefinite_description_is_an_unnamed_source() -> None:
    text = (
        "Jen Psaki spoke on Thursday.\n\n"
        "A senior US official said that Washington is ready for talks.\n\n"
        '"Our concern is with actions, not just words," the US official said.'
    )
    speakers = [speaker for _, _, speaker in _quotes(text)]
    assert speakers == [None, None]


def test_titles_and_terms_are_not_quotes() -> None:
    text = 'The band played "Takin\' It to the Streets" and what doctors call "feather duvet lung".'
    assert _quotes(text) == []


def test_scraped_text_that_lost_its_quotation_marks() -> None:
    text = (
        "Russian President Vladimir Putin held his annual news conference.\n\n"
        "You must give us guarantees, and immediately. Now, he insisted.\n\n"
        "So far we are seeing a positive reaction from our partners.\n\n"
        "A quote from Vladimir Putin, President of Russia"
    )
    quotes = _quotes(text)
    assert ("direct", "You must give us guarantees, and immediately. Now", "Vladimir Putin") in quotes
    assert ("direct", "So far we are seeing a positive reaction from our partners", "Vladimir Putin") in quotes


def test_french_quotes_and_speakers() -> None:
    text = (
        "Le président russe Vladimir Poutine a exigé des garanties.\n\n"
        "« La balle est dans leur camp », a déclaré M. Poutine jeudi."
    )
    assert _quotes(text, "fr") == [("direct", "La balle est dans leur camp", "Vladimir Poutine")]


def test_aliases_merge_spellings_but_not_different_people() -> None:
    aliases = merge_aliases(
        ["Putin", "Putin", "Vladimir Putin", "Poutine", "Vladimir Poutine", "Boris Johnson", "Tom Johnston"], Settings()
    )
    assert aliases["Putin"] == aliases["Poutine"] == aliases["Vladimir Poutine"] == "Vladimir Putin"
    assert aliases["Boris Johnson"] != aliases["Tom Johnston"]


def _quote_set(texts: list[tuple[str, str, str | None]], language: str = "en") -> tuple[list, list]:
    """Quotes of several one-quote articles, with their content words from the English pipeline."""
    from storytrace.summarize import parse_articles

    articles = [
        Article(id=f"a{i}", source="t", text=f'{speaker or "Someone"} said: "{text}"', language=language)
        for i, (text, _, speaker) in enumerate(texts)
    ]
    parsed = parse_articles(articles, {}, SETTINGS)
    quotes = [q for a in parsed for q in a.quotes]
    words = [w for a in parsed for w in a.quote_words]
    return quotes, words


def test_partial_and_reworded_quotes_align_to_the_full_statement() -> None:
    full = (
        "Without any tricks, we just directly posed the question that there should be no further NATO movement "
        "to the East, the ball is in their court, they should answer us with something."
    )
    partial = "The ball is in their court, they should answer us with something."
    spun = (
        "Without any gimmicks, we just directly posed the question that there should be no more NATO moves to "
        "the East, the ball is in their court."
    )
    other = "Sanctions would be imposed on the banks within a week of any incursion."
    quotes, words = _quote_set(
        [(full, "", "Vladimir Putin"), (partial, "", "Putin"), (spun, "", "Vladimir Putin"), (other, "", "Joe Biden")]
    )
    groups = align_quotes(quotes, words, ["en"] * 4, frozenset({"a0"}), SETTINGS)
    assert [sorted(q.article for q in g.quotes) for g in groups] == [["a0", "a1", "a2"], ["a3"]]
    assert groups[0].speaker == "Vladimir Putin" and groups[0].text == full


def test_same_words_from_different_speakers_are_different_statements() -> None:
    text = "We will not accept any deal that ignores the security of our allies in the east."
    quotes, words = _quote_set([(text, "", "Vladimir Putin"), (text, "", "Joe Biden")])
    assert len(align_quotes(quotes, words, ["en", "en"], frozenset({"a0", "a1"}), SETTINGS)) == 2


def test_translations_align_by_their_vectors() -> None:
    quotes, words = _quote_set(
        [
            ("The ball is in their court, they must answer us.", "", "Vladimir Putin"),
            ("Nothing else matters to the committee now.", "", "Vladimir Putin"),
        ]
    )
    vectors = np.array([[1.0, 0.0], [0.99, 0.141]], dtype=np.float32)
    # Marked as different languages, the two align only through the vectors' cosine.
    assert len(align_quotes(quotes, words, ["en", "fr"], frozenset(), SETTINGS, vectors, 0.9)) == 1
    orthogonal = np.eye(2, dtype=np.float32)
    assert len(align_quotes(quotes, words, ["en", "fr"], frozenset(), SETTINGS, orthogonal, 0.9)) == 2


def test_speakers_the_parser_left_without_a_subject() -> None:
    text = (
        "One man died, said Ema Suryani, a doctor at a clinic in the district.\n\n"
        '"We have received around 50 injured people," added the doctor.\n\n'
        '"It is disappointing to hear about the issue," general manager A. J. Smith said in a statement.'
    )
    speakers = [(kind, speaker) for kind, _, speaker in _quotes(text)]
    assert speakers == [("reported", "Ema Suryani"), ("direct", "Ema Suryani"), ("direct", "A. J. Smith")]


def test_inside_quote_agrees_with_every_quoted_stretch() -> None:
    text = (
        '"We will win," she said. The mayor added “it is over” and left.\n\n'
        "No quotes in this paragraph at all.\n\n"
        "« Nous gagnerons » a dit le maire, \"and 'soon' too,\" he added."
    )
    article = Article(id="a", source="test", text=text, language="en")
    reader = SpeakerReader(article, load_pipeline("en")(text), SETTINGS)  # type: ignore[operator]
    spans = [stretch.span for stretch in quoted_stretches(text, SETTINGS.quote_continued_lines)]
    assert len(spans) >= 4
    assert [reader.inside_quote(i) for i in range(len(text))] == [
        any(start <= i < end for start, end in spans) for i in range(len(text))
    ]


def _speakers(text: str) -> list[str | None]:
    return [speaker for _, _, speaker in _quotes(text)]


def test_family_name_written_first_resolves_to_the_full_name() -> None:
    text = (
        "China's envoy to France Zhang Weimin spoke in Paris on Monday.\n\n"
        "Zhang said that the talks would resume next month."
    )
    assert _speakers(text) == ["Zhang Weimin"]


def test_bracketed_first_name_completes_the_surname() -> None:
    text = (
        '"Coach (Anna) Berger told us to keep running," the striker said.\n\n'
        '"We trust the players," Berger said after the match.'
    )
    assert _speakers(text)[-1] == "Anna Berger"


def test_surname_tagged_as_an_organization_is_still_the_person_for_he() -> None:
    text = (
        "The driver was stopped by Officer Dan Pickell near the bridge. Pickell said he had arrested Tom Reyes.\n\n"
        '"He gave up without a fight," he said.'
    )
    assert _speakers(text) == ["Dan Pickell", "Dan Pickell"]


def test_short_form_of_an_organization_takes_its_full_name() -> None:
    text = (
        "Shares of Bramwell Motors fell on Monday after Bramwell Motors recalled 40,000 cars.\n\n"
        "Bramwell said that the recall would cost $20 million."
    )
    assert _speakers(text) == ["Bramwell Motors"]
    # Written alone more often than in a longer name, a one-word organization keeps its own name.
    text = (
        "Nvidia released its results, and the Nvidia Research Bulletin appeared. Nvidia said sales rose. "
        "Nvidia said that demand stayed strong."
    )
    assert _speakers(text) == ["Nvidia"]


def test_place_at_the_end_of_an_organization_is_not_its_short_form() -> None:
    text = "The minister spoke at the National University of Kenya on Friday.\n\nKenya said the border would stay open."
    assert _speakers(text) == ["Kenya"]


def test_organization_description_matches_a_named_organization_not_a_nearer_country() -> None:
    text = (
        "Internet traffic was slowed on Friday after cables were cut, according to Norland Telecom. "
        "Officials in Egypt said repairs had begun.\n\n"
        "The cut occurred on two lines near the coast, the telecommunications company said."
    )
    assert _speakers(text)[-1] == "Norland Telecom"
    text = (
        "The Crestview Utilities Commission met on Monday. The Office of Emergency Planning said power would "
        "return soon.\n\nThe utilities commission said that the outages were too broad."
    )
    assert _speakers(text) == ["Office of Emergency Planning", "Crestview Utilities Commission"]


def test_outlet_that_was_told_something_is_not_the_company_speaking() -> None:
    text = (
        "Shares of Harwick Foods fell after a fire at its plant.\n\n"
        '"It was terrifying," worker Tom Reyes told The Associated Press.\n\n'
        '"Our thoughts are with our employees," the company said in a statement.'
    )
    assert _speakers(text) == ["Tom Reyes", "Harwick Foods"]


def test_documents_speak_for_whoever_issued_them() -> None:
    text = "The league fined the club on Monday.\n\nThe Halden Council report says the club paid the players in cash."
    assert _speakers(text) == ["Halden Council"]
    text = (
        "A fire destroyed the warehouse on Sunday.\n\n"
        'A statement from Marlowe Stores said: "Nobody was hurt in the fire, and the store will reopen soon."'
    )
    assert _speakers(text) == ["Marlowe Stores"]
    assert _speakers("Bond prices fell sharply this week, according to data from Tradewell Analytics.") == [
        "Tradewell Analytics"
    ]


def test_statement_read_is_a_frame_and_the_statement_is_its_issuer() -> None:
    text = (
        "Fenwick Records issued a statement on Monday about the dispute with the singer.\n\n"
        '"We never blocked her from performing her songs at the awards," the statement read.'
    )
    assert _quotes(text) == [
        ("direct", "We never blocked her from performing her songs at the awards,", "Fenwick Records")
    ]


def test_relative_pronoun_subject_is_its_antecedent() -> None:
    text = (
        '"The rule is a disaster for our forests," said Senator Paul Hendry, '
        "who said he would introduce a bill next year."
    )
    assert _speakers(text) == ["Paul Hendry", "Paul Hendry"]


def test_rank_written_into_the_name_is_a_role_for_later_descriptions() -> None:
    text = (
        "The body was found on Tuesday, Coroner Gary Whitcombe said.\n\n"
        "The coroner said he believes the man died of natural causes."
    )
    assert _speakers(text) == ["Gary Whitcombe", "Gary Whitcombe"]


def test_words_of_another_persons_possessive_are_no_title() -> None:
    text = (
        "The singer Mia Laurent entered a clinic on Tuesday, the singer's rep Paul Dorsey said.\n\n"
        "Earlier this year, the singer said she had stopped drinking."
    )
    assert _speakers(text)[-1] == "Mia Laurent"


def test_relation_of_a_named_person_is_the_person_in_apposition() -> None:
    text = "\"I'm glad the trial is over,\" said Mia Laurent's father, Hector Laurent."
    assert _speakers(text) == ["Hector Laurent"]


def test_inverted_speaker_ends_at_a_relative_pronoun() -> None:
    text = '"To become a life member is an honour," added Moreland who follows Tom Baxter and Ed Lowry.'
    assert _speakers(text) == ["Moreland"]


def test_name_cut_at_a_ranks_full_stop() -> None:
    assert _speakers('"He refused to leave the car," said Pinewood Police Sgt. Marty Hollis.') == ["Marty Hollis"]


def test_relation_resolves_to_the_person_introduced_by_it_never_to_the_relative() -> None:
    text = (
        "Hector Laurent spoke after the verdict. His son, Tom Laurent, stood beside him.\n\n"
        "His son said that the family would appeal the ruling."
    )
    assert _speakers(text) == ["Tom Laurent"]
    text = (
        "Senator Robert Mills spoke after the vote on Monday.\n\nHis son said that the family would appeal the ruling."
    )
    assert _speakers(text) == [None]
