"""The "get trending papers in your inbox" banner: shown to those who might want a digest only.

A member who already receives a digest never sees it; anyone can dismiss it, which sets a cookie
(the form works without JavaScript). Pages cached for visitors are not served to someone with
that cookie (the cookie is registered with the read cache as personal), so the choice holds.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from paperfeed.community.views.common import safe_next
from paperfeed.digests.models import Subscription

DISMISSED_COOKIE = "paperfeed_digest_banner"
DISMISSED_FOR = 365 * 24 * 3600  # seconds


def banner(request: HttpRequest) -> dict:
    """Template context: whether this page shows the digest banner."""
    if request.COOKIES.get(DISMISSED_COOKIE) == "dismissed":
        return {"show_digest_banner": False}
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        subscribed = Subscription.objects.mailable().filter(user=user).exists()
        return {"show_digest_banner": not subscribed}
    return {"show_digest_banner": True}


@require_POST
def dismiss(request: HttpRequest) -> HttpResponse:
    response = redirect(safe_next(request, "/"))
    response.set_cookie(DISMISSED_COOKIE, "dismissed", max_age=DISMISSED_FOR, samesite="Lax", httponly=True)
    return response
