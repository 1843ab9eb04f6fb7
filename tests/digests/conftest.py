"""Fixtures for digest tests: a loopback SMTP server that can be told to refuse recipients or go down,
subscribers and papers."""

from __future__ import annotations

from collections.abc import Iterator
from email.message import EmailMessage

import pytest

from digests.helpers import BASE_URL, THURSDAY
from smtpkit import LoopbackSmtpServer, send_django_mail_to


class DigestSmtpServer(LoopbackSmtpServer):
    """The loopback SMTP server, telling digests (they carry List-Unsubscribe) from other mail."""

    def digests_to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.to(address) if m["List-Unsubscribe"]]

    def digests(self) -> list[EmailMessage]:
        return [m for m in self.messages if m["List-Unsubscribe"]]


@pytest.fixture(autouse=True)
def digest_settings(settings):
    settings.BASE_URL = BASE_URL
    settings.DEFAULT_FROM_EMAIL = "paperfeed <digest@papers.example.org>"
    settings.DIGEST_RETRY_BACKOFF = 0  # a rerun retries transient failures at once
    settings.DIGEST_RATE_PER_SECOND = 0
    return settings


@pytest.fixture
def smtp(settings) -> Iterator[DigestSmtpServer]:
    server = DigestSmtpServer()
    server.start()
    send_django_mail_to(server, settings, timeout=5)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def trending_papers(make_paper):
    """Three papers on Thursday's feed, most upvoted first."""
    return [
        make_paper("Scaling sparse mixtures of experts", upvotes=90, listed_on=THURSDAY),
        make_paper("A benchmark for long-context retrieval", upvotes=40, listed_on=THURSDAY),
        make_paper("Diffusion models for protein design", upvotes=10, listed_on=THURSDAY),
    ]


@pytest.fixture(autouse=True)
def claim_timeout(settings):
    settings.DIGEST_CLAIM_TIMEOUT = 900
