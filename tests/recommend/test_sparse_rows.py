"""Sparse rows on numpy (recommend/sparse_rows.py): what each operation means, and the word scores
of model.py equal to those scipy.sparse gave (compared only where scipy is installed)."""

from __future__ import annotations

import numpy as np
import pytest

from paperfeed.recommend import model, sparse_rows
from paperfeed.recommend.lexicon import Lexicon
from paperfeed.recommend.sparse_rows import SparseRows

COLUMNS = 6


def small() -> SparseRows:
    """Rows [1 0 2 0 0 0], [], [0 3 0 0 0 4], []: empty rows inside and at the end."""
    ids = [np.array([0, 2]), np.array([], int), np.array([1, 5]), np.array([], int)]
    values = [np.array([1.0, 2.0]), np.array([]), np.array([3.0, 4.0]), np.array([])]
    return SparseRows.from_rows(list(zip(ids, values, strict=True)), COLUMNS)


def dense(rows: SparseRows) -> np.ndarray:
    out = np.zeros(rows.shape, dtype=np.float64)
    for i in range(len(rows)):
        ids, values = rows.row(i)
        np.add.at(out[i], ids, values)
    return out


def test_rows_keep_their_order_and_empty_rows_are_zero():
    rows = small()

    assert rows.shape == (4, COLUMNS) and rows.nnz == 4
    assert dense(rows).tolist() == [[1, 0, 2, 0, 0, 0], [0] * 6, [0, 3, 0, 0, 0, 4], [0] * 6]
    assert rows.indices.dtype == np.int32 and rows.data.dtype == np.float32
    assert rows.row_ids().tolist() == [0, 0, 2, 2]


def test_each_operation_on_a_small_matrix():
    rows = small()
    vector = np.arange(1, COLUMNS + 1, dtype=np.float32)

    assert rows.dot(vector).tolist() == [1 * 1 + 2 * 3, 0, 3 * 2 + 4 * 6, 0]
    assert np.allclose(rows.norms(), [np.sqrt(5), 0, 5, 0])
    assert rows.column_sums().tolist() == [1, 3, 2, 0, 0, 4]
    assert rows.dot_rows(rows).tolist() == [[5, 0, 0, 0], [0, 0, 0, 0], [0, 0, 25, 0], [0, 0, 0, 0]]


def test_slices_share_the_arrays_and_stack_back():
    rows = small()

    assert dense(rows[2:]).tolist() == dense(rows)[2:].tolist()
    assert dense(rows[1:1]).shape == (0, COLUMNS)
    assert dense(SparseRows.vstack([rows[:2], rows[2:]])).tolist() == dense(rows).tolist()
    with pytest.raises(ValueError):
        rows[::2]


def test_a_matrix_without_rows_or_without_values():
    none = SparseRows.empty(0, COLUMNS)
    blank = SparseRows.from_rows([(np.zeros(0, int), np.zeros(0))] * 3, COLUMNS)

    assert none.shape == (0, COLUMNS) and none.dot(np.ones(COLUMNS)).shape == (0,)
    assert none.column_sums().tolist() == [0] * COLUMNS
    assert blank.shape == (3, COLUMNS) and blank.nnz == 0
    assert blank.dot(np.ones(COLUMNS)).tolist() == [0, 0, 0] and blank.norms().tolist() == [0, 0, 0]
    assert blank.dot_rows(small()).shape == (3, 4) and not blank.dot_rows(small()).any()
    assert small().dot_rows(none).shape == (4, 0)
    assert SparseRows.vstack([]).shape == (0, 0)


def test_one_row():
    row = SparseRows.from_rows([(np.array([4]), np.array([2.0]))], COLUMNS)

    assert row.dot_rows(row).tolist() == [[4.0]] and row.norms().tolist() == [2.0]
    assert row.dot(np.full(COLUMNS, 3.0, np.float32)).tolist() == [6.0]


def test_a_column_given_twice_in_a_row_counts_as_the_sum():
    twice = SparseRows.from_rows([(np.array([1, 1, 3]), np.array([1.0, 2.0, 1.0]))], COLUMNS)
    once = SparseRows.from_rows([(np.array([1, 3]), np.array([3.0, 1.0]))], COLUMNS)

    assert twice.dot(np.arange(COLUMNS, dtype=np.float32)).tolist() == [3 * 1 + 1 * 3]
    assert twice.column_sums().tolist() == once.column_sums().tolist()
    assert twice.dot_rows(once).tolist() == once.dot_rows(twice).tolist() == [[10.0]]


def random_rows(rng: np.random.Generator, count: int, columns: int, per_row: int = 60) -> SparseRows:
    """Unit tf-idf-like rows with a Zipf-like choice of columns (common terms shared widely)."""
    rows = []
    for _ in range(count):
        ids = np.unique(np.minimum(rng.zipf(1.3, size=rng.integers(0, per_row)) - 1, columns - 1))
        values = rng.random(len(ids)).astype(np.float32) + 0.1
        rows.append((ids.astype(np.int32), values / max(float(np.linalg.norm(values)), 1e-9)))
    return SparseRows.from_rows(rows, columns)


def test_a_product_taken_in_blocks_equals_the_dense_product(monkeypatch):
    rng = np.random.default_rng(3)
    left, right = random_rows(rng, 40, 300), random_rows(rng, 25, 300)
    whole = left.dot_rows(right)

    monkeypatch.setattr(sparse_rows, "AT_ONCE", 50)  # a row or two at a time
    assert np.allclose(left.dot_rows(right), whole, atol=1e-6)
    assert np.allclose(whole, dense(left) @ dense(right).T, atol=1e-6)


# The word scores as model.py computed them with scipy.sparse, for the comparison below.


def scipy_word_scores(fitted: model.FittedModel, words) -> np.ndarray:
    profile = np.zeros(words.shape[1], dtype=np.float32)
    profile[fitted.word_ids] = fitted.word_weights
    return np.asarray(words @ profile, dtype=np.float32).ravel()


def scipy_neighbours(candidates, positives) -> np.ndarray:
    similarity = (candidates @ positives.T).toarray()
    k = min(model.NEIGHBOURS, similarity.shape[1])
    similarity = np.partition(similarity, similarity.shape[1] - k, axis=1)[:, -k:]
    return similarity.mean(axis=1).astype(np.float32)


def scipy_profile(positives, dislikes, background) -> np.ndarray:
    profile = np.asarray(positives.mean(axis=0)).ravel()
    profile -= np.asarray(background.mean(axis=0)).ravel()
    profile -= model.DISLIKE_WEIGHT / positives.shape[0] * np.asarray(dislikes.sum(axis=0)).ravel()
    return profile


def test_the_word_scores_and_rankings_are_those_scipy_gave():
    pytest.importorskip("scipy")
    rng = np.random.default_rng(16)
    columns = 5_000
    positives, dislikes = random_rows(rng, 300, columns), random_rows(rng, 10, columns)
    background, candidates = random_rows(rng, 500, columns), random_rows(rng, 800, columns)
    csr = [rows.tocsr() for rows in (positives, dislikes, background, candidates)]
    assert SparseRows.from_csr(csr[3]).dot_rows(candidates[:5]).shape == (800, 5)

    ids, weights = model.fit_words(positives, dislikes, background)
    expected = scipy_profile(*csr[:3])
    assert np.allclose(weights, expected[ids], atol=1e-6)
    fitted = model.FittedModel("test", np.zeros(2), 0.0, np.zeros((1, 2)), np.ones(1), ids, weights)
    profile, neighbours = fitted.word_scores(candidates), model.neighbour_scores(candidates, positives)
    profile_then = scipy_word_scores(fitted, csr[3])
    neighbours_then = scipy_neighbours(csr[3], csr[0])

    assert np.allclose(profile, profile_then, atol=1e-6)
    assert np.allclose(neighbours, neighbours_then, atol=1e-6)
    pairs = [(profile, profile_then), (neighbours, neighbours_then)]
    for now, then in [*pairs, (profile + neighbours, profile_then + neighbours_then)]:
        assert np.array_equal(np.argsort(-now, kind="stable"), np.argsort(-then, kind="stable"))


def test_a_lexicons_rows_are_those_scipy_built():
    pytest.importorskip("scipy")
    fitted = Lexicon.fit(["quadruped robots walk", "quadruped robots run", "galaxy halos", "galaxy dust"])

    rows = fitted.vectorise(["quadruped robots", "", "galaxy dust galaxy"])

    again = SparseRows.from_csr(rows.tocsr())
    assert np.allclose(rows.tocsr().toarray(), dense(rows))
    assert np.allclose(np.linalg.norm(rows.tocsr().toarray(), axis=1), rows.norms())
    assert np.array_equal(again.indptr, rows.indptr) and again.shape == rows.shape
