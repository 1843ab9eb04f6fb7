"""Filters from a parsed query as a database condition on Paper, shared by every backend."""

from __future__ import annotations

from datetime import UTC, datetime, time
from typing import TYPE_CHECKING

from django.db.models import Q

from paperfeed.papers.models import category_filter
from paperfeed.search.query import ParsedQuery

if TYPE_CHECKING:
    from paperfeed.search.backends.base import SearchFilters


def category_q(category: str) -> Q:
    """Papers in ``category`` ignoring case: a source category, or an inferred one on a paper
    its source gave none."""
    return category_filter(category, "categories", lookup="i")


def start_of(day) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def filter_q(parsed: ParsedQuery | SearchFilters) -> Q:
    """The condition a paper must meet; hidden papers never pass."""
    q = Q(hidden=False)
    for category in parsed.categories:
        q &= category_q(category)
    for author in parsed.authors:
        q &= Q(pk__in=_author_papers(author))
    if parsed.after:
        q &= Q(published__gte=start_of(parsed.after))
    if parsed.before:
        # The end of the day, not the start of the next: before:9999-12-31 has no next day.
        q &= Q(published__lte=datetime.combine(parsed.before, time.max, tzinfo=UTC))
    if parsed.has_code:
        q &= ~Q(github_repo="")
    return q


def _author_papers(author: str):
    from paperfeed.papers.models import Authorship

    return Authorship.objects.visible().filter(name__icontains=author).values("paper_id")
