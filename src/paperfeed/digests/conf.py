"""Digest knobs, read from Django settings when asked (settings.py fills them from core/config.py)."""

from __future__ import annotations

from django.conf import settings


def _number(name: str) -> float:
    return float(getattr(settings, name))


def rate_per_second() -> float:
    """Mails per second a sender may hand to the SMTP server (0 = no limit)."""
    return _number("DIGEST_RATE_PER_SECOND")


def batch_size() -> int:
    """Subscribers claimed, composed and sent per batch (one SMTP connection per batch)."""
    return max(1, int(_number("DIGEST_BATCH_SIZE")))


def retry_backoff_seconds() -> float:
    """Wait before the first retry of a transient failure; doubles with each attempt."""
    return _number("DIGEST_RETRY_BACKOFF")


def max_attempts() -> int:
    """Transient failures after which a period's digest is given up."""
    return int(_number("DIGEST_MAX_ATTEMPTS"))


def claim_timeout_seconds() -> float:
    """A claim older than this belongs to a sender that died; another sender may take it over."""
    return _number("DIGEST_CLAIM_TIMEOUT")


def bounce_limit() -> int:
    """Permanent rejections after which an address gets no more mail."""
    return int(_number("DIGEST_BOUNCE_LIMIT"))


def from_email() -> str:
    # settings.DEFAULT_FROM_EMAIL already comes from PAPERFEED_FROM_EMAIL.
    return settings.DEFAULT_FROM_EMAIL


def subscribe_requests_per_hour() -> int:
    """Subscribe requests one client address may make an hour (each may mail an address)."""
    return int(_number("DIGEST_SUBSCRIBE_PER_HOUR"))


def confirmation_mails_per_day() -> int:
    """Confirmation mails one address may be sent a day, whoever asks."""
    return int(_number("DIGEST_CONFIRMATIONS_PER_DAY"))
