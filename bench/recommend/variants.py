"""The scorers `levers.py` compares: each takes one case's matrices and scores its candidates."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from paperfeed.recommend import model
from paperfeed.recommend.sparse_rows import SparseRows


@dataclass
class CaseData:
    dense_pos: np.ndarray
    dense_bg: np.ndarray
    dense_cand: np.ndarray
    words_pos: sparse.csr_matrix
    words_bg: sparse.csr_matrix
    words_cand: sparse.csr_matrix
    _cache: dict | None = None

    def memo(self, key: str, make: Callable[[], np.ndarray]) -> np.ndarray:
        if self._cache is None:
            self._cache = {}
        if key not in self._cache:
            self._cache[key] = make()
        return self._cache[key]


def zscore(x: np.ndarray) -> np.ndarray:
    return (x - x.mean()) / (x.std() + 1e-9)


def centroid(d: CaseData) -> np.ndarray:
    profile = d.dense_pos.mean(axis=0)
    return d.dense_cand @ (profile / np.linalg.norm(profile))


def dense_model(d: CaseData) -> np.ndarray:
    def make():
        fitted = model.fit("x", d.dense_pos, np.zeros((0, d.dense_pos.shape[1])), d.dense_bg)
        return fitted.score(d.dense_cand)[0]

    return d.memo("dense", make)


def dense_knn(d: CaseData, k: int = 3) -> np.ndarray:
    sims = d.dense_cand @ d.dense_pos.T
    k = min(k, sims.shape[1])
    return np.sort(sims, axis=1)[:, -k:].mean(axis=1)


def words_rocchio(d: CaseData) -> np.ndarray:
    def make():
        profile = np.asarray(d.words_pos.mean(axis=0)).ravel() - np.asarray(d.words_bg.mean(axis=0)).ravel()
        return d.words_cand @ profile

    return d.memo("rocchio", make)


def words_svm(d: CaseData, c: float = 0.01) -> np.ndarray:
    from sklearn.svm import LinearSVC

    def make():
        x = sparse.vstack([d.words_pos, d.words_bg]).tocsr()
        y = np.r_[np.ones(d.words_pos.shape[0]), np.zeros(d.words_bg.shape[0])]
        svm = LinearSVC(class_weight="balanced", max_iter=10_000, tol=1e-6, C=c).fit(x, y)
        return svm.decision_function(d.words_cand)

    return d.memo(f"svm{c}", make)


def words_knn(d: CaseData, k: int = 3) -> np.ndarray:
    def make():
        sims = (d.words_cand @ d.words_pos.T).toarray()
        return np.sort(sims, axis=1)[:, ::-1]

    sims = d.memo("words_sims", make)
    return sims[:, : min(k, sims.shape[1])].mean(axis=1)


def rrf(*scores: np.ndarray, k: int = 60) -> np.ndarray:
    total = np.zeros(len(scores[0]))
    for s in scores:
        ranks = np.empty(len(s))
        ranks[np.argsort(-s, kind="stable")] = np.arange(len(s))
        total += 1.0 / (k + ranks + 1)
    return total


def fused(words: Callable[[CaseData], np.ndarray], weight: float) -> Callable[[CaseData], np.ndarray]:
    return lambda d: zscore(dense_model(d)) + weight * zscore(words(d))


def calibrated(d: CaseData, words_weights: Callable[[CaseData], np.ndarray], weight: float) -> np.ndarray:
    """Each block standardised by its scores over the sampled background (not the candidates)."""
    fitted = d.memo(
        "dense_fit", lambda: model.fit("x", d.dense_pos, np.zeros((0, d.dense_pos.shape[1])), d.dense_bg)
    )
    dense_bg = fitted.score(d.dense_bg)[0]
    dense = (fitted.score(d.dense_cand)[0] - dense_bg.mean()) / (dense_bg.std() + 1e-9)
    w = words_weights(d)
    words_bg = d.words_bg @ w
    words = (d.words_cand @ w - words_bg.mean()) / (words_bg.std() + 1e-9)
    return dense + weight * words


def rocchio_weights(d: CaseData) -> np.ndarray:
    return np.asarray(d.words_pos.mean(axis=0)).ravel() - np.asarray(d.words_bg.mean(axis=0)).ravel()


def words_interests(d: CaseData) -> np.ndarray:
    """Rocchio per interest (the dense k-means clusters of the positives), best interest counts."""
    k = model.cluster_count(len(d.dense_pos))
    _, labels = model.spherical_kmeans(d.dense_pos.astype(np.float32), k)
    background = np.asarray(d.words_bg.mean(axis=0)).ravel()
    scores = []
    for c in range(labels.max() + 1):
        members = d.words_pos[np.flatnonzero(labels == c)]
        if members.shape[0]:
            scores.append(d.words_cand @ (np.asarray(members.mean(axis=0)).ravel() - background))
    return np.max(scores, axis=0)


def production(d: CaseData, word_weight: float = 1.0, terms: int | None = None) -> np.ndarray:
    """model.fit with its three scores, as ranking.rank adds them (without dislikes and floor)."""
    rows = SparseRows.from_csr  # model.py takes numpy sparse rows; the scorers here use scipy's

    def make():
        none = np.zeros((0, d.dense_pos.shape[1]), np.float32)
        words = (rows(d.words_pos), rows(d.words_pos[:0]), rows(d.words_bg))
        if terms is not None:
            saved, model.WORD_TERMS = model.WORD_TERMS, terms
        try:
            return model.fit("x", d.dense_pos, none, d.dense_bg, words, "v")
        finally:
            if terms is not None:
                model.WORD_TERMS = saved

    fitted = d.memo(f"production{terms}", make)
    c = [float(x) for x in fitted.calibration]
    dense = (fitted.score(d.dense_cand)[0] - c[0]) / c[1]
    profile = (fitted.word_scores(rows(d.words_cand)) - c[2]) / c[3]
    liked = rows(d.words_pos[: model.WORD_POSITIVES])
    neighbours = (model.neighbour_scores(rows(d.words_cand), liked) - c[4]) / c[5]
    return dense + word_weight * profile + neighbours


VARIANTS: dict[str, Callable[[CaseData], np.ndarray]] = {
    "centroid": centroid,
    "dense model": dense_model,
    "dense knn3": dense_knn,
    "words rocchio": words_rocchio,
    "words svm C=.01 (1000 sampled)": words_svm,
    "words knn3": words_knn,
    "dense+rocchio z 1:0.5": fused(words_rocchio, 0.5),
    "dense+rocchio z 1:1": fused(words_rocchio, 1.0),
    "dense+svm z 1:1": fused(words_svm, 1.0),
    "dense+svm rrf": lambda d: rrf(dense_model(d), words_svm(d)),
    "cal dense+rocchio 1:1": lambda d: calibrated(d, rocchio_weights, 1.0),
    "cal dense+rocchio 1:0.5": lambda d: calibrated(d, rocchio_weights, 0.5),
    "words rocchio per interest max": words_interests,
    "dense+rocchio per interest z 1:1": lambda d: zscore(dense_model(d)) + zscore(words_interests(d)),
    "production (words 1)": production,
    "production words 0.5": lambda d: production(d, 0.5),
    "production words 1.5": lambda d: production(d, 1.5),
    "production words 2": lambda d: production(d, 2.0),
    "production all terms": lambda d: production(d, 1.0, 10**9),
    "production 2000 terms": lambda d: production(d, 1.0, 2000),
    "words knn1": lambda d: words_knn(d, 1),
    "words knn5": lambda d: words_knn(d, 5),
    "knn3 + dense z 1:0.5": lambda d: zscore(words_knn(d)) + 0.5 * zscore(dense_model(d)),
    "knn3 + dense z 1:0.25": lambda d: zscore(words_knn(d)) + 0.25 * zscore(dense_model(d)),
    "knn3 + dense z 1:1": lambda d: zscore(words_knn(d)) + zscore(dense_model(d)),
    "knn3 + rocchio + dense z 1:1:1": lambda d: (
        zscore(words_knn(d)) + zscore(words_rocchio(d)) + zscore(dense_model(d))
    ),
    "knn3 + rocchio + dense z 1:1:.5": lambda d: (
        zscore(words_knn(d)) + zscore(words_rocchio(d)) + 0.5 * zscore(dense_model(d))
    ),
    "rrf knn3, rocchio, dense": lambda d: rrf(words_knn(d), words_rocchio(d), dense_model(d)),
    "knn3 + rocchio z 1:0.5": lambda d: zscore(words_knn(d)) + 0.5 * zscore(words_rocchio(d)),
    "knn3 + dense knn3 z 1:0.5": lambda d: zscore(words_knn(d)) + 0.5 * zscore(dense_knn(d)),
    "knn3 + rocchio + dense z 1:.5:.5": lambda d: (
        zscore(words_knn(d)) + 0.5 * zscore(words_rocchio(d)) + 0.5 * zscore(dense_model(d))
    ),
    "dense+rocchio+knn z": lambda d: (
        zscore(dense_model(d)) + zscore(words_rocchio(d)) + 0.5 * zscore(words_knn(d))
    ),
}


def sparse_logistic(
    positives: sparse.csr_matrix, negatives: sparse.csr_matrix, penalty: float, iterations: int = 40
) -> np.ndarray:
    """Class-weighted, L2-penalised logistic regression over tf-idf rows by L-BFGS (numpy and
    scipy only): each class weighs 1 in total; returns the weights over all terms (last: bias)."""
    from scipy.optimize import minimize

    x = sparse.vstack([positives, negatives]).tocsr()
    used = np.unique(x.indices)  # only terms seen in the fit can get a weight
    x = x[:, used]
    y = np.r_[np.ones(positives.shape[0]), -np.ones(negatives.shape[0])]
    w = np.r_[
        np.full(positives.shape[0], 1 / positives.shape[0]),
        np.full(negatives.shape[0], 1 / negatives.shape[0]),
    ]

    def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
        margin = y * (x @ theta[:-1] + theta[-1])
        value = w @ np.logaddexp(0, -margin) + 0.5 * penalty * theta[:-1] @ theta[:-1]
        g = -w * y * 0.5 * (1 - np.tanh(margin / 2))  # d/dmargin of log(1+e^-m), times y
        grad = np.r_[x.T @ g + penalty * theta[:-1], g.sum()]
        return float(value), grad

    theta = minimize(
        loss, np.zeros(len(used) + 1), jac=True, method="L-BFGS-B", options={"maxiter": iterations}
    ).x
    full = np.zeros(positives.shape[1] + 1)
    full[used] = theta[:-1]
    full[-1] = theta[-1]
    return full


def words_logistic(d: CaseData, penalty: float) -> np.ndarray:
    def make():
        theta = sparse_logistic(d.words_pos, d.words_bg, penalty)
        return d.words_cand @ theta[:-1] + theta[-1], d.words_bg @ theta[:-1] + theta[-1]

    return d.memo(f"logistic{penalty}", make)


def production_plus(d: CaseData, penalty: float, weight: float = 1.0, profile: float = 1.0) -> np.ndarray:
    """The shipped three scores plus the sparse classifier, standardised over the sampled corpus."""
    base = production(d, profile)
    cand, bg = words_logistic(d, penalty)
    return base + weight * (cand - bg.mean()) / max(bg.std(), 1e-3)


VARIANTS.update(
    {
        "words logistic l=0.01": lambda d: words_logistic(d, 0.01)[0],
        "words logistic l=0.1": lambda d: words_logistic(d, 0.1)[0],
        "production + logistic l=0.01": lambda d: production_plus(d, 0.01),
        "production + logistic l=0.1": lambda d: production_plus(d, 0.1),
        "production + logistic l=1": lambda d: production_plus(d, 1.0),
        "production logistic for profile l=0.01": lambda d: production_plus(d, 0.01, 1.0, 0.0),
        "production logistic for profile l=0.1": lambda d: production_plus(d, 0.1, 1.0, 0.0),
    }
)


# Parts of the model scored separately, for combining offline (levers.py --dump, combine.py).


def recency(ages: np.ndarray, half_life: float | None) -> np.ndarray:
    """Each positive's weight by its age in days (to the newest positive); 1 for all without one."""
    if half_life is None:
        return np.ones(len(ages))
    return 0.5 ** (ages / half_life)


def standardised(cand: np.ndarray, background: np.ndarray) -> np.ndarray:
    return ((cand - background.mean()) / max(float(background.std()), 1e-3)).astype(np.float32)


def weighted_dense(d: CaseData, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """model.fit's vector score with positives weighing by ``weights`` (their mass stays 1)."""
    dim = d.dense_pos.shape[1]
    matrix = np.concatenate([d.dense_pos, d.dense_bg]).astype(np.float64)
    w = np.concatenate(
        [model.POSITIVE_MASS * weights / weights.sum(), np.full(len(d.dense_bg), 1 / len(d.dense_bg))]
    )
    targets = np.r_[np.ones(len(d.dense_pos)), -np.ones(len(d.dense_bg))]
    w *= len(matrix)
    theta = model.ridge(matrix, targets, w)
    if len(matrix) >= dim:
        theta = model.logistic(matrix, targets, w, theta)
        theta = (theta[0] * model.LOGIT_SCALE, theta[1] * model.LOGIT_SCALE)
    k = model.cluster_count(len(d.dense_pos))
    centroids, _ = model.spherical_kmeans(d.dense_pos.astype(np.float32), k)

    def score(m: np.ndarray) -> np.ndarray:
        return m @ theta[0] + theta[1] + model.CENTROID_WEIGHT * (m @ centroids.T).max(axis=1)

    return score(d.dense_cand), score(d.dense_bg)


def weighted_profile(d: CaseData, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    profile = np.asarray(d.words_pos.T @ (weights / weights.sum())).ravel()
    profile -= np.asarray(d.words_bg.mean(axis=0)).ravel()
    return d.words_cand @ profile, d.words_bg @ profile


def nearest(similarity: np.ndarray, weights: np.ndarray, k: int) -> np.ndarray:
    """Mean of each row's ``k`` largest similarities, each discounted by its positive's weight."""
    similarity = similarity * weights[None, :]
    k = min(k, similarity.shape[1])
    return np.partition(similarity, similarity.shape[1] - k, axis=1)[:, -k:].mean(axis=1)


def parts(d: CaseData, ages: np.ndarray, half_lives: tuple) -> dict[str, np.ndarray]:
    """Every part's candidate scores in units of its spread over the sampled corpus."""
    out: dict[str, np.ndarray] = {}
    word_cand = (d.words_cand @ d.words_pos.T).toarray()
    word_bg = (d.words_bg @ d.words_pos.T).toarray()
    dense_cand = d.dense_cand @ d.dense_pos.T
    dense_bg = d.dense_bg @ d.dense_pos.T
    for h in half_lives:
        w = recency(ages, h)
        tag = "" if h is None else f"@{h}"
        out["dense" + tag] = standardised(*weighted_dense(d, w))
        out["profile" + tag] = standardised(*weighted_profile(d, w))
        for k in (1, 3, 5):
            out[f"nbr{k}{tag}"] = standardised(nearest(word_cand, w, k), nearest(word_bg, w, k))
            out[f"dknn{k}{tag}"] = standardised(nearest(dense_cand, w, k), nearest(dense_bg, w, k))
    return out
