"""Key phrases for papers whose source gives no keywords, extracted offline from title and abstract.

Candidates are phrases of one to three words; each is scored by how often the paper uses it,
whether its title does, how rare it is among the corpus's papers, and its length. Measured
against Hugging Face's ai_keywords on 250 HF papers (bench/topics/README.md), it matches YAKE
with filtered candidates (exact precision 0.16, recall 0.13) at about 14 times YAKE's speed and
about 200 times a KeyBERT-style ranking's (``extract_embedded``: every candidate embedded with
the search model; better loose recall, 0.42 against 0.33, but under a paper a second here).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable

import numpy as np

from paperfeed.search.stopwords import STOP_WORDS

PHRASES = 8  # per paper: about what a card and a paper page show
MAX_WORDS = 3
TITLE_WEIGHT = 2.0  # a phrase in the title counts as two more uses
LENGTH_WEIGHT = (1.0, 1.6, 2.0)  # "language model" says more than "model"
# A word holds a letter; it may start with digits ("3D") and join parts with - or '.
_WORD = re.compile(r"[0-9]*[A-Za-z][A-Za-z0-9]*(?:[-'][A-Za-z0-9]+)*")
_BREAK = re.compile(r"[.,;:!?()\[\]{}\"“”]|\s[-–—]\s")
# Words that make a poor phrase start or end besides stop words: the vocabulary of abstracts.
_WEAK = STOP_WORDS | {
    "paper", "propose", "proposed", "proposes", "present", "presents", "show", "shows", "also",
    "using", "use", "used", "based", "new", "novel", "approach", "method", "methods", "results",
    "however", "existing", "recent", "work", "via", "well", "including", "two", "one", "first",
    "study", "introduce", "introduces", "demonstrate", "achieve", "achieves", "across", "significantly",
    "may", "without", "often", "several", "various", "different", "key", "us", "code", "available",
}  # fmt: skip


def text_of(title: str, abstract: str) -> str:
    return f"{' '.join(title.split())}. {' '.join(abstract.split())}".strip(". ")


def _normal(phrase: str) -> str:
    return " ".join(phrase.lower().split())


def _distinct(phrases: list[str], limit: int) -> list[str]:
    """The first ``limit`` phrases, best first: one that repeats or sits inside an earlier one is
    dropped, and one that holds an earlier one takes its place ("geometry refiner" gives way
    to "interactive geometry refiner")."""
    kept: list[str] = []
    for phrase in phrases:
        low = f" {_normal(phrase)} "
        if low.strip() == "" or any(low in f" {_normal(k)} " for k in kept):
            continue
        inside = [i for i, k in enumerate(kept) if f" {_normal(k)} " in low]
        if inside:
            kept[inside[0]] = phrase
            kept = [k for i, k in enumerate(kept) if i not in inside[1:]]
            continue
        kept.append(phrase)
        if len(kept) == limit:
            break
    return kept


class PhraseCounts:
    """In how many papers of a corpus each candidate phrase occurs (its document frequency)."""

    def __init__(self) -> None:
        self.papers = 0
        self.counts: Counter[str] = Counter()

    def add(self, title: str, abstract: str) -> None:
        self.papers += 1
        self.counts.update({p.lower() for p in candidates(text_of(title, abstract))})

    def rarity(self, phrase: str) -> float:
        return math.log((self.papers + 1) / self.counts.get(phrase, 1))


def extract(title: str, abstract: str, counts: PhraseCounts, limit: int = PHRASES) -> list[str]:
    """Up to ``limit`` key phrases: frequent in the paper, rare in the corpus, longer is better.

    A phrase of several words that occurs once in the paper, not in its title, and in no other
    paper is a chance sequence of words ("VideoWA consists"), not a term: it is left out.
    """
    text = text_of(title, abstract)
    lowered = text.lower()
    in_title = {p.lower() for p in candidates(title)}
    scores: dict[str, float] = {}
    for phrase in candidates(text):
        key = phrase.lower()
        words = key.count(" ") + 1
        often = lowered.count(key)
        if words > 1 and often < 2 and key not in in_title and counts.counts.get(key, 0) < 2:
            continue
        weight = often + TITLE_WEIGHT * (key in in_title)
        scores[phrase] = weight * counts.rarity(key) * LENGTH_WEIGHT[words - 1]
    return _distinct(sorted(scores, key=lambda p: -scores[p]), limit)


def candidates(text: str) -> list[str]:
    """Phrases of one to three words without stop words, neither starting nor ending with a weak
    word, not crossing punctuation; an acronym or a name keeps its capitals."""
    found: dict[str, str] = {}
    for piece in _BREAK.split(text):
        words = _WORD.findall(piece)
        lowered = [w.lower() for w in words]
        shown = [
            w if w.isupper() or any(c.isupper() for c in w[1:]) else low
            for w, low in zip(words, lowered, strict=True)
        ]
        weak = [low in _WEAK for low in lowered]
        for start in range(len(words)):
            if weak[start]:
                continue
            for end in range(start, min(start + MAX_WORDS, len(words))):
                if lowered[end] in STOP_WORDS:
                    break  # a stop word ends every longer phrase too
                if weak[end]:
                    continue
                key = " ".join(lowered[start : end + 1])
                if len(key) > 2 and key not in found:
                    found[key] = " ".join(shown[start : end + 1])
    return list(found.values())


def extract_embedded(
    title: str,
    abstract: str,
    document_vector: np.ndarray,
    encode: Callable[[list[str]], np.ndarray],
    limit: int = PHRASES,
    diversity: float = 0.5,
) -> list[str]:
    """KeyBERT-style: candidates nearest the paper's own vector, chosen by maximal marginal
    relevance (each next phrase near the paper and far from those already chosen)."""
    phrases = candidates(text_of(title, abstract))
    if not phrases:
        return []
    vectors = encode(phrases)
    relevance = vectors @ np.asarray(document_vector, dtype=np.float32)
    chosen: list[int] = [int(np.argmax(relevance))]
    while len(chosen) < min(limit, len(phrases)):
        redundancy = (vectors @ vectors[chosen].T).max(axis=1)
        score = (1 - diversity) * relevance - diversity * redundancy
        score[chosen] = -np.inf
        chosen.append(int(np.argmax(score)))
    return _distinct([phrases[i] for i in chosen], limit)
