"""The home page's Following tab, and "Follow this search" on the search page.

Community keeps what a member follows and reads the papers of followed authors, categories and
collections (``community.following.feed``); a followed search is run by search. Community may
not import search (they are siblings), so this layer, which may import both, hands search's
``search_papers`` to community's query, and checks a search's query before it is followed.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST

from paperfeed.community.following.feed import followed, reasons_for
from paperfeed.community.following.models import Kind
from paperfeed.community.following.services import is_following
from paperfeed.community.following.views import follow_response, login_required_to_follow
from paperfeed.community.reader_signals import dismissed_ids
from paperfeed.community.shown import show_papers
from paperfeed.community.views.common import bad_request, login_required_response, safe_next
from paperfeed.search.public import QueryError, search_papers
from paperfeed.search.query import ParsedQuery, apply_filter, parse_query, without_filters

PAGE_SIZE = 50
MAX_PAGE = 200  # 10,000 papers back: further is for search
DATE_FILTERS = ("after:", "before:", "year:")


def following(request: HttpRequest) -> HttpResponse:
    """New papers from everything the member follows, newest first."""
    if not request.user.is_authenticated:
        return login_required_response(
            request, request.get_full_path(), "see new papers from what you follow"
        )
    number = _page_number(request)
    found = followed(request.user, run_search=search_papers)
    # One more than a page says whether an older page exists: no count of every followed paper
    # (a followed category can hold a large share of the site).
    start = (number - 1) * PAGE_SIZE
    papers = list(found.papers[start : start + PAGE_SIZE + 1])
    has_next = len(papers) > PAGE_SIZE
    papers = papers[:PAGE_SIZE]
    if number > 1 and not papers:
        raise Http404("That page does not exist: the list is shorter.")
    hidden = dismissed_ids(request.user, [paper.pk for paper in papers])
    papers = [paper for paper in papers if paper.pk not in hidden]
    reasons = reasons_for(found, papers)
    cards = show_papers(papers, request.user)
    context = {
        "nav": "daily",
        "home_tab": "following",
        "follow_count": len(found.follows),
        "follow_summary": _summary([follow.kind for follow in found.follows]),
        "notes": found.notes,
        "page": {"number": number, "has_next": has_next, "start_index": start + 1},
        "rows": [{"card": card, "reason": reasons.get(card.paper.pk, "")} for card in cards],
    }
    return render(request, "web/following.html", context)


def _summary(kinds: list[str]) -> str:
    """ "2 authors, 1 category and 1 search" """
    words = {
        Kind.AUTHOR: ("author", "authors"),
        Kind.CATEGORY: ("category", "categories"),
        Kind.COLLECTION: ("collection", "collections"),
        Kind.SEARCH: ("search", "searches"),
    }
    parts = [
        f"{n} {one if n == 1 else many}" for kind, (one, many) in words.items() if (n := kinds.count(kind))
    ]
    return ", ".join(parts[:-1]) + " and " + parts[-1] if len(parts) > 1 else "".join(parts)


def _page_number(request: HttpRequest) -> int:
    text = request.GET.get("page", "1")
    if not (text.isascii() and text.isdigit()) or not 1 <= int(text) <= MAX_PAGE:
        raise Http404("That page does not exist: the list is shorter.")
    return int(text)


def search_to_follow(query: str, category: str = "", has_code: bool = False) -> str:
    """The query a followed search keeps: what was typed and the form's category and code filters,
    without dates (a followed search brings new papers as they come); QueryError if it cannot run."""
    query = " ".join(query.split())
    while True:  # take out one date filter at a time
        dated = [rest for typed, rest in without_filters(query) if typed.lower().startswith(DATE_FILTERS)]
        if not dated:
            break
        query = dated[0]
    parts = [query] if query else []
    if category:
        apply_filter(ParsedQuery(raw=""), "cat", category)  # a malformed category says so
        parts.append(f"cat:{category}")
    if has_code:
        parts.append("has:code")
    kept = " ".join(parts)
    parse_query(kept)  # an empty, overlong or malformed query raises QueryError with its message
    return kept


def follow_search_state(request: HttpRequest, query: str, form: dict) -> dict | None:
    """What the search page's "Follow this search" shows, or None when there is nothing to follow."""
    try:
        kept = search_to_follow(query, form.get("cat", "").strip(), bool(form.get("code")))
    except QueryError:
        return None
    typed_dates = any(typed.lower().startswith(DATE_FILTERS) for typed, _ in without_filters(query))
    return {
        "query": kept,
        "following": is_following(request.user, Kind.SEARCH, kept),
        "dates_left_out": typed_dates or bool(form.get("after") or form.get("before")),
    }


@require_POST
def follow_search(request: HttpRequest) -> HttpResponse:
    """Follow the search it is posted from: ``query`` (the box's words), ``cat`` and ``code``."""
    back_to = safe_next(request, "/search")
    try:
        kept = search_to_follow(
            request.POST.get("query", "")[:2000],
            request.POST.get("cat", "").strip()[:100],
            bool(request.POST.get("code")),
        )
    except QueryError as error:
        return bad_request(request, f"This search cannot be followed: {error}")
    if not request.user.is_authenticated:
        return login_required_to_follow(request, Kind.SEARCH, kept, back_to)
    return follow_response(request, Kind.SEARCH, kept, back_to)
