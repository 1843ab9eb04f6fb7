"""The /search page: a query box with filters as form controls, highlighted results, pages."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from paperfeed.community.shown import show_papers
from paperfeed.search.errors import QueryError
from paperfeed.search.public import Hit
from paperfeed.search.query import MAX_QUERY_LENGTH, ParsedQuery, apply_filter, parse_query
from paperfeed.search.service import SORTS, run_search

PAGE_SIZE = 20
MAX_PAGE = 50


def _form_filters(request: HttpRequest, parsed: ParsedQuery) -> None:
    """Filters chosen with form controls join those typed into the query."""
    category = request.GET.get("cat", "").strip()
    if category:
        apply_filter(parsed, "cat", category)
    for name in ("after", "before"):
        value = request.GET.get(name, "").strip()
        if value:
            apply_filter(parsed, name, value)
    if request.GET.get("code"):
        apply_filter(parsed, "has", "code")


def _page_number(request: HttpRequest) -> int:
    try:
        return min(MAX_PAGE, max(1, int(request.GET.get("page", "1"))))
    except ValueError:
        return 1


def search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    sort = request.GET.get("sort", "relevance")
    if sort not in SORTS:
        sort = "relevance"
    page_number = _page_number(request)
    context = {
        "search_query": query[: MAX_QUERY_LENGTH * 4],
        "sort": sort,
        "sorts": SORTS,
        "form": {
            "cat": request.GET.get("cat", ""),
            "after": request.GET.get("after", ""),
            "before": request.GET.get("before", ""),
            "code": bool(request.GET.get("code")),
        },
        "results": [],
        "total": 0,
        "error": None,
        "searched": False,
    }
    has_form_filters = any(request.GET.get(k, "").strip() for k in ("cat", "after", "before", "code"))
    status = 200
    try:
        if query or has_form_filters:
            parsed = parse_query(query) if query else ParsedQuery(raw="")
            _form_filters(request, parsed)
            if parsed.after and parsed.before and parsed.after > parsed.before:
                raise QueryError("The date range is empty: “after” is later than “before”.")
            hits, total = run_search(
                parsed,
                limit=PAGE_SIZE,
                offset=(page_number - 1) * PAGE_SIZE,
                sort=sort,
                mode="hybrid",
                hit_class=Hit,
            )
            cards = show_papers([hit.paper for hit in hits], request.user)
            context.update(results=list(zip(cards, hits, strict=True)), total=total, searched=True)
            paginator = Paginator(range(total), PAGE_SIZE) if total else None
            if paginator:
                context["page"] = paginator.get_page(page_number)
    except QueryError as error:
        context["error"] = str(error)
        status = 400
    return render(request, "search/results.html", context, status=status)
