"""Mark the query's words in titles and abstracts, and pick the abstract excerpt that shows most of them."""

from __future__ import annotations

import re
from bisect import bisect_right
from functools import lru_cache

Spans = list[tuple[str, bool]]

_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)
_SUFFIXES = ("ations", "ation", "ings", "ing", "ies", "es", "ed", "s")
EXCERPT_WORDS = 45


@lru_cache(maxsize=100_000)  # abstracts repeat their words: a dict probe instead of a suffix scan
def stem(word: str) -> str:
    """A light English stemmer: enough that "models" lights up for "model", not a linguistic one."""
    word = word.lower()
    for suffix in _SUFFIXES:
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def _stems(terms: list[str]) -> set[str]:
    return {stem(t) for t in terms if t}


def highlight(text: str, terms: list[str]) -> Spans:
    """Split ``text`` into spans, marking every word whose stem matches a query term."""
    wanted = _stems(terms)
    if not wanted or not text:
        return [(text, False)] if text else []
    spans: Spans = []
    last = 0
    for match in _TOKEN.finditer(text):
        if stem(match.group()) in wanted:
            if match.start() > last:
                spans.append((text[last : match.start()], False))
            spans.append((match.group(), True))
            last = match.end()
    if last < len(text):
        spans.append((text[last:], False))
    return _merge(spans)


def _merge(spans: Spans) -> Spans:
    merged: Spans = []
    for text, marked in spans:
        if merged and merged[-1][1] == marked:
            merged[-1] = (merged[-1][0] + text, marked)
        else:
            merged.append((text, marked))
    return merged


_WORD_RUN = re.compile(r"\S+")


def excerpt(text: str, terms: list[str], size: int = EXCERPT_WORDS) -> Spans:
    """The ``size``-word window of ``text`` holding the most query words, highlighted, with ellipses."""
    text = text or ""
    starts = [m.start() for m in _WORD_RUN.finditer(text)]
    if not starts:
        return []
    wanted = _stems(terms)
    # Word numbers holding a query word, found with one pass over the tokens (hits are few).
    hit_words = sorted(
        {bisect_right(starts, m.start()) - 1 for m in _TOKEN.finditer(text) if stem(m.group()) in wanted}
    )
    best_start = 0
    if hit_words:
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
        best_start = min(max(0, best_start), max(0, len(starts) - size))
    end = min(len(starts), best_start + size)
    chunk = text[starts[best_start] : _word_end(text, starts[end - 1])]
    spans = highlight(chunk, terms)
    if best_start > 0:
        spans.insert(0, ("… ", False))
    if end < len(starts):
        spans.append((" …", False))
    return _merge(spans)


def _word_end(text: str, start: int) -> int:
    match = _WORD_RUN.match(text, start)
    return match.end() if match else len(text)
