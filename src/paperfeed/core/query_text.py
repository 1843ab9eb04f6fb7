"""Control characters typed into a URL's query string are dropped before any view sees them, and
a path holding one names nothing here (404).

``?q=a%01b`` or ``?name=%00`` is never meant: no search, name or date holds such a character.
Left in, they reach places that cannot take them (XML feeds refuse U+0000–U+001F, PostgreSQL
refuses NUL). Tab, newline and carriage return are ordinary whitespace and stay.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, QueryDict

_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def without_control_characters(text: str) -> str:
    return _CONTROL.sub("", text)


class QueryControlCharactersMiddleware:
    """Replaces ``request.GET`` with a copy whose names and values hold no control characters."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _CONTROL.search(request.path):
            # No paper, author, token or provider is named with one: answer before any view
            # passes it to the database (PostgreSQL refuses NUL outright). The API answers in its
            # JSON error shape, as core.errors does for a request that is too big.
            message = "There is nothing at an address holding control characters."
            if request.path.startswith("/api/"):
                return JsonResponse({"error": message}, status=404)
            raise Http404(message)
        if request.META.get("QUERY_STRING") and any(
            _CONTROL.search(key) or any(_CONTROL.search(value) for value in values)
            for key, values in request.GET.lists()
        ):
            cleaned = QueryDict(mutable=True)
            for key, values in request.GET.lists():
                for value in values:
                    cleaned.appendlist(without_control_characters(key), without_control_characters(value))
            cleaned._mutable = False
            request.GET = cleaned
        return self.get_response(request)
