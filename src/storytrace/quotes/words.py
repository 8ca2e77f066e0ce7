"""The word lists quotes and speakers are read with, loaded once from the package's ``data/*.txt`` files.

Each file holds one entry a line under a comment header saying what the list is and where it came
from; keeping them as data lets a list be read, reviewed and extended without touching the rules.
"""

from __future__ import annotations

import functools
from importlib import resources


@functools.cache
def word_list(name: str) -> tuple[str, ...]:
    """The entries of ``data/<name>.txt`` in file order (cached): comment lines and blank lines skipped."""
    text = (resources.files("storytrace.quotes") / "data" / f"{name}.txt").read_text(encoding="utf-8")
    return tuple(line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#"))


def words(name: str) -> frozenset[str]:
    """The entries of ``data/<name>.txt`` as a set, for membership tests."""
    return frozenset(word_list(name))


# Languages with their own verb lists; any other language is read with the English ones.
VERB_LANGUAGES = ("en", "fr")
# Verbs that report a statement and introduce reported speech (lemmas), by language.
REPORTING_VERBS: dict[str, frozenset[str]] = {lang: words(f"reporting_verbs.{lang}") for lang in VERB_LANGUAGES}
# Verbs reporting a demand or charge through their object: "urged X to …", "accused X of …".
OBJECT_REPORTING_VERBS: dict[str, frozenset[str]] = {
    lang: words(f"object_reporting_verbs.{lang}") for lang in VERB_LANGUAGES
}
# Every verb that frames a direct quote: the two kinds above and those framing direct quotes only.
FRAMING_VERBS: dict[str, frozenset[str]] = {
    lang: REPORTING_VERBS[lang] | OBJECT_REPORTING_VERBS[lang] | words(f"framing_verbs.{lang}")
    for lang in VERB_LANGUAGES
}
NAMING_VERBS = words("naming_verbs")
TRAILING_FRAME_VERBS = word_list("trailing_frame_verbs")  # ordered: regular-expression alternatives
TOLD_HEADS = words("told_heads")
NOT_STATEMENT_OPENERS = words("not_statement_openers")
RELATIVE_PRONOUNS = words("relative_pronouns")
TITLE_SMALL_WORDS = words("title_small_words")

TITLES = words("titles")
RANKS = words("ranks")
PERSON_ROLES = words("person_roles")
KINSHIP_ROLES = words("kinship_roles")
ORGANIZATION_ROLES = words("organization_roles")
GOVERNMENT_ROLES = words("government_roles")
DOCUMENT_NOUNS = words("document_nouns")
DESCRIPTION_STOPWORDS = words("description_stopwords")
JOINING_WORDS = words("joining_words")
PERSON_PRONOUNS = words("person_pronouns")
NAME_SUFFIXES = words("name_suffixes")
COMPANY_SUFFIXES = words("company_suffixes")
