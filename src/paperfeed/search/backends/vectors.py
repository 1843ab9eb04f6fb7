"""Unit vectors kept in files: a base (exact numpy search while small, a usearch HNSW graph when
large) plus small delta segments written by each incremental update.

An update never rewrites the base: it writes one new segment file holding the vectors it adds
or replaces and the pks it removes. Segments are read in order and override the base (and
earlier segments). When the segments grow past a fraction of the base they are compacted into a
new base generation. Every file is written under a new name and only becomes part of the index
when the caller's meta file names it, so a crash at any point leaves the previous state intact
and searchable; files no meta names are debris, removed by the next write.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from paperfeed.core import config

# From this many vectors an HNSW graph answers unfiltered queries (exact search reads every
# vector: about 13 ms at 75k on the shared two cores, against about 1 ms for the graph).
HNSW_MIN_VECTORS = config.value("PAPERFEED_SEARCH_HNSW_MIN")
HNSW_EXPANSION_SEARCH = 96
HNSW_CONNECTIVITY = 16
HNSW_EXPANSION_ADD = 64
# Segments are merged into a new base once they hold this many rows and a tenth of the base.
COMPACT_MIN_ROWS = 20_000
COMPACT_FRACTION = 0.1
MAX_SEGMENTS = 64


def base_files(generation: int) -> list[str]:
    return [f"ids-{generation}.npy", f"vectors-{generation}.npy", f"graph-{generation}.usearch"]


def segment_file(number: int) -> str:
    return f"segment-{number}.npz"


class VectorStore:
    """The live vectors: ``base_ids[i]`` owns ``base[i]``; segments override and remove."""

    def __init__(
        self,
        base_ids: np.ndarray,
        base: np.ndarray,
        graph=None,
        segments: list[tuple[np.ndarray, np.ndarray, np.ndarray]] | None = None,
    ) -> None:
        self.base_ids = base_ids
        self.base = base
        self.graph = graph
        self.segments = segments or []  # (ids, vectors, removed) per segment, oldest first
        self._combine_segments()

    # -- loading -------------------------------------------------------------------------------

    @classmethod
    def empty(cls, dim: int) -> VectorStore:
        return cls(np.zeros(0, dtype=np.int64), np.zeros((0, dim), dtype=np.float32))

    @classmethod
    def load(
        cls, directory: Path, generation: int, dim: int, segments: list[int] | None = None
    ) -> VectorStore:
        ids_path = directory / f"ids-{generation}.npy"
        if generation == 0 or not ids_path.exists():
            base_ids, base, graph = np.zeros(0, dtype=np.int64), np.zeros((0, dim), dtype=np.float32), None
        else:
            base_ids = np.load(ids_path)
            base = np.load(directory / f"vectors-{generation}.npy", mmap_mode="r")
            graph = None
            graph_path = directory / f"graph-{generation}.usearch"
            if graph_path.exists():
                from usearch.index import Index

                graph = Index.restore(str(graph_path), view=True)
        loaded = []
        for number in segments or []:
            with np.load(directory / segment_file(number)) as data:
                loaded.append((data["ids"], data["vectors"], data["removed"]))
        return cls(base_ids, base, graph, loaded)

    def _combine_segments(self) -> None:
        """The newest vector of every pk the segments touch; which base rows they hide."""
        dim = self.base.shape[1]
        pks, order, rows, kinds = [], [], [], []
        seq = 0
        matrices = []
        offset = 0
        for ids, vectors, removed in self.segments:
            # Within a segment, removals come first: a pk both removed and written is kept.
            pks += [removed.astype(np.int64), ids.astype(np.int64)]
            order.append(np.arange(seq, seq + len(removed) + len(ids)))
            rows += [np.full(len(removed), -1), np.arange(offset, offset + len(ids))]
            kinds += [np.zeros(len(removed), dtype=bool), np.ones(len(ids), dtype=bool)]
            seq += len(removed) + len(ids)
            offset += len(ids)
            matrices.append(np.asarray(vectors, dtype=np.float32).reshape(len(ids), dim))
        if not pks or seq == 0:
            self.touched = np.zeros(0, dtype=np.int64)
            self.delta_ids = np.zeros(0, dtype=np.int64)
            self.delta = np.zeros((0, dim), dtype=np.float32)
            self.base_hidden = None
            self._finish()
            return
        all_pks = np.concatenate(pks)
        all_order = np.concatenate(order)
        all_rows = np.concatenate(rows)
        all_kinds = np.concatenate(kinds)
        sort = np.lexsort((all_order, all_pks))
        sorted_pks = all_pks[sort]
        last = np.r_[sorted_pks[1:] != sorted_pks[:-1], True]
        latest = sort[last]
        self.touched = all_pks[latest]  # sorted, unique
        written = latest[all_kinds[latest]]
        self.delta_ids = all_pks[written]
        self.delta = (
            np.concatenate(matrices)[all_rows[written]] if len(written) else np.zeros((0, dim), np.float32)
        )
        self.base_hidden = np.isin(self.base_ids, self.touched) if len(self.base_ids) else None
        self._finish()

    def _finish(self) -> None:
        hidden = int(self.base_hidden.sum()) if self.base_hidden is not None else 0
        self._count = len(self.base_ids) - hidden + len(self.delta_ids)
        self._ids: np.ndarray | None = None

    # -- what is held ----------------------------------------------------------------------------

    def __len__(self) -> int:
        return self._count

    @property
    def segment_rows(self) -> int:
        return sum(len(ids) + len(removed) for ids, _, removed in self.segments)

    @property
    def ids(self) -> np.ndarray:
        """Every live pk, sorted."""
        if self._ids is None:
            base = self.base_ids if self.base_hidden is None else self.base_ids[~self.base_hidden]
            self._ids = np.union1d(base, self.delta_ids) if len(self.delta_ids) else base
        return self._ids

    def vectors_for(self, pks: np.ndarray) -> dict[int, np.ndarray]:
        found: dict[int, np.ndarray] = {}
        pks = np.asarray(pks, dtype=np.int64)
        for pk, row in zip(*_rows_of(self.base_ids, pks), strict=True):
            if self.base_hidden is None or not self.base_hidden[row]:
                found[int(pk)] = np.asarray(self.base[row])
        for pk, row in zip(*_rows_of(self.delta_ids, pks), strict=True):
            found[int(pk)] = self.delta[row]
        return found

    def needs_compaction(self) -> bool:
        rows = self.segment_rows
        return len(self.segments) > MAX_SEGMENTS or (
            rows >= COMPACT_MIN_ROWS and rows >= COMPACT_FRACTION * len(self.base_ids)
        )

    # -- writing ---------------------------------------------------------------------------------

    def compacted(self) -> VectorStore:
        """One base holding every live vector, sorted by pk (segments folded in)."""
        keep = slice(None) if self.base_hidden is None else ~self.base_hidden
        ids = np.concatenate([self.base_ids[keep], self.delta_ids])
        matrix = np.concatenate([np.asarray(self.base[keep], dtype=np.float32), self.delta])
        order = np.argsort(ids, kind="stable")
        return VectorStore(ids[order], np.ascontiguousarray(matrix[order]))

    def save_base(self, directory: Path, generation: int) -> None:
        """Write this store (which must hold no segments) as base ``generation``."""
        assert not self.segments
        _save_npy(directory / f"ids-{generation}.npy", self.base_ids)
        _save_npy(directory / f"vectors-{generation}.npy", self.base)
        if len(self.base_ids) >= HNSW_MIN_VECTORS:
            from usearch.index import Index

            graph = Index(
                ndim=self.base.shape[1],
                metric="ip",
                dtype="f16",
                connectivity=HNSW_CONNECTIVITY,
                expansion_add=HNSW_EXPANSION_ADD,
            )
            graph.add(self.base_ids, np.asarray(self.base), threads=0)
            tmp = directory / f"graph-{generation}.usearch.tmp"
            graph.save(str(tmp))
            _fsync_path(tmp)
            os.replace(tmp, directory / f"graph-{generation}.usearch")

    # -- searching -------------------------------------------------------------------------------

    def search(
        self,
        vector: np.ndarray,
        limit: int,
        allowed: np.ndarray | None = None,
        exclude: set[int] | None = None,
    ) -> list[tuple[int, float]]:
        """The ``limit`` nearest papers; ``allowed`` (sorted pks) restricts, ``exclude`` drops."""
        if len(self) == 0 or limit <= 0:
            return []
        exclude = exclude or set()
        want = limit + len(exclude)
        vector = np.asarray(vector, dtype=np.float32)
        results = self._search_base(vector, want, allowed)
        if len(self.delta_ids):
            results += _exact(self.delta_ids, self.delta, vector, want, allowed, None)
            results.sort(key=lambda r: -r[1])
        return [(k, s) for k, s in results if k not in exclude][:limit]

    def _search_base(
        self, vector: np.ndarray, want: int, allowed: np.ndarray | None
    ) -> list[tuple[int, float]]:
        if len(self.base_ids) == 0:
            return []
        if self.graph is None or allowed is not None:
            return _exact(self.base_ids, self.base, vector, want, allowed, self.base_hidden)
        # Ask the graph for more when segments hide some of its answers.
        count = want
        while True:
            self.graph.expansion_search = max(HNSW_EXPANSION_SEARCH, count)
            matches = self.graph.search(vector, count)
            keys = np.asarray(matches.keys, dtype=np.int64)
            scores = 1.0 - np.asarray(matches.distances, dtype=np.float32)
            if len(self.touched):
                live = ~np.isin(keys, self.touched)
                keys, scores = keys[live], scores[live]
            if len(keys) >= want or count >= len(self.base_ids):
                return [(int(k), float(s)) for k, s in zip(keys[:want], scores[:want], strict=True)]
            count = min(len(self.base_ids), count * 4)


def _rows_of(ids: np.ndarray, pks: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(pks present, their rows) for sorted ``ids``."""
    if len(ids) == 0 or len(pks) == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    pos = np.clip(np.searchsorted(ids, pks), 0, len(ids) - 1)
    present = ids[pos] == pks
    return pks[present], pos[present]


def _exact(
    ids: np.ndarray,
    matrix: np.ndarray,
    vector: np.ndarray,
    want: int,
    allowed: np.ndarray | None,
    hidden: np.ndarray | None,
) -> list[tuple[int, float]]:
    if allowed is None:
        scores = np.asarray(matrix @ vector, dtype=np.float32)
        if hidden is not None:
            scores[hidden] = -np.inf
        candidates = ids
    else:
        _, rows = _rows_of(ids, np.asarray(allowed, dtype=np.int64))
        if hidden is not None:
            rows = rows[~hidden[rows]]
        scores = np.asarray(matrix[rows], dtype=np.float32) @ vector
        candidates = ids[rows]
    want = min(want, len(candidates))
    if want == 0:
        return []
    top = np.argpartition(-scores, want - 1)[:want]
    top = top[np.argsort(-scores[top], kind="stable")]
    return [(int(candidates[i]), float(scores[i])) for i in top if scores[i] > -np.inf]


def save_segment(
    directory: Path, number: int, ids: np.ndarray, vectors: np.ndarray, removed: np.ndarray
) -> None:
    path = directory / segment_file(number)
    tmp = directory / f"segment-{number}.tmp.npz"
    with open(tmp, "wb") as handle:
        np.savez(
            handle,
            ids=np.asarray(ids, dtype=np.int64),
            vectors=np.asarray(vectors, dtype=np.float32),
            removed=np.asarray(removed, dtype=np.int64),
        )
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


def _fsync_path(path: Path) -> None:
    with open(path, "rb") as handle:
        os.fsync(handle.fileno())


def _save_npy(path: Path, array: np.ndarray) -> None:
    tmp = path.with_suffix(".tmp.npy")
    with open(tmp, "wb") as handle:
        np.save(handle, np.asarray(array))
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)
