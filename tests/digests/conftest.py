"""Fixtures for digest tests: a loopback SMTP server that can be told to refuse recipients or go down,
subscribers and papers."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest

from digests.helpers import BASE_URL, THURSDAY


class ControllableSmtpServer:
    """A real SMTP server on 127.0.0.1 that records what it accepts.

    ``refuse[address] = "451 ..."`` makes it answer RCPT for that address with that reply;
    ``stop()`` and ``start()`` take it down and bring it back on the same port.
    """

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.rcpt_attempts: list[str] = []
        self.refuse: dict[str, str] = {}
        self._lock = threading.Lock()
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.host = "127.0.0.1"
        self._controller = None

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        with self._lock:
            self.rcpt_attempts.append(address)
            answer = self.refuse.get(address)
        if answer:
            return answer
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        message = message_from_bytes(envelope.content, policy=policy.default)
        message["X-Envelope-To"] = ", ".join(envelope.rcpt_tos)
        with self._lock:
            self.messages.append(message)
        return "250 Message accepted for delivery"

    def start(self) -> None:
        from aiosmtpd.controller import Controller

        self._controller = Controller(self, hostname=self.host, port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if m["X-Envelope-To"] == address]

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
def smtp(settings) -> Iterator[ControllableSmtpServer]:
    server = ControllableSmtpServer()
    server.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = server.host
    settings.EMAIL_PORT = server.port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
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


@pytest.fixture
def make_subscriber(db):
    """A confirmed daily subscriber (``confirmed=False`` leaves it waiting for confirmation)."""
    from django.utils import timezone

    from paperfeed.digests.models import Subscription

    def make(email: str, *, confirmed: bool = True, **fields) -> Subscription:
        return Subscription.objects.create(
            email=email, confirmed_at=timezone.now() if confirmed else None, **fields
        )

    return make


@pytest.fixture(autouse=True)
def claim_timeout(settings):
    settings.DIGEST_CLAIM_TIMEOUT = 900
