"""Who is on the other end: the client's address behind trusted reverse proxies.

Behind a proxy every request comes from the proxy's address, so limits keyed on the client address
(allauth's login, sign-up and reset limits, the subscribe limit) would become limits for the whole
site. ``PAPERFEED_TRUSTED_PROXIES`` names the proxies (addresses or networks); for a request that
comes from one of them, ``ClientAddressMiddleware`` takes the client from ``X-Forwarded-For`` and
puts it in ``REMOTE_ADDR``, which is where everything else in the site (allauth included) reads it.

``X-Forwarded-For`` is read from the right: each proxy appends the address it saw, so the rightmost
entry that is not one of our proxies was written by one of our proxies and is the client. Anything
left of it may have been typed by the client and is ignored. From any other address the
forwarding headers are dropped, so a client cannot claim another address or claim HTTPS
(``SECURE_PROXY_SSL_HEADER``) by sending them itself.
"""

from __future__ import annotations

import functools
import ipaddress
from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
FORWARDING_HEADERS = ("HTTP_X_FORWARDED_FOR", "HTTP_X_FORWARDED_PROTO")


def parse_proxies(value: str | None) -> tuple[str, ...]:
    """The comma-separated ``PAPERFEED_TRUSTED_PROXIES``, checked, as normalised network strings."""
    networks = []
    for item in (value or "").split(","):
        item = item.strip()
        if not item:
            continue
        try:
            networks.append(str(ipaddress.ip_network(item, strict=False)))
        except ValueError:
            raise ImproperlyConfigured(
                f"PAPERFEED_TRUSTED_PROXIES: {item!r} is not an IP address or network; give the"
                " addresses of your reverse proxies, such as 127.0.0.1 or 10.0.0.0/24"
            ) from None
    return tuple(networks)


def parse_address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """An address as proxies write it: ``1.2.3.4``, ``1.2.3.4:5678``, ``::1`` or ``[::1]:80``."""
    text = text.strip()
    if text.startswith("["):
        text = text[1:].partition("]")[0]
    elif text.count(":") == 1:
        text = text.partition(":")[0]
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


class TrustedProxies:
    def __init__(self, networks: Iterable[str]) -> None:
        self.networks: tuple[Network, ...] = tuple(ipaddress.ip_network(n) for n in networks)

    def trusts(self, address: str | None) -> bool:
        parsed = parse_address(address or "")
        return parsed is not None and any(parsed in network for network in self.networks)

    def client(self, remote_addr: str, forwarded_for: str) -> str:
        """The client address of a request that came from a trusted proxy."""
        hops = [hop for hop in forwarded_for.split(",") if hop.strip()]
        for hop in reversed(hops):
            address = parse_address(hop)
            if address is None:
                # Only a misconfigured proxy writes this: keep the one we know.
                return remote_addr
            if not self.trusts(str(address)):
                return str(address)
        # Every hop is one of ours (a request from the proxies' own network): the farthest one.
        first = parse_address(hops[0]) if hops else None
        return str(first) if first is not None else remote_addr


@functools.lru_cache(maxsize=4)
def trusted_proxies(networks: tuple[str, ...]) -> TrustedProxies:
    return TrustedProxies(networks)


class ClientAddressMiddleware:
    """Put the real client address in ``REMOTE_ADDR``; keep the proxy's in ``PAPERFEED_PROXY_ADDR``."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        proxies = trusted_proxies(tuple(settings.TRUSTED_PROXIES))
        meta = request.META
        remote = meta.get("REMOTE_ADDR", "")
        if proxies.networks and proxies.trusts(remote):
            forwarded_for = meta.get("HTTP_X_FORWARDED_FOR", "")
            if forwarded_for:
                meta["PAPERFEED_PROXY_ADDR"] = remote
                meta["REMOTE_ADDR"] = proxies.client(remote, forwarded_for)
        else:
            for header in FORWARDING_HEADERS:
                meta.pop(header, None)
        return self.get_response(request)
