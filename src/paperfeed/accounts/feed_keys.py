"""Members' secret feed keys: a feed reader cannot sign in, so on a members-only site each member
reads the feeds at addresses carrying a key signed for them (``?key=...``).

A key names the member and is tied to their password: changing the password (or deactivating the
account) makes every address handed out before stop working, the way a reset link does.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core import signing
from django.utils.crypto import salted_hmac

SALT = "paperfeed.accounts.feed_keys"
PARAMETER = "key"


def _fingerprint(user) -> str:
    return salted_hmac(SALT, f"{user.pk}:{user.password}").hexdigest()[:16]


def key_for(user) -> str:
    """The member's feed key, the same every time until their password changes."""
    return signing.dumps([user.pk, _fingerprint(user)], salt=SALT, compress=False)


def member_for_key(key: str):
    """The active member a key belongs to, or None for a key that is forged, stale or malformed."""
    try:
        pk, fingerprint = signing.loads(key, salt=SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    user = get_user_model().objects.filter(pk=pk, is_active=True).first()
    if user is None or _fingerprint(user) != fingerprint:
        return None
    return user
