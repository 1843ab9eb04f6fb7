"""``POST /api/papers/submit``: put a paper on today's feed, with the web form's rules."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Router

from paperfeed.api.auth import token_auth
from paperfeed.api.errors import ApiError
from paperfeed.api.responses import json_response
from paperfeed.api.schemas import WRITE_ERRORS, ErrorOut, SubmitIn, SubmitOut
from paperfeed.api.serializers import listing_items
from paperfeed.papers.models import Listing

router = Router(tags=["Writes (personal access token)"])

# A broken submission rule answers 400 unless it has a more precise status.
SUBMISSION_STATUS = {"rate_limited": 429, "daily_limit": 429, "already_listed": 409, "not_found": 404,
                     "arxiv_unavailable": 503}  # fmt: skip


def seconds_until_midnight_utc() -> int:
    now = timezone.now().astimezone(UTC)
    midnight = datetime.combine(now.date() + timedelta(days=1), time.min, tzinfo=UTC)
    return max(int((midnight - now).total_seconds()) + 1, 1)


@router.post(
    "/papers/submit",
    auth=token_auth,
    response={201: SubmitOut, 409: ErrorOut, 503: ErrorOut, **WRITE_ERRORS},
    by_alias=True,
    summary="Submit a paper to today's feed",
    description=(
        "By arXiv id or link, for papers published within the submission window, once per paper, "
        "within the daily cap per user. Too many attempts or the daily cap: 429 with `Retry-After`."
    ),
)
def submit(request: HttpRequest, body: SubmitIn) -> HttpResponse:
    from paperfeed.community.submission import SubmissionError, submit_paper

    try:
        listing = submit_paper(request.auth, body.id)
    except SubmissionError as error:
        headers = {}
        if error.code == "rate_limited":
            headers["Retry-After"] = "60"
        elif error.code == "daily_limit":
            headers["Retry-After"] = str(seconds_until_midnight_utc())
        raise ApiError(error.message, SUBMISSION_STATUS.get(error.code, 400), headers) from None
    listing = Listing.objects.select_related("paper", "submitted_by").get(pk=listing.pk)
    return json_response({"date": listing.date.isoformat(), "item": listing_items([listing])[0]}, status=201)
