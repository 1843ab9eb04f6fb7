"""For you: the papers of today, this week or this month ranked for the signed-in reader, each card
with its actions and its "Why this?" line. A reader who has taught it nothing yet is sent to
start (import a library, pick an author name, or pick categories)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from paperfeed.community.reader_signals import dismissed_ids, has_signals
from paperfeed.community.shown import show_papers
from paperfeed.papers.feed import latest_feed_day
from paperfeed.papers.periods import Period, day_period, month_period_of, week_period_of
from paperfeed.recommend.service import recommend_for, record_shown

COUNT = 30
WINDOWS = {"today": "Today", "week": "This week", "month": "This month"}


def window_period(window: str) -> Period:
    """The days of ``window``, around the latest day with papers on the feed (or today)."""
    latest = latest_feed_day() or timezone.now().date()
    if window == "week":
        return week_period_of(latest) or day_period(latest)
    if window == "month":
        return month_period_of(latest)
    return day_period(latest)


@login_required
def for_you(request: HttpRequest) -> HttpResponse:
    window = request.GET.get("window", "today")
    if window not in WINDOWS:
        window = "today"
    user = request.user
    context = {
        "nav": "for_you",
        "window": window,
        "tabs": WINDOWS,
        "has_signals": has_signals(user),
        "rows": [],
    }
    period = window_period(window)
    if context["has_signals"]:
        context["period"] = period
        picks = recommend_for(user, period.start, period.end, COUNT)
        hidden = dismissed_ids(user, [pick.paper.pk for pick in picks])
        picks = [pick for pick in picks if pick.paper.pk not in hidden]
        cards = show_papers([pick.paper for pick in picks], user)
        context["rows"] = [
            {"card": card, "reason": pick.reason} for pick, card in zip(picks, cards, strict=True)
        ]
        record_shown(user, [pick.paper.pk for pick in picks])
    return render(request, "web/for_you.html", context)
