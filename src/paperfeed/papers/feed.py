"""Queries behind the daily feed: one period's listings, trending, the latest day.

Web pages, the JSON API and syndication feeds all read the feed through here, so
ordering and moderation rules live in one place.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.db.models import Count, Max, Min, Q, QuerySet
from django.utils import timezone

from paperfeed.papers.models import Listing, category_filter
from paperfeed.papers.trending import WINDOW_DAYS, trending_score

SORTS = ("upvotes", "trending", "newest")


def feed_listings(start: date, end: date, category: str | None = None) -> QuerySet[Listing]:
    """Visible listings on the feed between two days (inclusive), with their papers."""
    listings = (
        Listing.objects.visible()
        .filter(date__gte=start, date__lte=end)
        .select_related("paper", "submitted_by")
        .annotate(
            local_comments=Count(
                "paper__comments",
                filter=Q(paper__comments__hidden=False, paper__comments__deleted=False),
            )
        )
    )
    if category:
        listings = listings.filter(category_filter(category, "paper__categories"))
    return listings


def ordered(listings: QuerySet[Listing], sort: str = "upvotes") -> list[Listing] | QuerySet:
    """Order a period's listings: by upvotes then submission order (the default), newest, or trending."""
    if sort == "newest":
        return listings.order_by("-submitted_at", "-id")
    if sort == "trending":
        return rank_by_trending(list(listings), now=trending_now())
    return listings.order_by("-paper__upvotes", "submitted_at", "id")


def rank_by_trending(listings: list[Listing], now: datetime) -> list[Listing]:
    def score(listing: Listing) -> float:
        return trending_score(listing.paper.upvotes, listing.submitted_at, now)

    return sorted(listings, key=score, reverse=True)


def trending_now() -> datetime:
    """The moment trending is measured from.

    The wall clock, unless the feed has had no submission for a while (an archive
    or a freshly imported site): then the moment of the last submission, so the
    page still shows what was trending when the feed was last active.
    """
    now = timezone.now()
    # All listings, hidden or not: an index-only lookup, and moderation does not move the clock.
    latest = Listing.objects.aggregate(latest=Max("submitted_at"))["latest"]
    if latest is None or now - latest < timedelta(days=1):
        return now
    return latest + timedelta(hours=1)


def trending_listings(category: str | None = None) -> list[Listing]:
    """Listings from the trending window, best trending score first."""
    now = trending_now()
    window_start = (now - timedelta(days=WINDOW_DAYS)).date()
    listings = feed_listings(window_start, now.date(), category)
    return rank_by_trending(list(listings), now)


def latest_feed_day(before: date | None = None) -> date | None:
    """The most recent day that has visible papers (optionally strictly before a day)."""
    listings = Listing.objects.visible()
    if before is not None:
        listings = listings.filter(date__lt=before)
    return listings.aggregate(day=Max("date"))["day"]


def next_feed_day(after: date) -> date | None:
    return Listing.objects.visible().filter(date__gt=after).aggregate(day=Min("date"))["day"]
