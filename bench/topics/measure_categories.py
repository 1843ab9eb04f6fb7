"""Compare category classifiers on embedded arXiv papers: one-vs-rest ridge regression (what
``search.topics`` does) against nearest labelled neighbours with similarity-weighted votes.

    python3 bench/topics/measure_categories.py VECTORS.npy LABELS.json [--held-out 400]

VECTORS.npy: unit vectors (one row per paper); LABELS.json: [[arxiv_id, [categories...]], ...]
in the same order. The last --held-out papers are the test set. Prints top-1 primary-category
accuracy, the pooled precision/recall of the predicted category sets, and papers per second.
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np


def neighbours(train, labels, test, k: int, sharpness: float, share: float) -> list:
    """Each paper gets its ``k`` nearest labelled papers' categories, votes weighted by
    exp(sharpness × similarity): the primary by primary votes, others by ``share`` of the votes."""
    from paperfeed.search.topics import MAX_CATEGORIES, Prediction

    classes = sorted({c for cats in labels for c in cats})
    index = {c: i for i, c in enumerate(classes)}
    primary = np.array([index[cats[0]] for cats in labels])
    holds = np.zeros((len(labels), len(classes)), np.float32)
    for row, cats in enumerate(labels):
        holds[row, [index[c] for c in cats]] = 1
    out = []
    for start in range(0, len(test), 256):
        sims = test[start : start + 256] @ train.T
        near = np.argpartition(-sims, k - 1, axis=1)[:, :k]
        near_sims = np.take_along_axis(sims, near, axis=1)
        weights = np.exp(sharpness * (near_sims - near_sims.max(axis=1, keepdims=True)))
        weights /= weights.sum(axis=1, keepdims=True)
        for row in range(len(near)):
            votes = np.bincount(primary[near[row]], weights=weights[row], minlength=len(classes))
            shares = weights[row] @ holds[near[row]]
            top = int(np.argmax(votes))
            others = [int(i) for i in np.argsort(-shares) if shares[i] >= share and i != top]
            out.append(Prediction([classes[i] for i in [top, *others][:MAX_CATEGORIES]], float(votes[top])))
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("vectors")
    parser.add_argument("labels")
    parser.add_argument("--held-out", type=int, default=400)
    args = parser.parse_args()
    from paperfeed.search import topics

    vectors = np.load(args.vectors).astype(np.float32)
    with open(args.labels) as handle:
        labels = [cats for _, cats in json.load(handle)]
    n = len(labels) - args.held_out
    train, test, truth = vectors[:n], vectors[n:], labels[n:]
    print(f"{n} labelled, {len(truth)} held out")
    print("method                                   top-1    set P    set R   papers/s")

    def show(name: str, run) -> None:
        """One row; papers/s includes fitting (ridge) or reading every labelled vector (neighbours)."""
        started = time.perf_counter()
        predictions = run()
        rate = len(test) / (time.perf_counter() - started)
        acc, p, r = topics.score(predictions, truth)
        print(f"{name:40} {acc:.4f}   {p:.4f}   {r:.4f}   {rate:8.0f}")

    for k in (10, 20, 40):
        for sharp in (10.0, 20.0, 40.0):
            for share in (0.25, 0.3, 0.4):
                show(
                    f"knn k={k} sharp={sharp} share={share}",
                    lambda k=k, sharp=sharp, share=share: neighbours(
                        train, labels[:n], test, k, sharp, share
                    ),
                )
    for ridge in (0.1, 1.0, 10.0):
        for share in (0.25, 0.3, 0.4):
            topics.RIDGE, topics.SET_SHARE = ridge, share
            show(
                f"ridge lambda={ridge} share={share}",
                lambda: topics.CategoryModel(train, labels[:n]).predict(test),
            )


if __name__ == "__main__":
    main()
