"""The per-reader model on its own: a linear classifier plus one centroid per interest."""

from __future__ import annotations

import numpy as np

from paperfeed.recommend.model import (
    FittedModel,
    cluster_count,
    dense_neighbour_scores,
    fit,
    neighbour_scores,
    spherical_kmeans,
)


def unit(matrix: np.ndarray) -> np.ndarray:
    return (matrix / np.linalg.norm(matrix, axis=1, keepdims=True)).astype(np.float32)


def topic(rng, centre: np.ndarray, count: int, spread: float = 0.3) -> np.ndarray:
    return unit(centre + spread * rng.normal(size=(count, len(centre))))


def test_two_interests_get_a_centroid_each_and_both_outscore_the_rest():
    rng = np.random.default_rng(1)
    robots, safety, other = (rng.normal(size=32) for _ in range(3))
    positives = np.concatenate([topic(rng, robots, 12), topic(rng, safety, 4)])
    background = unit(rng.normal(size=(200, 32)))

    model = fit("test", positives, np.zeros((0, 32), np.float32), background)

    nearest = np.argmax(model.centroids @ unit(np.stack([robots, safety])).T, axis=0)
    assert nearest[0] != nearest[1]  # the smaller interest is not swallowed by the larger
    scores, _, _ = model.score(
        np.concatenate([topic(rng, robots, 5), topic(rng, safety, 5), topic(rng, other, 5)])
    )
    assert scores[:10].min() > scores[10:].max()


def test_a_dismissed_paper_lowers_the_score_of_papers_like_it():
    rng = np.random.default_rng(2)
    liked, disliked = rng.normal(size=32), rng.normal(size=32)
    positives = topic(rng, liked, 10)
    background = unit(rng.normal(size=(200, 32)))
    similar = topic(rng, disliked, 5)
    none = np.zeros((0, 32), np.float32)

    without = fit("test", positives, none, background).score(similar)[0]
    with_dislikes = fit("test", positives, topic(rng, disliked, 3), background).score(similar)[0]

    assert (with_dislikes < without).all()


def test_a_fitted_model_survives_storage_unchanged():
    rng = np.random.default_rng(3)
    model = fit(
        "embedding:x",
        unit(rng.normal(size=(20, 16))),
        np.zeros((0, 16), np.float32),
        unit(rng.normal(size=(50, 16))),
    )

    again = FittedModel.from_bytes("embedding:x", model.to_bytes())

    assert np.allclose(again.weights, model.weights) and again.bias == model.bias
    assert np.allclose(again.centroids, model.centroids) and np.allclose(again.shares, model.shares)
    assert len(model.to_bytes()) < 20_000


def test_clusters_grow_slowly_with_the_number_of_positives():
    assert [cluster_count(n) for n in (1, 2, 4, 10, 30, 1000)] == [1, 2, 2, 4, 6, 6]


def test_kmeans_is_reproducible():
    rng = np.random.default_rng(4)
    matrix = unit(rng.normal(size=(40, 8)))

    first, _ = spherical_kmeans(matrix, 3)
    second, _ = spherical_kmeans(matrix, 3)

    assert np.array_equal(first, second)


def words_of(*texts: str):
    from paperfeed.recommend.lexicon import Lexicon

    fitted = Lexicon.fit(
        [
            "quadruped locomotion legged robots",
            "quadruped robots rough terrain",
            "protein folding structures",
            "protein enzyme design",
            "galaxy rotation curves",
            "galaxy dark matter halos",
        ]
    )
    return fitted, fitted.vectorise(texts)


def test_the_word_profile_puts_the_readers_terms_first_and_a_dismissal_lowers_them():
    rng = np.random.default_rng(5)
    fitted, rows = words_of(
        "quadruped locomotion", "legged robots", "galaxy halos", "protein folding", "quadruped terrain"
    )
    positives, background, candidate = rows[:2], rows[2:4], rows[4:]
    dense = unit(rng.normal(size=(4, 8)))
    none = np.zeros((0, 8), np.float32)

    model = fit("test", dense[:2], none, dense[2:], (positives, rows[:0], background), fitted.version)
    disliked = fit(
        "test", dense[:2], dense[3:], dense[2:3], (positives, rows[4:], background[:1]), fitted.version
    )

    scores = model.word_scores(rows)
    assert scores[4] > 0 > scores[2]  # a new quadruped paper above a galaxy paper
    assert disliked.word_scores(candidate)[0] < scores[4]


def test_a_word_score_is_the_closeness_to_the_nearest_few_positives_not_to_their_average():
    _, rows = words_of(
        "quadruped locomotion legged robots",  # positives: two robot papers, one galaxy paper
        "quadruped robots rough terrain",
        "galaxy dark matter halos",
        "quadruped legged robots terrain",  # candidates
        "galaxy rotation curves",
        "protein enzyme design",
    )

    scores = neighbour_scores(rows[3:], rows[:3])

    assert scores[0] > scores[1] > scores[2] == 0.0
    one = neighbour_scores(rows[3:4], rows[:1])
    assert np.isclose(one[0], rows[3:4].dot_rows(rows[:1])[0, 0])  # fewer positives than neighbours


def test_the_scores_are_added_in_units_of_their_spread_over_the_corpus():
    rng = np.random.default_rng(6)
    _, rows = words_of("quadruped robots", "galaxy halos", "protein enzyme", "protein folding")
    dense = unit(rng.normal(size=(4, 8)))

    model = fit(
        "test", dense[:1], np.zeros((0, 8), np.float32), dense[1:], (rows[:1], rows[:0], rows[1:]), "v"
    )

    combined = model.combined(
        model.score(dense[1:])[0], model.word_scores(rows[1:]), neighbour_scores(rows[1:], rows[:1])
    )
    assert abs(float(combined.mean())) < 1e-4  # the corpus sample sits at zero in each score
    again = FittedModel.from_bytes("test", model.to_bytes())
    assert np.array_equal(again.word_ids, model.word_ids) and np.allclose(
        again.calibration, model.calibration
    )
    assert again.lexicon == "v" and len(again.calibration) == 8


def test_a_vector_neighbour_score_is_the_closeness_to_the_nearest_positive():
    rng = np.random.default_rng(7)
    robots, galaxies, proteins = (rng.normal(size=16) for _ in range(3))
    positives = np.concatenate([topic(rng, robots, 3, 0.1), topic(rng, galaxies, 1, 0.1)])
    candidates = np.concatenate(
        [topic(rng, robots, 1, 0.1), topic(rng, galaxies, 1, 0.1), topic(rng, proteins, 1)]
    )

    scores = dense_neighbour_scores(candidates, positives)

    # One liked galaxy paper is enough: the score does not average it with the robot papers.
    assert np.allclose(scores, (candidates @ positives.T).max(axis=1))
    assert min(scores[0], scores[1]) > scores[2]
    assert dense_neighbour_scores(positives[:1], positives[:0]).tolist() == [0.0]


def test_a_model_stored_before_the_vector_neighbours_ranks_as_it_did():
    rng = np.random.default_rng(8)
    model = fit(
        "test", unit(rng.normal(size=(6, 8))), np.zeros((0, 8), np.float32), unit(rng.normal(size=(40, 8)))
    )
    model.calibration = model.calibration[:6]
    dense = model.score(unit(rng.normal(size=(5, 8))))[0]

    assert not model.has_dense_neighbours
    assert np.array_equal(
        model.combined(dense, None, None, np.ones(5, np.float32)), model.combined(dense, None, None)
    )
