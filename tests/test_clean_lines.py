"""Line cleaning on a scraped page written for these tests: every kind of clutter, and a body
that must survive whole."""

from __future__ import annotations

from storytrace.clean.lines import clean_lines
from storytrace.model import Removal
from storytrace.settings import Settings

BODY = [
    "The harbour authority of Lindqvist said on Monday that the old ferry terminal would close for repairs "
    "after inspectors found cracks in two of its concrete piers.",
    "Engineers expect the work to take at least six months, and ferries will use a temporary berth on the "
    "north side of the bay while it is carried out.",
    "\u201cWe would rather close it now than wait for something worse to happen,\u201d said Marta Ek, who runs "
    "the authority, adding that no one had been hurt.",
    "Local businesses near the terminal said they were worried about losing customers during the busy "
    "summer season, and asked the council for help.",
]
CAPTION = "Inspectors walk along the north pier of the ferry terminal in Lindqvist on Monday."

PAGE = "\n".join(
    [
        "Skip to content",
        "Home News Lindqvist ferry terminal to close for repairs",
        "",
        "Lindqvist ferry terminal to close for repairs",
        "",
        "Cracks found in two piers, authority says",
        "By Anna Berg and Tom Holt",
        "Published: 12 May 2025, 10:15",
        "Share this article",
        "Share on Facebook",
        "",
        CAPTION,
        CAPTION + " Photo: Karl Svensson / Reuters",
        "Photo: Karl Svensson / Reuters",
        "",
        BODY[0],
        "",
        BODY[1],
        "",
        "Also Read: Ten gadgets you will not believe exist",
        "",
        BODY[2],
        "",
        BODY[3],
        "",
        "You might also like",
        "",
        "Council approves new cycle lanes",
        "Storm warning issued for the weekend",
        "",
        "Leave a Reply",
        "Your email address will not be published. Required fields are marked *",
        "Previous articleCouncil approves new cycle lanes",
    ]
)


def _removed(result: object) -> dict[str, Removal]:
    return {line.text: line.reason for line in result.removed}  # type: ignore[attr-defined]


def test_every_body_paragraph_and_the_standfirst_are_kept_in_order() -> None:
    result = clean_lines(PAGE, Settings(), "en")
    assert list(result.paragraphs) == ["Cracks found in two piers, authority says", *BODY]


def test_each_kind_of_clutter_is_removed_with_its_reason() -> None:
    removed = _removed(clean_lines(PAGE, Settings(), "en"))
    assert removed["Skip to content"] is Removal.NAVIGATION
    assert removed["Home News Lindqvist ferry terminal to close for repairs"] is Removal.NAVIGATION
    assert removed["Lindqvist ferry terminal to close for repairs"] is Removal.TITLE
    assert removed["By Anna Berg and Tom Holt"] is Removal.BYLINE
    assert removed["Published: 12 May 2025, 10:15"] is Removal.DATELINE
    assert removed["Share this article"] is Removal.SHARE_WIDGET
    assert removed["Share on Facebook"] is Removal.SHARE_WIDGET
    assert removed[CAPTION] is Removal.CAPTION
    assert removed[CAPTION + " Photo: Karl Svensson / Reuters"] is Removal.CAPTION
    assert removed["Photo: Karl Svensson / Reuters"] is Removal.CREDIT
    assert removed["Also Read: Ten gadgets you will not believe exist"] is Removal.RELATED_LINKS
    assert removed["You might also like"] is Removal.RELATED_LINKS
    assert removed["Council approves new cycle lanes"] is Removal.RELATED_LINKS
    assert removed["Storm warning issued for the weekend"] is Removal.RELATED_LINKS
    assert removed["Leave a Reply"] is Removal.COMMENT_FORM
    assert removed["Previous articleCouncil approves new cycle lanes"] is Removal.NAVIGATION


def test_headline_is_found_without_metadata() -> None:
    assert clean_lines(PAGE, Settings(), "en").title == "Lindqvist ferry terminal to close for repairs"


def test_a_given_title_is_removed_where_the_page_repeats_it() -> None:
    page = "Ferry news\n\nA different headline\n\n" + "\n\n".join(BODY)
    result = clean_lines(page, Settings(), "en", title="A different headline")
    assert result.title == "A different headline"
    assert "A different headline" not in result.paragraphs
    assert list(result.paragraphs)[-4:] == BODY


def test_a_story_paragraph_above_a_bare_credit_is_not_taken_for_a_caption() -> None:
    # A credit whose caption is missing: the line above is a paragraph of the story, and so is
    # the one above that; only the nearest short line may be a caption, never two paragraphs.
    page = "\n\n".join([BODY[0], BODY[1], BODY[2], "Photo: AP", BODY[3]])
    result = clean_lines(page, Settings(), "en")
    assert BODY[0] in result.paragraphs and BODY[1] in result.paragraphs and BODY[3] in result.paragraphs


def test_agency_credit_line_does_not_eat_the_last_paragraph() -> None:
    page = "\n\n".join([*BODY, "(With input from agencies)"])
    result = clean_lines(page, Settings(), "en")
    assert list(result.paragraphs) == BODY
    assert _removed(result)["(With input from agencies)"] is Removal.CREDIT


def test_story_sentences_mentioning_share_or_comments_are_kept() -> None:
    lines = [
        "Share prices of the ferry operator fell by four percent after the announcement on Monday morning.",
        "Comments from the mayor, who visited the site, were cautious, and she promised a full report soon.",
    ]
    result = clean_lines("\n\n".join([*BODY[:2], *lines, *BODY[2:]]), Settings(), "en")
    assert all(line in result.paragraphs for line in lines)


def test_a_site_date_header_without_year_is_a_dateline() -> None:
    result = clean_lines(
        "Tuesday, January 31\n\nSome headline about the ferry\n\n" + "\n\n".join(BODY), Settings(), "en"
    )
    assert _removed(result)["Tuesday, January 31"] is Removal.DATELINE


def test_a_page_footer_credit_does_not_take_the_paragraphs_above() -> None:
    page = "\n".join([BODY[0], BODY[1], "© 2019 Associated Press. All Rights Reserved."])
    result = clean_lines(page, Settings(), "en")
    assert list(result.paragraphs) == BODY[:2]
    assert _removed(result)["© 2019 Associated Press. All Rights Reserved."] is Removal.CREDIT


def test_only_the_caption_goes_when_a_paragraph_sits_under_a_share_bar() -> None:
    page = "\n".join(["Share this article", BODY[0], CAPTION, "Photo: Jane Roe / AP", BODY[1]])
    result = clean_lines(page, Settings(), "en")
    assert list(result.paragraphs) == [BODY[0], BODY[1]]
    assert _removed(result)[CAPTION] is Removal.CAPTION


def test_a_paragraph_ending_in_a_wire_credit_is_story_text() -> None:
    paragraph = BODY[0] + " " + BODY[1] + " PTI"
    result = clean_lines("\n\n".join([paragraph, BODY[2]]), Settings(), "en")
    assert paragraph in result.paragraphs


def test_related_block_runs_over_long_headlines() -> None:
    headlines = [
        "The promise of cloud gaming: high quality visuals and rock-solid performance streamed to your home",
        "Council approves new cycle lanes",
    ]
    result = clean_lines("\n".join([*BODY, "You might also like", *headlines]), Settings(), "en")
    assert list(result.paragraphs) == BODY


def test_extracted_html_keeps_short_list_items_and_cjk_lines() -> None:
    items = ["- Bugs fixed", "報道によると、今回販売されたのは、いわゆる「脱獄」したiPhone。", "Price: 12"]
    result = clean_lines("\n".join([*BODY, *items]), Settings(), "en", scraped=False)
    assert list(result.paragraphs) == [*BODY, *items]
    scraped = clean_lines("\n".join([*BODY, *items]), Settings(), "en")
    assert items[1] in scraped.paragraphs  # a whole CJK sentence is never a "fragment"
