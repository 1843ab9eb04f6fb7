"""``GET``/``POST /api/recommendations``: a window's papers ranked for a reader, in the Hub's item shape.

``GET`` ranks for the token's reader (their upvotes, saves, library, own papers, dismissals);
``POST`` ranks for the liked and disliked papers in its body, with no account: a script can rank
today's papers against a Zotero library.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from paperfeed.api.auth import token_auth
from paperfeed.api.errors import ApiError
from paperfeed.api.listing_query import parse_period
from paperfeed.api.responses import json_response
from paperfeed.api.schemas import ErrorOut, FeedItem
from paperfeed.api.serializers import PAPER_COLUMNS, PaperExtras, feed_item
from paperfeed.papers.arxiv_ids import InvalidArxivId, parse_arxiv_id
from paperfeed.papers.models import Paper
from paperfeed.papers.periods import InvalidPeriod, parse_day

router = Router(tags=["Recommendations"])

MAX_LIKED = 1000
MAX_LIMIT = 500
MAX_DAYS = 92  # the longest window: a quarter
DEFAULT_DAYS = 7  # without a window: the last week, today included
SHOWN_UNKNOWN = 20  # unknown ids named in an error, at most
EMPTY_NOTE = "X-Recommendations-Note"

WINDOW_HELP = (
    "The window is one of `date` (YYYY-MM-DD), `week` (YYYY-Www), `month` (YYYY-MM), or `after` and/or "
    f"`before` (YYYY-MM-DD, both included, at most {MAX_DAYS} days apart); without any, the last "
    f"{DEFAULT_DAYS} days. A paper is in the window if it was first published or put on the feed in it. "
    f"A window without papers (or without any like the reader's) answers `200 []` with an `{EMPTY_NOTE}` "
    "header saying why."
)


class RecommendationItem(FeedItem):
    score: float = Field(
        description="How well the paper fits the reader; higher first. Comparable within one answer only."
    )
    reason: str = Field(description="Why this paper, e.g. “Similar to “X”, which you saved”.")


class RecommendIn(Schema):
    liked: list[str] = Field(
        description=f"arXiv ids of papers the reader likes (1 to {MAX_LIKED}), e.g. from a Zotero library."
    )
    disliked: list[str] = Field(
        default_factory=list,
        description=f"arXiv ids of papers the reader is not interested in (at most {MAX_LIKED}).",
    )
    date: str | None = None
    week: str | None = None
    month: str | None = None
    after: str | None = None
    before: str | None = None
    limit: int = Field(50, description=f"How many papers, 1–{MAX_LIMIT}.")


def window(
    day: str | None, week: str | None, month: str | None, after: str | None, before: str | None
) -> tuple[date, date]:
    """The window the request names (see WINDOW_HELP); a clear ApiError for anything else."""
    period = parse_period(day, week, month)
    if period is not None:
        if after or before:
            raise ApiError("Give either date, week or month, or after/before, not both.")
        return period.start, period.end
    try:
        end = parse_day(before) if before else None
        start = parse_day(after) if after else None
    except InvalidPeriod as error:
        raise ApiError(str(error)) from None
    if start is None and end is None:
        end = timezone.now().date()
    if start is None:
        start = end - timedelta(days=DEFAULT_DAYS - 1)
    if end is None:
        end = min(start + timedelta(days=MAX_DAYS - 1), max(start, timezone.now().date()))
    if end < start:
        raise ApiError(f"before ({end}) is earlier than after ({start}).")
    if (end - start).days + 1 > MAX_DAYS:
        raise ApiError(f"The window is {(end - start).days + 1} days long; at most {MAX_DAYS} are allowed.")
    return start, end


def check_limit(limit: int) -> None:
    if not 1 <= limit <= MAX_LIMIT:
        raise ApiError(f"limit must be from 1 to {MAX_LIMIT} (got {limit}).")


def paper_ids(ids: list[str], name: str) -> list[int]:
    """The stored papers' pks for arXiv ids, in order; a 400 naming malformed or unknown ids."""
    if len(ids) > MAX_LIKED:
        raise ApiError(f"{name} holds {len(ids):,} ids; at most {MAX_LIKED:,} are allowed.")
    parsed = []
    for text in ids:
        try:
            parsed.append(parse_arxiv_id(str(text)).id)
        except InvalidArxivId:
            raise ApiError(f"{name} holds “{str(text)[:60]}”, which is not an arXiv id.") from None
    found = dict(Paper.objects.visible().filter(arxiv_id__in=set(parsed)).values_list("arxiv_id", "pk"))
    unknown = list(dict.fromkeys(i for i in parsed if i not in found))
    if unknown:
        named = ", ".join(unknown[:SHOWN_UNKNOWN]) + (" …" if len(unknown) > SHOWN_UNKNOWN else "")
        raise ApiError(f"{len(unknown)} of the {name} ids are not papers on this server: {named}.")
    return [found[i] for i in parsed]


def ranked_response(picks, start: date, end: date) -> HttpResponse:
    if not picks:
        response = json_response([])
        response[EMPTY_NOTE] = f"No papers from {start} to {end} fit these signals (or the window has none)."
        return response
    pks = [pick.paper.pk for pick in picks]
    rows = {row["id"]: row for row in Paper.objects.filter(pk__in=pks).values(*PAPER_COLUMNS)}
    extras = PaperExtras(pks)
    items = []
    for pick in picks:
        item = feed_item(rows[pick.paper.pk], extras)
        item["score"] = round(pick.score, 6)
        item["reason"] = pick.reason
        items.append(item)
    return json_response(items)


@router.get(
    "/recommendations",
    auth=token_auth,
    response={200: list[RecommendationItem], 400: ErrorOut, 401: ErrorOut},
    by_alias=True,
    summary="Recommendations for the token's reader",
    description=(
        "The window's papers ranked for the reader who owns the token, best first, each with a `score` and a "
        "`reason`. Papers the reader liked, dismissed, opened or was shown several times are left out. "
        + WINDOW_HELP
    ),
)
def for_reader(
    request: HttpRequest,
    date: str | None = Query(None, description="A day, YYYY-MM-DD.", examples=["2025-03-18"]),
    week: str | None = Query(None, description="An ISO week, YYYY-Www."),
    month: str | None = Query(None, description="A month, YYYY-MM."),
    after: str | None = Query(None, description="First day, YYYY-MM-DD."),
    before: str | None = Query(None, description="Last day, YYYY-MM-DD."),
    limit: int = Query(50, ge=1, le=MAX_LIMIT, description=f"How many papers, 1–{MAX_LIMIT}."),
) -> HttpResponse:
    from paperfeed.recommend.service import recommend_for

    start, end = window(date, week, month, after, before)
    return ranked_response(recommend_for(request.auth, start, end, limit), start, end)


@router.post(
    "/recommendations",
    response={200: list[RecommendationItem], 400: ErrorOut},
    by_alias=True,
    summary="Rank a window's papers for given likes (no account)",
    description=(
        f"Ranks the window's papers for the papers in `liked` (1 to {MAX_LIKED} arXiv ids) and against those "
        f"in `disliked` (at most {MAX_LIKED}); `limit` is 1–{MAX_LIMIT}. Nothing is stored. Ids that are not "
        "papers on this server are a 400 that lists them. " + WINDOW_HELP
    ),
)
def for_signals(request: HttpRequest, body: RecommendIn) -> HttpResponse:
    from paperfeed.recommend.service import recommend_for_signals

    if not body.liked:
        raise ApiError("liked is empty: give at least one arXiv id of a paper the reader likes.")
    check_limit(body.limit)
    start, end = window(body.date, body.week, body.month, body.after, body.before)
    liked = paper_ids(body.liked, "liked")
    disliked = paper_ids(body.disliked, "disliked")
    return ranked_response(recommend_for_signals(liked, disliked, start, end, body.limit), start, end)
