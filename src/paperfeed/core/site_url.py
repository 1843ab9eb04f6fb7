"""The site's one public address (``PAPERFEED_BASE_URL``): which hosts it answers to, and its links.

Every absolute link the site hands out (mails, feeds, the API's ``Link`` header, digests) is built
here from the configured base URL, never from the request's ``Host`` header: a forged header must
not be able to put another site's address into a mail or into an answer kept for other visitors.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit, urlunsplit

from django.core.exceptions import ImproperlyConfigured

# The names a browser on the serving machine uses for it: the default (development) base URL is
# http://127.0.0.1:8000, and "localhost:8000" in the address bar should work just as well.
LOOPBACK_NAMES = ("localhost", "127.0.0.1", "[::1]")


def base_url_parts(base_url: str) -> tuple[str, str]:
    """The scheme and host of ``PAPERFEED_BASE_URL``, or a startup error saying what is wrong."""
    parts = urlsplit(base_url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise ImproperlyConfigured(
            f"PAPERFEED_BASE_URL={base_url!r} is not a site address: give the URL people open the site"
            " with, such as https://papers.example.org"
        )
    host = parts.hostname
    return parts.scheme, f"[{host}]" if ":" in host else host


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def allowed_hosts(base_url: str, extra: str | None, debug: bool) -> list[str]:
    """``ALLOWED_HOSTS``: the base URL's host (and the loopback names for a loopback base URL),
    plus the comma-separated ``PAPERFEED_ALLOWED_HOSTS``. ``*`` is refused outside debug mode.
    """
    _, host = base_url_parts(base_url)
    hosts = [host, *(name for name in LOOPBACK_NAMES if is_loopback(host) and name != host)]
    for name in (extra or "").split(","):
        name = name.strip()
        if name == "*" and not debug:
            raise ImproperlyConfigured(
                "PAPERFEED_ALLOWED_HOSTS=* would let any Host header in, and with it forged links in"
                " password-reset mails. Set PAPERFEED_BASE_URL to the site's address (its host is"
                " allowed) and list any other host names in PAPERFEED_ALLOWED_HOSTS."
            )
        if name and name not in hosts:
            hosts.append(name)
    return hosts


def origin(base_url: str) -> str:
    """``scheme://host[:port]`` of the base URL, as browsers send it in ``Origin``."""
    parts = urlsplit(base_url)
    return f"{parts.scheme}://{parts.netloc}"


def absolute_url(path: str) -> str:
    """The link to ``path`` (as ``reverse()`` gives it, from the root) on the configured site."""
    from django.conf import settings

    return f"{settings.BASE_URL}{path}"


def on_this_site(url: str) -> str:
    """``url`` (built by a library from the request) moved onto the configured base URL.

    Only the path, query and fragment are kept: whatever scheme and host the request claimed go.
    """
    parts = urlsplit(url)
    return absolute_url(urlunsplit(("", "", parts.path, parts.query, parts.fragment)))


def served_at(host: str, port: int) -> str:
    """The base URL of a site served on ``host:port`` when ``PAPERFEED_BASE_URL`` is not set: the
    address a browser on this machine opens (a wildcard address is reached through 127.0.0.1)."""
    if host in {"0.0.0.0", "::", ""}:
        host = "127.0.0.1"
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"
