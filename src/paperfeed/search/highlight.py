"""Mark the query's words in titles and abstracts, and pick the abstract excerpt that shows most of them."""

from __future__ import annotations

import re
from functools import lru_cache

Spans = list[tuple[str, bool]]

_WORD_CHARACTER = re.compile(r"[^\W_]")
_SUFFIXES = ("ations", "ation", "ings", "ing", "ies", "es", "ed", "s")
EXCERPT_WORDS = 45


@lru_cache(maxsize=100_000)  # abstracts repeat their words: a dict probe instead of a suffix scan
def stem(word: str) -> str:
    """A light English stemmer: enough that "models" lights up for "model", not a linguistic one."""
    word = word.lower()
    for suffix in _SUFFIXES:
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            return word[: -len(suffix)]
    if len(word) > 4 and word.endswith("e"):
        return word[:-1]  # "erase" meets "erasing" and "erased" at "eras"
    return word


def _stems(terms: list[str]) -> frozenset[str]:
    return _stems_of(tuple(terms))


@lru_cache(maxsize=1024)  # one query's terms are stemmed once for its whole page, not per field
def _stems_of(terms: tuple[str, ...]) -> frozenset[str]:
    return frozenset(stem(t) for t in terms if t)


@lru_cache(maxsize=1024)
def _finder(wanted: frozenset[str], ignore_case: bool) -> re.Pattern:
    """Tokens, or ends of tokens, that begin with a wanted stem: a regex does the first cut in C.

    ``_hits`` drops the matches that start inside a word. Checking that here with a lookbehind
    would stop the regex engine from skipping ahead to the stems' first letters, about four
    times slower.
    """
    alternatives = "|".join(re.escape(s) for s in sorted(wanted, key=len, reverse=True))
    return re.compile(rf"(?:{alternatives})[^\W_]*", re.IGNORECASE if ignore_case else 0)


def _hits(text: str, wanted: frozenset[str]) -> list[tuple[int, int]]:
    """(start, end) of each word in ``text`` whose stem is wanted, in order."""
    lowered = text.lower()
    # Matching lowercased text is faster than a case-blind regex; a few characters change
    # length when lowercased, and then the offsets would not fit ``text``.
    if len(lowered) != len(text):
        found = _finder(wanted, True).finditer(text)
    else:
        found = _finder(wanted, False).finditer(lowered)
    return [
        m.span()
        for m in found
        if not (m.start() and _WORD_CHARACTER.match(text, m.start() - 1)) and stem(m.group()) in wanted
    ]


def highlight(text: str, terms: list[str]) -> Spans:
    """Split ``text`` into spans, marking every word whose stem matches a query term."""
    wanted = _stems(terms)
    if not wanted or not text:
        return [(text, False)] if text else []
    return _spans(text, _hits(text, wanted), 0, len(text))


def _spans(text: str, matches: list[tuple[int, int]], start: int, end: int) -> Spans:
    """``text[start:end]`` as spans, with ``matches`` (all inside it, in order) marked."""
    spans: Spans = []
    last = start
    for low, high in matches:
        if low > last:
            spans.append((text[last:low], False))
        spans.append((text[low:high], True))
        last = high
    if last < end:
        spans.append((text[last:end], False))
    return _merge(spans)


def _merge(spans: Spans) -> Spans:
    merged: Spans = []
    for text, marked in spans:
        if merged and merged[-1][1] == marked:
            merged[-1] = (merged[-1][0] + text, marked)
        else:
            merged.append((text, marked))
    return merged


def excerpt(text: str, terms: list[str], size: int = EXCERPT_WORDS) -> Spans:
    """The ``size``-word window of ``text`` holding the most query words, highlighted, with ellipses."""
    words = (text or "").split()
    if not words:
        return []
    flat = " ".join(words)  # one space between words, so counting spaces gives a word's index
    wanted = _stems(terms)
    matches = _hits(flat, wanted) if wanted else []
    # The abstract is searched once: the window's highlights are the matches that fall inside it.
    hit_words = sorted({flat.count(" ", 0, low) for low, _ in matches})
    best_start = 0
    if hit_words and len(words) > size:
        # The run of hits that fits in one window and holds the most; the earliest on ties.
        best_first, best_last, best_count, last = 0, 0, 0, 0
        for first in range(len(hit_words)):
            last = max(last, first)
            while last + 1 < len(hit_words) and hit_words[last + 1] < hit_words[first] + size:
                last += 1
            if last - first + 1 > best_count:
                best_first, best_last, best_count = first, last, last - first + 1
        # Open three words before the first hit, as long as the window keeps its last hit.
        best_start = hit_words[best_first] - 3
        if hit_words[best_last] >= best_start + size:
            best_start = hit_words[best_last] - size + 1
        best_start = min(max(0, best_start), max(0, len(words) - size))
    end = min(len(words), best_start + size)
    low = sum(map(len, words[:best_start])) + best_start
    high = low + sum(map(len, words[best_start:end])) + (end - best_start - 1)
    spans = _spans(flat, [m for m in matches if low <= m[0] and m[1] <= high], low, high)
    if best_start > 0:
        spans.insert(0, ("… ", False))
    if end < len(words):
        spans.append((" …", False))
    return _merge(spans)
