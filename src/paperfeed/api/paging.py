"""Page windows and the ``Link: <...>; rel="next"`` header."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse

from paperfeed.core.site_url import absolute_url

# Beyond this offset no list has items; answering [] at once keeps huge ``p`` values
# away from the database (SQLite offsets are 64-bit).
MAX_OFFSET = 10_000_000


def next_page_url(request: HttpRequest, page: int) -> str:
    query = request.GET.copy()
    query["p"] = str(page + 1)
    # On the configured base URL, never the request's Host: anonymous answers are kept and shared.
    return absolute_url(f"{request.path}?{query.urlencode()}")


def add_next_link(response: HttpResponse, request: HttpRequest, page: int, has_more: bool) -> HttpResponse:
    if has_more:
        response["Link"] = f'<{next_page_url(request, page)}>; rel="next"'
    return response
