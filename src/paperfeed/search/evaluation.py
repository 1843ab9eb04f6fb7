"""Retrieval quality on judged queries, per query class and search mode.

Each class of query has the metric that says whether search understood it: R-precision for an
author's name (all of that name's papers first), top-1 for ids, DOIs and titles (the paper
first), the share answered with no results for nonsense, nDCG@10 for topical queries.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Scores:
    ndcg10: float = 0.0
    recall100: float = 0.0
    mrr: float = 0.0
    queries: int = 0


def read_queries(path: Path) -> list[dict]:
    queries = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            queries.append(
                {
                    "id": str(record["id"]),
                    "query": str(record["query"]),
                    "kind": str(record.get("kind") or ""),
                    "variant": str(record.get("variant") or ""),
                }
            )
        except (ValueError, KeyError, TypeError) as error:
            raise ValueError(f'{path}:{number}: expected {{"id": ..., "query": ...}} ({error})') from error
    return queries


def read_qrels(path: Path) -> dict[str, dict[str, int]]:
    """TREC qrels: ``query-id iteration doc-id relevance`` separated by whitespace."""
    qrels: dict[str, dict[str, int]] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        parts = line.split()
        if not parts:
            continue
        if len(parts) != 4:
            raise ValueError(f"{path}:{number}: expected 4 columns: query-id 0 doc-id relevance")
        qid, _, doc, rel = parts
        qrels.setdefault(qid, {})[doc] = int(rel)
    return qrels


def ndcg(ranking: list[str], judged: dict[str, int], k: int = 10) -> float:
    gains = [judged.get(doc, 0) for doc in ranking[:k]]
    dcg = sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(gains))
    ideal = sorted(judged.values(), reverse=True)[:k]
    idcg = sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg else 0.0


def recall(ranking: list[str], judged: dict[str, int], k: int = 100) -> float:
    relevant = {d for d, g in judged.items() if g > 0}
    return len(relevant & set(ranking[:k])) / len(relevant) if relevant else 0.0


def reciprocal_rank(ranking: list[str], judged: dict[str, int]) -> float:
    for i, doc in enumerate(ranking):
        if judged.get(doc, 0) > 0:
            return 1.0 / (i + 1)
    return 0.0


def r_precision(ranking: list[str], judged: dict[str, int]) -> float:
    """Share of the first R results that are relevant, R being how many are."""
    relevant = {d for d, g in judged.items() if g > 0}
    return len(relevant & set(ranking[: len(relevant)])) / len(relevant) if relevant else 0.0


def top1(ranking: list[str], judged: dict[str, int]) -> float:
    return 1.0 if ranking and judged.get(ranking[0], 0) > 0 else 0.0


# Metrics per query class, the first being the one the class is judged by. A class not listed
# (an older query file without kinds) is scored as topical.
TOPICAL_METRICS = ("nDCG@10", "R@100", "MRR")
CLASS_METRICS: dict[str, tuple[str, ...]] = {
    "author": ("R-prec", "R@100", "MRR"),
    "id": ("top-1", "MRR"),
    "doi": ("top-1", "MRR"),
    "title": ("top-1", "MRR"),
    "nonsense": ("empty",),
    "keywords": TOPICAL_METRICS,
    "summary": TOPICAL_METRICS,
    "topic": TOPICAL_METRICS,
}
TOPICAL = ("keywords", "summary", "topic")  # together the "topical" row (the former overall figure)
JUDGED: dict[str, Callable[[list[str], dict[str, int]], float]] = {
    "nDCG@10": ndcg,
    "R@100": recall,
    "MRR": lambda ranking, judged: reciprocal_rank(ranking, judged),
    "R-prec": r_precision,
    "top-1": top1,
}


@dataclass
class ClassScores:
    """Sums of each metric over a class's queries; ``mean`` gives the figures."""

    metrics: tuple[str, ...]
    queries: int = 0
    sums: dict[str, float] = field(default_factory=dict)

    def add(self, values: dict[str, float]) -> None:
        self.queries += 1
        for name in self.metrics:
            self.sums[name] = self.sums.get(name, 0.0) + values[name]

    def mean(self) -> dict[str, float]:
        count = self.queries or 1
        return {name: self.sums.get(name, 0.0) / count for name in self.metrics}


def evaluate_classes(
    queries: Iterable[dict],
    qrels: dict[str, dict[str, int]],
    search: Callable[[str], tuple[list[str], int]],
) -> dict[str, ClassScores]:
    """Scores per query class (plus ``topical``) of ``search`` (query text -> (doc ids, best
    first; how many papers it said match)). Judged classes skip queries without judgments;
    ``empty`` counts queries for which ``search`` found nothing at all."""
    classes: dict[str, ClassScores] = {}
    for query in queries:
        kind = query["kind"] or "topical"
        metrics = CLASS_METRICS.get(kind, TOPICAL_METRICS)
        judged = qrels.get(query["id"], {})
        if not judged and metrics != ("empty",):
            continue
        ranking, total = search(query["query"])
        values = {"empty": 1.0 if total == 0 else 0.0}
        values |= {name: JUDGED[name](ranking, judged) for name in metrics if name in JUDGED}
        groups = [kind, "topical"] if kind in TOPICAL else [kind]
        for group in groups:
            classes.setdefault(group, ClassScores(metrics)).add(values)
    return classes


def evaluate(
    queries: list[dict], qrels: dict[str, dict[str, int]], rank: Callable[[str], list[str]]
) -> Scores:
    """Mean scores of ``rank`` (query text -> doc ids, best first) over the judged queries."""
    scores = Scores()
    for query in queries:
        judged = qrels.get(query["id"])
        if not judged:
            continue
        ranking = rank(query["query"])
        scores.ndcg10 += ndcg(ranking, judged)
        scores.recall100 += recall(ranking, judged)
        scores.mrr += reciprocal_rank(ranking, judged)
        scores.queries += 1
    if scores.queries:
        scores.ndcg10 /= scores.queries
        scores.recall100 /= scores.queries
        scores.mrr /= scores.queries
    return scores


def related_cases(qrels: dict[str, dict[str, int]], min_group: int = 2) -> list[tuple[str, dict[str, int]]]:
    """Related-paper cases from judged groups: each relevant paper of a query with at least
    ``min_group`` of them is a case, and the other papers of that query are its judged neighbours."""
    cases = []
    for judged in qrels.values():
        members = sorted(doc for doc, grade in judged.items() if grade > 0)
        if len(members) < min_group:
            continue
        for doc in members:
            cases.append((doc, {other: judged[other] for other in members if other != doc}))
    return cases


def evaluate_cases(cases: list[tuple[str, dict[str, int]]], rank: Callable[[str], list[str]]) -> Scores:
    """Mean scores of ``rank`` (doc id -> other doc ids, best first) over ``cases``."""
    scores = Scores()
    for doc, judged in cases:
        ranking = [other for other in rank(doc) if other != doc]
        scores.ndcg10 += ndcg(ranking, judged)
        scores.recall100 += recall(ranking, judged)
        scores.mrr += reciprocal_rank(ranking, judged)
        scores.queries += 1
    if scores.queries:
        scores.ndcg10 /= scores.queries
        scores.recall100 /= scores.queries
        scores.mrr /= scores.queries
    return scores
