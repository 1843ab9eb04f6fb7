"""The digest's "for you" section: the reader's recommendations for the period, never a paper they
were already mailed, and for a reader who taught the recommendations nothing, a way to start."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from paperfeed.digests.models import DigestSend, SendStatus, Subscription
from paperfeed.digests.periods import DigestPeriod
from paperfeed.recommend.service import Pick, has_signals, recommend_for

ONBOARDING_NOTE = "Get papers picked for you: import your library or pick your topics at {url}"


def mailed_ids(subscription: Subscription) -> set[int]:
    """Every paper the subscriber's accepted digests held (the send log keeps what each mail held)."""
    sent = DigestSend.objects.filter(subscription=subscription, status=SendStatus.SENT)
    return {
        item[0]
        for contents in sent.values_list("contents", flat=True)
        for section in (contents or {}).get("sections", [])
        for item in section.get("items", [])
    }


def onboarding_note() -> str:
    return ONBOARDING_NOTE.format(url=settings.BASE_URL.rstrip("/") + reverse("community:onboarding"))


def for_you_picks(subscription: Subscription, period: DigestPeriod, exclude: set[int]) -> list[Pick] | None:
    """The subscriber's picks for ``period`` (none of ``exclude`` nor of any earlier mail), or None
    when the reader has no signals yet."""
    user = subscription.user
    if not has_signals(user):
        return None
    excluded = exclude | mailed_ids(subscription)
    start, end = period.start.date(), period.end.date()
    return recommend_for(user, start, end, subscription.for_you_count, exclude=excluded)
