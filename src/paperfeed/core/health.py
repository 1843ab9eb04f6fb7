"""``/healthz``: whether this web process reaches the database and the search index, for load balancers.

It answers 200 with JSON when every check passes and 503 naming what is down otherwise, never
cached. ``HealthCheckMiddleware`` answers it first in the middleware stack: a load balancer probes
each machine by its address over plain HTTP, so the host check, the HTTPS redirect, sessions,
rate limits and the page caches must not stand in its way. Checks are registered by the apps
that own what they check (search registers the index), like warm-ups: core knows no app.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.cache import add_never_cache_headers

PATH = "/healthz"
log = logging.getLogger(__name__)

# A check returns details to show (or None) and raises when what it checks cannot be reached.
Check = Callable[[], dict[str, Any] | None]
_checks: dict[str, Check] = {}


def register(name: str, check: Check) -> None:
    """Report ``name`` in ``/healthz``: up when ``check`` returns, down when it raises."""
    _checks[name] = check


def database() -> dict[str, Any]:
    with connection.cursor() as cursor:
        # A table, not just "SELECT 1": on SQLite that would not even read the database file.
        cursor.execute("SELECT 1 FROM django_migrations LIMIT 1")
        cursor.fetchone()
    return {"vendor": connection.vendor}


def report() -> tuple[bool, dict[str, dict[str, Any]]]:
    """Run every check: whether all passed, and each one's result."""
    results: dict[str, dict[str, Any]] = {}
    for name, check in {"database": database, **_checks}.items():
        try:
            results[name] = {"ok": True, **(check() or {})}
        except Exception as error:  # any failure means down; the log has the details
            log.warning("health check %s failed: %s", name, error, exc_info=True)
            # The kind of failure only: the message may hold paths or addresses.
            results[name] = {"ok": False, "error": type(error).__name__}
    return all(result["ok"] for result in results.values()), results


def healthz(request: HttpRequest) -> HttpResponse:
    healthy, checks = report()
    down = [name for name, result in checks.items() if not result["ok"]]
    body: dict[str, Any] = {"status": "ok" if healthy else "down", "checks": checks}
    if down:
        body["down"] = down
    response = JsonResponse(body, status=200 if healthy else 503)
    add_never_cache_headers(response)
    return response


class HealthCheckMiddleware:
    """Answer ``/healthz`` before any other middleware looks at the request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info == PATH and request.method in {"GET", "HEAD"}:
            return healthz(request)
        return self.get_response(request)
