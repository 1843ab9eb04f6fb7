"""Rank a window's papers for one fitted model: the vectors' and the words' scores, dismissed
papers' neighbours pushed down, a floor below which nothing is padded in, every interest served,
and a "Why this?" line each."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from paperfeed.papers.models import Paper
from paperfeed.recommend import lexicon
from paperfeed.recommend.model import WORD_POSITIVES, FittedModel, dense_neighbour_scores, neighbour_scores
from paperfeed.recommend.signals import PHRASES, Positive
from paperfeed.recommend.vectors import VectorSpace

# Below this closeness to every interest a paper has nothing real in common with the reader.
FLOOR = {"lexical": 0.06, "embedding": 0.25}
# From this similarity to a dismissed paper on, a candidate loses score, up to PENALTY (in units
# of the scores' spread over the corpus) for a copy.
DISLIKE_FROM = {"lexical": 0.35, "embedding": 0.6}
PENALTY = 3.0
WORD_SHORTLIST = 1500  # the most candidates whose words are scored (the vectors' best)
# An interest holding at least this share of the positives always gets a pick if it has one.
MIN_SHARE = 0.15
PAPER_FIELDS = ("pk", "arxiv_id", "title", "abstract", "upvotes", "published", "ai_summary", "categories")


@dataclass
class Pick:
    paper: Paper
    score: float
    reason: str
    because_id: int | None = None  # the positive the reason names, if it names one


def family(space: VectorSpace) -> str:
    return "lexical" if space.name == "lexical" else "embedding"


def dislike_penalty(matrix: np.ndarray, dislikes: np.ndarray, space: VectorSpace) -> np.ndarray:
    if not len(dislikes) or not len(matrix):
        return np.zeros(len(matrix), dtype=np.float32)
    start = DISLIKE_FROM[family(space)]
    closest = (matrix @ dislikes.T).max(axis=1)
    return PENALTY * np.clip((closest - start) / (1.0 - start), 0.0, None)


def served(order: np.ndarray, interest: np.ndarray, shares: np.ndarray, limit: int) -> list[int]:
    """The first ``limit`` of ``order``, changed so that each large enough interest has a pick:
    its best candidate takes the place of the last pick of the interest with the most picks."""
    chosen = list(order[:limit])
    if limit < 2:
        return chosen
    for cluster in np.argsort(-shares):
        if shares[cluster] < MIN_SHARE or any(interest[c] == cluster for c in chosen):
            continue
        best = next((c for c in order[limit:] if interest[c] == cluster), None)
        if best is None:
            continue
        counts = np.bincount(interest[chosen], minlength=len(shares))
        crowded = int(np.argmax(counts))
        if counts[crowded] < 2:
            continue
        drop = max(i for i, c in enumerate(chosen) if interest[c] == crowded)
        chosen.pop(drop)
        chosen.append(best)
    return chosen


def rank(
    model: FittedModel,
    space: VectorSpace,
    pks: np.ndarray,
    matrix: np.ndarray,
    positives: list[Positive],
    dislikes: list[int],
    limit: int,
) -> list[Pick]:
    """The ``limit`` best of the candidates (paper ``pks`` and their vectors in ``space``) for
    ``model``, best first."""
    if not len(pks) or limit <= 0:
        return []
    dense, interest, near = model.score(matrix)
    eligible = np.flatnonzero(near >= FLOOR[family(space)])
    if not len(eligible):
        return []
    # The words of a long window's candidates are read for the vectors' best WORD_SHORTLIST only,
    # so that a window of a year costs what a month does.
    if len(eligible) > WORD_SHORTLIST:
        eligible = eligible[np.argsort(-dense[eligible], kind="stable")[:WORD_SHORTLIST]]
    scores = np.full(len(pks), -np.inf, dtype=np.float32)
    newest = [p.paper_id for p in positives[:WORD_POSITIVES]]
    profile = neighbours = close = None
    if model.word_ids is not None:
        words = lexicon.current.matrix(pks[eligible].tolist())
        liked = lexicon.current.matrix(newest)
        profile, neighbours = model.word_scores(words), neighbour_scores(words, liked, model.neighbours)
    if model.has_dense_neighbours:
        close = dense_neighbour_scores(matrix[eligible], space.matrix(newest)[1])
    _, dislike_matrix = space.matrix(dislikes)
    penalty = dislike_penalty(matrix[eligible], dislike_matrix, space)
    scores[eligible] = model.combined(dense[eligible], profile, neighbours, close) - penalty
    order = eligible[np.argsort(-scores[eligible], kind="stable")]
    chosen = served(order, interest, model.shares, limit)
    papers = Paper.objects.visible().only(*PAPER_FIELDS).in_bulk([int(pks[c]) for c in chosen])
    reasons = explain(space, matrix[chosen], positives)
    return [
        Pick(papers[int(pks[c])], float(scores[c]), *reasons[i])
        for i, c in enumerate(chosen)
        if int(pks[c]) in papers
    ]


def explain(
    space: VectorSpace, picked: np.ndarray, positives: list[Positive]
) -> list[tuple[str, int | None]]:
    """For each picked row, a reason naming the reader's positive it is most similar to."""
    by_pk = {p.paper_id: p for p in positives}
    pks, matrix = space.matrix(list(by_pk))
    if not len(pks):
        return [("", None)] * len(picked)
    nearest = np.argmax(picked @ matrix.T, axis=1)
    named = [by_pk[int(pks[n])] for n in nearest]
    titles = dict(Paper.objects.filter(pk__in={p.paper_id for p in named}).values_list("pk", "title"))
    return [reason(positive, titles.get(positive.paper_id, "")) for positive in named]


def reason(positive: Positive, title: str) -> tuple[str, int | None]:
    if positive.kind == "topic":
        return f"Matches your topic “{positive.label}”", None
    if positive.kind == "category":
        return f"Close to your picks in {positive.label}", positive.paper_id
    return f"Similar to “{title}”, {PHRASES.get(positive.kind, 'which you liked')}", positive.paper_id
