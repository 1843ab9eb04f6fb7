"""Reciprocal-rank fusion of ranked lists of paper ids."""

from __future__ import annotations

# k=60 is the constant from Cormack et al. (2009); it damps the head of each list.
RRF_K = 60


def reciprocal_rank_fusion(
    rankings: list[list[int]], weights: list[float] | None = None, k: int = RRF_K
) -> list[tuple[int, float]]:
    """Fuse rankings (best first) into one list of (id, score), best first; ties keep first-seen order."""
    weights = weights or [1.0] * len(rankings)
    scores: dict[int, float] = {}
    for ranking, weight in zip(rankings, weights, strict=True):
        for rank, pid in enumerate(ranking):
            scores[pid] = scores.get(pid, 0.0) + weight / (k + rank + 1)
    return sorted(scores.items(), key=lambda item: -item[1])
