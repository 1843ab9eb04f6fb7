"""The local backend for the embedded default: generations of the index under one directory.

Layout of ``<index dir>``::

    CURRENT              name of the live generation directory (swapped atomically by rebuild)
    gen-<n>/             one complete index (see ``local_generation``)

Searches read the generation CURRENT names; a rebuild fills a new one beside it and then swaps
CURRENT, so searches never see a half-built index.
"""

from __future__ import annotations

import os
import shutil
import time
from datetime import datetime
from pathlib import Path

import numpy as np

from paperfeed.papers.models import Paper
from paperfeed.search.backends.base import IndexState, Ranked, SearchFilters
from paperfeed.search.backends.local_generation import LocalGeneration, describe_pending
from paperfeed.search.documents import IndexDocument
from paperfeed.search.filters import filter_q
from paperfeed.search.query import ParsedQuery


class LocalBackend:
    """Search over the live generation under ``root``; rebuilds write a new one and swap.

    ``pinned``: serve this generation rather than the one CURRENT names (a rebuild's builder).
    """

    name = "local"
    reads_without_database = True  # searches without filters touch only the index files

    def __init__(self, root: Path, *, pinned: LocalGeneration | None = None) -> None:
        self.root = Path(root)
        self.pinned = pinned
        self._generation: LocalGeneration | None = None
        self._current_name: str | None = None

    # -- which generation is live --------------------------------------------------------------

    def _read_current(self) -> str | None:
        try:
            return (self.root / "CURRENT").read_text().strip() or None
        except FileNotFoundError:
            return None

    @property
    def live(self) -> LocalGeneration | None:
        if self.pinned is not None:
            return self.pinned
        name = self._read_current()
        if name is None:
            return None
        if name != self._current_name or self._generation is None:
            self._generation = LocalGeneration(self.root / name)
            self._current_name = name
        return self._generation

    def _require_live(self) -> LocalGeneration:
        live = self.live
        if live is None:
            raise LookupError("The search index has not been built yet: run `paperfeed index rebuild`.")
        return live

    # -- the SearchBackend interface ------------------------------------------------------------

    def keyword(self, parsed: ParsedQuery, filters: SearchFilters | None, limit: int) -> Ranked:
        # tantivy narrows by the filters as far as its fields tell; the exact check is the
        # database's, above every backend.
        live = self.live
        return live.keyword(parsed, filters, limit) if live else []

    def similar_words(self, words: list[str], limit: int) -> Ranked:
        live = self.live
        return live.similar_words(words, limit) if live else []

    def title_candidates(self, words: list[str], limit: int) -> Ranked:
        live = self.live
        return live.title_candidates(words, limit) if live else []

    def word_shares(self, words: list[str]) -> dict[str, float]:
        live = self.live
        return live.word_shares(words) if live else dict.fromkeys(words, 0.0)

    def containing(self, words: list[str], pks: list[int]) -> set[int]:
        live = self.live
        return live.containing(words, pks) if live else set()

    def dense(
        self, vector: np.ndarray, filters: SearchFilters | None, limit: int, exclude: set[int] | None = None
    ) -> Ranked:
        live = self.live
        if live is None or live.vectors is None:
            return []
        allowed = None
        if filters is not None:
            # The vector files hold no fields: the nearest among the papers the database lets pass.
            passing = Paper.objects.filter(filter_q(filters)).order_by("pk").values_list("pk", flat=True)
            allowed = np.fromiter(passing, dtype=np.int64)
        return live.vectors.search(vector, limit, allowed=allowed, exclude=exclude)

    def prefetch(self) -> None:
        """Ask the kernel to read the live vector files into memory ahead of the first searches."""
        live = self.live
        if live is None or not hasattr(os, "posix_fadvise"):
            return
        for path in live.directory.iterdir():
            if path.name.startswith(("vectors-", "graph-", "segment-")) and path.is_file():
                fd = os.open(path, os.O_RDONLY)
                try:
                    os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_WILLNEED)
                finally:
                    os.close(fd)

    def has_vectors(self) -> bool:
        live = self.live
        return bool(live and live.vectors is not None and len(live.vectors))

    def vectors_for(self, pks: list[int]) -> dict[int, np.ndarray]:
        live = self.live
        if live is None or live.vectors is None:
            return {}
        return live.vectors.vectors_for(np.array(sorted(pks), dtype=np.int64))

    def vector_coverage(self) -> tuple[int, int]:
        live = self.live
        if live is None:
            return 0, 0
        return (len(live.vectors) if live.vectors is not None else 0), live.document_count()

    def upsert(self, docs: list[IndexDocument], vectors: np.ndarray) -> None:
        self._require_live().write(docs, vectors, [])

    def upsert_keywords(self, docs: list[IndexDocument], removed: list[int], fresh: bool = False) -> None:
        self._require_live().write_keywords(docs, removed, fresh)

    def upsert_vectors(self, pks: list[int], vectors: np.ndarray) -> None:
        self._require_live().write_vectors(pks, vectors)

    def delete(self, pks: list[int]) -> None:
        if pks:
            self._require_live().write([], np.zeros((0, self._require_live().meta["dim"]), np.float32), pks)

    def set_watermark(self, watermark: datetime) -> None:
        self._require_live().set_watermark(watermark)

    def set_vector_watermark(self, watermark: datetime) -> None:
        self._require_live().set_watermark(watermark, key="vector_watermark")

    def indexed_pks(self) -> np.ndarray:
        live = self.live
        return live.vectors.ids if live and live.vectors is not None else np.zeros(0, dtype=np.int64)

    def state(self) -> IndexState:
        live = self.live
        if live is None:
            return IndexState(0, 0, None, None, str(self.root))
        watermark = live.meta.get("watermark")
        vector_watermark = live.vector_watermark()
        return IndexState(
            documents=live.document_count(),
            vectors=len(live.vectors) if live.vectors is not None else 0,
            model=live.meta.get("model"),
            watermark=datetime.fromisoformat(watermark) if watermark else None,
            location=str(live.directory),
            interrupted=describe_pending(live.meta.get("pending")),
            segments=len(live.vectors.segments) if live.vectors is not None else 0,
            vector_watermark=datetime.fromisoformat(vector_watermark) if vector_watermark else None,
        )

    # -- rebuilding ------------------------------------------------------------------------------

    def begin_rebuild(self, model: str, dim: int) -> LocalBackend:
        """A fresh generation to fill; searches keep using the live one until :meth:`commit_rebuild`."""
        self.root.mkdir(parents=True, exist_ok=True)
        name = f"gen-{time.strftime('%Y%m%d%H%M%S')}-{os.getpid()}-{time.perf_counter_ns()}"
        # Compacted once, when committed, rather than whenever a batch makes the segments large.
        generation = LocalGeneration.create(self.root / name, model, dim, auto_compact=False)
        return LocalBackend(self.root, pinned=generation)

    def commit_rebuild(self, builder: LocalBackend) -> None:
        generation = builder.pinned
        if generation is None:
            raise ValueError("commit_rebuild takes the backend begin_rebuild returned")
        generation.compact()  # one base (and graph) rather than a segment per batch
        tmp = self.root / "CURRENT.tmp"
        tmp.write_text(generation.directory.name)
        os.replace(tmp, self.root / "CURRENT")
        # Old generations (and ones left by an interrupted rebuild) are removed.
        for child in self.root.iterdir():
            if child.is_dir() and child.name.startswith("gen-") and child.name != generation.directory.name:
                shutil.rmtree(child, ignore_errors=True)
        self._generation = None
        self._current_name = None
