"""On a members-only site, scripts read the API with a personal access token (core/members_only.py)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse

from paperfeed.api.auth import optional_caller
from paperfeed.api.errors import TOKEN_HELP, error_response
from paperfeed.core.members_only import Door


def is_api_path(path: str) -> bool:
    # The API and the Markdown pages huggingface_hub's read_paper fetches.
    return path.startswith("/api/") or (path.startswith("/papers/") and path.endswith(".md"))


def admits(request: HttpRequest) -> bool:
    return optional_caller(request) is not None


def refuse(request: HttpRequest) -> HttpResponse:
    invalid = (
        "That access token is not valid (revoked or mistyped). "
        if request.headers.get("Authorization")
        else ""
    )
    message = f"This site is for members only. {invalid}{TOKEN_HELP}"
    return error_response(message, 401, {"WWW-Authenticate": 'Bearer realm="paperfeed"'})


door = Door(matches=is_api_path, admits=admits, refuse=refuse)
