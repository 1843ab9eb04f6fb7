"""Mark the query's words in titles and abstracts, and pick the abstract excerpt that shows most of them."""

from __future__ import annotations

import re

Spans = list[tuple[str, bool]]

_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)
_SUFFIXES = ("ations", "ation", "ings", "ing", "ies", "es", "ed", "s")
EXCERPT_WORDS = 45


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


def excerpt(text: str, terms: list[str], size: int = EXCERPT_WORDS) -> Spans:
    """The ``size``-word window of ``text`` holding the most query words, highlighted, with ellipses."""
    words = list(re.finditer(r"\S+", text or ""))
    if not words:
        return []
    wanted = _stems(terms)
    hits = [any(stem(t) in wanted for t in _TOKEN.findall(w.group())) for w in words]
    prefix = [0]
    for hit in hits:
        prefix.append(prefix[-1] + hit)
    best_start, best = 0, -1
    for start in range(0, max(1, len(words) - size + 1)):
        count = prefix[min(len(words), start + size)] - prefix[start]
        if count > best:
            best, best_start = count, start
    # Open three words before the first hit, as long as the window keeps its last hit.
    if best > 0:
        in_window = [i for i in range(best_start, min(len(words), best_start + size)) if hits[i]]
        best_start = in_window[0] - 3
        if in_window[-1] >= best_start + size:
            best_start = in_window[-1] - size + 1
        best_start = max(0, best_start)
        best_start = min(best_start, max(0, len(words) - size))
    end = min(len(words), best_start + size)
    chunk = text[words[best_start].start() : words[end - 1].end()]
    spans = highlight(chunk, terms)
    if best_start > 0:
        spans.insert(0, ("… ", False))
    if end < len(words):
        spans.append((" …", False))
    return _merge(spans)
