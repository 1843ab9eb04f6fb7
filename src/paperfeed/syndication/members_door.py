"""On a members-only site, feed readers read at each member's secret address (``?key=...``),
shown on the member's access page; without a valid key a feed answers 403."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseForbidden

from paperfeed.accounts.feed_keys import PARAMETER, member_for_key
from paperfeed.core.members_only import Door


def is_feed_path(path: str) -> bool:
    return path.startswith("/feeds/")


def admits(request: HttpRequest) -> bool:
    return member_for_key(request.GET.get(PARAMETER, "")) is not None


def refuse(request: HttpRequest) -> HttpResponse:
    stale = (
        " That key is not valid (mistyped, or its member changed their password)."
        if PARAMETER in request.GET
        else ""
    )
    return HttpResponseForbidden(
        "This site is for members only. Subscribe at your own feed address, shown on /settings/tokens"
        f" once you are signed in.{stale}\n",
        content_type="text/plain; charset=utf-8",
    )


door = Door(matches=is_feed_path, admits=admits, refuse=refuse)
