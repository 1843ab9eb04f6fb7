"""The bell in the site header: signed-in members see their unread count on every page.

Pages cached for visitors (core/read_cache.py) are rendered for anonymous requests only, so this
never lands in a shared page; the count is read when a page first shows it, not before.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.functional import cached_property

from paperfeed.community.notifications.service import unread_count

MOST_SHOWN = 99  # a larger count is shown as "99+"


class Bell:
    def __init__(self, user) -> None:
        self.user = user

    @cached_property
    def count(self) -> int:
        return unread_count(self.user)

    @property
    def badge(self) -> str:
        return f"{MOST_SHOWN}+" if self.count > MOST_SHOWN else str(self.count)


def bell(request: HttpRequest) -> dict:
    """Template context: ``bell`` for signed-in members (base.html draws it), nothing for visitors."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"bell": Bell(user)}
