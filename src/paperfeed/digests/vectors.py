"""Paper vectors for interest matching: the search index's embeddings when it has them, otherwise
hashed TF-IDF vectors of title and abstract computed here (no model, no index needed).

Every vector of one ranking must come from one space, so a caller picks a space once per run.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterable

import numpy as np
from django.apps import apps

from paperfeed.papers.models import Paper

LEXICAL_DIM = 2048
_WORD = re.compile(r"[a-z][a-z0-9\-]{2,}")
# Words that say nothing about a paper's topic.
_STOP = frozenset(
    [
        "the",
        "and",
        "for",
        "with",
        "that",
        "this",
        "from",
        "are",
        "our",
        "its",
        "their",
        "which",
        "these",
        "those",
        "into",
        "over",
        "under",
        "using",
        "use",
        "used",
        "can",
        "not",
        "but",
        "has",
        "have",
        "been",
        "was",
        "were",
        "than",
        "then",
        "also",
        "such",
        "via",
        "each",
        "both",
        "more",
        "most",
        "other",
        "some",
        "any",
        "all",
        "new",
        "show",
        "shows",
        "shown",
        "propose",
        "proposed",
        "approach",
        "method",
        "methods",
        "paper",
        "results",
        "result",
        "based",
        "study",
        "work",
        "provide",
        "provides",
        "present",
        "presents",
        "while",
        "when",
        "where",
        "what",
        "how",
    ]
)


class VectorSpace:
    name = "abstract"

    def vectors(self, papers: list[Paper]) -> dict[int, np.ndarray]:
        """Unit vectors of the papers this space knows (others are left out)."""
        raise NotImplementedError


class LexicalSpace(VectorSpace):
    """Hashed bag of words with sublinear term frequency; IDF learned from the papers seen so far."""

    name = "lexical"

    def __init__(self) -> None:
        self._cache: dict[int, np.ndarray] = {}
        # Fitted on the first papers seen (a run's candidates) and kept, so all vectors agree.
        self._idf: np.ndarray | None = None

    @staticmethod
    def _buckets(paper: Paper) -> list[int]:
        text = f"{paper.title} {paper.title} {paper.abstract}".lower()
        return [zlib.crc32(w.encode()) % LEXICAL_DIM for w in _WORD.findall(text) if w not in _STOP]

    def vectors(self, papers: list[Paper]) -> dict[int, np.ndarray]:
        missing = [p for p in papers if p.pk not in self._cache]
        if missing:
            counts = np.zeros((len(missing), LEXICAL_DIM), dtype=np.float32)
            for row, paper in enumerate(missing):
                buckets = self._buckets(paper)
                if buckets:
                    counts[row] = np.bincount(buckets, minlength=LEXICAL_DIM)
            weights = np.log1p(counts)
            if self._idf is None:
                document_frequency = (counts > 0).sum(axis=0)
                self._idf = (np.log((1 + len(missing)) / (1 + document_frequency)) + 1.0).astype(np.float32)
            weights *= self._idf
            norms = np.linalg.norm(weights, axis=1, keepdims=True)
            norms[norms == 0] = 1.0
            weights /= norms
            for row, paper in enumerate(missing):
                self._cache[paper.pk] = weights[row]
        return {p.pk: self._cache[p.pk] for p in papers}


class EmbeddingSpace(VectorSpace):
    """The sentence embeddings the search index already holds (nothing is encoded here)."""

    name = "embedding"

    def __init__(self, backend) -> None:
        self.backend = backend

    def vectors(self, papers: list[Paper]) -> dict[int, np.ndarray]:
        if not papers:
            return {}
        stored = self.backend.vectors_for([p.pk for p in papers])
        return {pk: np.asarray(v, dtype=np.float32) for pk, v in stored.items()}


def choose_space() -> VectorSpace:
    """The search index's embeddings if the search app is installed and has vectors, else lexical."""
    if apps.is_installed("paperfeed.search"):
        try:
            from paperfeed.search.backends import get_backend

            backend = get_backend()
            if backend.state().vectors > 0:
                return EmbeddingSpace(backend)
        except Exception:  # noqa: BLE001 - an unbuilt or broken index must not stop digests
            pass
    return LexicalSpace()


def stack(vectors: dict[int, np.ndarray], pks: Iterable[int]) -> tuple[list[int], np.ndarray]:
    """The pks that have vectors, in order, and their vectors as one matrix."""
    kept = [pk for pk in pks if pk in vectors]
    if not kept:
        return [], np.zeros((0, 1), dtype=np.float32)
    return kept, np.stack([vectors[pk] for pk in kept]).astype(np.float32, copy=False)


def unit(matrix: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(matrix, axis=-1, keepdims=True)
    norms[norms == 0] = 1.0
    return matrix / norms
