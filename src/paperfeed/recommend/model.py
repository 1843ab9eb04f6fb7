"""The per-reader model: a weighted ridge classifier over paper vectors, plus a few centroids of
the reader's positives (spherical k-means), so that a reader with several interests is served in
each of them rather than at the blurred average of all.

Fitting a reader with 1,000 positives takes tens of milliseconds; the result is a few kilobytes.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass, field

import numpy as np

from paperfeed.recommend.sparse_rows import SparseRows

RIDGE = 1.0  # L2 penalty of the classifier
# Total weight of each side of the fit: positives, and negatives sampled from the corpus.
POSITIVE_MASS = 1.0
BACKGROUND_MASS = 1.0
# A paper the reader dismissed weighs as much as this many positives.
DISLIKE_WEIGHT = 3.0
# "logistic" refines the least-squares fit by Newton steps when there are more examples than
# dimensions (the embeddings); "ridge" keeps the least-squares fit.
LOSS = "logistic"
NEWTON_STEPS = 6
LOGIT_SCALE = 0.25  # logits brought to about the range of the least-squares scores
MAX_CLUSTERS = 6
KMEANS_ROUNDS = 15
# How much closeness to one of the reader's interests adds to the classifier's score.
CENTROID_WEIGHT = 1.0
WORD_TERMS = 8000  # the terms of a word profile that are kept (by size of weight)
# The closest positives a candidate's neighbour scores are the mean of: the closest one, so a
# paper like any single paper of the reader's counts (three before the vector neighbours came).
NEIGHBOURS = 1
# The newest positives a candidate's words and vectors are compared with (bounds a month's work).
WORD_POSITIVES = 500
# The fourth score, the vectors' neighbours: the cosine to the reader's closest positive.
DENSE_NEIGHBOURS = 1
UNCALIBRATED = [0.0, 1.0, 0.0, 1.0, 0.0, 1.0, 0.0, 1.0]


@dataclass
class FittedModel:
    space: str
    weights: np.ndarray  # (dim,)
    bias: float
    centroids: np.ndarray  # (k, dim) unit rows, one per interest
    shares: np.ndarray  # (k,) the fraction of positives in each interest
    # The tf-idf profile (lexicon.py): term ids and their weights, with the lexicon's version.
    word_ids: np.ndarray | None = None
    word_weights: np.ndarray | None = None
    lexicon: str = ""
    # Mean and spread of each score over the sampled corpus papers: the scores are added in these
    # units, so none dominates by scale and a paper's score does not depend on the window it is
    # ranked in. [vectors' mean, spread, word profile's mean, spread, neighbours' mean, spread,
    # vector neighbours' mean, spread] (a model stored before the fourth score holds six).
    calibration: np.ndarray = field(default_factory=lambda: np.array(UNCALIBRATED, np.float32))

    def to_bytes(self) -> bytes:
        buffer = io.BytesIO()
        np.savez(
            buffer,
            weights=self.weights.astype(np.float32),
            bias=np.array([self.bias], dtype=np.float32),
            centroids=self.centroids.astype(np.float32),
            shares=self.shares.astype(np.float32),
            word_ids=self.word_ids if self.word_ids is not None else np.zeros(0, np.int32),
            word_weights=self.word_weights if self.word_weights is not None else np.zeros(0, np.float32),
            lexicon=np.array([self.lexicon]),
            calibration=self.calibration.astype(np.float32),
        )
        return buffer.getvalue()

    @classmethod
    def from_bytes(cls, space: str, data: bytes) -> FittedModel:
        with np.load(io.BytesIO(bytes(data))) as arrays:
            words = "word_ids" in arrays and len(arrays["word_ids"]) > 0
            return cls(
                space,
                arrays["weights"],
                float(arrays["bias"][0]),
                arrays["centroids"],
                arrays["shares"],
                arrays["word_ids"] if words else None,
                arrays["word_weights"] if words else None,
                str(arrays["lexicon"][0]) if "lexicon" in arrays else "",
                arrays["calibration"]
                if "calibration" in arrays
                else np.array([0.0, 1.0, 0.0, 1.0], np.float32),
            )

    def score(self, matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Each row's score by the vectors, its nearest interest and its closeness to that interest."""
        closeness = matrix @ self.centroids.T
        interest = np.argmax(closeness, axis=1)
        near = closeness[np.arange(len(matrix)), interest]
        return matrix @ self.weights + self.bias + CENTROID_WEIGHT * near, interest, near

    def word_scores(self, words: SparseRows) -> np.ndarray:
        """Each tf-idf row's score by the word profile (zero without one)."""
        if self.word_ids is None or not len(words):
            return np.zeros(len(words), dtype=np.float32)
        profile = np.zeros(words.columns, dtype=np.float32)
        inside = self.word_ids < words.columns
        profile[self.word_ids[inside]] = self.word_weights[inside]
        return words.dot(profile)

    @property
    def has_dense_neighbours(self) -> bool:
        return len(self.calibration) >= 8

    @property
    def neighbours(self) -> int:
        """The positives its word neighbour score was calibrated with (a model stored before the
        vector neighbours took three; it ranks as it did until the reader's signals change)."""
        return NEIGHBOURS if self.has_dense_neighbours else 3

    def combined(
        self,
        dense: np.ndarray,
        profile: np.ndarray | None,
        neighbours: np.ndarray | None,
        dense_neighbours: np.ndarray | None = None,
    ) -> np.ndarray:
        """The scores, each in units of its spread over the corpus, added with equal weights."""
        c = [float(x) for x in self.calibration]
        total = (dense - c[0]) / c[1]
        if self.word_ids is not None and profile is not None and neighbours is not None:
            total = total + (profile - c[2]) / c[3] + (neighbours - c[4]) / c[5]
        if dense_neighbours is not None and self.has_dense_neighbours:
            total = total + (dense_neighbours - c[6]) / c[7]
        return total


def neighbour_scores(candidates: SparseRows, positives: SparseRows, k: int = NEIGHBOURS) -> np.ndarray:
    """Each candidate's mean tf-idf cosine to its ``k`` closest positives: a researcher's next
    paper shares terms with one or a few of their papers, not with all of them."""
    if not len(candidates) or not len(positives):
        return np.zeros(len(candidates), dtype=np.float32)
    similarity = candidates.dot_rows(positives)
    k = min(k, similarity.shape[1])
    if k < similarity.shape[1]:
        similarity = np.partition(similarity, similarity.shape[1] - k, axis=1)[:, -k:]
    return similarity.mean(axis=1).astype(np.float32)


def dense_neighbour_scores(candidates: np.ndarray, positives: np.ndarray) -> np.ndarray:
    """Each candidate's mean cosine to its ``DENSE_NEIGHBOURS`` closest positives in the vector
    space: the word neighbours' counterpart, for a next paper worded unlike the earlier ones."""
    if not len(candidates) or not len(positives):
        return np.zeros(len(candidates), dtype=np.float32)
    similarity = candidates @ positives.T
    k = min(DENSE_NEIGHBOURS, similarity.shape[1])
    if k < similarity.shape[1]:
        similarity = np.partition(similarity, similarity.shape[1] - k, axis=1)[:, -k:]
    return similarity.mean(axis=1).astype(np.float32)


def fit_words(positives: SparseRows, dislikes: SparseRows, background: SparseRows):
    """The word profile: the mean tf-idf row of the positives less that of the negatives (the
    sampled corpus, and each dismissed paper weighing ``DISLIKE_WEIGHT`` positives). With its
    small C on unit rows, arxiv-sanity's linear SVM is close to this difference of means;
    computed directly it takes a millisecond and needs no solver. Returns term ids and weights,
    the ``WORD_TERMS`` largest by size."""
    profile = positives.column_sums() / np.float32(len(positives))
    if len(background):
        profile -= background.column_sums() / np.float32(len(background))
    if len(dislikes):
        profile -= np.float32(DISLIKE_WEIGHT / len(positives)) * dislikes.column_sums()
    ids = np.flatnonzero(profile)
    if len(ids) > WORD_TERMS:
        ids = np.sort(ids[np.argpartition(-np.abs(profile[ids]), WORD_TERMS)[:WORD_TERMS]])
    return ids.astype(np.int32), profile[ids].astype(np.float32)


def spread_of(scores: np.ndarray) -> tuple[float, float]:
    """Mean and standard deviation (at least a small floor, so a flat block adds nothing wild)."""
    if not len(scores):
        return 0.0, 1.0
    return float(scores.mean()), max(float(scores.std()), 1e-3)


def cluster_count(positives: int) -> int:
    return max(1, min(MAX_CLUSTERS, positives, math.ceil(math.sqrt(positives))))


def spherical_kmeans(matrix: np.ndarray, k: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Unit centroids and each row's cluster; seeded with k-means++ so a fit is reproducible."""
    rng = np.random.default_rng(seed)
    n = len(matrix)
    chosen = [int(rng.integers(n))]
    distance = 1.0 - matrix @ matrix[chosen[0]]
    for _ in range(1, k):
        weights = np.clip(distance, 0, None) ** 2
        total = weights.sum()
        if total <= 1e-12:
            break
        chosen.append(int(rng.choice(n, p=weights / total)))
        distance = np.minimum(distance, 1.0 - matrix @ matrix[chosen[-1]])
    centroids = matrix[chosen].copy()
    labels = np.zeros(n, dtype=np.int64)
    for _ in range(KMEANS_ROUNDS):
        new_labels = np.argmax(matrix @ centroids.T, axis=1)
        for c in range(len(centroids)):
            members = matrix[new_labels == c]
            if len(members):
                centroids[c] = members.sum(axis=0)
        centroids /= np.maximum(np.linalg.norm(centroids, axis=1, keepdims=True), 1e-12)
        if np.array_equal(new_labels, labels):
            break
        labels = new_labels
    return centroids.astype(np.float32), labels


def ridge(matrix: np.ndarray, targets: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, float]:
    """Weighted least squares with an L2 penalty (a linear classifier on ±1 targets) and a bias.

    Solved in the primal when rows outnumber columns, else in the dual: either way one small
    linear system.
    """
    mean = (weights @ matrix) / weights.sum()
    centred = matrix - mean
    target_mean = float(weights @ targets / weights.sum())
    y = targets - target_mean
    n, dim = centred.shape
    if n >= dim:
        gram = (centred * weights[:, None]).T @ centred + RIDGE * np.eye(dim, dtype=np.float64)
        w = np.linalg.solve(gram, (centred * weights[:, None]).T @ y)
    else:
        kernel = centred @ centred.T
        alpha = np.linalg.solve(weights[:, None] * kernel + RIDGE * np.eye(n), weights * y)
        w = centred.T @ alpha
    # Rounded as stored, so a fresh fit and a stored one score alike.
    return w.astype(np.float32), float(np.float32(target_mean - mean @ w))


def logistic(
    matrix: np.ndarray, targets: np.ndarray, weights: np.ndarray, start: tuple[np.ndarray, float]
) -> tuple[np.ndarray, float]:
    """Weighted L2-penalised logistic regression by a few Newton steps from ``start``.

    Unlike least squares it does not pull papers that are already far on the right side back
    toward the boundary, so negatives added where the score is already low cannot raise it.
    """
    n, dim = matrix.shape
    design = np.hstack([matrix, np.ones((n, 1))])
    theta = np.concatenate([start[0].astype(np.float64), [start[1]]])
    penalty = np.full(dim + 1, RIDGE)
    penalty[-1] = 1e-6  # the bias is not penalised
    for _ in range(NEWTON_STEPS):
        margin = targets * (design @ theta)
        p = 1.0 / (1.0 + np.exp(-np.clip(margin, -30, 30)))
        gradient = -design.T @ (weights * targets * (1.0 - p)) + penalty * theta
        curvature = weights * p * (1.0 - p)
        hessian = (design * curvature[:, None]).T @ design + np.diag(penalty)
        step = np.linalg.solve(hessian, gradient)
        theta -= step
        if np.abs(step).max() < 1e-4:
            break
    return theta[:dim].astype(np.float32), float(np.float32(theta[dim]))


def fit(
    space: str,
    positives: np.ndarray,
    dislikes: np.ndarray,
    background: np.ndarray,
    words: tuple[SparseRows, SparseRows, SparseRows] | None = None,
    lexicon: str = "",
) -> FittedModel:
    """A reader's model from their positives, their dismissed papers and papers sampled from the
    corpus: vectors, and (``words``) the same papers' tf-idf rows of ``lexicon``."""
    dim = positives.shape[1]
    parts = [positives, dislikes.reshape(-1, dim), background.reshape(-1, dim)]
    matrix = np.concatenate(parts).astype(np.float64)
    per_positive = POSITIVE_MASS / len(positives)
    weights = np.concatenate(
        [
            np.full(len(positives), per_positive),
            np.full(len(parts[1]), DISLIKE_WEIGHT * per_positive),
            np.full(len(parts[2]), BACKGROUND_MASS / max(len(parts[2]), 1)),
        ]
    )
    targets = np.concatenate([np.ones(len(positives)), -np.ones(len(parts[1]) + len(parts[2]))])
    # Scaled so the penalty means the same whatever the number of examples.
    weights *= len(matrix)
    w, bias = ridge(matrix, targets, weights)
    if LOSS == "logistic" and len(matrix) >= dim:
        w, bias = logistic(matrix, targets, weights, (w, bias))
        w, bias = w * LOGIT_SCALE, bias * LOGIT_SCALE
    k = cluster_count(len(positives))
    centroids, labels = spherical_kmeans(positives.astype(np.float32), k)
    shares = np.bincount(labels, minlength=len(centroids)).astype(np.float32) / len(positives)
    model = FittedModel(space, w, bias, centroids, shares, lexicon=lexicon)
    reference = (background.reshape(-1, dim) if len(background) else positives).astype(np.float32)
    calibration = [*spread_of(model.score(reference)[0])]
    if words is not None and len(words[0]):
        positive_words, _, background_words = words
        model.word_ids, model.word_weights = fit_words(*words)
        reference_words = background_words if len(background_words) else positive_words
        calibration += [
            *spread_of(model.word_scores(reference_words)),
            *spread_of(neighbour_scores(reference_words, positive_words[:WORD_POSITIVES])),
        ]
    else:
        calibration += UNCALIBRATED[2:6]
    newest = positives[:WORD_POSITIVES].astype(np.float32)
    calibration += [*spread_of(dense_neighbour_scores(reference, newest))]
    model.calibration = np.array(calibration, dtype=np.float32)
    return model
