"""The documented list of news-page boilerplate line patterns, one group per removal reason.

Each pattern matches a *whole line* (after whitespace normalisation) so that a story sentence
that merely contains a word like "share" or "comments" is never matched. Lines are also capped
in length per group: boilerplate is short, story paragraphs are long. The patterns come from
reading scraped pages of wire services, broadcasters and content farms (the clutter that
trafilatura's own ``htmlprocessing`` and jusText's link-density rules catch on HTML, but which
survives in already-scraped plain text).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from storytrace.model import Removal

_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_WEEKDAY = r"(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)[a-z]*\.?"
_TIME = r"\d{1,2}[:.]\d{2}(?:\s*[ap]\.?m\.?)?(?:\s*(?:[A-Z]{2,4}|GMT[+-]?\d*|UTC[+-]?\d*))?"
_DAY_MONTH_YEAR = (
    rf"(?:\d{{1,2}}(?:st|nd|rd|th)?[\s-]+{_MONTH}(?:[\s-]+\d{{4}})?"
    rf"|{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?"
    r"|\d{4}-\d{2}-\d{2}|\d{1,2}[/.]\d{1,2}[/.]\d{2,4})"
)
# A line that is nothing but a date, optionally with weekday and time: a site's date header
# ("Tuesday, January 31") or a bare publication stamp ("09:01, 15-Dec-2021").
DATE_ONLY = re.compile(
    rf"^(?:{_WEEKDAY},?\s+)?(?:{_TIME},?\s+)?{_DAY_MONTH_YEAR}(?:,?\s+(?:at\s+)?{_TIME})?$",
    re.IGNORECASE,
)
# Dateline labels; what follows them is parsed for the publication date.
DATELINE_LABEL = re.compile(
    r"^(?:(?:first\s+|originally\s+)?published(?:\s+on)?|(?:last\s+)?updated(?:\s+on)?|posted(?:\s+on)?"
    r"|modified|date)\s*[:\-–]?\s*(?P<rest>.*)$",
    re.IGNORECASE,
)

# Credit words that end a caption or stand alone as a credit line.
_AGENCIES = (
    r"(?:AFP|AP|Reuters|EPA(?:-EFE)?|Getty\s+Images|Bloomberg|Xinhua|TASS|Sputnik|ANSA|dpa|"
    r"Shutterstock|Alamy|PA(?:\s+Media)?|NurPhoto|SOPA\s+Images|Anadolu(?:\s+Agency)?|UPI|IANS|PTI)"
)
# "... sentence. AFP" / "... 2021. Copyright X / AP": a caption carrying its credit at the end.
CAPTION_WITH_CREDIT = re.compile(
    rf"[.!?\"”’)]\s+(?:(?:photo|image|picture|credit)s?\s*:.*|(?:copyright|©).*|{_AGENCIES}(?:\s*/\s*[\w .-]+)*)$",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class LinePattern:
    """One reason's whole-line pattern and the longest line it may match."""

    reason: Removal
    pattern: re.Pattern[str]
    max_chars: int


def _group(reason: Removal, max_chars: int, *alternatives: str) -> LinePattern:
    return LinePattern(reason, re.compile(r"^(?:" + "|".join(alternatives) + r")$", re.IGNORECASE), max_chars)


# A photo credit: its caption sits just above it (the caption/credit rule in lines.py).
# "Photo: X / AP", "Copyright X / AP", "AFP / John Doe". A page footer ("© 2019 Associated
# Press. All Rights Reserved.") or a "Source:" line is a credit too, but has no caption above it.
PHOTO_CREDIT = re.compile(
    r"^(?:(?:photo|image|picture|pictures|photograph|video|graphic|illustration|credit|images?)s?\s*(?:credit)?"
    r"\s*[:©]\s*\S.*"
    rf"|(?:copyright|©|\(c\))\s*[^/]{{1,80}}/\s*\S.*|{_AGENCIES}(?:\s*/\s*[\w .-]+)*|\(?file\s+photo\)?\.?)$",
    re.IGNORECASE,
)
# Any other credit line: footers, sources, agency notes.
OTHER_CREDIT = (
    r"(?:copyright|©|\(c\))\s*\S.*|(?:source|sources)\s*:\s*\S.*|all\s+rights\s+reserved\.?",
    r"\(?(?:with\s+)?(?:input|inputs|reporting|additional\s+reporting)\s+(?:from|by)\s+(?:agencies|wires?|\S.*)\)?\.?",
)

_SOCIAL = (
    r"(?:facebook|twitter|x|whatsapp|telegram|linkedin|reddit|pinterest|e-?mail|print|copy link|flipboard|messenger)"
)

LINE_PATTERNS: tuple[LinePattern, ...] = (
    _group(
        Removal.SHARE_WIDGET,
        120,
        # "Share", "Share this articleComments" — never "Share prices fell ..." (a story sentence).
        r"share\s*[:!]?|share\s+(?:this|the)(?:\s+(?:article|story|post|page|video|link))?.{0,40}",
        rf"(?:share\s+(?:on|via)\s+)?{_SOCIAL}(?:\s*[,|/·•]?\s*{_SOCIAL})*",
        r"(?:click|tap)\s+to\s+(?:share|copy|tweet|email|print).*",
        r"copy(?:/paste)?\s+(?:the\s+)?(?:article\s+)?(?:video\s+)?(?:embed\s+)?(?:link|url|code)\b.*",
        r"copy\s+to\s+clipboard.*|copied|link\s+copied.*|embed(?:\s+code)?|close\s+button",
        r"tweet(?:\s+this)?|pin\s+it|send\s+by\s+e-?mail",
    ),
    _group(
        Removal.RELATED_LINKS,
        250,
        r"(?:also\s+read|read\s+also|also\s+see|see\s+also|read\s+more|more\s+on\s+this(?:\s+story)?|related"
        r"(?:\s+(?:articles?|stories|news|content|coverage|topics|posts))?)\b\s*[:\-–|]?.*",
        r"you\s+(?:might|may)\s+(?:also\s+)?(?:like|be\s+interested\s+in|enjoy).*",
        r"(?:recommended(?:\s+for\s+you)?|most\s+(?:read|popular|viewed|shared)|trending(?:\s+now)?|search\s+trends"
        r"|more\s+(?:stories|news|from\s+.+)|editor'?s\s+picks?|top\s+stories|what\s+to\s+read\s+next|latest\s+stories"
        r"|don'?t\s+miss|in\s+other\s+news|watch\s+next|up\s+next)\s*[:\-–]?",
    ),
    _group(
        Removal.COMMENT_FORM,
        160,
        r"leave\s+a\s+(?:reply|comment).*|post\s+(?:a\s+)?comment|add\s+(?:a\s+)?comment|cancel\s+reply",
        r"your\s+email\s+address\s+will\s+not\s+be\s+published\.?.*|required\s+fields\s+are\s+marked.*",
        r"(?:\d+\s+)?comments?(?:\s*\(\d+\))?|view\s+comments|show\s+comments|comments?\s+are\s+closed\.?",
        r"join\s+the\s+(?:conversation|discussion).*|(?:sign|log)\s+in\s+to\s+(?:comment|reply).*",
        r"save\s+my\s+name,?\s+email.*|notify\s+me\s+of\s+(?:new\s+)?(?:follow-up\s+)?comments.*",
        r"(?:comment|name|e-?mail|website|your\s+(?:name|e-?mail|comment))\s*\*",  # form field labels
    ),
    _group(
        Removal.NAVIGATION,
        160,
        r"home|menu|search|find\s+us|skip\s+to\s+(?:main\s+)?content|back\s+to\s+top|scroll\s+to\s+top",
        r"(?:previous|next|prev)\s+(?:article|post|story|page).*|(?:older|newer)\s+posts?",
        r"download(?:\s+(?:the\s+)?(?:app|pdf))?|subscribe(?:\s+now)?|sign\s+(?:in|up)|log\s*in|register|follow\s+us\b.*",
        r"advertisement|advert|sponsored(?:\s+content)?|ad|continue\s+reading\b.*|listen\s+to\s+(?:this\s+)?article.*",
        r"(?:\d+\s+)?min(?:ute)?s?\s+read|latest\s+news|breaking\s+news|live\s+updates?|watch(?:\s+live)?|video|photos?|gallery",
    ),
    LinePattern(Removal.CREDIT, PHOTO_CREDIT, 160),
    _group(Removal.CREDIT, 160, *OTHER_CREDIT),
    _group(
        Removal.CAPTION,
        400,
        r"\(\s*(?:cover|photo|file\s+photo|image|pictured|main\s+image|top\s+image|caption)\s*:.*\)\.?",
        r"(?:caption|pictured|above|below|top|main\s+image)\s*:.*",
    ),
    _group(
        Removal.SITE_NOTICE,
        240,
        r".*powered\s+by\s+(?:automated|machine)\s+translation.*|beta\s+v?\.?\d+(?:\.\d+)*.*",
        r".*(?:we\s+use\s+cookies|cookie\s+(?:policy|settings)|accept\s+(?:all\s+)?cookies).*",
        r"(?:sign\s+up|subscribe)\s+(?:for|to)\s+(?:our|the)\s+.*newsletter.*|get\s+(?:our|the)\s+newsletter.*",
        r"this\s+(?:article|story)\s+(?:was\s+)?(?:originally|first)\s+(?:published|appeared).*",
        r"(?:this\s+(?:article|content)\s+is\s+)?(?:for\s+)?subscribers\s+only.*|already\s+a\s+subscriber\?.*",
    ),
    _group(
        Removal.BYLINE,
        100,
        # "By Euronews with AFP", "By Jane Roe and John Doe": capitalised names, no sentence end.
        r"by\s+[A-Z][\w'’.-]*(?:\s+(?:[A-Z][\w'’.-]*|and|&|with|in|for|of|the|de|van|von)){0,9}"
        r"\s*,?\s*(?:[A-Z][\w ]*)?",
        r"(?:written|reported)\s+by\s+.*|(?:author|reporter|editor)s?\s*:\s*.*",
    ),
)

# "Home LATEST NEWS Some headline": a breadcrumb trail prefixed to the headline it ends with.
BREADCRUMB_MAX_PREFIX_WORDS = 6

# A heading ends without sentence punctuation (a headline may end with ? or ! or a quote).
SENTENCE_END = re.compile(r"[.…:;。．！？]\s*[\"”’')\]」』]*$")
