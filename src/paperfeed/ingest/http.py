"""GET with bounded retries for arXiv's services: 503/429 with Retry-After, connection errors, timeouts.

arXiv asks harvesters to honour ``Retry-After`` on 503 and to back off when it is busy; both
services (OAI-PMH and the Atom API) go through :func:`get_with_retries`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import httpx
from django.conf import settings

# Statuses that mean "busy, ask again later"; anything else is answered at once.
RETRY_STATUSES = frozenset({429, 502, 503, 504})


class FetchError(Exception):
    """A request that could not be completed; the message is fit for the operator."""


class SourceUnreachable(FetchError):
    """The service did not answer (connection refused, DNS, timeout) after every attempt."""


class SourceBusy(FetchError):
    """The service kept answering 503/429 after every attempt."""


def pause(seconds: float) -> None:
    """Every wait goes through here, so tests can record waits instead of sleeping."""
    if seconds > 0:
        time.sleep(seconds)


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 5
    backoff_seconds: float = 5.0  # doubled after each failed attempt
    max_wait_seconds: float = 600.0  # cap on a single wait, however long Retry-After asks for
    timeout_seconds: float = 20.0
    sleep: Callable[[float], None] | None = None  # None: the module's pause()

    def wait(self, seconds: float) -> None:
        (self.sleep or pause)(min(seconds, self.max_wait_seconds))

    @classmethod
    def from_settings(cls) -> RetryPolicy:
        return cls(
            attempts=max(1, int(getattr(settings, "ARXIV_RETRY_ATTEMPTS", 5))),
            backoff_seconds=float(getattr(settings, "ARXIV_RETRY_BACKOFF_SECONDS", 5.0)),
            timeout_seconds=float(getattr(settings, "ARXIV_TIMEOUT_SECONDS", 20.0)),
        )


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """``Retry-After`` as seconds: either delta-seconds or an HTTP date; ``None`` if absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def get_with_retries(
    client: httpx.Client,
    url: str,
    params: Mapping[str, str],
    *,
    service: str,
    policy: RetryPolicy,
    on_retry: Callable[[str], None] | None = None,
) -> httpx.Response:
    """GET ``url``; retry busy answers and network failures up to ``policy.attempts`` times.

    Returns the response for any status that is not retryable (the caller decides what a 4xx
    means). Raises :class:`SourceUnreachable` or :class:`SourceBusy` once attempts run out.
    """
    backoff = policy.backoff_seconds
    for attempt in range(1, policy.attempts + 1):
        last_try = attempt == policy.attempts
        try:
            response = client.get(url, params=params, timeout=policy.timeout_seconds)
        except (httpx.UnsupportedProtocol, httpx.InvalidURL) as exc:
            # A misconfigured URL will not get better by asking again.
            raise FetchError(f"{service} URL {url!r} is not usable: {exc}") from exc
        except httpx.TransportError as exc:
            reason = _describe_transport_error(exc, policy.timeout_seconds)
            if last_try:
                raise SourceUnreachable(
                    f"{service} could not be reached at {url} after {policy.attempts} attempt(s): {reason}"
                ) from exc
            if on_retry:
                on_retry(f"{service}: {reason}; retrying in {backoff:g} s (attempt {attempt + 1})")
            policy.wait(backoff)
            backoff *= 2
            continue
        if response.status_code not in RETRY_STATUSES:
            return response
        if last_try:
            raise SourceBusy(
                f"{service} at {url} still answered HTTP {response.status_code} after "
                f"{policy.attempts} attempt(s); try again later."
            )
        wait = retry_after_seconds(response.headers.get("Retry-After"))
        if wait is None:
            wait = backoff
            backoff *= 2
        if on_retry:
            status = response.status_code
            on_retry(f"{service} answered HTTP {status}; retrying in {wait:g} s (attempt {attempt + 1})")
        policy.wait(wait)
    raise AssertionError("unreachable")  # the loop always returns or raises


def _describe_transport_error(exc: httpx.TransportError, timeout: float) -> str:
    if isinstance(exc, httpx.TimeoutException):
        return f"no answer within {timeout:g} s ({type(exc).__name__})"
    return str(exc) or type(exc).__name__
