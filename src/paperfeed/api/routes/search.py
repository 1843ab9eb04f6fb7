"""``GET /api/papers/search``: hybrid search, in the Hub's search-result shape."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router

from paperfeed.api.auth import optional_caller
from paperfeed.api.errors import ApiError
from paperfeed.api.paging import MAX_OFFSET, add_next_link
from paperfeed.api.responses import json_response
from paperfeed.api.schemas import ErrorOut, SearchItem
from paperfeed.api.serializers import PaperExtras, feed_item, paper_row, submission_of
from paperfeed.community.shown import voted_paper_ids
from paperfeed.papers.models import Listing

router = Router(tags=["Papers"])

SEARCH_UNAVAILABLE = "Search is not available on this server: the search app is not installed."


def spans(parts) -> list[dict]:
    return [{"type": "highlight" if is_highlight else "text", "text": text} for text, is_highlight in parts]


@router.get(
    "/papers/search",
    response={200: list[SearchItem], 400: ErrorOut, 503: ErrorOut},
    by_alias=True,
    summary="Search papers",
    description=(
        "Hybrid (keyword and meaning) search over all papers, best match first, with highlighted title and "
        "abstract. Without `q`, the newest papers on the feed. `p` pages (paperfeed extension); a "
        '`Link: rel="next"` header points to the next page.'
    ),
)
def search(
    request: HttpRequest,
    q: str | None = Query(None, max_length=250, description="The query, at most 250 characters."),
    limit: int = Query(50, ge=1, le=120, description="Results per page, 1–120."),
    p: int = Query(0, ge=0, description="0-based page (paperfeed extension)."),
) -> HttpResponse:
    offset = p * limit
    if offset > MAX_OFFSET:
        return json_response([])
    caller = optional_caller(request)
    query = (q or "").strip()
    if not query:
        newest = (
            Listing.objects.visible().select_related("paper", "submitted_by").order_by("-submitted_at", "-id")
        )
        listings = list(newest[offset : offset + limit + 1])
        has_more = len(listings) > limit
        papers = [listing.paper for listing in listings[:limit]]
        hits = [(paper, [(paper.title, False)], [(paper.abstract, False)]) for paper in papers]
        submissions = {listing.paper_id: submission_of(listing) for listing in listings}
    else:
        try:
            from paperfeed.search.public import QueryError, search_papers
        except ImportError:
            raise ApiError(SEARCH_UNAVAILABLE, status=503) from None
        try:
            results, total = search_papers(query, limit=limit, offset=offset)
        except QueryError as error:
            raise ApiError(str(error)) from None
        has_more = offset + len(results) < total
        hits = [(hit.paper, hit.title_spans, hit.abstract_spans) for hit in results]
        papers = [paper for paper, _, _ in hits]
        submissions = None
    extras = PaperExtras([paper.pk for paper in papers], submissions)
    voted = voted_paper_ids(caller, [paper.pk for paper in papers])
    items = []
    for paper, title_spans, abstract_spans in hits:
        item = feed_item(paper_row(paper), extras)
        item["upvoted"] = paper.pk in voted
        item["highlightedTitle"] = spans(title_spans)
        item["highlightedSummary"] = spans(abstract_spans)
        items.append(item)
    return add_next_link(json_response(items), request, p, has_more)
