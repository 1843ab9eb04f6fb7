"""Issuing and checking personal access tokens.

A token is ``pf_`` followed by 43 URL-safe characters (256 random bits), so a plain
SHA-256 digest is enough to store it: there is nothing to brute-force.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.utils import timezone

from paperfeed.api.models import AccessToken

TOKEN_PREFIX = "pf_"
SHOWN_PREFIX_LENGTH = 8  # "pf_" + 5 characters, shown in the token list
MAX_TOKENS_PER_USER = 20
# last_used_at is written at most this often per token, so reads do not turn into writes.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def digest_of(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(user, name: str) -> tuple[AccessToken, str]:
    """Create a token for ``user``; return the row and the secret, which is never stored."""
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = AccessToken.objects.create(
        user=user, name=name, prefix=secret[:SHOWN_PREFIX_LENGTH], digest=digest_of(secret)
    )
    return token, secret


def user_for_token(secret: str):
    """The active user a token belongs to, or None; records when the token was last used."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
        return None
    token = AccessToken.objects.select_related("user").filter(digest=digest_of(secret)).first()
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        AccessToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
