"""A spelling suggestion for query words no paper uses ("Did you mean …").

The words offered are the corpus's own, taken from the papers nearest to the query in meaning:
the embedding model reads a misspelt word by its pieces, so "reinforcment lerning" still lands
among reinforcement learning papers, whose titles and abstracts hold the words meant. Random
letters land among unrelated papers with no word close enough, so nothing is offered; search
itself (``ranking``) answers a query of words no paper uses only when they are such misspellings.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import cache
from pathlib import Path

from rapidfuzz import process
from rapidfuzz.distance import OSA

from paperfeed.papers.models import Paper
from paperfeed.search.embedding import model_location
from paperfeed.search.query import words_of

NEIGHBOURS = 30  # nearest papers whose words are offered
MIN_WORD = 3  # shorter words are left as typed


def allowed_edits(word: str) -> int:
    """Edits forgiven in ``word``: letters dropped, added or changed, or two neighbours swapped
    ("modles"), each one edit (optimal string alignment distance)."""
    return 1 if len(word) <= 6 else 2


def corrections(unknown: list[str], neighbours: list[int]) -> dict[str, str]:
    """For each of ``unknown`` (of ``MIN_WORD`` letters or more) that is nearly a word of the
    papers nearest to the query, that word: the closest, and among equally close ones the most used."""
    candidates = [w for w in unknown if len(w) >= MIN_WORD]
    if not candidates or not neighbours:
        return {}
    counts: Counter[str] = Counter()
    for title, abstract in Paper.objects.filter(pk__in=neighbours[:NEIGHBOURS]).values_list(
        "title", "abstract"
    ):
        counts.update(words_of(f"{title} {abstract}"))
    vocabulary = [w for w in counts if len(w) >= MIN_WORD and not w.isdigit()]
    found = {}
    for word in candidates:
        close = process.extract(
            word, vocabulary, scorer=OSA.distance, score_cutoff=allowed_edits(word), limit=None
        )
        if close:
            found[word] = min(close, key=lambda match: (match[1], -counts[match[0]]))[0]
    return found


def did_you_mean(
    raw: str, unknown: list[str], neighbours: list[int], found: dict[str, str] | None = None
) -> str | None:
    """``raw`` with each unknown word replaced by the closest word of the nearest papers, or
    None when no word is close enough. ``found``: those corrections, when already made."""
    if found is None:
        found = corrections(unknown, neighbours)
    suggested = raw
    for word, best in found.items():
        suggested = re.sub(rf"(?<![^\W_]){re.escape(word)}(?![^\W_])", best, suggested, flags=re.IGNORECASE)
    return suggested if suggested != raw else None


def reads_whole(word: str) -> bool:
    """Whether the embedding model reads ``word`` as words of its own vocabulary ("amino", a CJK
    run) rather than as pieces of words ("evalution", "qzvhcy"); True when its tokenizer is not a
    file beside the model (a model named from the Hugging Face cache) or has no word pieces."""
    tokenizer = _tokenizer(model_location())
    if tokenizer is None:
        return True
    pieces = tokenizer.encode(word, add_special_tokens=False).tokens
    return bool(pieces) and not any(piece.startswith("##") or piece == "[UNK]" for piece in pieces)


@cache
def _tokenizer(location: str):
    path = Path(location) / "tokenizer.json"
    if not path.is_file():
        return None
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(path))
    tokenizer.no_padding()  # the file pads to the model's length, for batches
    return tokenizer
