"""The digests' scheduled job, run by ``paperfeed worker`` (the ingest command tests the arXiv harvest)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db


def test_a_worker_run_sends_the_due_digests_once(smtp, make_subscriber, trending_papers):
    make_subscriber("worker@example.org")
    out = StringIO()

    call_command("worker", "--once", "--no-ingest", stdout=out)
    call_command("worker", "--once", "--no-ingest", stdout=StringIO())

    assert len(smtp.digests_to("worker@example.org")) == 1
    assert "digests: done" in out.getvalue() and "sent 1" in out.getvalue()


def test_a_bad_schedule_setting_is_refused(monkeypatch, db):
    monkeypatch.setenv("PAPERFEED_DIGEST_AT", "7 o'clock")
    with pytest.raises(CommandError, match="PAPERFEED_DIGEST_AT"):
        call_command("worker", "--once", "--no-ingest")
