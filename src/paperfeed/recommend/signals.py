"""What a reader's recommendations learn from, in one object with a version that changes whenever
the signals do (the fitted model is kept until then).

Positives: upvotes and saves (since the last reset, see community.reader_signals), the imported
library, the reader's own papers, and for picked categories and topics the papers that stand for
them. Negatives: papers marked "not interested". Papers shown several times, or opened, are
*seen*: never picked again, but they teach nothing.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from django.db.models import Q

from paperfeed.community import reader_signals
from paperfeed.community.models import Impression, LibraryEntry, PickedTopic
from paperfeed.papers.models import Paper

MAX_POSITIVES = 2000  # the most recent positives that make a model
MAX_DISLIKES = 500
# A paper shown this many times without being opened has had its chance.
SHOWN_LIMIT = 3
PAPERS_PER_PICK = 20  # papers standing for one picked category or topic

# How a reason names each kind of positive: “Similar to “X”, which you <phrase>”.
PHRASES = {
    "upvoted": "which you upvoted",
    "collected": "which you collected",
    "imported": "which is in your library",
    "own": "which you wrote",
    "liked": "which you liked",
}


@dataclass(frozen=True)
class Positive:
    paper_id: int
    kind: str  # a key of PHRASES, or "topic" / "category" with ``label``
    label: str = ""


@dataclass
class Signals:
    positives: list[Positive]
    dislikes: list[int]
    seen: set[int] = field(default_factory=set)
    # Picked (kind, value) categories and topics: resolved to papers only when a model is fitted.
    picks: list[tuple[str, str]] = field(default_factory=list)

    @property
    def version(self) -> str:
        """Changes with any positive or dismissed paper (and what it came from), nothing else."""
        digest = hashlib.sha256()
        for positive in sorted(self.positives, key=lambda p: (p.paper_id, p.kind, p.label)):
            digest.update(f"{positive.paper_id}:{positive.kind}:{positive.label};".encode())
        digest.update(b"|")
        for pk in sorted(self.dislikes):
            digest.update(f"{pk};".encode())
        for kind, value in sorted(self.picks):
            digest.update(f"|{kind}:{value}".encode())
        return digest.hexdigest()

    @property
    def positive_ids(self) -> list[int]:
        return [p.paper_id for p in self.positives]

    def excluded(self) -> set[int]:
        """Papers never to pick: what the reader liked, dismissed or has seen enough of."""
        return set(self.positive_ids) | set(self.dislikes) | self.seen


def _visible(ids) -> set[int]:
    return set(Paper.objects.visible().filter(pk__in=ids).values_list("pk", flat=True))


def signals_of(user) -> Signals:
    """Everything ``user`` taught the recommendations, most recent positives first."""
    # Newest first within each kind (only more than MAX_POSITIVES makes the order matter).
    sources = [
        (reader_signals.liked(user).order_by("-created_at"), "upvoted"),
        (reader_signals.saved(user).order_by("-added_at"), "collected"),
        (LibraryEntry.objects.filter(user=user).order_by("-created_at"), "imported"),
    ]
    positives: list[Positive] = []
    taken: set[int] = set()
    for rows, kind in sources:
        for pk in rows.filter(paper__hidden=False).values_list("paper_id", flat=True):
            if pk not in taken:
                taken.add(pk)
                positives.append(Positive(pk, kind))
    own = _visible(reader_signals.own_paper_ids(user)) - taken
    positives += [Positive(pk, "own") for pk in sorted(own, reverse=True)]
    picks = list(PickedTopic.objects.filter(user=user).values_list("kind", "value"))
    dislikes = sorted(reader_signals.dismissed_ids(user))[:MAX_DISLIKES]
    seen = set(
        Impression.objects.filter(user=user)
        .filter(Q(opened_at__isnull=False) | Q(shown_count__gte=SHOWN_LIMIT))
        .values_list("paper_id", flat=True)
    )
    return Signals(positives[:MAX_POSITIVES], dislikes, seen, picks)


def picked_positives(signals: Signals) -> list[Positive]:
    """The papers standing for the reader's picked categories and topics (not already positives)."""
    taken = set(signals.positive_ids)
    found = []
    for kind, value in signals.picks:
        for pk in _papers_for_pick(kind, value):
            if pk not in taken:
                taken.add(pk)
                found.append(Positive(pk, kind, value))
    return found


def signals_from_ids(liked: list[int], disliked: list[int]) -> Signals:
    """Signals given by a caller (the stateless API): liked and dismissed paper pks."""
    taken: set[int] = set()
    positives = []
    for pk in liked:
        if pk not in taken:
            taken.add(pk)
            positives.append(Positive(pk, "liked"))
    return Signals(positives[:MAX_POSITIVES], sorted(set(disliked) - taken)[:MAX_DISLIKES])


def _papers_for_pick(kind: str, value: str) -> list[int]:
    """Papers that stand for a picked category (its newest) or topic (its best search matches)."""
    if kind == PickedTopic.Kind.CATEGORY:
        return list(
            Paper.objects.visible()
            .in_category(value)
            .order_by("-published")
            .values_list("pk", flat=True)[:PAPERS_PER_PICK]
        )
    try:
        from paperfeed.search.public import QueryError, search_papers
    except ImportError:
        return []
    try:
        hits, _ = search_papers(value[:250], limit=PAPERS_PER_PICK)
    except QueryError:
        return []
    return [hit.paper.pk for hit in hits]
