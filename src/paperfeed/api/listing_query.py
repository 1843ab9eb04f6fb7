"""Which listings a daily-feed API request asks for, in which order."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db.models import QuerySet

from paperfeed.api.errors import ApiError
from paperfeed.api.serializers import (
    PAPER_COLUMNS,
    SUBMISSION_COLUMNS,
    PaperRow,
    Submission,
    submission_of_row,
)
from paperfeed.papers import feed, trending
from paperfeed.papers.models import Listing, category_filter
from paperfeed.papers.periods import InvalidPeriod, Period, day_period, parse_day, parse_month, parse_week

CATEGORY = re.compile(r"^[a-z][a-z\-]*(\.[A-Za-z\-]{1,10})?$")


@dataclass(frozen=True)
class FeedRequest:
    period: Period | None
    submitter: str | None
    category: str | None
    sort: str | None  # None, "publishedAt" or "trending"


def parse_period(date: str | None, week: str | None, month: str | None) -> Period | None:
    given = [(name, value) for name, value in (("date", date), ("week", week), ("month", month)) if value]
    if len(given) > 1:
        names = " and ".join(name for name, _ in given)
        raise ApiError(f"Give only one of date, week and month (got {names}).")
    try:
        if date:
            return day_period(parse_day(date))
        if week:
            return parse_week(week)
        if month:
            return parse_month(month)
    except InvalidPeriod as error:
        raise ApiError(str(error)) from None
    return None


def check_category(category: str | None) -> str | None:
    if not category:
        return None
    if not CATEGORY.match(category):
        raise ApiError(f"“{category[:60]}” is not an arXiv category: use a form like cs.LG or hep-th.")
    return category


def base_listings(request: FeedRequest) -> QuerySet[Listing]:
    listings = Listing.objects.visible()
    if request.period is not None:
        listings = listings.filter(date__gte=request.period.start, date__lte=request.period.end)
    if request.submitter:
        listings = listings.filter(submitted_by__username=request.submitter)
    if request.category:
        listings = listings.filter(category_filter(request.category, "paper__categories"))
    return listings


FeedRow = tuple[PaperRow, Submission]
# One row per listing: its paper's columns, then its submission's.
ROW_COLUMNS = (*(f"paper__{column}" for column in PAPER_COLUMNS), *SUBMISSION_COLUMNS)
PAPER_WIDTH = len(PAPER_COLUMNS)


def _feed_row(row: tuple) -> FeedRow:
    return dict(zip(PAPER_COLUMNS, row[:PAPER_WIDTH], strict=True)), submission_of_row(*row[PAPER_WIDTH:])


def feed_rows(listings: QuerySet[Listing]) -> list[FeedRow]:
    """Paper rows with their submissions, in the queryset's order, in one query."""
    return [_feed_row(row) for row in listings.values_list(*ROW_COLUMNS)]


def page_of_listings(request: FeedRequest, offset: int, count: int) -> list[FeedRow]:
    """``count`` listings from ``offset`` on, as (paper row, submission) pairs.

    A period without ``sort`` is the daily batch order (upvotes, then submission order);
    ``publishedAt`` is newest first (also the default with no period, i.e. the whole
    archive); ``trending`` ranks by the time-decayed vote score, over the trending
    window when no period is given.
    """
    listings = base_listings(request)
    if request.sort == "trending":
        now = trending.trending_now()
        if request.period is None:
            # The default window, widened as on the trending page until it fills this page.
            chosen = trending.choose_window(listings, now, trending.WINDOW_DAYS, offset + count)
            listings = trending.in_window(listings, chosen)
        # Rank on three columns, then load full rows for the page only.
        page = trending.ranked_pks(listings, now)[offset : offset + count]
        place = {pk: index for index, pk in enumerate(page)}
        rows = Listing.objects.filter(pk__in=page).values_list("pk", *ROW_COLUMNS)
        return [_feed_row(row[1:]) for row in sorted(rows, key=lambda row: place[row[0]])]
    if request.sort == "publishedAt" or request.period is None:
        # Newest first; the day leads so the (date, submitted_at) index serves the order (the day
        # is the submission's day, so the order is the same as by submission time alone).
        ordered = listings.order_by("-date", "-submitted_at", "-id")
    else:
        ordered = feed.ordered(listings, "upvotes")
    return feed_rows(ordered[offset : offset + count])
