"""Unit vectors kept in files: exact numpy search while small, a usearch HNSW graph when large.

Files are written under new names and only then made current (by the caller's meta file), so
a crash while saving leaves the previous generation intact and searchable.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

# Above this many vectors an HNSW graph answers unfiltered queries (exact search reads every
# vector, about 25 ms per 100k on two cores).
HNSW_MIN_VECTORS = int(os.environ.get("PAPERFEED_SEARCH_HNSW_MIN", "100000"))
HNSW_EXPANSION_SEARCH = 96


class VectorStore:
    """Vectors sorted by paper pk: ``ids[i]`` owns ``matrix[i]``."""

    def __init__(self, ids: np.ndarray, matrix: np.ndarray, graph=None) -> None:
        self.ids = ids
        self.matrix = matrix
        self.graph = graph

    @classmethod
    def empty(cls, dim: int) -> VectorStore:
        return cls(np.zeros(0, dtype=np.int64), np.zeros((0, dim), dtype=np.float32))

    @classmethod
    def load(cls, directory: Path, generation: int, dim: int) -> VectorStore:
        ids_path = directory / f"ids-{generation}.npy"
        if generation == 0 or not ids_path.exists():
            return cls.empty(dim)
        ids = np.load(ids_path)
        matrix = np.load(directory / f"vectors-{generation}.npy", mmap_mode="r")
        graph = None
        graph_path = directory / f"graph-{generation}.usearch"
        if graph_path.exists():
            from usearch.index import Index

            graph = Index.restore(str(graph_path), view=True)
        return cls(ids, matrix, graph)

    def __len__(self) -> int:
        return len(self.ids)

    def rows_of(self, pks: np.ndarray) -> np.ndarray:
        """Row numbers of the pks that are present."""
        if len(self.ids) == 0 or len(pks) == 0:
            return np.zeros(0, dtype=np.int64)
        pos = np.searchsorted(self.ids, pks)
        pos = np.clip(pos, 0, len(self.ids) - 1)
        return pos[self.ids[pos] == pks]

    def merged(self, pks: np.ndarray, vectors: np.ndarray, removed: np.ndarray) -> VectorStore:
        """A new store with ``pks`` set to ``vectors`` and ``removed`` dropped."""
        drop = np.union1d(pks, removed)
        keep = ~np.isin(self.ids, drop)
        ids = np.concatenate([self.ids[keep], pks.astype(np.int64)])
        matrix = np.concatenate([np.asarray(self.matrix[keep]), vectors.astype(np.float32)])
        order = np.argsort(ids, kind="stable")
        return VectorStore(ids[order], np.ascontiguousarray(matrix[order]))

    def save(self, directory: Path, generation: int) -> None:
        _save_npy(directory / f"ids-{generation}.npy", self.ids)
        _save_npy(directory / f"vectors-{generation}.npy", self.matrix)
        if len(self.ids) >= HNSW_MIN_VECTORS:
            from usearch.index import Index

            graph = Index(
                ndim=self.matrix.shape[1], metric="ip", dtype="f16", connectivity=16, expansion_add=128
            )
            graph.add(self.ids, np.asarray(self.matrix), threads=0)
            tmp = directory / f"graph-{generation}.usearch.tmp"
            graph.save(str(tmp))
            os.replace(tmp, directory / f"graph-{generation}.usearch")

    def search(
        self,
        vector: np.ndarray,
        limit: int,
        allowed: np.ndarray | None = None,
        exclude: set[int] | None = None,
    ) -> list[tuple[int, float]]:
        """The ``limit`` nearest papers; ``allowed`` (sorted pks) restricts, ``exclude`` drops."""
        if len(self.ids) == 0 or limit <= 0:
            return []
        exclude = exclude or set()
        if self.graph is not None and allowed is None:
            self.graph.expansion_search = max(HNSW_EXPANSION_SEARCH, limit + len(exclude))
            matches = self.graph.search(vector.astype(np.float32), limit + len(exclude))
            results = [(int(k), float(1.0 - d)) for k, d in zip(matches.keys, matches.distances, strict=True)]
            return [(k, s) for k, s in results if k not in exclude][:limit]
        if allowed is None:
            scores = self.matrix @ vector
            ids = self.ids
        else:
            rows = self.rows_of(allowed)
            scores = np.asarray(self.matrix[rows]) @ vector
            ids = self.ids[rows]
        want = min(len(ids), limit + len(exclude))
        if want == 0:
            return []
        top = np.argpartition(-scores, want - 1)[:want]
        top = top[np.argsort(-scores[top], kind="stable")]
        results = [(int(ids[i]), float(scores[i])) for i in top]
        return [(k, s) for k, s in results if k not in exclude][:limit]


def _save_npy(path: Path, array: np.ndarray) -> None:
    tmp = path.with_suffix(".tmp.npy")
    with open(tmp, "wb") as handle:
        np.save(handle, np.asarray(array))
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)
