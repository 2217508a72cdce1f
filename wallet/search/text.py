"""Polish and English text analysis shared by every search backend: fold, split, stem.

Both the stored document and the query go through ``terms``, so a backend only ever compares
folded stems: "Zarządzania" and "zarzadzanie" both become ``zarzadz``, "programming" and
"programowanie" both ``program``. The stemmer is deliberately light (a longest-suffix strip
over Polish inflection and common English endings): it must be predictable and identical in
Whoosh and PostgreSQL, not linguistically complete; prefix matching of query terms covers the
words it leaves long.
"""

from __future__ import annotations

import functools
import re
import sys
import unicodedata

MIN_STEM = 3
MIN_PREFIX = 3
MAX_TERM = 40

# Letters NFKD does not decompose into a base letter plus a mark.
_UNDECOMPOSED = str.maketrans({"ł": "l", "Ł": "l", "ß": "ss", "ø": "o", "đ": "d", "æ": "ae"})
_WORD = re.compile(r"[^\W_]+")

# Endings in folded form (no diacritics), tried longest first. Polish noun, adjective and
# verbal-noun inflection; English inflection and frequent derivations.
_SUFFIXES = tuple(
    sorted(
        {
            # Polish verbal nouns and their cases: programowanie, zarządzania, uczeniem…
            *("owaniami", "owaniach", "owaniom", "owaniem", "owanie", "owania", "owaniu"),
            *("aniami", "aniach", "aniom", "aniem", "anie", "ania", "aniu"),
            *("eniami", "eniach", "eniom", "eniem", "enie", "enia", "eniu"),
            *("osciami", "osciach", "osciom", "oscia", "osci", "osc"),
            # Polish noun and adjective cases.
            *("ami", "ach", "ego", "emu", "owie", "owi", "owy", "owa", "owe", "owej", "owych"),
            *("ych", "ymi", "ich", "imi", "iej", "ej", "ym", "im", "om", "ow", "ie", "ia", "iu"),
            *("iami", "iach", "ii", "em", "a", "e", "i", "o", "u", "y"),
            # English.
            *("ations", "ation", "ments", "ment", "ness", "ings", "ing", "ers", "er", "ed"),
            *("ies", "es", "ly"),
        },
        key=len,
        reverse=True,
    )
)
# A final "s" is an English plural after these letters; Polish "kurs", "las" keep theirs.
_PLURAL_S_AFTER = frozenset("aeioulmnkdgpt")


def fold(text: str) -> str:
    """Lower-case ``text`` and strip diacritics ("Zarządzanie" → "zarzadzanie")."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_UNDECOMPOSED).lower())
    if decomposed.isascii():  # nothing to strip: most English text
        return decomposed
    return decomposed.translate(_combining_marks())


@functools.cache  # built at the first text with a mark, not at import: it scans every code point
def _combining_marks() -> dict[int, None]:
    """A translation table that deletes every combining mark."""
    return {code: None for code in range(sys.maxunicode + 1) if unicodedata.combining(chr(code))}


@functools.lru_cache(maxsize=65536)  # words repeat across credentials: indexing stems each once
def stem(word: str) -> str:
    """The stem of one folded word: its longest known ending removed, if enough remains."""
    if word.isdigit():
        return word
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= MIN_STEM:
            word = word[: -len(suffix)]
            break
    else:
        if word.endswith("s") and len(word) > MIN_STEM + 1 and word[-2] in _PLURAL_S_AFTER:
            word = word[:-1]
    # "manage(ment)" meets "manag(ing)"; "programm(ing)" meets "program".
    if len(word) > MIN_STEM + 1 and word[-1] == "e":
        word = word[:-1]
    if len(word) > MIN_STEM + 1 and word[-1] == word[-2] and word[-1] not in "aeiouy":
        word = word[:-1]
    return word


def words(text: str) -> list[str]:
    """The folded words of ``text``, without any over-long token."""
    return [word for word in _WORD.findall(fold(text)) if len(word) <= MAX_TERM]


def terms(text: str) -> list[str]:
    """The stems of ``text`` in order: what backends index and what queries look for."""
    return [stem(word) for word in words(text)]


def query_terms(text: str) -> list[str]:
    """The distinct stems of a query, in order of first appearance."""
    return list(dict.fromkeys(term for term in terms(text) if term))
