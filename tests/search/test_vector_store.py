"""The vector files: a base (exact or HNSW) with incremental segments that override and remove."""

from __future__ import annotations

import numpy as np
import pytest

from paperfeed.search.backends import vectors
from paperfeed.search.backends.vectors import VectorStore, save_segment


def unit(rows: np.ndarray) -> np.ndarray:
    return (rows / np.linalg.norm(rows, axis=1, keepdims=True)).astype(np.float32)


@pytest.fixture
def base(tmp_path):
    """200 clustered vectors saved as base generation 1, with pks 1000..1199."""
    rng = np.random.default_rng(3)
    centres = rng.standard_normal((10, 16))
    matrix = unit(centres[np.arange(200) % 10] + 0.3 * rng.standard_normal((200, 16)))
    ids = np.arange(1000, 1200, dtype=np.int64)
    VectorStore(ids, matrix).save_base(tmp_path, 1)
    return tmp_path, ids, matrix


@pytest.fixture(params=["exact", "hnsw"])
def graph_mode(request, monkeypatch):
    monkeypatch.setattr(vectors, "HNSW_MIN_VECTORS", 100 if request.param == "hnsw" else 10**9)
    return request.param


def test_a_base_finds_each_vector_nearest_to_itself(base, graph_mode):
    directory, ids, matrix = base
    VectorStore(ids, matrix).save_base(directory, 2)
    store = VectorStore.load(directory, 2, 16)
    assert (store.graph is not None) == (graph_mode == "hnsw")
    for row in (0, 57, 199):
        assert store.search(matrix[row], 1)[0][0] == ids[row]


def test_segments_replace_add_and_remove_vectors(base, graph_mode):
    directory, ids, matrix = base
    VectorStore(ids, matrix).save_base(directory, 2)
    moved = unit(-matrix[[5]])  # pk 1005 now points the other way
    new = unit(np.ones((1, 16)))
    save_segment(directory, 1, np.array([1005]), moved, np.array([1010]))
    save_segment(directory, 2, np.array([5000]), new, np.array([], dtype=np.int64))
    store = VectorStore.load(directory, 2, 16, [1, 2])
    assert len(store) == 200  # one removed, one added
    assert 1010 not in store.ids and 5000 in store.ids
    assert store.search(matrix[10], 200)[0][0] != 1010
    assert 1010 not in {pk for pk, _ in store.search(matrix[10], 200)}
    assert store.search(moved[0], 1)[0][0] == 1005
    assert 1005 not in {pk for pk, _ in store.search(matrix[5], 3)}  # the old vector is gone
    assert store.search(new[0], 1)[0][0] == 5000
    assert np.allclose(store.vectors_for(np.array([1005]))[1005], moved[0])
    assert 1010 not in store.vectors_for(np.array([1010]))


def test_a_later_segment_can_bring_back_a_removed_paper(base):
    directory, ids, matrix = base
    save_segment(directory, 1, np.array([], dtype=np.int64), np.zeros((0, 16)), np.array([1003]))
    save_segment(directory, 2, np.array([1003]), matrix[[3]], np.array([], dtype=np.int64))
    store = VectorStore.load(directory, 1, 16, [1, 2])
    assert store.search(matrix[3], 1)[0][0] == 1003
    assert len(store) == 200


def test_filtered_and_excluding_searches_respect_segments(base):
    directory, ids, matrix = base
    save_segment(directory, 1, np.array([], dtype=np.int64), np.zeros((0, 16)), np.array([1020]))
    store = VectorStore.load(directory, 1, 16, [1])
    allowed = np.array([1000, 1010, 1020, 1030], dtype=np.int64)
    found = store.search(matrix[20], 10, allowed=allowed, exclude={1000})
    assert {pk for pk, _ in found} == {1010, 1030}


def test_compaction_gives_the_same_answers_from_one_base(base, graph_mode):
    directory, ids, matrix = base
    save_segment(directory, 1, np.array([1005, 7000]), unit(-matrix[[5, 6]]), np.array([1010]))
    store = VectorStore.load(directory, 1, 16, [1])
    compact = store.compacted()
    assert not compact.segments and len(compact) == len(store) == 200
    compact.save_base(directory, 2)
    reloaded = VectorStore.load(directory, 2, 16)
    for probe in (matrix[0], -matrix[5], matrix[77]):
        assert [pk for pk, _ in reloaded.search(probe, 5)] == [pk for pk, _ in store.search(probe, 5)]
