"""Small helpers for digest tests."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from email.message import EmailMessage
from urllib.parse import urlsplit

from django.core.management import call_command

BASE_URL = "https://papers.example.org"
FRIDAY = datetime(2026, 11, 20, 7, 0, tzinfo=UTC)
MONDAY = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)
THURSDAY = date(2026, 11, 19)


def send(period: str = "daily", at: str = "2026-11-20T07:00", *extra: str) -> str:
    """Run ``paperfeed digest send`` and return what it printed, with its failure line if it failed.

    Tests of the exit status itself call the command directly.
    """
    from io import StringIO

    from django.core.management.base import CommandError

    out = StringIO()
    try:
        call_command("digest", "send", "--period", period, "--at", at, "--no-progress", *extra, stdout=out)
    except CommandError as error:
        out.write(f"CommandError: {error}\n")
    return out.getvalue()


def text_part(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def html_part(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("html",)).get_content()


def links_in(text: str) -> list[str]:
    return re.findall(r"https?://[^\s<>\"')]+", text)


def path_of(url: str) -> str:
    return urlsplit(url).path


def header_url(message: EmailMessage) -> str:
    """The https URL in a List-Unsubscribe header."""
    return re.search(r"<(https?://[^>]+)>", message["List-Unsubscribe"]).group(1)
