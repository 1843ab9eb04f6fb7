"""Who may create an account (``PAPERFEED_SIGNUP``): anyone, holders of an invite, or addresses at
the listed domains. Every refusal says what to do instead, and changes nothing."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone

from paperfeed.accounts.models import Invite

SESSION_KEY = "paperfeed_invite"
CLOSED = "Sign-up on this site is by invitation only. Ask the site's staff for an invite link."
EXPIRED = "This invite link expired on {date}. Ask the site's staff for a new one."
USED = (
    "This invite link was already used on {date}. Each link makes one account: "
    "ask the site's staff for a new one."
)
UNKNOWN = (
    "This invite link is not valid (it may be mistyped or withdrawn). Ask the site's staff for a new one."
)


def new_invite(created_by=None, note: str = "", days: int | None = None) -> Invite:
    expires = timezone.now() + timedelta(days=days or settings.INVITE_DAYS)
    return Invite.objects.create(created_by=created_by, note=note, expires_at=expires)


def invite_problem(invite: Invite | None) -> str | None:
    """Why the invite cannot make an account, or None when it can."""
    if invite is None:
        return UNKNOWN
    if invite.used_at is not None:
        return USED.format(date=f"{invite.used_at:%Y-%m-%d}")
    if invite.expires_at <= timezone.now():
        return EXPIRED.format(date=f"{invite.expires_at:%Y-%m-%d}")
    return None


def held_invite(request: HttpRequest) -> Invite | None:
    token = request.session.get(SESSION_KEY) if hasattr(request, "session") else None
    return Invite.objects.filter(token=token).first() if token else None


def domain_problem(email: str) -> str | None:
    """Why an address may not sign up under ``PAPERFEED_SIGNUP=domains``, or None."""
    if settings.SIGNUP_POLICY != "domains":
        return None
    domain = email.rpartition("@")[2].lower()
    if domain in settings.SIGNUP_DOMAINS:
        return None
    listed = ", ".join(settings.SIGNUP_DOMAINS) or "none are listed yet"
    return f"Sign-up is limited to addresses at these domains: {listed}. Use your address there."


def use_invite(request: HttpRequest, user) -> None:
    """Mark the held invite used by ``user``; a no-op outside the invite policy."""
    if settings.SIGNUP_POLICY != "invite":
        return
    invite = held_invite(request)
    # Conditional update: of two sign-ups racing on one link, only one claims it.
    if invite is None or not Invite.objects.filter(pk=invite.pk, used_at__isnull=True).update(
        used_at=timezone.now(), used_by=user
    ):
        raise PermissionError(USED.format(date=f"{timezone.now():%Y-%m-%d}"))
    request.session.pop(SESSION_KEY, None)
