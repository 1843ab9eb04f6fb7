"""Filters from a parsed query as a database condition on Paper, shared by every backend."""

from __future__ import annotations

from datetime import UTC, datetime, time
from typing import TYPE_CHECKING

from django.db.models import Q

from paperfeed.papers.author_names import name_key
from paperfeed.papers.models import category_filter
from paperfeed.search.authors import prefix_q
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


def author_q(author: str) -> Q:
    """Authorships of the person ``author`` names, compared by ``name_key`` (accents, case,
    punctuation and "Surname, Given" order do not matter): the whole name typed ("Kaiming He"),
    with more given names after it ("Kaiming X. He"), a surname alone ("He"), or a given name
    shortened to its initial ("K. He"). Never part of a word: "He" is not "Hedy Lamarr"."""
    key = name_key(author)
    wanted = Q(name_key=key) | prefix_q(key + " ")
    if len(key.split()) > 1 and len(key.split()[-1]) == 1:
        wanted |= prefix_q(key)  # the last given name typed as an initial
    return wanted


def _author_papers(author: str):
    from paperfeed.papers.models import Authorship

    return Authorship.objects.visible().filter(author_q(author)).values("paper_id")


def author_paper_pks(author: str) -> list[int]:
    """The pks of the papers with a visible author of that name."""
    return sorted(set(_author_papers(author).values_list("paper_id", flat=True)))
