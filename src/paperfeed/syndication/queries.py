"""What each feed lists, and checks on the inputs that name a feed."""

from __future__ import annotations

import re
from datetime import datetime

from paperfeed.papers.models import Authorship, Listing, Paper, category_filter

CATEGORY = re.compile(r"^[a-z][a-z\-]*(\.[A-Za-z\-]{1,10})?$")
LATEST_DAYS = 3


# A feed entry: a paper and the moment it joined the list the feed follows (None: its publication).
Entry = tuple[Paper, datetime | None]


class FeedInputError(ValueError):
    """A feed URL with a bad parameter; the message says what to send instead."""


def check_category(category: str) -> str:
    if not CATEGORY.match(category):
        raise FeedInputError(f"“{category[:60]}” is not an arXiv category: use a form like cs.LG or hep-th.")
    return category


def latest_days_listings(limit: int) -> list[Listing]:
    """The latest few feed days, newest day first, each day most upvoted first."""
    days = list(
        Listing.objects.visible().values_list("date", flat=True).distinct().order_by("-date")[:LATEST_DAYS]
    )
    listings = (
        Listing.objects.visible()
        .filter(date__in=days)
        .select_related("paper")
        .order_by("-date", "-paper__upvotes", "submitted_at", "id")
    )
    return list(listings[:limit])


def category_listings(category: str, limit: int) -> list[Listing]:
    listings = (
        Listing.objects.visible()
        .filter(category_filter(category, "paper__categories"))
        .select_related("paper")
        .order_by("-submitted_at", "-id")
    )
    return list(listings[:limit])


def author_papers(name: str, limit: int) -> list[Paper]:
    papers = Paper.objects.visible().filter(pk__in=Authorship.paper_ids_by(name))
    return list(papers.order_by("-published", "-id")[:limit])


def search_papers_for_feed(query: str, limit: int) -> list[Paper]:
    from paperfeed.search.public import QueryError, search_papers

    try:
        hits, _ = search_papers(query, limit=limit)
    except QueryError as error:
        raise FeedInputError(str(error)) from None
    return [hit.paper for hit in hits]


def public_collection(pk: int):
    from paperfeed.community.models import Collection

    return Collection.objects.select_related("owner").filter(pk=pk, is_public=True).first()


def collection_papers(collection, limit: int) -> list[Entry]:
    """The collection's papers, latest added first, each with the moment it was added."""
    items = collection.items.select_related("paper").filter(paper__hidden=False).order_by("-added_at", "-id")
    return [(item.paper, item.added_at) for item in items[:limit]]
