"""Compare category classifiers on embedded arXiv papers: nearest labelled neighbours with
similarity-weighted votes (what ``search.topics`` does) against a one-vs-rest ridge model.

    python3 bench/topics/measure_categories.py VECTORS.npy LABELS.json [--held-out 400]

VECTORS.npy: unit vectors (one row per paper); LABELS.json: [[arxiv_id, [categories...]], ...]
in the same order. The last --held-out papers are the test set. Prints top-1 primary-category
accuracy and the pooled precision/recall of the predicted category sets.
"""

from __future__ import annotations

import argparse
import json

import numpy as np


def ridge(train: np.ndarray, labels: list[list[str]], test: np.ndarray, share: float, lam: float = 1.0):
    from paperfeed.search.topics import MAX_CATEGORIES, Prediction

    classes = sorted({c for cats in labels for c in cats})
    index = {c: i for i, c in enumerate(classes)}
    primary = np.zeros((len(labels), len(classes)), np.float32)
    holds = np.zeros_like(primary)
    for row, cats in enumerate(labels):
        primary[row, index[cats[0]]] = 1
        holds[row, [index[c] for c in cats]] = 1
    x = np.hstack([train, np.ones((len(train), 1), np.float32)])
    gram = x.T @ x + lam * np.eye(x.shape[1], dtype=np.float32)
    w_primary = np.linalg.solve(gram, x.T @ primary)
    w_holds = np.linalg.solve(gram, x.T @ holds)
    t = np.hstack([test, np.ones((len(test), 1), np.float32)])
    out = []
    for p_row, h_row in zip(t @ w_primary, t @ w_holds, strict=True):
        top = int(np.argmax(p_row))
        others = [int(i) for i in np.argsort(-h_row) if h_row[i] >= share and i != top]
        out.append(Prediction([classes[i] for i in [top, *others][:MAX_CATEGORIES]], float(p_row[top])))
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("vectors")
    parser.add_argument("labels")
    parser.add_argument("--held-out", type=int, default=400)
    args = parser.parse_args()
    from paperfeed.search import topics
    from paperfeed.search.topics import score

    vectors = np.load(args.vectors).astype(np.float32)
    with open(args.labels) as handle:
        labels = [cats for _, cats in json.load(handle)]
    n = len(labels) - args.held_out
    train, test, truth = vectors[:n], vectors[n:], labels[n:]
    print(f"{n} labelled, {len(truth)} held out")
    print("method                                   top-1    set P    set R")
    for k in (10, 20, 40):
        for sharp in (10.0, 20.0, 40.0):
            for share in (0.25, 0.3, 0.4):
                topics.NEIGHBOURS, topics.SHARPNESS, topics.SET_SHARE = k, sharp, share
                acc, p, r = score(topics.CategoryModel(train, labels[:n]).predict(test), truth)
                print(f"knn k={k:<3} sharp={sharp:<5} share={share:<5}      {acc:.4f}   {p:.4f}   {r:.4f}")
    for lam in (0.1, 1.0, 10.0):
        for share in (0.25, 0.3, 0.4):
            acc, p, r = score(ridge(train, labels[:n], test, share, lam), truth)
            print(f"ridge lambda={lam:<5} share={share:<5}            {acc:.4f}   {p:.4f}   {r:.4f}")


if __name__ == "__main__":
    main()
