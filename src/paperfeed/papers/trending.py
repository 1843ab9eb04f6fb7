"""The trending score: votes decayed by age, Hacker-News style.

    score = (upvotes + 1) / (age_hours + 12) ** GRAVITY

``age_hours`` counts from when the paper appeared on the feed. With ``GRAVITY``
1.2 the score falls as a power of age, so of two papers with the same votes the
fresher ranks higher, while a paper with many more votes (a "strong" paper)
stays above fresh ones for a day or two; after a week it needs several times a
fresh paper's votes to keep up. The ``+ 1`` lets a paper nobody voted on yet
still rank by freshness. The ``+ 12`` hours (HN uses 2 for a stream of links)
suits a feed that arrives in daily batches: papers of the same batch, listed
minutes apart, are not separated by those minutes.

This module is the one home of the trending order: the moment it is measured
from, the window of feed days it covers and the ranking. The HTML feed, the JSON
API, the RSS/Atom feed and the digests all rank through it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta

from django.db.models import Max, QuerySet
from django.utils import timezone

from paperfeed.papers.models import Listing

GRAVITY = 1.2
AGE_OFFSET_HOURS = 12.0
# Papers older than this are not trending, whatever their votes.
WINDOW_DAYS = 14


def trending_score(upvotes: int, listed_at: datetime, now: datetime) -> float:
    age_hours = max((now - listed_at).total_seconds() / 3600.0, 0.0)
    return (max(upvotes, 0) + 1) / (age_hours + AGE_OFFSET_HOURS) ** GRAVITY


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


def window(now: datetime) -> tuple[date, date]:
    """The feed days (first and last, inclusive) that can be trending at ``now``.

    A listing on a later feed day (an import can date one ahead) is not trending yet.
    """
    return (now - timedelta(days=WINDOW_DAYS)).date(), now.date()


# What ranking needs of a listing: its primary key, its paper's upvotes, when it was submitted.
TrendingRow = tuple[int, int, datetime]


def rank(rows: Iterable[TrendingRow], now: datetime) -> list[int]:
    """Listing primary keys, best trending score first.

    Equal scores keep the older listing (smaller key) first, so every reader of the
    feed shows ties in the same order whatever order the database returned rows in.
    """
    ranked = sorted(rows, key=lambda row: (-trending_score(row[1], row[2], now), row[0]))
    return [pk for pk, _, _ in ranked]


def ranked_pks(listings: QuerySet[Listing], now: datetime) -> list[int]:
    """The listings' primary keys in trending order, ranked on three columns (no full rows loaded)."""
    return rank(listings.values_list("pk", "paper__upvotes", "submitted_at"), now)


def rank_listings(listings: Iterable[Listing], now: datetime) -> list[Listing]:
    """Listings already loaded (with their papers), in trending order."""
    by_pk = {listing.pk: listing for listing in listings}
    rows = ((pk, listing.paper.upvotes, listing.submitted_at) for pk, listing in by_pk.items())
    return [by_pk[pk] for pk in rank(rows, now)]
