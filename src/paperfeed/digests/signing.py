"""Signed tokens in digest links: each names one subscription *and* its address, so a token can be
neither forged (HMAC with the site's secret key) nor used for another address. ``sign``/``unsign``
and ``link`` serve other mail too (notification_mail.py: a member and a kind of notification)."""

from __future__ import annotations

from functools import lru_cache

from django.conf import settings
from django.core import signing
from django.urls import reverse

from paperfeed.digests.models import Subscription

CONFIRM_MAX_AGE = 7 * 24 * 3600  # a confirmation link works for a week


class InvalidToken(Exception):
    """The token is malformed, forged, expired or no longer matches its subscription."""


def sign(purpose: str, payload: dict) -> str:
    """A token carrying ``payload``, good only for ``purpose`` (the salt)."""
    return signing.dumps(payload, salt=f"paperfeed.digests.{purpose}")


def unsign(purpose: str, token: str, max_age: int | None = None) -> dict:
    """The payload of a token made by ``sign`` for ``purpose``; InvalidToken if it is not one."""
    try:
        payload = signing.loads(token, salt=f"paperfeed.digests.{purpose}", max_age=max_age)
    except signing.SignatureExpired as error:
        raise InvalidToken("This link has expired.") from error
    except signing.BadSignature as error:
        raise InvalidToken("This link is not valid: it may have been cut short or altered.") from error
    if not isinstance(payload, dict):
        raise InvalidToken("This link is not valid.")
    return payload


def _make(purpose: str, subscription: Subscription, **extra) -> str:
    return sign(purpose, {"s": subscription.pk, "e": subscription.email, **extra})


def _read(purpose: str, token: str, max_age: int | None = None) -> tuple[Subscription, dict]:
    payload = unsign(purpose, token, max_age)
    if not isinstance(payload.get("s"), int):
        raise InvalidToken("This link is not valid.")
    subscription = Subscription.objects.filter(pk=payload["s"]).first()
    # The address is part of the signed payload: a token made for one address never acts on another.
    if subscription is None or subscription.email != payload.get("e"):
        raise InvalidToken("This link does not belong to a current subscription.")
    return subscription, payload


def _sent_marker(subscription: Subscription) -> str:
    sent = subscription.confirmation_sent_at
    return sent.isoformat() if sent else ""


def confirm_token(subscription: Subscription) -> str:
    # Bound to the latest confirmation mail: a newer one makes older links stop working.
    return _make("confirm", subscription, c=_sent_marker(subscription))


def unsubscribe_token(subscription: Subscription) -> str:
    return _make("unsubscribe", subscription)


def manage_token(subscription: Subscription) -> str:
    return _make("manage", subscription)


def view_token(subscription: Subscription, period_key: str) -> str:
    return _make("view", subscription, p=period_key)


def read_confirm(token: str) -> Subscription:
    subscription, payload = _read("confirm", token, max_age=CONFIRM_MAX_AGE)
    if payload.get("c") != _sent_marker(subscription):
        raise InvalidToken("A newer confirmation mail was sent: use the link in that one.")
    return subscription


def read_unsubscribe(token: str) -> Subscription:
    return _read("unsubscribe", token)[0]


def read_manage(token: str) -> Subscription:
    return _read("manage", token)[0]


def read_view(token: str) -> tuple[Subscription, str]:
    subscription, payload = _read("view", token)
    period_key = payload.get("p")
    if not isinstance(period_key, str):
        raise InvalidToken("This link is not valid.")
    return subscription, period_key


def absolute(path: str) -> str:
    return f"{settings.BASE_URL}{path}"


@lru_cache(maxsize=16)
def _route(name: str, urlconf: str) -> tuple[str, str]:
    # reverse() walks every URL pattern; a digest run builds thousands of links to four routes.
    before, _, after = reverse(name, args=["TOKEN"], urlconf=urlconf).partition("TOKEN")
    return before, after


def link(name: str, token: str) -> str:
    """The absolute URL of route ``name`` (one token argument) for ``token``."""
    before, after = _route(name, settings.ROOT_URLCONF)
    return f"{settings.BASE_URL}{before}{token}{after}"


def confirm_url(subscription: Subscription) -> str:
    return link("digests:confirm", confirm_token(subscription))


def unsubscribe_url(subscription: Subscription) -> str:
    return link("digests:unsubscribe", unsubscribe_token(subscription))


def manage_url(subscription: Subscription) -> str:
    return link("digests:manage", manage_token(subscription))


def view_url(subscription: Subscription, period_key: str) -> str:
    return link("digests:view", view_token(subscription, period_key))
