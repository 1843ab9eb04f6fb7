"""Paper titles as people write them in reference managers, cleaned for matching.

A BibTeX title protects case with braces (``{BERT}: Pre-training``) and may carry LaTeX
commands; a reference manager may add a trailing period. ``clean_title`` undoes that, so the
result can be compared to the stored arXiv title with ``lower(title)`` (an indexed expression).
``normalized_title`` keeps only the words, for comparing two titles written differently.
"""

from __future__ import annotations

import re

_COMMAND = re.compile(r"\\[a-zA-Z]+\*?\s*|\\['\"^`~=.]")  # \emph, \textit; accents \' \"
_ESCAPED = re.compile(r"\\([&%$#_])")  # \& is &
_BRACES = re.compile(r"[{}]")
_WORD = re.compile(r"[^\W_]+")


def clean_title(text: str) -> str:
    """``text`` without protecting braces and text-style LaTeX commands, on one line."""
    if "\\" in text and "$" not in text:  # keep math as written: arXiv titles keep it too
        text = _COMMAND.sub("", _ESCAPED.sub(r"\1", text))
    return " ".join(_BRACES.sub("", text).split())


def title_variants(text: str) -> list[str]:
    """Lower-cased forms of ``text`` a stored title may equal: as cleaned, and without a
    trailing period reference managers often add."""
    cleaned = clean_title(text).lower()
    variants = [cleaned]
    if cleaned.endswith("."):
        variants.append(cleaned.rstrip(". "))
    return [variant for variant in variants if variant]


def normalized_title(text: str) -> str:
    """The words of ``text``, lower-cased, separated by single spaces."""
    return " ".join(_WORD.findall(clean_title(text).lower()))
