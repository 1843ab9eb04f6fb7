"""``GET /api/papers/{id}`` (the Hub's paper info) and ``/related`` (paperfeed extension)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router
from ninja.decorators import decorate_view

from paperfeed.api.errors import ApiError
from paperfeed.api.lookup import visible_paper, visible_paper_row
from paperfeed.api.responses import json_response
from paperfeed.api.routes.search import SEARCH_UNAVAILABLE
from paperfeed.api.schemas import ErrorOut, FeedItem, PaperDetail
from paperfeed.api.serializers import feed_items, paper_detail, paper_row
from paperfeed.core.read_cache import cached_for_anonymous_reads

router = Router(tags=["Papers"])


# Registered before the bare paper route: Django tries URL patterns in order, and
# "{path:arxiv_id}" would otherwise swallow "/related" too.
@router.get(
    "/papers/{path:arxiv_id}/related",
    response={200: list[FeedItem], 400: ErrorOut, 404: ErrorOut, 503: ErrorOut},
    by_alias=True,
    summary="Related papers (paperfeed extension)",
    description="Papers most like this one, by meaning, best first.",
)
def related(
    request: HttpRequest, arxiv_id: str, limit: int = Query(10, ge=1, le=50, description="1–50.")
) -> HttpResponse:
    paper = visible_paper(arxiv_id)
    try:
        from paperfeed.search.public import related_papers
    except ImportError:
        raise ApiError(SEARCH_UNAVAILABLE, status=503) from None
    papers = related_papers(paper, limit=limit)
    return json_response(feed_items([paper_row(other) for other in papers]))


@router.get(
    "/papers/{path:arxiv_id}",
    response={200: PaperDetail, 400: ErrorOut, 404: ErrorOut},
    by_alias=True,
    summary="One paper",
    description="A paper by arXiv id (a version suffix is ignored; old ids like hep-th/9901001 work).",
)
@decorate_view(cached_for_anonymous_reads(timeout=300))
def paper(request: HttpRequest, arxiv_id: str) -> HttpResponse:
    return json_response(paper_detail(*visible_paper_row(arxiv_id)))
