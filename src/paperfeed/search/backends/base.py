"""The interface every search backend implements; everything above it is shared."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

import numpy as np

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
    # Every visible paper modified up to here has its vector (vectors trail keywords: see sync).
    vector_watermark: datetime | None = None


@dataclass(frozen=True)
class SearchFilters:
    """The filter part of a parsed query, which each backend translates for itself.

    Hidden papers never pass, whatever the filters say.
    """

    categories: tuple[str, ...] = ()
    authors: tuple[str, ...] = ()
    after: date | None = None
    before: date | None = None
    has_code: bool = False

    @classmethod
    def of(cls, parsed: ParsedQuery) -> SearchFilters | None:
        """The filters of ``parsed``; None when it has none."""
        if not parsed.has_filters:
            return None
        return cls(
            categories=tuple(parsed.categories),
            authors=tuple(parsed.authors),
            after=parsed.after,
            before=parsed.before,
            has_code=parsed.has_code,
        )


class SearchBackend(Protocol):
    name: str
    # Whether keyword and unfiltered dense searches may run on another thread (no database use).
    reads_without_database: bool

    def keyword(self, parsed: ParsedQuery, filters: SearchFilters | None, limit: int) -> Ranked:
        """Papers matching the words and phrases of ``parsed`` by BM25-like score.

        Papers failing ``filters`` may be left out here or by the exact database check above
        every backend; ``parsed``'s own filters are not read.
        """

    def similar_words(self, words: list[str], limit: int) -> Ranked:
        """Papers whose title and abstract use these words (any of them), by BM25-like score."""

    def title_candidates(self, words: list[str], limit: int) -> Ranked:
        """Papers whose title has every one of ``words``, shortest titles first (BM25-like)."""

    def word_shares(self, words: list[str]) -> dict[str, float]:
        """For each word, about the share of indexed papers using it (0.0: none does)."""

    def containing(self, words: list[str], pks: list[int]) -> set[int]:
        """Those of ``pks`` whose title, abstract or authors use any of ``words``."""

    def dense(
        self, vector: np.ndarray, filters: SearchFilters | None, limit: int, exclude: set[int] | None = None
    ) -> Ranked:
        """Papers nearest to ``vector`` by cosine similarity, among those passing ``filters``."""

    def has_vectors(self) -> bool:
        """Whether the index holds any vectors (cheap)."""

    def vectors_for(self, pks: list[int]) -> dict[int, np.ndarray]:
        """The stored vectors of these papers (those in the index)."""

    def vector_coverage(self) -> tuple[int, int]:
        """(papers with a vector, papers in the keyword index): cheap enough for every search page."""

    def upsert(self, docs: list[IndexDocument], vectors: np.ndarray) -> None:
        """Add or replace these documents; durable when it returns."""

    def upsert_keywords(self, docs: list[IndexDocument], removed: list[int], fresh: bool = False) -> None:
        """Add or replace these documents for keyword search and drop ``removed`` entirely; a
        replaced document keeps its old vector until ``upsert_vectors``. ``fresh``: none is indexed yet."""

    def upsert_vectors(self, pks: list[int], vectors: np.ndarray) -> None:
        """Add or replace the vectors of these (keyword-indexed) papers; durable when it returns."""

    def delete(self, pks: list[int]) -> None: ...

    def begin_rebuild(self, model: str, dim: int) -> SearchBackend:
        """An empty index for vectors of ``dim`` made by ``model``, to fill and then commit."""

    def commit_rebuild(self, builder: SearchBackend) -> None:
        """Make the filled ``builder`` the live index."""

    def state(self) -> IndexState: ...

    def set_watermark(self, watermark: datetime) -> None: ...

    def set_vector_watermark(self, watermark: datetime) -> None: ...

    def indexed_pks(self) -> np.ndarray: ...
