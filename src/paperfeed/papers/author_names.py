"""Author names in a form that finds them whatever the accents, case, punctuation or order typed.

``name_key("Kaiming He") == name_key("kaiming he") == name_key("He, Kaiming") == "he kaiming"``:
the words of the name folded to lower-case ASCII where they are written in a Latin (or Greek or
Cyrillic) script, the last word (the surname, as most sources write names) first. Names written
in Chinese, Japanese or Korean characters keep their characters: spelling them out in Latin
letters would make different people's names equal. Stored beside every authorship
(``Authorship.name_key``, indexed) so that a typed name is found with one index probe, and
initials ("K. He") with one short range of it.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from anyascii import anyascii

# Apostrophes join the parts of a name ("O'Brien" is "obrien"); every other mark separates words.
_APOSTROPHES = re.compile(r"['’ʼ`´]")
_WORD = re.compile(r"[^\W_]+")
# Characters from here on (CJK radicals, kana, ideographs, Hangul, ...) are kept as written.
_FIRST_KEPT = 0x2E80
# "John Smith, Jr.": what follows the comma is part of the name, not a given name.
_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})
MAX_KEY_LENGTH = 300


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    if not plain.isascii():
        plain = "".join(ch if ch.isascii() or ord(ch) >= _FIRST_KEPT else anyascii(ch) for ch in plain)
    return plain.lower()


def name_words(text: str) -> list[str]:
    """The folded words of ``text`` in the order written ("Jean-Luc O'Brien" → jean, luc, obrien)."""
    if text.isascii():  # most names: the quick way
        return _WORD.findall(text.lower().replace("'", "").replace("`", ""))
    return _WORD.findall(_APOSTROPHES.sub("", _fold(text)))


def dotted_words(text: str) -> list[bool]:
    """For each of :func:`name_words`, whether a full stop follows it ("K. He" → True, False)."""
    if text.isascii():
        plain = text.lower().replace("'", "").replace("`", "")
    else:
        plain = _APOSTROPHES.sub("", _fold(text))
    return [plain[match.end() : match.end() + 1] == "." for match in _WORD.finditer(plain)]


def given_first_words(name: str) -> list[str]:
    """The words of ``name`` with the given names first: "He, Kaiming" → kaiming, he."""
    if name.count(",") == 1:
        surname, given = name.split(",")
        given_words = name_words(given)
        if given_words and " ".join(given_words) not in _SUFFIXES:
            return given_words + name_words(surname)
        return name_words(surname)
    return name_words(name)


def key_of_words(words: list[str]) -> str:
    """The key of a name whose words, given names first, are ``words``."""
    if not words:
        return ""
    return " ".join([words[-1], *words[:-1]])[:MAX_KEY_LENGTH]


@lru_cache(maxsize=65536)
def name_key(name: str) -> str:
    """The lookup key of an author name as stored (see the module's doc)."""
    return key_of_words(given_first_words(name))
