"""A real SMTP server on 127.0.0.1 for tests that send mail, and Django's mail settings pointed at it."""

from __future__ import annotations

import socket
import threading
import time
from email import message_from_bytes, policy
from email.message import EmailMessage


class LoopbackSmtpServer:
    """A real SMTP server on 127.0.0.1 that keeps every message it accepts.

    ``refuse[address] = "451 ..."`` makes it answer RCPT for that address with that reply;
    ``stop()`` and ``start()`` take it down and bring it back on the same port.
    """

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.rcpt_attempts: list[str] = []
        self.refuse: dict[str, str] = {}
        self._arrived = threading.Condition()
        # aiosmtpd needs a concrete port: it connects to it to check that the server is up.
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.host = "127.0.0.1"
        self._controller = None

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options) -> str:  # noqa: N802 (aiosmtpd hook)
        with self._arrived:
            self.rcpt_attempts.append(address)
            answer = self.refuse.get(address)
        if answer:
            return answer
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 (aiosmtpd hook)
        message = message_from_bytes(envelope.content, policy=policy.default)
        message["X-Envelope-To"] = ", ".join(envelope.rcpt_tos)
        with self._arrived:
            self.messages.append(message)
            self._arrived.notify_all()
        return "250 Message accepted for delivery"

    def start(self) -> None:
        from aiosmtpd.controller import Controller

        self._controller = Controller(self, hostname=self.host, port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def wait_for(self, number: int = 1, timeout: float = 10.0) -> list[EmailMessage]:
        """Wait until ``number`` messages have arrived (mail is sent from other threads)."""
        deadline = time.monotonic() + timeout
        with self._arrived:
            while len(self.messages) < number:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"expected {number} mail(s), got {len(self.messages)} in {timeout}s")
                self._arrived.wait(remaining)
            return list(self.messages)

    def to(self, address: str) -> list[EmailMessage]:
        return [message for message in self.messages if message["X-Envelope-To"] == address]

    @staticmethod
    def text_of(message: EmailMessage) -> str:
        body = message.get_body(preferencelist=("plain", "html"))
        return body.get_content() if body is not None else ""


def send_django_mail_to(server: LoopbackSmtpServer, settings, *, timeout: int = 10) -> None:
    """Point Django's mail settings (pytest-django's ``settings`` fixture) at ``server``."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = server.host
    settings.EMAIL_PORT = server.port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = timeout
