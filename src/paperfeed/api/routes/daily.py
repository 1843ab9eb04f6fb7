"""``GET /api/daily_papers``: the daily feed, as the Hugging Face Hub serves it."""

from __future__ import annotations

from typing import Literal

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router
from ninja.decorators import decorate_view

from paperfeed.api.listing_query import FeedRequest, check_category, page_of_listings, parse_period
from paperfeed.api.paging import MAX_OFFSET, add_next_link
from paperfeed.api.responses import json_response
from paperfeed.api.schemas import ErrorOut, FeedItem
from paperfeed.api.serializers import feed_items
from paperfeed.core.read_cache import cached_for_anonymous_reads

router = Router(tags=["Daily papers"])


@router.get(
    "/daily_papers",
    response={200: list[FeedItem], 400: ErrorOut},
    by_alias=True,
    summary="The daily feed",
    description=(
        "Papers on the daily feed. With `date`, `week` or `month`, that period's papers in the order of the "
        "daily batch (upvotes, then submission order); without, the whole feed newest first. "
        "`sort=publishedAt` orders by the time a paper appeared on the feed (newest first); "
        "`sort=trending` by a time-decayed vote score. `p` is a 0-based page; a page past the end is `[]`. "
        'A `Link: <...>; rel="next"` header points to the next page when there is one.'
    ),
)
@decorate_view(cached_for_anonymous_reads(timeout=60))  # short: trending moves with the clock
def daily_papers(
    request: HttpRequest,
    date: str | None = Query(None, description="A feed day, YYYY-MM-DD.", examples=["2025-03-18"]),
    week: str | None = Query(None, description="An ISO week, YYYY-Www.", examples=["2025-W12"]),
    month: str | None = Query(None, description="A month, YYYY-MM.", examples=["2025-03"]),
    submitter: str | None = Query(None, max_length=150, description="Only papers this username submitted."),
    sort: Literal["publishedAt", "trending"] | None = Query(None),
    p: int = Query(0, ge=0, description="0-based page."),
    limit: int = Query(50, ge=1, le=100, description="Papers per page, 1–100."),
    category: str | None = Query(
        None, max_length=40, description="Only papers in this arXiv category, e.g. cs.LG (extension)."
    ),
) -> HttpResponse:
    feed_request = FeedRequest(
        period=parse_period(date, week, month),
        submitter=submitter or None,
        category=check_category(category),
        sort=sort,
    )
    offset = p * limit
    if offset > MAX_OFFSET:
        return json_response([])
    rows = page_of_listings(feed_request, offset, limit + 1)
    page = rows[:limit]
    response = json_response(
        feed_items([paper for paper, _ in page], {paper["id"]: sub for paper, sub in page})
    )
    return add_next_link(response, request, p, has_more=len(rows) > limit)
