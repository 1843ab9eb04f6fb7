"""Anonymous reads served from memory until the feed changes: one decorator family for
feed pages (``cached_for_visitors``) and for API and syndication answers
(``cached_for_anonymous_reads``).

A page is stored under the feed version (see feed_version.py) and the request path, so the
first view after a vote, comment, submission or import renders afresh. Only anonymous
requests without a session or pending messages read or fill the cache: signed-in members
always get their own page (their vote state, their name). Pages are rendered with a
placeholder where CSRF tokens go and each response gets its own token, so a token is
never shared between visitors.

The store is the ``pages`` cache (memory of each web process by default); the version it
is keyed by is shared by every process. Pages link by path only (absolute links come from
``PAPERFEED_BASE_URL``, see site_url.py), so a page rendered for a forged ``Host`` header is the
page every visitor gets, and the key needs no host.

Scripts and feed readers poll the same few API and feed URLs; without a token or a session an
answer holds nothing of the caller's, so it is stored the same way with the headers it needs
(``KEPT_HEADERS``). The ``Link`` header and a feed's links are absolute, built from
``PAPERFEED_BASE_URL`` too, so a forged ``Host`` stores what any other request would.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token

from paperfeed.core import feed_version

PAGES_CACHE = "pages"
CSRF_PLACEHOLDER = "PaperfeedCsrfTokenPlaceholder0000"
PLACEHOLDER_BYTES = CSRF_PLACEHOLDER.encode()
# Only these query parameters make a distinct page; anything else is rendered without the cache
# (so random query strings cannot fill it).
CACHEABLE_PARAMETERS = frozenset({"sort", "cat", "page"})
MAX_PATH_LENGTH = 300
RENDERING_FOR_CACHE = "_paperfeed_rendering_for_cache"
KEPT_HEADERS = ("Content-Type", "Link", "Last-Modified")


# Cookies that change what a page shows (a dismissed banner): apps register them, and a request
# carrying one is rendered for itself.
_personal_cookies: set[str] = set()


def personal_cookie(name: str) -> None:
    """Register a cookie whose presence makes a visitor's pages their own (never cached)."""
    _personal_cookies.add(name)


def is_cacheable(request: HttpRequest) -> bool:
    """A GET from a visitor who is not signed in and has nothing personal waiting to be shown."""
    if request.method != "GET":
        return False
    cookies = request.COOKIES
    if settings.SESSION_COOKIE_NAME in cookies or CookieStorage.cookie_name in cookies:
        return False
    if _personal_cookies.intersection(cookies):
        return False
    if request.user.is_authenticated:
        return False
    if not set(request.GET).issubset(CACHEABLE_PARAMETERS):
        return False
    return len(request.get_full_path()) <= MAX_PATH_LENGTH


def template_context(request: HttpRequest) -> dict:
    """Context a cacheable view adds: the CSRF placeholder instead of this visitor's token."""
    if getattr(request, RENDERING_FOR_CACHE, False):
        return {"csrf_token": CSRF_PLACEHOLDER}
    return {}


def cached_for_visitors(timeout: int) -> Callable:
    """Decorate a page view: anonymous GETs are served from the cache, keyed by the feed version.

    ``timeout`` (seconds) bounds how long a page lives even without writes: pages whose content
    depends on the clock (trending) pass a short one.
    """

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            version = feed_version.current() if is_cacheable(request) else None
            if version is None:
                return view(request, *args, **kwargs)
            key = cache_key("page", version, request.get_full_path())
            store = caches[PAGES_CACHE]
            body = store.get(key)
            if body is None:
                setattr(request, RENDERING_FOR_CACHE, True)
                try:
                    response = view(request, *args, **kwargs)
                finally:
                    setattr(request, RENDERING_FOR_CACHE, False)
                if not _shareable(response, request):
                    return _personalised(response, request)
                body = response.content
                store.set(key, body, timeout)
            # Bytes in and out: a 100 kB page is not decoded and encoded again on every request.
            return HttpResponse(body.replace(PLACEHOLDER_BYTES, get_token(request).encode()))

        return wrapper

    return decorate


def _is_anonymous_read(request: HttpRequest) -> bool:
    """A GET without a token or a session: the answer holds nothing of the caller's."""
    return (
        request.method == "GET"
        and "HTTP_AUTHORIZATION" not in request.META
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and len(request.get_full_path()) <= MAX_PATH_LENGTH
    )


def cached_for_anonymous_reads(timeout: int) -> Callable:
    """Decorate an API or feed view (``ninja.decorators.decorate_view`` for API operations);
    ``timeout`` bounds the age of a stored answer even without writes (pass a short one where
    the answer moves with the clock).
    """

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            version = feed_version.current() if _is_anonymous_read(request) else None
            if version is None:
                return view(request, *args, **kwargs)
            key = cache_key("api", version, request.get_full_path())
            store = caches[PAGES_CACHE]
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


def cache_key(kind: str, version: str, full_path: str) -> str:
    """Where a ``kind`` of answer to ``full_path`` is stored while the feed is at ``version``."""
    digest = hashlib.sha256(f"{version}\n{full_path}".encode()).hexdigest()
    return f"paperfeed:{kind}:{digest}"


def _shareable(response: HttpResponse, request: HttpRequest) -> bool:
    """Whether a freshly rendered response holds nothing of this visitor's.

    get_token() marks the request when anything asked for the real CSRF token while rendering:
    then the page holds this visitor's token and must not be stored.
    """
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
    )


def _personalised(response: HttpResponse, request: HttpRequest) -> HttpResponse:
    """A response that is not stored still gets this visitor's own token in place of the placeholder."""
    if not response.streaming and PLACEHOLDER_BYTES in response.content:
        response.content = response.content.replace(PLACEHOLDER_BYTES, get_token(request).encode())
    return response
