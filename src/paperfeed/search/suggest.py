"""A spelling suggestion for query words no paper uses ("Did you mean …").

The words offered are the corpus's own, taken from the papers nearest to the query in meaning:
the embedding model reads a misspelt word by its pieces, so "reinforcment lerning" still lands
among reinforcement learning papers, whose titles and abstracts hold the words meant. Random
letters land among unrelated papers with no word close enough, so nothing is offered.
"""

from __future__ import annotations

import re
from collections import Counter

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from paperfeed.papers.models import Paper
from paperfeed.search.query import words_of

NEIGHBOURS = 30  # nearest papers whose words are offered
MIN_WORD = 3  # shorter words are left as typed


def allowed_edits(word: str) -> int:
    return 1 if len(word) <= 6 else 2


def did_you_mean(raw: str, unknown: list[str], neighbours: list[int]) -> str | None:
    """``raw`` with each unknown word replaced by the closest word of the nearest papers, or
    None when no word is close enough."""
    candidates = [w for w in unknown if len(w) >= MIN_WORD]
    if not candidates or not neighbours:
        return None
    counts: Counter[str] = Counter()
    for title, abstract in Paper.objects.filter(pk__in=neighbours[:NEIGHBOURS]).values_list(
        "title", "abstract"
    ):
        counts.update(words_of(f"{title} {abstract}"))
    vocabulary = [w for w in counts if len(w) >= MIN_WORD and not w.isdigit()]
    suggested = raw
    for word in candidates:
        found = process.extract(
            word, vocabulary, scorer=Levenshtein.distance, score_cutoff=allowed_edits(word), limit=None
        )
        if not found:
            continue
        # The closest word; among equally close ones, the most used.
        best = min(found, key=lambda match: (match[1], -counts[match[0]]))[0]
        suggested = re.sub(rf"(?<![^\W_]){re.escape(word)}(?![^\W_])", best, suggested, flags=re.IGNORECASE)
    return suggested if suggested != raw else None
