"""Author lists written as one string ("A, B, and C (Uni X, Y)") split into names.

arXiv writes authors as one string: commas and "and" separate the people, parentheses hold
affiliations (which may hold commas), and "Jr." or "III" after a comma belongs to the name before.
"""

from __future__ import annotations

import re

from paperfeed.ingest.text import is_single_spaced

_SUFFIXES = frozenset({"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"})
_AND = re.compile(r"\s+and\s+|\s*&\s*")
_LEADING_AND = re.compile(r"^and\s+")


def split_authors(text: str) -> list[str]:
    """Split "A, B, and C (Uni X, Y)" into names: commas and "and" outside parentheses."""
    if "(" not in text and "&" not in text and "and" not in text:
        return _split_commas(text)
    pieces = _split_commas_outside_parentheses(text) if "(" in text else text.split(",")
    names: list[str] = []
    for piece in pieces:
        piece = " ".join(piece.split())
        if not piece:
            continue
        for part in _split_and(piece):
            if part.startswith("and"):
                part = _LEADING_AND.sub("", part)
            part = part.strip()
            if not part:
                continue
            if part.lower() in _SUFFIXES and names:
                names[-1] = f"{names[-1]}, {part}"  # "John Smith, Jr." is one person
            else:
                names.append(part)
    return names


def _split_commas(text: str) -> list[str]:
    """:func:`split_authors` of a list with no parentheses and no "and" (most lists): commas alone
    separate the names."""
    # Single-spaced text only needs its pieces' edges trimmed.
    tidy = str.strip if is_single_spaced(text) else lambda piece: " ".join(piece.split())
    names: list[str] = []
    for piece in text.split(","):
        piece = tidy(piece)
        if not piece:
            continue
        if names and len(piece) <= 3 and piece.lower() in _SUFFIXES:
            names[-1] = f"{names[-1]}, {piece}"  # "John Smith, Jr." is one person
        else:
            names.append(piece)
    return names


def _split_commas_outside_parentheses(text: str) -> list[str]:
    pieces: list[str] = []
    depth = 0
    current: list[str] = []
    for char in text:
        if char == "(":
            depth += 1
        elif char == ")":
            depth = max(0, depth - 1)
        if char == "," and depth == 0:
            pieces.append("".join(current))
            current = []
        else:
            current.append(char)
    pieces.append("".join(current))
    return pieces


def _split_and(piece: str) -> list[str]:
    """Split on " and " outside parentheses."""
    if " and " not in piece and "&" not in piece:
        return [piece]
    parts, depth, start = [], 0, 0
    for match in _AND.finditer(piece):
        depth = piece.count("(", 0, match.start()) - piece.count(")", 0, match.start())
        if depth <= 0:
            parts.append(piece[start : match.start()])
            start = match.end()
    parts.append(piece[start:])
    return parts
