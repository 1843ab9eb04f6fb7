"""Members-only mode (``PAPERFEED_MEMBERS_ONLY``): every page, feed and API read needs an account.

Anonymous page requests are sent to the sign-in page and come back where they were. Some paths
are read by programs that cannot sign in (the API, feed readers): the app that owns them registers
a *door* with ``register``, which lets a request in on its own credential (an API token, a
member's secret feed key) and otherwise answers in the program's terms (401 JSON, 403). Core knows
no app: the doors are how the apps tell it.

The middleware runs before every view, so pages and answers cached for anonymous visitors
(read_cache.py) are never served to a visitor who is not a member.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse

from paperfeed.core.health import PATH as HEALTH_PATH

# Open to everyone: signing in or up (allauth's pages, invites, single sign-on), the site's files,
# the admin (which has its own sign-in) and the health check.
OPEN_PREFIXES = ("/accounts/", "/admin/", HEALTH_PATH)


@dataclass(frozen=True)
class Door:
    """How programs get in at paths ``matches`` accepts: ``admits`` checks their credential,
    ``refuse`` answers those without one."""

    matches: Callable[[str], bool]
    admits: Callable[[HttpRequest], bool]
    refuse: Callable[[HttpRequest], HttpResponse]


_doors: list[Door] = []


def register(door: Door) -> None:
    _doors.append(door)


def is_open(path: str) -> bool:
    static = settings.STATIC_URL or "/static/"
    return path.startswith((*OPEN_PREFIXES, static))


class MembersOnlyMiddleware:
    """Turns away non-members when ``settings.MEMBERS_ONLY`` is on; after authentication."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not settings.MEMBERS_ONLY or request.user.is_authenticated or is_open(request.path):
            return self.get_response(request)
        for door in _doors:
            if door.matches(request.path):
                if door.admits(request):
                    return self.get_response(request)
                return door.refuse(request)
        return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
