"""Paper vectors for recommendations: the search index's embeddings when it has them, otherwise
hashed bag-of-words vectors of title and abstract computed here (no model, no index needed).

A reader's model is fitted and applied in one space; ``space.name`` says which, so weights fitted
in another space (or with another embedding model) are never applied.
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
    """the and for with that this from are our its their which these those into over under using use
    used can not but has have been was were than then also such via each both more most other some
    any all new show shows shown propose proposed approach method methods paper results result based
    study work provide provides present presents while when where what how""".split()  # noqa: SIM905
)


class VectorSpace:
    name = "none"
    version = ""  # changes when the vectors of papers may have changed (the index grew)

    def matrix(self, pks: Iterable[int]) -> tuple[np.ndarray, np.ndarray]:
        """The pks this space has vectors for (in the given order) and their unit vectors, one a row."""
        raise NotImplementedError


def _stacked(found: dict[int, np.ndarray], pks: Iterable[int], dim: int) -> tuple[np.ndarray, np.ndarray]:
    kept = [pk for pk in pks if pk in found]
    if not kept:
        return np.zeros(0, dtype=np.int64), np.zeros((0, dim), dtype=np.float32)
    return np.array(kept, dtype=np.int64), np.stack([found[pk] for pk in kept]).astype(np.float32, copy=False)


class LexicalSpace(VectorSpace):
    """Hashed words with sublinear term frequency (no corpus statistics, so every vector agrees)."""

    name = "lexical"
    dim = LEXICAL_DIM

    def matrix(self, pks: Iterable[int]) -> tuple[np.ndarray, np.ndarray]:
        pks = list(pks)
        found: dict[int, np.ndarray] = {}
        for pk, title, abstract in Paper.objects.filter(pk__in=pks).values_list("pk", "title", "abstract"):
            found[pk] = lexical_vector(f"{title} {title} {abstract}")
        return _stacked(found, pks, LEXICAL_DIM)


def lexical_vector(text: str) -> np.ndarray:
    buckets = [zlib.crc32(w.encode()) % LEXICAL_DIM for w in _WORD.findall(text.lower()) if w not in _STOP]
    vector = np.log1p(np.bincount(buckets, minlength=LEXICAL_DIM).astype(np.float32)) if buckets else None
    if vector is None:
        return np.zeros(LEXICAL_DIM, dtype=np.float32)
    return vector / np.linalg.norm(vector)


class EmbeddingSpace(VectorSpace):
    """The sentence embeddings the search index already holds (nothing is encoded here)."""

    def __init__(self, backend, model: str | None, dim: int, version: str = "") -> None:
        self.backend = backend
        self.name = f"embedding:{model or 'unknown'}"
        self.dim = dim
        self.version = version

    def matrix(self, pks: Iterable[int]) -> tuple[np.ndarray, np.ndarray]:
        pks = list(pks)
        if not pks:
            return np.zeros(0, dtype=np.int64), np.zeros((0, self.dim), dtype=np.float32)
        store = getattr(getattr(self.backend, "live", None), "vectors", None)
        if store is not None and hasattr(store, "base_ids"):
            return _from_store(store, np.asarray(pks, dtype=np.int64), self.dim)
        return _stacked(self.backend.vectors_for(pks), pks, self.dim)


def _rows(ids: np.ndarray, pks: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For sorted ``ids``: which of ``pks`` are there (a mask) and their rows."""
    if not len(ids):
        return np.zeros(len(pks), dtype=bool), np.zeros(len(pks), dtype=np.int64)
    rows = np.clip(np.searchsorted(ids, pks), 0, len(ids) - 1)
    return ids[rows] == pks, rows


def _from_store(store, pks: np.ndarray, dim: int) -> tuple[np.ndarray, np.ndarray]:
    """The local index's vectors of ``pks`` in one gather (its ``vectors_for`` builds a dict row by
    row: a month's candidates took tens of milliseconds that way). Segments override the base."""
    matrix = np.zeros((len(pks), dim), dtype=np.float32)
    found, rows = _rows(store.base_ids, pks)
    if store.base_hidden is not None:
        found &= ~store.base_hidden[rows]
    matrix[found] = store.base[np.sort(rows[found])][np.argsort(np.argsort(rows[found]))]
    in_delta, delta_rows = _rows(store.delta_ids, pks)
    matrix[in_delta] = store.delta[delta_rows[in_delta]]
    found |= in_delta
    return pks[found], matrix[found]


def choose_space() -> VectorSpace:
    """The search index's embeddings if the search app is installed and has vectors, else lexical."""
    space: VectorSpace = LexicalSpace()
    if apps.is_installed("paperfeed.search"):
        try:
            from paperfeed.search.backends import get_backend

            backend = get_backend()
            state = backend.state()
            if state.vectors > 0:
                # The embedder's name ends in its dimension ("…/all-MiniLM-L6-v2:384").
                tail = (state.model or "").rsplit(":", 1)[-1]
                dim = int(tail) if tail.isdigit() else 384
                space = EmbeddingSpace(backend, state.model, dim, f"{state.documents}:{state.vectors}")
        except Exception:  # noqa: BLE001 - an unbuilt or broken index must not stop recommendations
            pass
    return space
