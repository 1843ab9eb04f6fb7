"""One generation of the local index: BM25 (tantivy) and vectors in one directory, and the
order of writes that keeps it consistent across crashes.

Layout of a generation directory::

    meta.json            model, dimension, watermark and the live vector generation
    tantivy/             the BM25 index
    ids-<v>.npy, vectors-<v>.npy, graph-<v>.usearch, segment-<n>.npz

Every write commits tantivy first, then writes new vector files, then replaces meta.json; the
watermarks only move in meta.json, so after a crash the index is the previous consistent state
plus some documents that catch-up simply writes again. Keywords and vectors have a watermark
each: catch-up writes new papers to tantivy first (seconds) and their vectors after (minutes).
"""

from __future__ import annotations

import contextlib
import json
import os
import threading
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import tantivy

from paperfeed.search.backends import tantivy_queries
from paperfeed.search.backends.base import Ranked, SearchFilters
from paperfeed.search.backends.vectors import VectorStore, base_files, save_segment, segment_file
from paperfeed.search.documents import IndexDocument
from paperfeed.search.query import ParsedQuery


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def describe_pending(pending: dict | None) -> str | None:
    """What an unfinished write left to redo, for people; None when nothing is pending."""
    if not pending:
        return None
    return (
        f"an update of {pending.get('papers', 0):,} papers and {pending.get('removed', 0):,} removals "
        f"started at {pending.get('at', '?')} did not finish"
    )


def _write_json(path: Path, data: dict) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data))
    with open(tmp, "rb+") as handle:
        os.fsync(handle.fileno())
    os.replace(tmp, path)


class LocalGeneration:
    """One complete index (BM25 + vectors) in one directory.

    ``auto_compact``: fold vector segments into a new base whenever they grow large. A rebuild
    turns it off while it fills a generation, which is compacted once at the end.
    """

    def __init__(self, directory: Path, *, auto_compact: bool = True) -> None:
        self.directory = directory
        self.schema = tantivy_queries.schema()
        self.index = tantivy.Index(self.schema, path=str(directory / "tantivy"), reuse=True)
        self.auto_compact = auto_compact
        self._lock = threading.Lock()
        self._meta_mtime = None
        self.meta: dict = {}
        self._vectors: VectorStore | None = None
        self.refresh()

    @classmethod
    def create(cls, directory: Path, model: str, dim: int, *, auto_compact: bool = True) -> LocalGeneration:
        """An empty generation for vectors of ``dim`` made by ``model``."""
        (directory / "tantivy").mkdir(parents=True, exist_ok=True)
        _write_json(
            directory / "meta.json",
            {"model": model, "dim": dim, "watermark": None, "vector_watermark": None, "vectors": 0},
        )
        return cls(directory, auto_compact=auto_compact)

    def refresh(self) -> None:
        """Pick up what another process committed (cheap when nothing changed)."""
        meta_path = self.directory / "meta.json"
        try:
            mtime = meta_path.stat().st_mtime_ns
        except FileNotFoundError:
            return
        if mtime == self._meta_mtime:
            return
        with self._lock:
            self.meta = json.loads(meta_path.read_text())
            self.index.reload()
            self._vectors = None  # read again when next needed (a rebuild's writes never need them)
            self._meta_mtime = mtime

    @property
    def vectors(self) -> VectorStore:
        for attempt in range(3):
            with self._lock:
                if self._vectors is not None:
                    return self._vectors
                meta = self.meta
            try:
                store = VectorStore.load(
                    self.directory, meta.get("vectors", 0), meta["dim"], meta.get("segments", [])
                )
            except FileNotFoundError:
                # Another process compacted between our reading meta.json and its files: read again.
                if attempt == 2:
                    raise
                self._meta_mtime = None
                self.refresh()
                continue
            with self._lock:
                if self.meta is meta:
                    self._vectors = store
            return store
        raise AssertionError("unreachable")

    # -- reading -------------------------------------------------------------------------------

    def keyword(self, parsed: ParsedQuery, filters: SearchFilters | None, limit: int) -> Ranked:
        self.refresh()
        query = tantivy_queries.keyword_query(self.index, self.schema, parsed, filters)
        return tantivy_queries.top(self.index, query, limit) if query is not None else []

    def similar_words(self, words: list[str], limit: int) -> Ranked:
        self.refresh()
        words = tantivy_queries.indexable(words)
        if not words:
            return []
        query = tantivy_queries.words_query(self.index, words, tantivy_queries.SIMILAR_FIELDS)
        return tantivy_queries.top(self.index, query, limit)

    def title_candidates(self, words: list[str], limit: int) -> Ranked:
        self.refresh()
        query = tantivy_queries.all_in_title(self.index, words)
        return tantivy_queries.top(self.index, query, limit) if query is not None else []

    def word_shares(self, words: list[str]) -> dict[str, float]:
        self.refresh()
        return tantivy_queries.word_shares(self.index, words)

    def containing(self, words: list[str], pks: list[int]) -> set[int]:
        self.refresh()
        return tantivy_queries.containing(self.index, self.schema, words, pks)

    def document_count(self) -> int:
        self.refresh()
        return self.index.searcher().num_docs

    # -- writing -------------------------------------------------------------------------------

    def write(
        self, docs: list[IndexDocument], vectors: np.ndarray, removed: list[int], fresh: bool = False
    ) -> None:
        """Add or replace ``docs`` and their vectors and drop ``removed``; ``fresh``: the documents
        are known to be new.

        Order: a pending note in meta.json, the tantivy commit, a new vector segment, then
        meta.json naming the segment (and no longer the note). A crash before the last step
        leaves the vectors as they were and the note says an update was interrupted; the
        watermark has not moved, so catch-up writes the same papers again.
        """
        self.refresh()
        self._save_meta(pending={"papers": len(docs), "removed": len(removed), "at": _now()})
        self._write_tantivy(docs, removed, fresh)
        self._add_segment(np.array([d.pk for d in docs], dtype=np.int64), vectors, removed)

    def write_keywords(self, docs: list[IndexDocument], removed: list[int], fresh: bool = False) -> None:
        """Add or replace ``docs`` in the keyword index only, and drop ``removed`` from both.

        A replaced paper keeps its old vector until :meth:`write_vectors` brings the new one.
        """
        self.refresh()
        self._save_meta(pending={"papers": len(docs), "removed": len(removed), "at": _now()})
        self._write_tantivy(docs, removed, fresh)
        if removed:
            self._add_segment(np.zeros(0, dtype=np.int64), np.zeros((0, self.meta["dim"])), removed)
        else:
            self._replace_meta({k: v for k, v in self.meta.items() if k != "pending"})

    def write_vectors(self, pks: list[int], vectors: np.ndarray) -> None:
        """Add or replace the vectors of ``pks`` (one new segment), searchable once this returns."""
        self.refresh()
        self._save_meta(pending={"papers": len(pks), "removed": 0, "at": _now()})
        self._add_segment(np.array(pks, dtype=np.int64), vectors, [])

    def _write_tantivy(self, docs: list[IndexDocument], removed: list[int], fresh: bool) -> None:
        writer = self.index.writer(heap_size=128_000_000, num_threads=1)
        try:
            for pk in ([] if fresh else [d.pk for d in docs]) + list(removed):
                writer.delete_documents_by_term("pk", pk)
            for doc in docs:
                writer.add_document(tantivy_queries.document(doc))
            writer.commit()
            writer.wait_merging_threads()
        except BaseException:
            writer.rollback()
            raise

    def _add_segment(self, ids: np.ndarray, vectors: np.ndarray, removed: list[int]) -> None:
        """Write a vector segment, then name it in meta.json (which drops the pending note)."""
        number = self.meta.get("next_segment", 1)
        save_segment(
            self.directory,
            number,
            ids,
            vectors.reshape(len(ids), self.meta["dim"]),
            np.array(removed, dtype=np.int64),
        )
        meta = {k: v for k, v in self.meta.items() if k != "pending"}
        segments = self.meta.get("segments", []) + [number]
        self._replace_meta({**meta, "segments": segments, "next_segment": number + 1})
        if self.auto_compact and self.vectors.needs_compaction():
            self.compact()
        self.remove_debris()

    def compact(self) -> None:
        """Fold the segments into a new base (and HNSW graph): written aside, then made current."""
        self.refresh()
        if not self.vectors.segments:
            return
        generation = self.meta.get("vectors", 0) + 1
        self.vectors.compacted().save_base(self.directory, generation)
        self._save_meta(vectors=generation, segments=[])
        self.remove_debris()

    def remove_debris(self) -> None:
        """Delete vector files meta.json does not name: replaced ones, and those of interrupted writes."""
        keep = set(base_files(self.meta.get("vectors", 0)))
        keep |= {segment_file(n) for n in self.meta.get("segments", [])}
        for path in self.directory.iterdir():
            ours = path.name.startswith(("ids-", "vectors-", "graph-", "segment-"))
            if ours and path.is_file() and path.name not in keep:
                with contextlib.suppress(FileNotFoundError):
                    path.unlink()

    def set_watermark(self, watermark: datetime, key: str = "watermark") -> None:
        """Move the keyword ``watermark`` or the ``vector_watermark``.

        Moving one means every write before it completed: no update is pending.
        """
        meta = {k: v for k, v in self.meta.items() if k != "pending"}
        self._replace_meta({**meta, key: watermark.isoformat()})

    def vector_watermark(self) -> str | None:
        """Where the vectors are complete; an index written before vectors trailed keywords has
        no such key, and its vectors are as complete as its keywords."""
        return (
            self.meta["vector_watermark"] if "vector_watermark" in self.meta else self.meta.get("watermark")
        )

    def _save_meta(self, **changes) -> None:
        self._replace_meta({**self.meta, **changes})

    def _replace_meta(self, meta: dict) -> None:
        _write_json(self.directory / "meta.json", meta)
        # Force a reload even when the clock's resolution hides the change.
        self._meta_mtime = None
        self.refresh()
