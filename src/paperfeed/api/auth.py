"""Bearer-token authentication for writes, and the optional caller of anonymous reads."""

from __future__ import annotations

from django.http import HttpRequest
from ninja.security import HttpBearer

from paperfeed.api.tokens import user_for_token


class TokenAuth(HttpBearer):
    """``Authorization: Bearer pf_...``: a personal access token from /settings/tokens."""

    openapi_description = "A personal access token created at /settings/tokens."

    def authenticate(self, request: HttpRequest, token: str):
        user = user_for_token(token)
        if user is not None:
            request.user = user
        return user


token_auth = TokenAuth()


def optional_caller(request: HttpRequest):
    """The token's user on a read route, or None.

    Reads never fail on a token: Hugging Face clients send their own Hub token by
    default, which means nothing here.
    """
    header = request.headers.get("Authorization", "")
    scheme, _, secret = header.partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        return None
    return user_for_token(secret.strip())
