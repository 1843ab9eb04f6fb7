"""The interface every search backend implements; everything above it is shared."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

import numpy as np
from django.db.models import Q

from paperfeed.search.documents import IndexDocument
from paperfeed.search.query import ParsedQuery

Ranked = list[tuple[int, float]]  # (paper pk, score), best first


@dataclass
class IndexState:
    documents: int
    vectors: int
    model: str | None  # the embedder name the vectors were made with
    watermark: datetime | None  # every paper modified up to here is in the index
    location: str
    interrupted: str | None = None  # what an unfinished write left to redo (catch-up redoes it)
    segments: int = 0  # incremental vector files not yet compacted into the base


class SearchBackend(Protocol):
    name: str
    # Whether keyword and unfiltered dense searches may run on another thread (no database use).
    reads_without_database: bool

    def keyword(self, parsed: ParsedQuery, filters: Q | None, limit: int) -> Ranked:
        """Papers matching the words and phrases of ``parsed`` by BM25-like score."""

    def similar_words(self, words: list[str], limit: int) -> Ranked:
        """Papers whose title and abstract use these words (any of them), by BM25-like score."""

    def dense(
        self, vector: np.ndarray, filters: Q | None, limit: int, exclude: set[int] | None = None
    ) -> Ranked:
        """Papers nearest to ``vector`` by cosine similarity."""

    def has_vectors(self) -> bool:
        """Whether the index holds any vectors (cheap)."""

    def vectors_for(self, pks: list[int]) -> dict[int, np.ndarray]:
        """The stored vectors of these papers (those in the index)."""

    def upsert(self, docs: list[IndexDocument], vectors: np.ndarray) -> None:
        """Add or replace these documents; durable when it returns."""

    def delete(self, pks: list[int]) -> None: ...

    def begin_rebuild(self, model: str, dim: int) -> SearchBackend:
        """An empty index for vectors of ``dim`` made by ``model``, to fill and then commit."""

    def commit_rebuild(self, builder: SearchBackend) -> None:
        """Make the filled ``builder`` the live index."""

    def state(self) -> IndexState: ...

    def set_watermark(self, watermark: datetime) -> None: ...

    def indexed_pks(self) -> np.ndarray: ...
