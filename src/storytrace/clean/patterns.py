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
# "Published"/"Updated" stamp labels in the languages storytrace meets (en, de, es, fr, tr, pt, it,
# ru, sl, is), with the preposition that introduces the date. Published labels come first in
# each pair: ``metadata.date_from_datelines`` ranks them above updated ones.
_PUBLISHED_LABEL = (
    r"(?:first\s+|originally\s+)?published(?:\s+on)?|posted(?:\s+on)?|date"
    r"|veröffentlicht(?:\s+am)?|erschienen(?:\s+am)?|publié(?:\s+le)?|publicado(?:\s+(?:el|em|en|a))?"
    r"|pubblicato(?:\s+(?:il|l['’]))?|опубликовано|yayınlanma(?:\s+tarihi)?|yayın\s+tarihi|objavljeno|birt"
)
_UPDATED_LABEL = (
    r"(?:last\s+)?updated(?:\s+on)?|modified|aktualisiert(?:\s+am)?|mis\s+à\s+jour(?:\s+le)?"
    r"|actualizado(?:\s+(?:el|a))?|atualizado(?:\s+em)?|aggiornato(?:\s+(?:il|l['’]))?|обновлено"
    r"|güncelleme(?:\s+tarihi)?|güncellenme(?:\s+tarihi)?|posodobljeno|uppfært"
)
# Dateline labels; what follows them is parsed for the publication date.
DATELINE_LABEL = re.compile(
    rf"^(?:{_PUBLISHED_LABEL}|{_UPDATED_LABEL})\s*[:\-–]?\s*(?P<rest>.*)$",
    re.IGNORECASE,
)
PUBLISHED_LABEL = re.compile(rf"^(?:{_PUBLISHED_LABEL})\b", re.IGNORECASE)
# A stamp sharing its line with other clutter ("Valmora | Veröffentlicht am 08.09.2022, 19:30
# Uhr"): at the start of the line or after a separator (never in prose: "the report published
# on …"), the label, then the (at most 60) characters that hold its date, parsed by
# ``metadata.date_from_stamps``.
STAMP_IN_LINE = re.compile(
    rf"(?:^|[|•·]\s*)(?P<label>{_PUBLISHED_LABEL}|{_UPDATED_LABEL})(?!\w)\s*[:\-–]?\s*(?P<rest>[^|\n]{{1,60}})",
    re.IGNORECASE,
)

# --- dates in the text (metadata.py) -------------------------------------------------------
# Month names, full and abbreviated, in the languages of the data; Russian and Slovenian in the
# genitive too ("22 июня", "22. junija"), as dates write them.
MONTH_NAMES: dict[str, int] = {
    name: number
    for number, names in enumerate(
        (
            "january jan januar jänner enero janvier ocak janeiro gennaio января январь januarja janúar",
            "february feb februar febrero février fevrier şubat subat fevereiro febbraio февраля февраль"
            " februarja febrúar",
            "march mar märz marz marzo mars mart março marco марта март marec marca",
            "april apr abril avril nisan aprile апреля апрель aprila apríl",
            "may mai mayo mayıs mayis maio maggio мая май maj maja maí",
            "june jun juni junio juin haziran junho giugno июня июнь junij junija júní",
            "july jul juli julio juillet temmuz julho luglio июля июль julij julija júlí",
            "august aug agosto août aout ağustos agustos августа август avgust avgusta ágúst",
            "september sept sep septiembre setiembre septembre eylül eylul setembro settembre сентября"
            " сентябрь septembra",
            "october oct oktober octubre octobre ekim outubro ottobre октября октябрь oktobra október",
            "november nov noviembre novembre kasım kasim novembro ноября ноябрь novembra nóvember",
            "december dec dezember diciembre décembre decembre aralık aralik dezembro dicembre декабря"
            " декабрь decembra desember",
        ),
        start=1,
    )
    for name in names.split()
}
# Weekday names (0 = Monday, as ``date.weekday``), with the inflected forms dates use ("в среду",
# "v sredo", "á fimmtudag"); Portuguese only with "-feira", since "segunda" is also "second".
WEEKDAY_NAMES: dict[str, int] = {
    name: number
    for number, names in enumerate(
        (
            "monday montag lunes lundi pazartesi segunda-feira lunedì lunedi понедельник ponedeljek mánudag mánudagur",
            "tuesday dienstag martes mardi salı sali terça-feira terca-feira martedì martedi вторник torek"
            " þriðjudag þriðjudagur",
            "wednesday mittwoch miércoles miercoles mercredi çarşamba carsamba quarta-feira mercoledì mercoledi"
            " среда среду sreda sredo miðvikudag miðvikudagur",
            "thursday donnerstag jueves jeudi perşembe persembe quinta-feira giovedì giovedi четверг četrtek"
            " cetrtek fimmtudag fimmtudagur",
            "friday freitag viernes vendredi cuma sexta-feira venerdì venerdi пятница пятницу petek föstudag"
            " föstudagur",
            "saturday samstag sonnabend sábado sabado samedi cumartesi sabato суббота субботу sobota soboto"
            " laugardag laugardagur",
            "sunday sonntag domingo dimanche pazar domenica воскресенье nedelja nedeljo sunnudag sunnudagur",
        )
    )
    for name in names.split()
}


def _alternation(names: dict[str, int]) -> str:
    return "|".join(re.escape(name) for name in sorted(names, key=len, reverse=True))


_MONTH_NAME = rf"(?P<month_name>{_alternation(MONTH_NAMES)})(?!\w)\.?"
# A weekday word, German compounds included ("Donnerstagabend", "Freitagvormittag").
WEEKDAY_WORD = re.compile(rf"(?<!\w)(?P<weekday>{_alternation(WEEKDAY_NAMES)})(?P<tail>\w*)", re.IGNORECASE)
_YEAR_PART = r"(?P<year>(?:19|20)\d{2})(?!\d)"
_DAY_PART = r"(?P<day>[12]\d|3[01]|0?[1-9])"
# "31 dicembre 2022", "31. Dezember", "10 de marzo de 2023", "6 Şubat 2023", "22. junija";
# "March 10, 2023", "Dec. 23"; "31.12.2022", "31/12/2022"; "2022-12-31". An optional weekday in
# front ("samedi 31 décembre", "Thursday, Dec. 23, 2021") is checked against the date.
TEXT_DATE = re.compile(
    rf"(?<![\w.])(?:(?P<weekday>{_alternation(WEEKDAY_NAMES)})(?!\w),?\s+(?:the\s+|den\s+|le\s+|el\s+)?)?"
    rf"(?:{_DAY_PART}(?:st|nd|rd|th|er|º)?\.?\s*(?:de\s+|of\s+)?{_MONTH_NAME}(?:,?\s*(?:de\s+|del\s+)?{_YEAR_PART})?"
    rf"|(?P<month_name2>{_alternation(MONTH_NAMES)})(?!\w)\.?\s+(?P<day2>[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?(?!\d)"
    rf"(?:,?\s+(?P<year2>(?:19|20)\d{{2}})(?!\d))?"
    r"|(?P<nday>[12]\d|3[01]|0?[1-9])(?P<sep>[./])(?P<nmonth>1[0-2]|0?[1-9])(?P=sep)(?P<nyear>(?:19|20)\d{2})(?!\d)"
    r"|(?P<iyear>(?:19|20)\d{2})-(?P<imonth>1[0-2]|0[1-9])-(?P<iday>[12]\d|3[01]|0[1-9])(?!\d))",
    re.IGNORECASE,
)
# A weekday with the day of the month alone: "neste sábado (31)", "deste sábado, 31,".
WEEKDAY_DAY = re.compile(
    rf"(?<!\w)(?P<weekday>{_alternation(WEEKDAY_NAMES)})\s*(?:\(|,\s*)(?P<day>[12]\d|3[01]|0?[1-9])(?!\d)(?!\s*[./]?\s*\w)",
    re.IGNORECASE,
)
# Words that say a date is today's ("oggi 31 dicembre 2022", "heute, 8. September").
TODAY_WORD = re.compile(
    r"(?<!\w)(?:today|heute|hoy|aujourd['’]hui|bugün|hoje|oggi|сегодня|danes|í\s+dag)(?!\w)", re.IGNORECASE
)
# An embedded post's author handle, right before its date stamp ("— FDIC (@FDICgov) March 10, 2023").
POST_HANDLE = re.compile(r"\(@\w{1,30}\)\s*$")
# Text near a date that makes it an old one: a file photo or an archive picture.
FILE_PHOTO = re.compile(r"(?<!\w)(?:file(?:\s+photo)?|archive|archiv\w*|archives?)(?!\w)", re.IGNORECASE)
# An agency dateline opening the story: "BOSTON, June 22 (Reuters) -", "Boston, 22. junija -",
# "LONDRES, 8 sept (Reuters) -". The city is one to four capitalised words.
AGENCY_DATELINE = re.compile(
    r"^\(?[A-ZÀ-ÞА-Я][\w.'’-]*(?:\s+[A-ZÀ-ÞА-Я][\w.'’-]*){0,3}\)?,\s*(?P<date>[^()\-–—]{3,30}?)\s*"
    r"(?:\([^()]{1,40}\)\s*)?[-–—]",
    re.IGNORECASE,
)
# The scraper's stamp that opens some pages' text: " date 2022-09-08 First sentence…", or only
# the month (" date 2022-09 …").
PAGE_STAMP = re.compile(
    r"^\s*date\s+(?P<year>(?:19|20)\d{2})-(?P<month>1[0-2]|0[1-9])(?:-(?P<day>[12]\d|3[01]|0[1-9]))?(?=\s|$)"
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


# A heading ends without sentence punctuation (a headline may end with ? or ! or a quote).
SENTENCE_END = re.compile(r"[.…:;。．！？]\s*[\"”’')\]」』]*$")
