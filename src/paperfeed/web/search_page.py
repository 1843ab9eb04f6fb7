"""The /search page: a query box with filters as form controls, highlighted results, pages."""

from __future__ import annotations

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render

from paperfeed.community.reader_signals import dismissed_ids
from paperfeed.community.shown import show_papers
from paperfeed.search.errors import QueryError
from paperfeed.search.public import Hit
from paperfeed.search.query import MAX_QUERY_LENGTH, ParsedQuery, apply_filter, parse_query, without_filters
from paperfeed.search.service import SORTS, find, meaning_search_progress
from paperfeed.web.author_page import author_card
from paperfeed.web.following import follow_search_state

FORM_FILTERS = {"cat": "category", "after": "from", "before": "to", "code": "has code"}

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


def _search_url(params: dict[str, str]) -> str:
    return "/search?" + urlencode({k: v for k, v in params.items() if v})


def _next_steps(request: HttpRequest, query: str, suggestion: str | None) -> dict:
    """Where to go from a search that found nothing: a spelling to try, filters to drop."""
    params = {k: request.GET.get(k, "").strip() for k in ("q", *FORM_FILTERS, "sort")}
    drops = [
        (f"{label}: {params[name]}" if name != "code" else label, _search_url({**params, name: ""}))
        for name, label in FORM_FILTERS.items()
        if params[name]
    ]
    drops += [(typed, _search_url({**params, "q": rest})) for typed, rest in without_filters(query)]
    return {
        "suggestion": suggestion,
        "suggestion_url": _search_url({**params, "q": suggestion}) if suggestion else None,
        "drop_filters": drops,
    }


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
            found = find(
                parsed,
                limit=PAGE_SIZE,
                offset=(page_number - 1) * PAGE_SIZE,
                sort=sort,
                mode="hybrid",
                hit_class=Hit,
                suggest=True,
            )
            if found.named is not None and page_number == 1:
                # An id, DOI or title naming one paper goes to that paper.
                return HttpResponseRedirect(found.hits[0].paper.get_absolute_url())
            hits, total = found.hits, found.total
            context.update(_next_steps(request, query, found.suggestion))
            # Papers the reader marked "not interested" are left out, as on the feed and For you.
            hidden = dismissed_ids(request.user, [hit.paper.pk for hit in hits])
            hits = [hit for hit in hits if hit.paper.pk not in hidden]
            cards = show_papers([hit.paper for hit in hits], request.user)
            context.update(results=list(zip(cards, hits, strict=True)), total=total, searched=True)
            context["author"] = author_card(parsed.text) if parsed.text and total else None  # a name typed
            # Right after a first import the vectors trail the keywords: say what the results rest on.
            context["meaning_pending"] = meaning_search_progress() if parsed.text else None
            context["follow_search"] = follow_search_state(request, query, context["form"])
            paginator = Paginator(range(total), PAGE_SIZE) if total else None
            if paginator:
                context["page"] = paginator.get_page(page_number)
    except QueryError as error:
        context["error"] = str(error)
        status = 400
    return render(request, "search/results.html", context, status=status)
