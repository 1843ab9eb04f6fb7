"""Digest knobs: a Django setting of the same name wins, else the environment variable, else a default."""

from __future__ import annotations

import os

from django.conf import settings


def _number(name: str, env: str, default: float) -> float:
    value = getattr(settings, name, None)
    if value is not None:
        return float(value)
    raw = os.environ.get(env, "").strip()
    return float(raw) if raw else default


def rate_per_second() -> float:
    """Mails per second a sender may hand to the SMTP server (0 = no limit)."""
    return _number("DIGEST_RATE_PER_SECOND", "PAPERFEED_DIGEST_RATE", 0)


def batch_size() -> int:
    """Subscribers claimed, composed and sent per batch (one SMTP connection per batch)."""
    return max(1, int(_number("DIGEST_BATCH_SIZE", "PAPERFEED_DIGEST_BATCH", 200)))


def retry_backoff_seconds() -> float:
    """Wait before the first retry of a transient failure; doubles with each attempt."""
    return _number("DIGEST_RETRY_BACKOFF", "PAPERFEED_DIGEST_RETRY_BACKOFF", 300)


def max_attempts() -> int:
    """Transient failures after which a period's digest is given up."""
    return int(_number("DIGEST_MAX_ATTEMPTS", "PAPERFEED_DIGEST_MAX_ATTEMPTS", 8))


def claim_timeout_seconds() -> float:
    """A claim older than this belongs to a sender that died; another sender may take it over."""
    return _number("DIGEST_CLAIM_TIMEOUT", "PAPERFEED_DIGEST_CLAIM_TIMEOUT", 900)


def bounce_limit() -> int:
    """Permanent rejections after which an address gets no more mail."""
    return int(_number("DIGEST_BOUNCE_LIMIT", "PAPERFEED_DIGEST_BOUNCE_LIMIT", 3))


def from_email() -> str:
    # settings.DEFAULT_FROM_EMAIL already comes from PAPERFEED_FROM_EMAIL.
    return settings.DEFAULT_FROM_EMAIL


def subscribe_requests_per_hour() -> int:
    """Subscribe requests one client address may make an hour (each may mail an address)."""
    return int(_number("DIGEST_SUBSCRIBE_PER_HOUR", "PAPERFEED_SUBSCRIBE_PER_HOUR", 10))


def confirmation_mails_per_day() -> int:
    """Confirmation mails one address may be sent a day, whoever asks."""
    return int(_number("DIGEST_CONFIRMATIONS_PER_DAY", "PAPERFEED_CONFIRMATIONS_PER_DAY", 3))
