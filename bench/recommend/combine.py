"""Combine the model's part scores offline, from a dump of levers.py (``--dump``).

Every part is already in units of its spread over the reader's sampled corpus papers, as the
model adds them. Prints nDCG@10, recall@10 and MRR per combination on two halves of the readers
(``A``: even-numbered, ``B``: odd-numbered) and on all, the paired difference against the tf-idf
SVM and against a reference combination, each with a 95% bootstrap interval over readers (their
weeks go together, as in ``paperfeed eval recommend``). ``--learn`` fits the weights of the
given parts on one half (a softmax over each case's candidates) and scores them on the other.

Usage:
    python bench/recommend/combine.py /tmp/rec14/parts.npz "dense+profile+nbr3" "dense+nbr3+dknn3" ...
    python bench/recommend/combine.py /tmp/rec14/parts.npz --learn dense,profile,nbr3,dknn3

A combination is parts joined by ``+``, each optionally weighted (``0.5*profile``); ``~part``
standardises that part over the week's candidates instead of the sampled corpus.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np


class Dump:
    def __init__(self, path: Path) -> None:
        data = np.load(path)
        self.arrays = {name: data[name] for name in data.files}
        self.sizes = self.arrays.pop("sizes")
        self.offsets = np.r_[0, np.cumsum(self.sizes)]
        self.readers = self.arrays.pop("readers")
        self.library = self.arrays.pop("library")
        self.svm = self.arrays.pop("svm")  # (cases, 3): nDCG@10, recall@10, MRR
        self.relevant = self.arrays.pop("relevant")
        self.pks = self.arrays.pop("pks")
        self.half = np.array([int(r[1:]) % 2 for r in self.readers])

    def case(self, name: str, i: int) -> np.ndarray:
        return self.arrays[name][self.offsets[i] : self.offsets[i + 1]]

    def scores(self, combination: str) -> list[np.ndarray]:
        terms = []
        for term in combination.split("+"):
            weight, _, name = term.rpartition("*")
            terms.append((float(weight) if weight else 1.0, name))
        out = []
        for i in range(len(self.sizes)):
            total = np.zeros(self.sizes[i])
            for weight, name in terms:
                values = self.case(name.lstrip("~"), i).astype(np.float64)
                if name.startswith("~"):
                    values = (values - values.mean()) / max(values.std(), 1e-3)
                total += weight * values
            out.append(total)
        return out

    def metrics(self, scores: list[np.ndarray]) -> np.ndarray:
        """(cases, 3): nDCG@10, recall@10 and MRR (first relevant within 100) of each case."""
        rows = []
        discount = 1.0 / np.log2(np.arange(2, 12))
        for i, s in enumerate(scores):
            relevant = self.relevant[self.offsets[i] : self.offsets[i + 1]]
            order = np.argsort(-s, kind="stable")[:100]
            gains = relevant[order].astype(np.float64)
            ideal = discount[: min(int(relevant.sum()), 10)].sum()
            hits = np.flatnonzero(gains)
            rows.append(
                (
                    (gains[:10] * discount[: len(gains[:10])]).sum() / ideal,
                    gains[:10].sum() / relevant.sum(),
                    1.0 / (hits[0] + 1) if len(hits) else 0.0,
                )
            )
        return np.array(rows)


def reader_bootstrap(
    readers: np.ndarray, diff: np.ndarray, rounds: int = 2000, seed: int = 14
) -> tuple[float, float, float]:
    """Mean difference and its 95% interval, resampling readers (as evaluation.compare does)."""
    names, index = np.unique(readers, return_inverse=True)
    sums = np.bincount(index, weights=diff, minlength=len(names))
    counts = np.bincount(index, minlength=len(names))
    drawn = np.random.default_rng(seed).integers(len(names), size=(rounds, len(names)))
    means = sums[drawn].sum(axis=1) / counts[drawn].sum(axis=1)
    return float(diff.mean()), float(np.quantile(means, 0.025)), float(np.quantile(means, 0.975))


def learn(dump: Dump, names: list[str], cases: np.ndarray, steps: int = 200) -> np.ndarray:
    """Weights of ``names`` maximising the mean log-probability of each case's relevant papers
    under a softmax over its candidates (gradient ascent; the first weight is held at 1)."""
    features = [np.stack([dump.case(n, i) for n in names], axis=1).astype(np.float64) for i in cases]
    relevant = [dump.relevant[dump.offsets[i] : dump.offsets[i + 1]] for i in cases]
    w = np.ones(len(names))
    rate = 0.5
    for _ in range(steps):
        gradient = np.zeros(len(names))
        for x, r in zip(features, relevant, strict=True):
            s = x @ w
            p = np.exp(s - s.max())
            p /= p.sum()
            gradient += x[r].mean(axis=0) - p @ x
        w += rate * gradient / len(cases)
    return w / w[0]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("dump", type=Path)
    parser.add_argument("combinations", nargs="*")
    parser.add_argument("--reference", default="dense+profile+nbr3", help="the shipped combination")
    parser.add_argument("--learn", help="comma-separated parts whose weights are fitted on each half")
    args = parser.parse_args()
    dump = Dump(args.dump)
    print(f"{len(dump.sizes)} cases, {dump.relevant.sum()} relevant, parts: {', '.join(dump.arrays)}")
    reference = dump.metrics(dump.scores(args.reference))
    combinations = [args.reference, *args.combinations]
    if args.learn:
        names = args.learn.split(",")
        for fit_on, check_on in ((0, 1), (1, 0)):
            w = learn(dump, names, np.flatnonzero(dump.half == fit_on))
            combination = "+".join(f"{x:.3f}*{n}" for x, n in zip(w, names, strict=True))
            print(f"fitted on {'AB'[fit_on]}, judged on {'AB'[check_on]}: {combination}")
            combinations.append(combination)
    print(
        f"{'combination':<44} {'nDCG A':>7} {'nDCG B':>7} {'nDCG':>7} {'R@10':>7} {'MRR':>7}"
        "  - SVM nDCG (95%)          - reference (95%)"
    )
    svm = dump.svm
    print(
        f"{'tf-idf SVM':<44} {svm[dump.half == 0, 0].mean():>7.4f} {svm[dump.half == 1, 0].mean():>7.4f}"
        f" {svm[:, 0].mean():>7.4f} {svm[:, 1].mean():>7.4f} {svm[:, 2].mean():>7.4f}"
    )
    for combination in combinations:
        m = dump.metrics(dump.scores(combination))
        a, b = m[dump.half == 0, 0].mean(), m[dump.half == 1, 0].mean()
        vs_svm = reader_bootstrap(dump.readers, m[:, 0] - svm[:, 0])
        vs_ref = reader_bootstrap(dump.readers, m[:, 0] - reference[:, 0])
        print(
            f"{combination[:44]:<44} {a:>7.4f} {b:>7.4f} {m[:, 0].mean():>7.4f} {m[:, 1].mean():>7.4f}"
            f" {m[:, 2].mean():>7.4f}  {vs_svm[0]:+.4f} ({vs_svm[1]:+.4f}, {vs_svm[2]:+.4f})"
            f"  {vs_ref[0]:+.4f} ({vs_ref[1]:+.4f}, {vs_ref[2]:+.4f})"
        )


if __name__ == "__main__":
    sys.exit(main())
