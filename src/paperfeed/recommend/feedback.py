"""The "not interested" simulation of `paperfeed eval recommend`.

For each case the reader dismisses the papers of their top 10 that are not theirs (at most
``DISMISSED``). Their near neighbours are the ``NEIGHBOURS`` candidates closest to each dismissed
paper (not the reader's own). The ranking is then redone with the dismissals, as
``POST /api/recommendations`` does with ``disliked``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from paperfeed.recommend.candidates import window_ids
from paperfeed.recommend.evaluation import DEPTH, Case, Scores
from paperfeed.recommend.service import recommend_for_signals
from paperfeed.recommend.vectors import VectorSpace

DISMISSED = 3
NEIGHBOURS = 5


@dataclass
class Outcome:
    cases: int = 0
    dismissed_top10: list[float] = field(default_factory=lambda: [0.0, 0.0])
    neighbours_top10: list[float] = field(default_factory=lambda: [0.0, 0.0])
    neighbour_rank: list[list[float]] = field(default_factory=lambda: [[], []])
    own: list[Scores] = field(default_factory=lambda: [Scores(), Scores()])

    def table(self) -> str:
        n = max(self.cases, 1)
        ranks = [float(np.median(r)) if r else float("nan") for r in self.neighbour_rank]
        own = [s.row() for s in self.own]
        gone, near = [x / n for x in self.dismissed_top10], [x / n for x in self.neighbours_top10]
        lines = [
            f"not interested: {self.cases} reader-weeks, up to {DISMISSED} of each top 10 dismissed, "
            f"{NEIGHBOURS} nearest neighbours of each",
            f"{'':<34} {'before':>8} {'after':>8}",
            f"{'dismissed papers in top 10':<34} {gone[0]:>8.2f} {gone[1]:>8.2f}",
            f"{'their neighbours in top 10':<34} {near[0]:>8.2f} {near[1]:>8.2f}",
            f"{'median rank of neighbours':<34} {ranks[0]:>8.1f} {ranks[1]:>8.1f}",
            f"{'own papers: nDCG@10':<34} {own[0][0]:>8.4f} {own[1][0]:>8.4f}",
            f"{'own papers: recall@10':<34} {own[0][1]:>8.4f} {own[1][1]:>8.4f}",
            f"{'own papers: MRR':<34} {own[0][2]:>8.4f} {own[1][2]:>8.4f}",
        ]  # fmt: skip
        return "\n".join(lines)


def simulate(cases: list[Case], space: VectorSpace) -> Outcome:
    outcome = Outcome()
    for case in cases:
        before = [p.paper.pk for p in recommend_for_signals(case.liked, [], case.start, case.end, DEPTH)]
        dismissed = [pk for pk in before[:10] if pk not in case.relevant][:DISMISSED]
        if not dismissed:
            continue
        candidates = [pk for pk in window_ids(case.start, case.end) if pk not in set(case.liked)]
        pks, matrix = space.matrix(candidates)
        _, dismissed_matrix = space.matrix(dismissed)
        blocked = case.relevant | set(dismissed)
        neighbours: set[int] = set()
        for row in dismissed_matrix:
            order = np.argsort(-(matrix @ row))
            neighbours.update([int(pks[i]) for i in order if int(pks[i]) not in blocked][:NEIGHBOURS])
        after = [
            p.paper.pk for p in recommend_for_signals(case.liked, dismissed, case.start, case.end, DEPTH)
        ]
        outcome.cases += 1
        for side, ranked in enumerate((before, after)):
            place = {pk: i + 1 for i, pk in enumerate(ranked)}
            outcome.dismissed_top10[side] += sum(pk in dismissed for pk in ranked[:10])
            outcome.neighbours_top10[side] += sum(pk in neighbours for pk in ranked[:10])
            outcome.neighbour_rank[side] += [place.get(pk, DEPTH + 1) for pk in neighbours]
            outcome.own[side].add(ranked, case.relevant)
    return outcome
