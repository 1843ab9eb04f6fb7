"""Subscribing, confirming and unsubscribing: the rules, apart from the pages that use them."""

from __future__ import annotations

from datetime import timedelta
from enum import Enum

from django.db import IntegrityError, transaction
from django.utils import timezone

from paperfeed.community import ratelimits
from paperfeed.digests import conf
from paperfeed.digests.models import SavedSearch, Subscription
from paperfeed.digests.render import confirmation_message

# One confirmation mail per address in this time, however often the form is posted.
CONFIRMATION_RESEND_AFTER = timedelta(minutes=2)


class Outcome(Enum):
    CONFIRMATION_SENT = "confirmation_sent"
    CONFIRMATION_RECENTLY_SENT = "confirmation_recently_sent"
    ALREADY_ACTIVE = "already_active"
    ACTIVE = "active"  # a signed-in user's verified address: no confirmation needed
    TOO_MANY_MAILS = "too_many_mails"  # the address had its confirmation mails for today


def client_may_subscribe(client_address: str) -> bool:
    """Count one subscribe request from a client address; False once it is over the hourly limit."""
    return ratelimits.hit("subscribe", client_address, conf.subscribe_requests_per_hour(), 3600)


def request_subscription(
    email: str, frequency: str, *, user=None, verified: bool = False
) -> tuple[Subscription, Outcome]:
    """Start (or restart) a subscription; it stays inactive until its confirmation link is followed.

    ``verified`` says the address is a signed-in user's verified address, which needs no second proof.
    """
    email = email.strip().lower()
    now = timezone.now()
    with transaction.atomic():
        subscription = Subscription.objects.select_for_update().filter(email=email).first()
        if subscription is None:
            try:
                with transaction.atomic():
                    subscription = Subscription.objects.create(email=email, frequency=frequency)
            except IntegrityError:  # created by a simultaneous request
                subscription = Subscription.objects.select_for_update().get(email=email)
        if subscription.is_active:
            return subscription, Outcome.ALREADY_ACTIVE
        linkable = user is not None and subscription.user_id is None
        if linkable and not Subscription.objects.filter(user=user).exists():
            subscription.user = user
        subscription.frequency = frequency
        if verified:
            activate(subscription, now)
            subscription.save()
            return subscription, Outcome.ACTIVE
        recently = (
            subscription.confirmation_sent_at
            and now - subscription.confirmation_sent_at < CONFIRMATION_RESEND_AFTER
        )
        if recently and subscription.unsubscribed_at is None:
            subscription.save()
            return subscription, Outcome.CONFIRMATION_RECENTLY_SENT
        # However many clients ask, an address gets only a few confirmation mails a day.
        if not ratelimits.hit("confirmation-mail", email, conf.confirmation_mails_per_day(), 86400):
            subscription.save()
            return subscription, Outcome.TOO_MANY_MAILS
        # A new confirmation supersedes older links (the token carries this moment).
        subscription.confirmation_sent_at = now
        subscription.save()
    confirmation_message(subscription).send()
    return subscription, Outcome.CONFIRMATION_SENT


def activate(subscription: Subscription, now=None) -> None:
    now = now or timezone.now()
    subscription.confirmed_at = now
    subscription.unsubscribed_at = None
    # Confirming proves the address works again.
    subscription.bouncing = False
    subscription.bounce_count = 0


def confirm(subscription: Subscription) -> bool:
    """Activate a subscription from its confirmation link; False if it was active already."""
    if subscription.is_active:
        return False
    activate(subscription)
    subscription.save()
    return True


def unsubscribe(subscription: Subscription) -> None:
    """Stop all digests to the address (idempotent)."""
    Subscription.objects.filter(pk=subscription.pk, unsubscribed_at__isnull=True).update(
        unsubscribed_at=timezone.now()
    )
    subscription.refresh_from_db()


def replace_saved_searches(subscription: Subscription, queries: list[str]) -> None:
    with transaction.atomic():
        subscription.saved_searches.exclude(query__in=queries).delete()
        kept = set(subscription.saved_searches.values_list("query", flat=True))
        SavedSearch.objects.bulk_create(
            [SavedSearch(subscription=subscription, query=q) for q in queries if q not in kept]
        )
