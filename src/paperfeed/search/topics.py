"""arXiv categories for papers whose source gives none, inferred from their embeddings.

The classifier is fitted on the papers that do have categories: one-vs-rest ridge regression
over the search index's unit vectors (closed form in numpy, so no new dependency), one set of
weights for the primary category and one for the categories a paper holds. Measured on 400
held-out arXiv cs papers (3,600 labelled) against nearest labelled neighbours with
similarity-weighted votes: top-1 0.79 against 0.785, set precision 0.73 against 0.70, recall
0.70 against 0.71 (bench/topics/README.md), and it answers in microseconds per paper where
neighbours read every labelled vector (55 papers/s against 75k labelled on the loaded machine).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

# Fitted on 4,000 recent arXiv cs papers (bench/topics/fit_prior.py): used while the database
# holds too few papers with categories to learn from (a site started from Hugging Face imports).
PRIOR = Path(__file__).with_name("category_prior.npz")

RIDGE = 1.0  # regularisation (0.1 and 10 measured worse)
# A category joins the set when its score reaches this (the primary always does).
SET_SHARE = 0.4
MAX_CATEGORIES = 4
MIN_LABELLED = 20  # fewer labelled papers than this teach nothing worth showing
FIT_BATCH = 8192  # labelled rows per step of the normal equations


@dataclass
class Prediction:
    categories: list[str]  # primary first
    confidence: float  # the primary's score (about 1 for a clear case)

    @property
    def joined(self) -> str:
        return " ".join(self.categories)


class CategoryModel:
    """Ridge weights fitted on labelled unit vectors and their categories (primary first)."""

    def __init__(self, vectors: np.ndarray, labels: list[list[str]]) -> None:
        if len(vectors) != len(labels):
            raise ValueError("one label list per vector")
        self.size = len(labels)
        self.classes = sorted({c for cats in labels for c in cats})
        index = {c: i for i, c in enumerate(self.classes)}
        dim = vectors.shape[1] + 1  # a bias column
        gram = RIDGE * np.eye(dim, dtype=np.float64)
        targets = np.zeros((dim, 2 * len(self.classes)), dtype=np.float64)
        for start in range(0, self.size, FIT_BATCH):
            x = _with_bias(vectors[start : start + FIT_BATCH])
            y = np.zeros((len(x), 2 * len(self.classes)), dtype=np.float32)
            for row, cats in enumerate(labels[start : start + FIT_BATCH]):
                y[row, index[cats[0]]] = 1.0  # primary
                y[row, [len(self.classes) + index[c] for c in cats]] = 1.0  # holds
            gram += x.T @ x
            targets += x.T @ y
        self.weights = np.linalg.solve(gram, targets).astype(np.float32)

    @classmethod
    def from_weights(cls, classes: list[str], weights: np.ndarray, size: int) -> CategoryModel:
        model = cls.__new__(cls)
        model.classes, model.weights, model.size = list(classes), weights.astype(np.float32), size
        return model

    def save(self, path: Path, embedder_name: str) -> None:
        """Write the fitted model (weights in float16) for ``load_prior``."""
        np.savez_compressed(
            path,
            classes=np.array(self.classes),
            weights=self.weights.astype(np.float16),
            size=self.size,
            model=embedder_name,
        )

    def __len__(self) -> int:
        return self.size

    def predict(self, vectors: np.ndarray) -> list[Prediction]:
        scores = _with_bias(vectors) @ self.weights
        n = len(self.classes)
        out = []
        for primary_row, holds_row in zip(scores[:, :n], scores[:, n:], strict=True):
            primary = int(np.argmax(primary_row))
            others = [int(i) for i in np.argsort(-holds_row) if holds_row[i] >= SET_SHARE and i != primary]
            chosen = [primary, *others][:MAX_CATEGORIES]
            out.append(Prediction([self.classes[i] for i in chosen], float(primary_row[primary])))
        return out


def _with_bias(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    return np.hstack([vectors, np.ones((len(vectors), 1), dtype=np.float32)])


def score(predictions: list[Prediction], truth: list[list[str]]) -> tuple[float, float, float]:
    """(primary top-1 accuracy, set precision, set recall), pooled over the papers."""
    if not predictions:
        return 0.0, 0.0, 0.0
    right = sum(p.categories[:1] == t[:1] for p, t in zip(predictions, truth, strict=True))
    shared = sum(len(set(p.categories) & set(t)) for p, t in zip(predictions, truth, strict=True))
    predicted = sum(len(p.categories) for p in predictions)
    actual = sum(len(t) for t in truth)
    return right / len(predictions), shared / max(predicted, 1), shared / max(actual, 1)


def load_prior(embedder_name: str | None) -> CategoryModel | None:
    """The bundled model, when it was fitted on vectors of the index's embedding model."""
    if not PRIOR.exists():
        return None
    with np.load(PRIOR, allow_pickle=False) as data:
        if str(data["model"]) != embedder_name:
            return None
        return CategoryModel.from_weights(list(data["classes"]), data["weights"], int(data["size"]))
