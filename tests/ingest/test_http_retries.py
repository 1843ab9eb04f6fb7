"""Reading ``Retry-After`` and choosing the retry policy for arXiv's services."""

from __future__ import annotations

from datetime import UTC, datetime

from paperfeed.ingest.http import RetryPolicy, retry_after_seconds

NOW = datetime(2025, 3, 20, 9, 0, 0, tzinfo=UTC)


def test_retry_after_in_seconds():
    assert retry_after_seconds("10") == 10.0
    assert retry_after_seconds(" 0 ") == 0.0


def test_retry_after_as_an_http_date_counts_from_now():
    assert retry_after_seconds("Thu, 20 Mar 2025 09:00:30 GMT", now=NOW) == 30.0
    assert retry_after_seconds("Thu, 20 Mar 2025 08:59:00 GMT", now=NOW) == 0.0  # already past


def test_a_missing_or_unreadable_retry_after_means_use_the_backoff():
    assert retry_after_seconds(None) is None
    assert retry_after_seconds("") is None
    assert retry_after_seconds("soon") is None


def test_the_policy_comes_from_settings_with_safe_defaults(settings):
    settings.ARXIV_RETRY_ATTEMPTS = 0  # nonsense: at least one attempt is always made
    settings.ARXIV_RETRY_BACKOFF_SECONDS = 2
    settings.ARXIV_TIMEOUT_SECONDS = 7

    policy = RetryPolicy.from_settings()

    assert (policy.attempts, policy.backoff_seconds, policy.timeout_seconds) == (1, 2.0, 7.0)


def test_a_single_wait_is_capped_however_long_retry_after_asks_for():
    waits: list[float] = []
    policy = RetryPolicy(max_wait_seconds=60, sleep=waits.append)

    policy.wait(86400)

    assert waits == [60]
