"""Personal ranking: recent papers scored against each reader's upvoted and collected papers.

A reader's profile is the mean vector of the papers they liked; one matrix product scores a whole
batch of readers against all candidate papers at once.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

import numpy as np
from django.db.models import Q

from paperfeed.community.models import CollectionItem, Vote
from paperfeed.digests.vectors import VectorSpace, stack, unit
from paperfeed.papers.models import Paper

MAX_LIKED = 50  # the most recent likes that make a profile
MAX_CANDIDATES = 5000
# Below this similarity a paper has nothing real in common with the reader's interests.
MIN_SCORE = {"lexical": 0.06, "embedding": 0.25}


@dataclass(frozen=True)
class Like:
    paper_id: int
    kind: str  # "upvoted" or "collected"


@dataclass
class Pick:
    paper: Paper
    score: float
    because: Paper | None  # the liked paper it is most similar to
    because_kind: str = "upvoted"

    @property
    def reason(self) -> str:
        if self.because is None:
            return ""
        return f"Similar to “{self.because.title}”, which you {self.because_kind}"


def likes_of(user_ids: list[int]) -> dict[int, list[Like]]:
    """Each user's upvoted and collected papers, most recent first (two queries for any number of users).

    Papers hidden by moderation are left out: they neither shape a profile nor appear in a reason.
    """
    events: dict[int, list[tuple[datetime, Like]]] = defaultdict(list)
    for user_id, paper_id, at in Vote.objects.filter(user_id__in=user_ids, paper__hidden=False).values_list(
        "user_id", "paper_id", "created_at"
    ):
        events[user_id].append((at, Like(paper_id, "upvoted")))
    for user_id, paper_id, at in CollectionItem.objects.filter(
        collection__owner_id__in=user_ids, paper__hidden=False
    ).values_list("collection__owner_id", "paper_id", "added_at"):
        events[user_id].append((at, Like(paper_id, "collected")))
    likes: dict[int, list[Like]] = {}
    for user_id, items in events.items():
        items.sort(key=lambda item: item[0], reverse=True)
        seen: set[int] = set()
        ordered = []
        for _, like in items:
            if like.paper_id not in seen:
                seen.add(like.paper_id)
                ordered.append(like)
        likes[user_id] = ordered[:MAX_LIKED]
    return likes


def recent_papers(start: datetime, end: datetime, limit: int = MAX_CANDIDATES) -> list[Paper]:
    """Visible papers published or put on the feed in a window, newest first."""
    in_window = Q(published__gte=start, published__lte=end) | Q(
        listing__date__gte=start.date(), listing__date__lte=end.date(), listing__hidden=False
    )
    return list(
        Paper.objects.visible()
        .filter(in_window)
        .only("pk", "arxiv_id", "title", "abstract", "upvotes", "published", "ai_summary", "categories")
        .order_by("-published", "-pk")[:limit]
    )


def latest_papers(limit: int = 2000) -> list[Paper]:
    """The newest visible papers, for pages that rank "what is new" without a fixed window."""
    return list(
        Paper.objects.visible()
        .only("pk", "arxiv_id", "title", "abstract", "upvotes", "published", "ai_summary", "categories")
        .order_by("-published", "-pk")[:limit]
    )


class InterestRanker:
    """Ranks one fixed set of candidate papers for many readers."""

    def __init__(self, candidates: list[Paper], space: VectorSpace) -> None:
        self.space = space
        self.papers = {p.pk: p for p in candidates}
        self.candidate_pks, self.matrix = stack(space.vectors(candidates), [p.pk for p in candidates])
        self.column = {pk: i for i, pk in enumerate(self.candidate_pks)}
        self._liked: dict[int, Paper] = {}
        self.min_score = MIN_SCORE.get(space.name, 0.0)

    def _liked_papers(self, pks: set[int]) -> dict[int, Paper]:
        missing = pks - self._liked.keys()
        if missing:
            for paper in (
                Paper.objects.visible().filter(pk__in=missing).only("pk", "arxiv_id", "title", "abstract")
            ):
                self._liked[paper.pk] = paper
        return {pk: self._liked[pk] for pk in pks if pk in self._liked}

    def rank(
        self, likes: dict[object, list[Like]], count: int, exclude: dict[object, set[int]] | None = None
    ) -> dict[object, list[Pick]]:
        """The top ``count`` candidates for each key's likes (keys without likes get nothing)."""
        picks: dict[object, list[Pick]] = {}
        if not self.candidate_pks or count <= 0:
            return picks
        liked = self._liked_papers({like.paper_id for items in likes.values() for like in items})
        liked_vectors = self.space.vectors(list(liked.values()))
        keys, profiles, members = [], [], []
        for key, items in likes.items():
            own = [like for like in items if like.paper_id in liked_vectors]
            if not own:
                continue
            keys.append(key)
            members.append(own)
            profiles.append(np.mean([liked_vectors[like.paper_id] for like in own], axis=0))
        if not keys:
            return picks
        scores = unit(np.stack(profiles).astype(np.float32)) @ self.matrix.T
        for row, key in enumerate(keys):
            row_scores = scores[row]
            # Never recommend what the reader already liked (or what the digest shows elsewhere).
            for pk in {like.paper_id for like in members[row]} | (exclude or {}).get(key, set()):
                column = self.column.get(pk)
                if column is not None:
                    row_scores[column] = -np.inf
            take = min(count, len(row_scores))
            top = np.argpartition(-row_scores, take - 1)[:take]
            top = top[np.argsort(-row_scores[top])]
            top = [c for c in top if row_scores[c] >= self.min_score]
            if not top:
                continue
            own = members[row]
            own_matrix = np.stack([liked_vectors[like.paper_id] for like in own])
            nearest = np.argmax(own_matrix @ self.matrix[top].T, axis=0)
            picks[key] = [
                Pick(
                    paper=self.papers[self.candidate_pks[c]],
                    score=float(row_scores[c]),
                    because=liked[own[n].paper_id],
                    because_kind=own[n].kind,
                )
                for c, n in zip(top, nearest, strict=True)
            ]
        return picks
