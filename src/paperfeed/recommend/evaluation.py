"""Recommendation quality on a development set of readers (see bench/recommend/build_devset.py).

Each case is a reader's library (liked papers) and a week: every paper first listed that week is
a candidate, the reader's own papers of that week are the relevant ones. Three rankers:

* ``centroid``: cosine to the mean vector of the library (what "for you" did before);
* ``tfidf-svm``: arxiv-sanity's ranker, a linear SVM on tf-idf of title and abstract with the
  library as positives and every other paper as negatives (needs scikit-learn: the bench extra);
* ``model``: ``recommend_for_signals``, exactly as ``POST /api/recommendations`` ranks.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np

from paperfeed.papers.models import Paper
from paperfeed.recommend.candidates import window_ids
from paperfeed.recommend.service import recommend_for_signals
from paperfeed.recommend.vectors import VectorSpace

DEPTH = 100
RANKERS = ("centroid", "tfidf-svm", "model")


@dataclass
class Case:
    reader: str
    liked: list[int]
    start: date
    end: date
    relevant: set[int]


@dataclass
class Scores:
    ndcg10: list[float] = field(default_factory=list)
    recall10: list[float] = field(default_factory=list)
    mrr: list[float] = field(default_factory=list)
    seconds: float = 0.0

    def add(self, ranked: list[int], relevant: set[int]) -> None:
        gains = [1.0 if pk in relevant else 0.0 for pk in ranked[:10]]
        dcg = sum(g / math.log2(i + 2) for i, g in enumerate(gains))
        ideal = sum(1.0 / math.log2(i + 2) for i in range(min(len(relevant), 10)))
        self.ndcg10.append(dcg / ideal if ideal else 0.0)
        self.recall10.append(sum(gains) / len(relevant))
        first = next((i for i, pk in enumerate(ranked[:DEPTH]) if pk in relevant), None)
        self.mrr.append(0.0 if first is None else 1.0 / (first + 1))

    def row(self) -> tuple[float, float, float]:
        return float(np.mean(self.ndcg10)), float(np.mean(self.recall10)), float(np.mean(self.mrr))


@dataclass
class Comparison:
    """One ranker against another on the same cases, by nDCG@10."""

    difference: float
    low: float  # 95% interval of the difference, resampling readers (their weeks go together)
    high: float
    wins: int  # cases where the first ranker scores higher
    ties: int
    losses: int

    def line(self, first: str, second: str) -> str:
        return (
            f"{first} - {second}: nDCG@10 {self.difference:+.4f} (95% interval {self.low:+.4f} to "
            f"{self.high:+.4f}); better on {self.wins}, level on {self.ties}, "
            f"worse on {self.losses} reader-weeks"
        )


def compare(
    cases: list[Case], first: Scores, second: Scores, rounds: int = 2000, seed: int = 14
) -> Comparison:
    """The paired difference of nDCG@10, with a bootstrap over readers for its interval."""
    difference = np.array(first.ndcg10) - np.array(second.ndcg10)
    readers = sorted({case.reader for case in cases})
    of_reader = {reader: i for i, reader in enumerate(readers)}
    index = np.array([of_reader[case.reader] for case in cases])
    sums = np.bincount(index, weights=difference, minlength=len(readers))
    counts = np.bincount(index, minlength=len(readers))
    rng = np.random.default_rng(seed)
    drawn = rng.integers(len(readers), size=(rounds, len(readers)))
    means = sums[drawn].sum(axis=1) / counts[drawn].sum(axis=1)
    return Comparison(
        float(difference.mean()),
        float(np.quantile(means, 0.025)),
        float(np.quantile(means, 0.975)),
        int((difference > 1e-12).sum()),
        int((np.abs(difference) <= 1e-12).sum()),
        int((difference < -1e-12).sum()),
    )


def read_cases(path: Path) -> tuple[list[Case], list[str]]:
    """The cases of a readers file whose papers are in the database, and what was left out."""
    readers = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    wanted = {i for r in readers for i in r["library"]} | {
        i for r in readers for c in r["cases"] for i in c["positives"]
    }
    pk_of = dict(Paper.objects.filter(arxiv_id__in=wanted, hidden=False).values_list("arxiv_id", "pk"))
    cases, missing = [], sorted(wanted - pk_of.keys())
    for reader in readers:
        liked = [pk_of[i] for i in reader["library"] if i in pk_of]
        for case in reader["cases"]:
            relevant = {pk_of[i] for i in case["positives"] if i in pk_of}
            year, week = case["week"].split("-W")
            start = date.fromisocalendar(int(year), int(week), 1)
            end = date.fromisocalendar(int(year), int(week), 7)
            if liked and relevant:
                cases.append(Case(reader["reader"], liked, start, end, relevant))
    return cases, missing


def centroid_ranker(space: VectorSpace) -> Callable[[Case, list[int]], list[int]]:
    def rank(case: Case, candidates: list[int]) -> list[int]:
        _, liked = space.matrix(case.liked)
        pks, matrix = space.matrix(candidates)
        profile = liked.mean(axis=0)
        profile /= np.linalg.norm(profile) or 1.0
        return [int(pks[i]) for i in np.argsort(-(matrix @ profile), kind="stable")[:DEPTH]]

    return rank


def tfidf_svm_ranker() -> Callable[[Case, list[int]], list[int]]:
    """arxiv-sanity-lite's ranking: tf-idf (1–2 grams, sublinear), LinearSVC(C=0.01, balanced)."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.svm import LinearSVC

    rows = list(Paper.objects.visible().values_list("pk", "title", "abstract").order_by("pk"))
    row_of = {pk: i for i, (pk, _, _) in enumerate(rows)}
    vectorizer = TfidfVectorizer(
        input="content", encoding="utf-8", decode_error="replace", strip_accents="unicode", lowercase=True,
        analyzer="word", stop_words="english", token_pattern=r"(?u)\b[a-zA-Z_][a-zA-Z0-9_]+\b",
        ngram_range=(1, 2), max_features=20_000, norm="l2", use_idf=True, smooth_idf=True,
        sublinear_tf=True, max_df=0.1, min_df=2,
    )  # fmt: skip
    features = vectorizer.fit_transform([f"{title}. {abstract}" for _, title, abstract in rows])

    def rank(case: Case, candidates: list[int]) -> list[int]:
        labels = np.zeros(len(rows))
        labels[[row_of[pk] for pk in case.liked if pk in row_of]] = 1
        svm = LinearSVC(class_weight="balanced", max_iter=10_000, tol=1e-6, C=0.01)
        svm.fit(features, labels)
        kept = [pk for pk in candidates if pk in row_of]
        scores = svm.decision_function(features[[row_of[pk] for pk in kept]])
        return [kept[i] for i in np.argsort(-scores, kind="stable")[:DEPTH]]

    return rank


def model_ranker(case: Case, candidates: list[int]) -> list[int]:
    picks = recommend_for_signals(case.liked, [], case.start, case.end, DEPTH)
    return [pick.paper.pk for pick in picks]


def case_key(case: Case) -> str:
    return f"{case.reader}:{case.start.isoformat()}"


def evaluate(
    cases: list[Case], rankers: dict[str, Callable], rankings: dict[str, dict[str, list[int]]] | None = None
) -> dict[str, Scores]:
    """Each ranker's scores over ``cases``; with ``rankings`` given, each case's ranking is kept
    there too ({ranker: {"reader:start": [pks]}}), for comparisons made later."""
    results = {name: Scores() for name in rankers}
    windows: dict[tuple[date, date], list[int]] = {}
    for case in cases:
        key = (case.start, case.end)
        if key not in windows:
            windows[key] = window_ids(case.start, case.end)
        candidates = [pk for pk in windows[key] if pk not in set(case.liked)]
        for name, rank in rankers.items():
            started = time.perf_counter()
            ranked = rank(case, candidates)
            results[name].seconds += time.perf_counter() - started
            results[name].add(ranked, case.relevant)
            if rankings is not None:
                rankings.setdefault(name, {})[case_key(case)] = ranked
    return results
