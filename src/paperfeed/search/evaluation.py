"""Retrieval quality on judged queries: nDCG@10, recall@100 and MRR, per search mode."""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass
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
                {"id": str(record["id"]), "query": str(record["query"]), "kind": record.get("kind", "")}
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
