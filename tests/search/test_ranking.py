"""Pseudo-relevance feedback in ranking (search/ranking.py), on a hand-made backend."""

from __future__ import annotations

import numpy as np

from paperfeed.search import ranking


class Backend:
    """Stored vectors of two papers; remembers the vector it was asked to search near."""

    def __init__(self) -> None:
        self.asked: np.ndarray | None = None

    def vectors_for(self, pks):
        stored = {1: np.array([1.0, 0.0, 0.0]), 2: np.array([0.0, 1.0, 0.0])}
        return {pk: stored[pk] for pk in pks if pk in stored}

    def dense(self, vector, filters, limit):
        self.asked = vector
        return [(5, 0.9), (6, ranking.DENSE_MIN_SIMILARITY / 2)]


def test_feedback_moves_the_query_towards_its_best_results_and_keeps_the_floor(monkeypatch):
    monkeypatch.setattr(ranking, "PRF_WEIGHT", 0.5)
    backend = Backend()
    found = ranking._with_feedback(backend, np.array([0.0, 0.0, 1.0]), None, [1, 2])
    moved = np.array([0.25, 0.25, 1.0])
    assert np.allclose(backend.asked, moved / np.linalg.norm(moved))
    assert found == [(5, 0.9)]  # a paper below the similarity floor stays out


def test_without_stored_vectors_the_query_is_searched_as_it_is(monkeypatch):
    monkeypatch.setattr(ranking, "PRF_WEIGHT", 0.5)
    backend = Backend()
    ranking._with_feedback(backend, np.array([0.0, 0.0, 1.0]), None, [7])
    assert np.allclose(backend.asked, [0.0, 0.0, 1.0])
