"""Anonymous API and feed reads served from memory until the feed changes.

Scripts and feed readers poll the same few URLs; without a token or a session a response holds nothing of
the caller's, so it is stored under the feed version (see feed_version.py) and the request
path, like the visitors' pages (papers/page_cache.py), in the same per-process ``pages`` cache.
A vote, comment, submission or import changes the version, so the next read is fresh.

The key holds no host because no answer does: absolute links (a feed's, the ``Link`` header) are
built from ``PAPERFEED_BASE_URL`` (site_url.py), so a request with a forged ``Host`` header stores
exactly what any other request would.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse

from paperfeed.api import feed_version
from paperfeed.papers.page_cache import cache_key

CACHE = "pages"
MAX_PATH_LENGTH = 300
KEPT_HEADERS = ("Content-Type", "Link", "Last-Modified")


def _is_anonymous_read(request: HttpRequest) -> bool:
    return (
        request.method == "GET"
        and "HTTP_AUTHORIZATION" not in request.META
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and len(request.get_full_path()) <= MAX_PATH_LENGTH
    )


def cached_for_anonymous_reads(timeout: int) -> Callable:
    """Decorate an API view (``ninja.decorators.decorate_view``); ``timeout`` bounds the age of
    a stored response even without writes (pass a short one where the answer moves with the clock).
    """

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            version = feed_version.current() if _is_anonymous_read(request) else None
            if version is None:
                return view(request, *args, **kwargs)
            key = cache_key("api", version, request.get_full_path())
            store = caches[CACHE]
            stored = store.get(key)
            if stored is None:
                response = view(request, *args, **kwargs)
                if response.status_code != 200 or response.streaming or response.cookies:
                    return response
                headers = {name: response[name] for name in KEPT_HEADERS if response.has_header(name)}
                store.set(key, (response.content, headers), timeout)
                return response
            content, headers = stored
            return HttpResponse(content, headers=headers)

        return wrapper

    return decorate
