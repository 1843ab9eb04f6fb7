"""Papers from what a member follows: the Following tab's list and a digest's section.

Authors, categories and collections are read here, in one query. A followed search needs the
search engine, which community may not import (search is its sibling, see ARCHITECTURE.md):
the layer above passes search's own ``search_papers`` in as ``run_search``, and this module
asks it for each followed query's newest matches. Without it, followed searches add nothing.
"""

from __future__ import annotations

from collections.abc import Collection as Ids
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import reduce
from operator import or_
from typing import Any, Protocol

from django.db.models import Q, QuerySet
from django.db.models.functions import Lower

from paperfeed.community.following.models import Follow, Kind
from paperfeed.community.following.services import follows_of, label_of
from paperfeed.community.models import CollectionItem
from paperfeed.papers.models import Authorship, Paper, category_filter

# How many of a followed search's newest matches count (search pages hold at most 120).
SEARCH_DEPTH = 100


class RunSearch(Protocol):
    """``paperfeed.search.public.search_papers``: hits (each with ``.paper``) and a total; raises
    ``QueryError`` (a ``ValueError``) for a query that cannot run."""

    def __call__(self, query: str, *, limit: int, sort: str, mode: str) -> tuple[Sequence[Any], int]: ...


@dataclass
class Followed:
    """What a member follows and the papers from it, newest first."""

    follows: list[Follow]
    papers: QuerySet[Paper]
    search_ids: dict[str, set[int]] = field(default_factory=dict)  # by the follow's key
    notes: list[str] = field(default_factory=list)  # followed searches that could not run


def followed(user, run_search: RunSearch | None = None) -> Followed:
    """Every visible paper from what ``user`` follows, newest published first."""
    follows = follows_of(user)
    search_ids, notes = _run_searches(follows, run_search)
    condition = _condition(user, follows, search_ids)
    if condition is None:
        papers = Paper.objects.none()
    else:
        papers = Paper.objects.visible().filter(condition).order_by("-published", "-pk")
    return Followed(follows, papers, search_ids, notes)


def new_in(
    user,
    start: datetime,
    end: datetime,
    run_search: RunSearch | None = None,
    exclude: Ids[int] = frozenset(),
    limit: int = 10,
) -> list[tuple[Paper, str]]:
    """Papers new between ``start`` and ``end`` from what ``user`` follows, newest first, none of
    ``exclude``, each with why it is there. New means published then, put on the feed then, or
    (for a followed collection) added to it then."""
    found = followed(user, run_search)
    if not found.follows:
        return []
    collections = [f.collection_id for f in found.follows if f.kind == Kind.COLLECTION]
    window = Q(published__gte=start, published__lte=end) | Q(
        listing__hidden=False, listing__date__gte=start.date(), listing__date__lte=end.date()
    )
    if collections:
        added = CollectionItem.objects.filter(
            collection_id__in=collections, added_at__gte=start, added_at__lte=end
        )
        window |= Q(pk__in=added.values("paper_id"))
    papers: list[Paper] = []
    # Walked rather than excluded in SQL: ``exclude`` (every paper mailed before) only grows.
    for paper in found.papers.filter(window).iterator(chunk_size=100):
        if paper.pk not in exclude:
            papers.append(paper)
            if len(papers) >= limit:
                break
    reasons = reasons_for(found, papers)
    return [(paper, reasons.get(paper.pk, "")) for paper in papers]


def _run_searches(
    follows: list[Follow], run_search: RunSearch | None
) -> tuple[dict[str, set[int]], list[str]]:
    ids: dict[str, set[int]] = {}
    notes: list[str] = []
    if run_search is None:
        return ids, notes
    for follow in follows:
        if follow.kind != Kind.SEARCH:
            continue
        try:
            # Keyword matching: a followed search brings papers that say what it asks for, not
            # papers merely near it in meaning.
            hits, _ = run_search(follow.value, limit=SEARCH_DEPTH, sort="newest", mode="keyword")
        except ValueError as error:  # the search's QueryError: this one query cannot run
            notes.append(f"Your followed search “{follow.value}” could not run: {error}")
            continue
        ids[follow.key] = {hit.paper.pk for hit in hits}
    return ids, notes


def _condition(user, follows: list[Follow], search_ids: dict[str, set[int]]) -> Q | None:
    """One condition on Paper for everything followed, or None when nothing is."""
    parts: list[Q] = []
    names = [f.key for f in follows if f.kind == Kind.AUTHOR]
    if names:  # keys are lower-cased names: the index on lower(name) finds them
        by_name = Authorship.objects.visible().alias(name_lower=Lower("name")).filter(name_lower__in=names)
        parts.append(Q(pk__in=by_name.values("paper_id")))
    parts += [category_filter(f.value, "categories") for f in follows if f.kind == Kind.CATEGORY]
    collections = [f.collection_id for f in follows if f.kind == Kind.COLLECTION]
    if collections:
        # A collection made private since stops counting (except for its owner).
        items = CollectionItem.objects.filter(collection_id__in=collections).filter(
            Q(collection__is_public=True) | Q(collection__owner=user)
        )
        parts.append(Q(pk__in=items.values("paper_id")))
    matched = set().union(*search_ids.values()) if search_ids else set()
    if matched:
        parts.append(Q(pk__in=sorted(matched)))
    return reduce(or_, parts) if parts else None


def reasons_for(found: Followed, papers: Iterable[Paper]) -> dict[int, str]:
    """Why each paper is there: the first followed author, collection, category or search it
    comes from ("You follow the author Ada Lovelace")."""
    papers = list(papers)
    ids = [paper.pk for paper in papers]
    by_kind: dict[str, dict[str, Follow]] = {}
    for follow in found.follows:
        by_kind.setdefault(follow.kind, {})[follow.key] = follow
    reasons: dict[int, str] = {}

    def give(paper_id: int, follow: Follow) -> None:
        reasons.setdefault(paper_id, "You follow " + label_of(follow.kind, follow.value, follow.collection))

    authors = by_kind.get(Kind.AUTHOR, {})
    if authors and ids:
        rows = (
            Authorship.objects.visible()
            .filter(paper_id__in=ids)
            .annotate(name_lower=Lower("name"))
            .filter(name_lower__in=list(authors))
            .order_by("paper_id", "position")
            .values_list("paper_id", "name_lower")
        )
        for paper_id, name in rows:
            give(paper_id, authors[name])
    collections = {f.collection_id: f for f in by_kind.get(Kind.COLLECTION, {}).values()}
    if collections and ids:
        rows = CollectionItem.objects.filter(paper_id__in=ids, collection_id__in=list(collections))
        for paper_id, collection_id in rows.values_list("paper_id", "collection_id"):
            give(paper_id, collections[collection_id])
    categories = by_kind.get(Kind.CATEGORY, {})
    for paper in papers:
        for category in (paper.categories or paper.inferred_categories).split():
            if category in categories:
                give(paper.pk, categories[category])
    for key, matched in found.search_ids.items():
        for paper_id in ids:
            if paper_id in matched:
                give(paper_id, by_kind[Kind.SEARCH][key])
    return reasons
