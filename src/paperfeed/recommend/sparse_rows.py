"""Sparse rows (compressed sparse row layout) on plain numpy, for the tf-idf vectors of lexicon.py
and the word scores of model.py.

Not scipy.sparse: scipy was the largest package of an install without extras (143 MB of 588),
and these few operations are all recommendations need of it. ``SparseRows`` holds the three
arrays scipy's ``csr_matrix`` would (``indptr``, ``indices``, ``data``), so converting either
way is free.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

# The most products (and cells of the result) dot_rows makes at once: a few MB of temporaries.
AT_ONCE = 1 << 17


@dataclass(frozen=True)
class SparseRows:
    """Rows of a matrix with ``columns`` columns: row i holds ``data[indptr[i]:indptr[i + 1]]``
    in the columns ``indices[indptr[i]:indptr[i + 1]]``."""

    indptr: np.ndarray  # (rows + 1,) int64, from 0 to nnz
    indices: np.ndarray  # (nnz,) int32
    data: np.ndarray  # (nnz,) float32
    columns: int

    @classmethod
    def empty(cls, rows: int, columns: int) -> SparseRows:
        return cls(np.zeros(rows + 1, np.int64), np.zeros(0, np.int32), np.zeros(0, np.float32), columns)

    @classmethod
    def from_rows(cls, rows: Sequence[tuple[np.ndarray, np.ndarray]], columns: int) -> SparseRows:
        """One matrix of (column ids, values) rows, in order."""
        if not any(len(ids) for ids, _ in rows):
            return cls.empty(len(rows), columns)
        indptr = np.zeros(len(rows) + 1, dtype=np.int64)
        np.cumsum([len(ids) for ids, _ in rows], out=indptr[1:])
        indices = np.concatenate([ids for ids, _ in rows]).astype(np.int32, copy=False)
        data = np.concatenate([values for _, values in rows]).astype(np.float32, copy=False)
        return cls(indptr, indices, data, columns)

    @classmethod
    def vstack(cls, parts: Sequence[SparseRows]) -> SparseRows:
        """The rows of each part, one part after the other (all with the same columns)."""
        columns = parts[0].columns if parts else 0
        return cls.from_rows([part.row(i) for part in parts for i in range(len(part))], columns)

    @classmethod
    def from_csr(cls, matrix) -> SparseRows:
        """The rows of a scipy ``csr_matrix`` (the bench scripts' scipy and scikit-learn code)."""
        return cls(matrix.indptr.astype(np.int64), matrix.indices, matrix.data, matrix.shape[1])

    def tocsr(self):
        """As a scipy ``csr_matrix``, for the bench scripts (scipy comes with their extra)."""
        from scipy import sparse

        return sparse.csr_matrix((self.data, self.indices, self.indptr), shape=self.shape)

    def __len__(self) -> int:
        return len(self.indptr) - 1

    @property
    def shape(self) -> tuple[int, int]:
        return len(self), self.columns

    @property
    def nnz(self) -> int:
        return int(self.indptr[-1])

    def __getitem__(self, rows: slice) -> SparseRows:
        """A run of consecutive rows (a slice with step 1), sharing this matrix's arrays."""
        start, stop, step = rows.indices(len(self))
        if step != 1:
            raise ValueError("only consecutive rows")
        stop = max(start, stop)
        first, last = self.indptr[start], self.indptr[stop]
        return SparseRows(
            self.indptr[start : stop + 1] - first,
            self.indices[first:last],
            self.data[first:last],
            self.columns,
        )

    def row(self, i: int) -> tuple[np.ndarray, np.ndarray]:
        """Column ids and values of row ``i``."""
        span = slice(self.indptr[i], self.indptr[i + 1])
        return self.indices[span], self.data[span]

    def row_ids(self) -> np.ndarray:
        """The row of each stored value."""
        return np.repeat(np.arange(len(self), dtype=np.int64), np.diff(self.indptr))

    def _row_sums(self, values: np.ndarray) -> np.ndarray:
        """Per row, the sum of ``values`` (one per stored value); zero for an empty row."""
        sums = np.zeros(len(self), dtype=values.dtype)
        filled = np.flatnonzero(np.diff(self.indptr))
        if len(filled):
            sums[filled] = np.add.reduceat(values, self.indptr[filled])
        return sums

    def dot(self, vector: np.ndarray) -> np.ndarray:
        """Each row's dot product with a dense vector of ``columns`` values."""
        return self._row_sums(self.data * vector[self.indices].astype(np.float32, copy=False))

    def norms(self) -> np.ndarray:
        return np.sqrt(self._row_sums(self.data * self.data))

    def column_sums(self) -> np.ndarray:
        """The sum of the rows, a dense vector of ``columns`` values."""
        return np.bincount(self.indices, self.data, minlength=self.columns).astype(np.float32)

    def dot_rows(self, other: SparseRows) -> np.ndarray:
        """``self @ other.T`` as a dense (len(self), len(other)) array: every row's dot product
        with every row of ``other``.

        Each stored value meets the values of ``other`` in its column (``other`` read column by
        column), so the work is the number of such products, as in scipy's sparse product. Rows
        of ``self`` are taken in blocks of at most ``AT_ONCE`` products and cells, whose int32
        temporaries stay in the processor's cache (one block of all was twice as slow)."""
        out = np.zeros((len(self), len(other)), dtype=np.float32)
        if not self.nnz or not other.nnz:
            return out
        n = len(other)
        by_column = np.argsort(other.indices, kind="stable")
        their_rows = other.row_ids().astype(np.int32)[by_column]
        their_values = other.data[by_column]
        starts = np.zeros(self.columns + 1, dtype=np.int64)
        np.cumsum(np.bincount(other.indices, minlength=self.columns), out=starts[1:])
        first = starts[self.indices].astype(np.int32)
        meets = (starts[self.indices + 1] - first).astype(np.int32)  # values each value meets
        done = np.concatenate([[0], np.cumsum(self._row_sums(meets.astype(np.int64)))])
        most_rows = max(1, AT_ONCE // n)
        start = 0
        while start < len(self):
            fits = int(np.searchsorted(done, done[start] + AT_ONCE, side="right")) - 1
            stop = min(max(start + 1, fits), start + most_rows, len(self))
            span = slice(self.indptr[start], self.indptr[stop])
            counts = meets[span]
            ends = np.cumsum(counts, dtype=np.int32)
            if len(ends) and ends[-1]:
                # Where each product's value of ``other`` is: its column's first, then the next.
                at = np.repeat(first[span] - (ends - counts), counts)
                at += np.arange(ends[-1], dtype=np.int32)
                cells = np.repeat(self[start:stop].row_ids().astype(np.int32) * n, counts)
                cells += their_rows[at]
                products = np.repeat(self.data[span], counts)
                products *= their_values[at]
                sums = np.bincount(cells, products, minlength=(stop - start) * n)
                out[start:stop] = sums.reshape(stop - start, n)
            start = stop
        return out
