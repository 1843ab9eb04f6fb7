"""Upvotes: one per user and paper, with Paper.upvotes kept in step in the same transaction."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.db.models import Count, F
from django.db.models.functions import Greatest

from paperfeed.community.models import Vote
from paperfeed.papers.models import Paper


def set_vote(user, paper: Paper, voted: bool) -> tuple[bool, int]:
    """Make the user's vote on ``paper`` be ``voted``; return (voted, the paper's upvote count).

    Idempotent: voting twice (a double click, two tabs, a race) counts once.
    """
    with transaction.atomic():
        if voted:
            try:
                with transaction.atomic():  # a savepoint, so a duplicate leaves the outer block usable
                    Vote.objects.create(user=user, paper=paper)
            except IntegrityError:
                pass  # the unique constraint says this user has already voted
            else:
                Paper.objects.filter(pk=paper.pk).update(upvotes=F("upvotes") + 1)
        else:
            removed, _ = Vote.objects.filter(user=user, paper=paper).delete()
            if removed:
                # Never below zero, even if the counter had drifted from the vote rows.
                Paper.objects.filter(pk=paper.pk).update(upvotes=Greatest(F("upvotes") - 1, 0))
        upvotes = Paper.objects.values_list("upvotes", flat=True).get(pk=paper.pk)
    paper.upvotes = upvotes
    return voted, upvotes


def has_voted(user, paper: Paper) -> bool:
    return user.is_authenticated and Vote.objects.filter(user=user, paper=paper).exists()


def recount_upvotes(paper_ids: Iterable[int]) -> None:
    """Recompute Paper.upvotes from the vote rows (after votes are removed in bulk, e.g. by admins)."""
    ids = list(paper_ids)
    counts = dict(
        Vote.objects.filter(paper_id__in=ids)
        .values("paper_id")
        .annotate(n=Count("id"))
        .values_list("paper_id", "n")
    )
    with transaction.atomic():
        for paper in Paper.objects.filter(pk__in=ids).only("pk", "imported_upvotes"):
            Paper.objects.filter(pk=paper.pk).update(upvotes=paper.imported_upvotes + counts.get(paper.pk, 0))
