"""arXiv categories for papers whose source gives none, inferred from their embeddings.

The classifier is the papers that do have categories: a paper gets the categories of its
nearest labelled neighbours in the search index's vector space, each neighbour's vote weighted
by its similarity. On 400 held-out arXiv cs papers (3,600 labelled) it scored top-1 0.785, set
precision 0.70, recall 0.71; a one-vs-rest ridge model fitted in numpy scored 0.79, 0.73, 0.70,
within the sampling error (bench/topics/README.md). Neighbours need no fitting, so the papers
labelled since the last run count at once.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

NEIGHBOURS = 20
# Similarities are sharpened before they vote: the nearest neighbours say most.
SHARPNESS = 20.0
# A category joins the set when this share of the weighted votes hold it (the primary always does).
SET_SHARE = 0.4
MAX_CATEGORIES = 4
MIN_LABELLED = 20  # fewer labelled papers than this teach nothing worth showing
QUERY_BATCH = 256  # papers scored at once (a batch × labelled similarity matrix in memory)


@dataclass
class Prediction:
    categories: list[str]  # primary first
    confidence: float  # the primary's share of the weighted votes

    @property
    def joined(self) -> str:
        return " ".join(self.categories)


class CategoryModel:
    """The labelled papers' unit vectors and their categories (primary first)."""

    def __init__(self, vectors: np.ndarray, labels: list[list[str]]) -> None:
        if len(vectors) != len(labels):
            raise ValueError("one label list per vector")
        self.vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        self.classes = sorted({c for cats in labels for c in cats})
        index = {c: i for i, c in enumerate(self.classes)}
        self.primary = np.array([index[cats[0]] for cats in labels], dtype=np.int64)
        # Which categories each labelled paper holds, as a dense 0/1 matrix (papers × classes).
        self.holds = np.zeros((len(labels), len(self.classes)), dtype=np.float32)
        for row, cats in enumerate(labels):
            self.holds[row, [index[c] for c in cats]] = 1.0

    def __len__(self) -> int:
        return len(self.vectors)

    def predict(self, vectors: np.ndarray, exclude_self: bool = False) -> list[Prediction]:
        """Categories for each row of ``vectors``; ``exclude_self``: the rows are labelled papers
        themselves (in order), which must not vote for themselves (for measuring)."""
        out: list[Prediction] = []
        k = min(NEIGHBOURS, len(self) - (1 if exclude_self else 0))
        for start in range(0, len(vectors), QUERY_BATCH):
            batch = np.asarray(vectors[start : start + QUERY_BATCH], dtype=np.float32)
            sims = batch @ self.vectors.T
            if exclude_self:
                sims[np.arange(len(batch)), np.arange(start, start + len(batch))] = -np.inf
            near = np.argpartition(-sims, k - 1, axis=1)[:, :k]
            near_sims = np.take_along_axis(sims, near, axis=1)
            weights = np.exp(SHARPNESS * (near_sims - near_sims.max(axis=1, keepdims=True)))
            weights /= weights.sum(axis=1, keepdims=True)
            for row in range(len(batch)):
                out.append(self._vote(near[row], weights[row]))
        return out

    def _vote(self, neighbours: np.ndarray, weights: np.ndarray) -> Prediction:
        primary_votes = np.bincount(self.primary[neighbours], weights=weights, minlength=len(self.classes))
        shares = weights @ self.holds[neighbours]
        primary = int(np.argmax(primary_votes + 1e-6 * shares))  # ties: the more widely held
        others = [int(i) for i in np.argsort(-shares) if shares[i] >= SET_SHARE and i != primary]
        chosen = [primary, *others][:MAX_CATEGORIES]
        return Prediction([self.classes[i] for i in chosen], float(primary_votes[primary]))


def score(predictions: list[Prediction], truth: list[list[str]]) -> tuple[float, float, float]:
    """(primary top-1 accuracy, set precision, set recall), pooled over the papers."""
    if not predictions:
        return 0.0, 0.0, 0.0
    right = sum(p.categories[:1] == t[:1] for p, t in zip(predictions, truth, strict=True))
    shared = sum(len(set(p.categories) & set(t)) for p, t in zip(predictions, truth, strict=True))
    predicted = sum(len(p.categories) for p in predictions)
    actual = sum(len(t) for t in truth)
    return right / len(predictions), shared / max(predicted, 1), shared / max(actual, 1)
