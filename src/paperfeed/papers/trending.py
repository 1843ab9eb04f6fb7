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
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Max, QuerySet
from django.utils import timezone

from paperfeed.papers.models import Listing

GRAVITY = 1.2
AGE_OFFSET_HOURS = 12.0
# The windows a reader can pick (days of feed, counted back from trending_now()), and the default.
WINDOWS = (3, 7, 30)
WINDOW_DAYS = 7
# A window holding fewer papers than a page widens through these, then to the whole feed: one fresh
# submission on a site that holds an archive must not leave trending with that paper alone.
WIDER_DAYS = (3, 7, 30, 90, 365)


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


def window(now: datetime, days: int = WINDOW_DAYS) -> tuple[date, date]:
    """The feed days (first and last, inclusive) that can be trending at ``now``.

    A listing on a later feed day (an import can date one ahead) is not trending yet.
    """
    return (now - timedelta(days=days)).date(), now.date()


@dataclass(frozen=True)
class Window:
    """The stretch of feed days trending was ranked over, and the one the reader asked for."""

    asked: int
    days: int | None  # None: the whole feed (even a year held too few papers)
    start: date | None
    end: date

    @property
    def widened(self) -> bool:
        return self.days != self.asked

    @property
    def label(self) -> str:
        return "all papers on the feed" if self.days is None else f"the last {self.days} days"


def parse_window(text: str | None) -> int:
    """The window a reader picked (``?window=3``), or the default for anything else."""
    try:
        days = int(text or "")
    except ValueError:
        return WINDOW_DAYS
    return days if days in WINDOWS else WINDOW_DAYS


def choose_window(listings: QuerySet[Listing], now: datetime, asked: int, enough: int) -> Window:
    """``asked`` days of feed, widened until they hold ``enough`` of ``listings`` (a full page)."""
    end = now.date()
    for days in (asked, *(wider for wider in WIDER_DAYS if wider > asked)):
        start, end = window(now, days)
        held = listings.filter(date__gte=start, date__lte=end)[:enough].count()
        if held >= enough:
            return Window(asked, days, start, end)
    return Window(asked, None, None, end)


def in_window(listings: QuerySet[Listing], chosen: Window) -> QuerySet[Listing]:
    listings = listings.filter(date__lte=chosen.end)
    return listings if chosen.start is None else listings.filter(date__gte=chosen.start)


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
