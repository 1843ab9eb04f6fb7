"""The daily feed (day, week, month, trending) and paper pages: papers with their community
state (votes, comments) and related papers from search."""

from __future__ import annotations

from collections import Counter
from datetime import date

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from paperfeed.community.claims import show_accounts
from paperfeed.community.context import paper_page_context
from paperfeed.community.reader_signals import dismissed_ids
from paperfeed.community.shown import show_listings
from paperfeed.community.views.common import visible_paper
from paperfeed.core import read_cache
from paperfeed.papers import feed
from paperfeed.papers import trending as trending_rule
from paperfeed.papers.bibtex import to_bibtex
from paperfeed.papers.models import Listing, Paper
from paperfeed.papers.periods import (
    InvalidPeriod,
    Period,
    day_period,
    month_period_of,
    parse_day,
    parse_month,
    parse_week,
    week_period_of,
)
from paperfeed.recommend.service import record_opened
from paperfeed.search.public import related_papers
from paperfeed.web import earlier_days

PAGE_SIZE = 50
SORT_LABELS = {"upvotes": "Most upvoted", "trending": "Trending", "newest": "Newest"}
# How long a visitor's cached feed page may live without any write (seconds): a safety net,
# since writes change the feed version at once. Trending also moves with the clock.
PAGE_TIMEOUT = 300
TRENDING_PAGE_TIMEOUT = 60


@read_cache.cached_for_visitors(PAGE_TIMEOUT)
def home(request: HttpRequest) -> HttpResponse:
    latest = feed.latest_feed_day()
    if latest is None:
        context = {"nav": "daily", "paper_count": Paper.objects.count()}
        return render(request, "papers/empty.html", {**context, **read_cache.template_context(request)})
    return _period_page(request, day_period(latest), is_home=True)


@read_cache.cached_for_visitors(PAGE_TIMEOUT)
def day(request: HttpRequest, day: str) -> HttpResponse:
    try:
        return _period_page(request, day_period(parse_day(day)))
    except InvalidPeriod as error:
        raise _no_such_period(error) from None


def pick_day(request: HttpRequest) -> HttpResponse:
    """The date picker's target: ``/papers/date?date=YYYY-MM-DD``."""
    try:
        chosen = parse_day(request.GET.get("date", ""))
    except InvalidPeriod as error:
        return _bad_period(request, error)
    return redirect("papers:day", day=chosen.isoformat())


@read_cache.cached_for_visitors(PAGE_TIMEOUT)
def week(request: HttpRequest, week: str) -> HttpResponse:
    try:
        return _period_page(request, parse_week(week))
    except InvalidPeriod as error:
        raise _no_such_period(error) from None


@read_cache.cached_for_visitors(PAGE_TIMEOUT)
def month(request: HttpRequest, month: str) -> HttpResponse:
    try:
        return _period_page(request, parse_month(month))
    except InvalidPeriod as error:
        raise _no_such_period(error) from None


@read_cache.cached_for_visitors(TRENDING_PAGE_TIMEOUT)
def trending(request: HttpRequest) -> HttpResponse:
    category = request.GET.get("cat", "").strip() or None
    days = trending_rule.parse_window(request.GET.get("window"))
    listings, chosen = feed.trending_listings(category, days, enough=PAGE_SIZE)
    page = _page_of(request, listings)
    context = {
        "nav": "trending",
        "heading": "Trending papers",
        "subheading": _trending_subheading(chosen),
        "window": chosen,
        "window_tabs": [
            {"days": option, "label": f"{option} days", "current": option == chosen.asked}
            for option in trending_rule.WINDOWS
        ],
        "page": page,
        "category": category,
        # The chips count the whole window, so picking one category still offers the others.
        "categories": _category_counts(feed.trending_listings(None, days)[0] if category else listings),
        "show_date": True,
        **read_cache.template_context(request),
    }
    context["cards"] = _shown_to(request, page.object_list)
    return render(request, "papers/feed.html", context)


def _trending_subheading(chosen: trending_rule.Window) -> str:
    if not chosen.widened:
        return f"Papers of {chosen.label} ranked by votes, with older ones fading out."
    return (
        f"Too few papers in the last {chosen.asked} days for a full page: showing {chosen.label}, "
        "ranked by votes, with older ones fading out."
    )


def detail(request: HttpRequest, arxiv_id: str) -> HttpResponse:
    paper = visible_paper(request, arxiv_id)
    if request.user.is_authenticated:
        record_opened(request.user, paper.pk)  # opened papers stop coming back
    authorships = list(paper.authorships.visible().select_related("user"))
    listing = Listing.objects.filter(paper=paper).select_related("submitted_by").first()
    community = paper_page_context(request, paper)
    context = {
        "paper": paper,
        "authorships": show_accounts(authorships, community["author_accounts"]),  # approved claims
        "listing": listing,
        "bibtex": to_bibtex(paper, [a.name for a in authorships]),
        **community,
        **_related_context(paper),
    }
    return render(request, "papers/detail.html", context)


def bibtex(request: HttpRequest, arxiv_id: str) -> HttpResponse:
    paper = visible_paper(request, arxiv_id)
    names = list(paper.authorships.visible().values_list("name", flat=True))
    return HttpResponse(to_bibtex(paper, names), content_type="application/x-bibtex; charset=utf-8")


def _related_context(paper: Paper) -> dict:
    return {"related_papers": related_papers(paper, limit=10)}


def _period_page(request: HttpRequest, period: Period, is_home: bool = False) -> HttpResponse:
    sort = request.GET.get("sort", "upvotes")
    if sort not in feed.SORTS:
        sort = "upvotes"
    category = request.GET.get("cat", "").strip() or None
    period_listings = feed.feed_listings(period.start, period.end)
    listings = feed.feed_listings(period.start, period.end, category)
    page = _page_of(request, feed.ordered(listings, sort))
    context = {
        "nav": "daily",
        "period": period,
        "is_home": is_home,
        "heading": _period_heading(period),
        "subheading": period.label if period.kind == "day" else "",
        "page": page,
        "sort": sort,
        "sorts": SORT_LABELS,
        "category": category,
        "categories": _category_counts(period_listings),
        "previous_url": _neighbour_url(period, previous=True),
        "next_url": _neighbour_url(period, previous=False),
        "period_tabs": _period_tabs(period),
        "show_date": period.kind != "day",
        **read_cache.template_context(request),
    }
    if is_home and page.number == 1:
        sections = earlier_days.earlier_days(period.start, page.paginator.count, category, request.user)
        if sections:
            context["earlier_days"] = sections
            context["subheading"] = earlier_days.summary(period.start, page.paginator.count, sections)
    context["cards"] = _shown_to(request, page.object_list)
    return render(request, "papers/feed.html", context)


def _shown_to(request: HttpRequest, listings) -> list:
    """The cards of ``listings``, without the papers this reader marked "not interested"."""
    cards = show_listings(listings, request.user)
    hidden = dismissed_ids(request.user, [card.paper.pk for card in cards])
    return [card for card in cards if card.paper.pk not in hidden] if hidden else cards


def _period_tabs(period: Period) -> list[dict]:
    targets = [
        ("Daily", day_period(period.start)),
        ("Weekly", week_period_of(period.start)),
        ("Monthly", month_period_of(period.start)),
    ]
    # The week of 9999's last days runs past the calendar: that tab is left out.
    return [
        {
            "label": label,
            "url": reverse(f"papers:{target.kind}", args=[target.slug]),
            "current": period.kind == target.kind,
        }
        for label, target in targets
        if target is not None
    ]


def _period_heading(period: Period) -> str:
    if period.kind == "day":
        return "Daily papers"
    return f"Papers of {period.label}"


def _neighbour_url(period: Period, previous: bool) -> str | None:
    """Link to the nearest day with papers (days), or the adjacent week/month."""
    if period.kind == "day":
        target: date | None = (
            feed.latest_feed_day(before=period.start) if previous else feed.next_feed_day(period.end)
        )
        return reverse("papers:day", args=[target.isoformat()]) if target else None
    neighbour = period.previous() if previous else period.next()
    return reverse(f"papers:{period.kind}", args=[neighbour.slug]) if neighbour else None


def _page_of(request: HttpRequest, items):
    paginator = Paginator(items, PAGE_SIZE)
    try:
        return paginator.page(request.GET.get("page", 1))
    except (EmptyPage, PageNotAnInteger):
        raise Http404("That page does not exist: the list is shorter.") from None


def _category_counts(listings) -> list[tuple[str, int]]:
    """The most common categories among listings (a queryset or a list), for filter chips."""
    if isinstance(listings, list):
        pairs = [(item.paper.categories, item.paper.inferred_categories) for item in listings]
    else:
        pairs = listings.values_list("paper__categories", "paper__inferred_categories")
    counts: Counter[str] = Counter()
    for categories, inferred in pairs:
        counts.update((categories or inferred).split())  # inferred only where arXiv gives none
    return counts.most_common(12)


def _no_such_period(error: InvalidPeriod) -> Http404:
    """An impossible day, week or month in a page's address: there is no such page (404)."""
    return Http404(str(error))


def _bad_period(request: HttpRequest, error: InvalidPeriod) -> HttpResponse:
    """An impossible date typed into the date picker: the request itself is wrong (400)."""
    return render(request, "errors/400.html", {"message": str(error)}, status=400)
