"""Queries behind the daily feed: one period's listings, trending, the latest day.

Web pages, the JSON API and syndication feeds all read the feed through here, so
ordering and moderation rules live in one place (the trending order in ``trending``).
"""

from __future__ import annotations

from datetime import date

from django.db.models import Max, Min, QuerySet

from paperfeed.papers import trending
from paperfeed.papers.models import Listing, category_filter

SORTS = ("upvotes", "trending", "newest")


def feed_listings(start: date, end: date, category: str | None = None) -> QuerySet[Listing]:
    """Visible listings on the feed between two days (inclusive), with their papers."""
    listings = (
        Listing.objects.visible()
        .filter(date__gte=start, date__lte=end)
        .select_related("paper", "submitted_by")
    )
    if category:
        listings = listings.filter(category_filter(category, "paper__categories"))
    return listings


def ordered(listings: QuerySet[Listing], sort: str = "upvotes") -> list[Listing] | QuerySet:
    """Order a period's listings: by upvotes then submission order (the default), newest, or trending."""
    if sort == "newest":
        return listings.order_by("-submitted_at", "-id")
    if sort == "trending":
        return trending.rank_listings(listings, trending.trending_now())
    return listings.order_by("-paper__upvotes", "submitted_at", "id")


def trending_listings(
    category: str | None = None, days: int = trending.WINDOW_DAYS, enough: int = 50
) -> tuple[list[Listing], trending.Window]:
    """Listings from the trending window, best trending score first, and the window used: ``days``
    of feed, widened until it holds ``enough`` papers (see ``trending.choose_window``)."""
    now = trending.trending_now()
    listings = Listing.objects.visible().select_related("paper", "submitted_by")
    if category:
        listings = listings.filter(category_filter(category, "paper__categories"))
    chosen = trending.choose_window(listings, now, days, enough)
    return trending.rank_listings(trending.in_window(listings, chosen), now), chosen


def latest_feed_day(before: date | None = None) -> date | None:
    """The most recent day that has visible papers (optionally strictly before a day)."""
    listings = Listing.objects.visible()
    if before is not None:
        listings = listings.filter(date__lt=before)
    return listings.aggregate(day=Max("date"))["day"]


def next_feed_day(after: date) -> date | None:
    return Listing.objects.visible().filter(date__gt=after).aggregate(day=Min("date"))["day"]
