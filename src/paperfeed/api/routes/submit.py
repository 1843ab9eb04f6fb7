"""``POST /api/papers/submit``: put a paper on today's feed, with the web form's rules.

A paper the database lacks is fetched from arXiv outside the request: the answer is then 202 with
where to check, ``GET /api/papers/submit/{id}``, which answers 202 until the paper is listed (then
the same body as a direct success) or the submission failed (then the error).
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from ninja import Field, Router, Schema

from paperfeed.api.auth import token_auth
from paperfeed.api.errors import ApiError
from paperfeed.api.responses import json_response
from paperfeed.api.schemas import WRITE_ERRORS, ErrorOut, SubmitIn, SubmitOut
from paperfeed.api.serializers import listing_items
from paperfeed.papers.models import Listing

router = Router(tags=["Writes (personal access token)"])

# A broken submission rule answers 400 unless it has a more precise status.
SUBMISSION_STATUS = {"rate_limited": 429, "daily_limit": 429, "already_listed": 409, "not_found": 404,
                     "arxiv_unavailable": 503, "arxiv_busy": 503}  # fmt: skip
POLL_AFTER_SECONDS = 2


class SubmitPendingOut(Schema):
    status: str = Field(description="Always `fetching`: the paper is being fetched from arXiv.")
    id: str = Field(description="The arXiv id being fetched.")
    message: str
    check: str = Field(description="Where to ask for the outcome (GET, same token).")


def seconds_until_midnight_utc() -> int:
    now = timezone.now().astimezone(UTC)
    midnight = datetime.combine(now.date() + timedelta(days=1), time.min, tzinfo=UTC)
    return max(int((midnight - now).total_seconds()) + 1, 1)


def _error(code: str, message: str) -> ApiError:
    headers = {}
    if code == "rate_limited":
        headers["Retry-After"] = "60"
    elif code == "daily_limit":
        headers["Retry-After"] = str(seconds_until_midnight_utc())
    elif code in ("arxiv_unavailable", "arxiv_busy"):
        headers["Retry-After"] = "60"
    return ApiError(message, SUBMISSION_STATUS.get(code, 400), headers)


def _listed(listing: Listing, status: int) -> HttpResponse:
    listing = Listing.objects.select_related("paper", "submitted_by").get(pk=listing.pk)
    body = {"date": listing.date.isoformat(), "item": listing_items([listing])[0]}
    return json_response(body, status=status)


def _fetching(pending) -> HttpResponse:
    check = reverse("api:submit_status", kwargs={"pending_id": pending.pk})
    body = {
        "status": "fetching",
        "id": pending.arxiv_id,
        "message": f"Fetching {pending.arxiv_id} from arXiv…",
        "check": check,
    }
    response = json_response(body, status=202)
    response["Location"] = check
    response["Retry-After"] = str(POLL_AFTER_SECONDS)
    return response


@router.post(
    "/papers/submit",
    auth=token_auth,
    response={201: SubmitOut, 202: SubmitPendingOut, 409: ErrorOut, 503: ErrorOut, **WRITE_ERRORS},
    by_alias=True,
    summary="Submit a paper to today's feed",
    description=(
        "By arXiv id or link, for papers published within the submission window, once per paper, "
        "within the daily cap per user. Too many attempts or the daily cap: 429 with `Retry-After`. "
        "A paper this site does not have yet is fetched from arXiv in the background: 202 with "
        "`check`, the URL that answers 202 until the paper is on the feed (then 200 with the "
        "same body as 201 here) or the submission failed (then the error)."
    ),
)
def submit(request: HttpRequest, body: SubmitIn) -> HttpResponse:
    from paperfeed.community.models import PendingSubmission
    from paperfeed.community.submission import SubmissionError, submit_paper

    try:
        result = submit_paper(request.auth, body.id)
    except SubmissionError as error:
        raise _error(error.code, error.message) from None
    if isinstance(result, PendingSubmission):
        return _fetching(result)
    return _listed(result, 201)


@router.get(
    "/papers/submit/{pending_id}",
    auth=token_auth,
    url_name="submit_status",
    response={200: SubmitOut, 202: SubmitPendingOut, 409: ErrorOut, 503: ErrorOut, **WRITE_ERRORS},
    by_alias=True,
    summary="The outcome of a submission that is being fetched from arXiv",
    description="Only the submitter's own token can see it.",
)
def submit_status(request: HttpRequest, pending_id: int) -> HttpResponse:
    from paperfeed.community import fetches
    from paperfeed.community.models import FetchStatus, PendingSubmission

    pending = PendingSubmission.objects.filter(pk=pending_id, user=request.auth).first()
    if pending is None:
        raise ApiError(f"No submission of yours has the number {pending_id}.", 404)
    if pending.status == FetchStatus.FAILED:
        raise _error(pending.code, pending.message)
    listing = Listing.objects.filter(paper_id=pending.paper_id).first() if pending.paper_id else None
    if pending.status == FetchStatus.DONE and listing is not None:
        return _listed(listing, 200)
    fetches.wake()  # in case this process restarted since the submission
    return _fetching(pending)
