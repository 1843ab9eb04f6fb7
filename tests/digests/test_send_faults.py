"""Faults while sending: refused recipients, a server that goes away, a sender that dies midway,
two senders at once. Each subscriber still gets exactly one digest per period."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import timedelta

import pytest
from django.db import connection

from digests.helpers import FRIDAY, send
from paperfeed.digests.models import DigestSend, SendStatus, Subscription
from paperfeed.digests.send import DigestSender

pytestmark = pytest.mark.django_db


def subscribers(make_subscriber, count: int) -> list[str]:
    emails = [f"reader{n:02d}@example.org" for n in range(count)]
    for email in emails:
        make_subscriber(email)
    return emails


def delivered(smtp) -> Counter:
    return Counter(m["X-Envelope-To"] for m in smtp.digests())


def test_a_451_reply_is_retried_in_a_later_run_and_then_delivered(smtp, make_subscriber, trending_papers):
    emails = subscribers(make_subscriber, 3)
    smtp.refuse[emails[1]] = "451 4.3.0 Try again later"

    output = send("daily")
    assert "sent 2" in output and "retried later 1" in output
    row = DigestSend.objects.get(subscription__email=emails[1])
    assert (row.status, row.attempts) == (SendStatus.RETRY, 1)
    assert "451" in row.last_error

    del smtp.refuse[emails[1]]
    send("daily")

    assert delivered(smtp) == Counter(emails)
    assert DigestSend.objects.get(subscription__email=emails[1]).status == SendStatus.SENT


def test_retries_wait_for_their_backoff(smtp, make_subscriber, trending_papers, settings):
    settings.DIGEST_RETRY_BACKOFF = 3600
    (email,) = subscribers(make_subscriber, 1)
    smtp.refuse[email] = "421 4.7.0 Slow down"
    send("daily")
    del smtp.refuse[email]

    output = send("daily")  # too early: the row waits an hour
    assert delivered(smtp) == Counter()
    assert "waiting to retry 1" in output
    DigestSend.objects.update(next_attempt_at=DigestSend.objects.get().next_attempt_at - timedelta(hours=2))
    send("daily")
    assert delivered(smtp) == Counter([email])


def test_a_permanent_rejection_fails_the_send_and_repeated_ones_stop_mail(
    smtp, make_subscriber, trending_papers, settings
):
    settings.DIGEST_BOUNCE_LIMIT = 2
    (email,) = subscribers(make_subscriber, 1)
    smtp.refuse[email] = "550 5.1.1 No such user"

    send("daily", "2026-11-19T07:00")
    row = DigestSend.objects.get()
    assert row.status == SendStatus.FAILED and "550" in row.last_error
    send("daily", "2026-11-19T07:00")  # a permanent failure is not retried
    assert smtp.rcpt_attempts.count(email) == 1
    assert not Subscription.objects.get(email=email).bouncing

    send("daily", "2026-11-20T07:00")
    assert Subscription.objects.get(email=email).bouncing
    send("daily", "2026-11-23T07:00")
    assert smtp.rcpt_attempts.count(email) == 2  # no third attempt: the address is bouncing
    assert delivered(smtp) == Counter()


def test_the_server_going_down_mid_batch_leaves_the_rest_for_the_next_run(
    smtp, make_subscriber, trending_papers
):
    emails = subscribers(make_subscriber, 8)

    def stop_after_three(index: int, subscription) -> None:
        if index == 3:
            smtp.stop()

    summary = DigestSender("daily", at=FRIDAY, before_send=stop_after_three).run()
    assert summary.sent == 3
    assert summary.retry_later == 5
    assert "unreachable" in summary.stopped_early
    assert DigestSend.objects.filter(status=SendStatus.SENT).count() == 3

    smtp.start()
    send("daily")

    assert delivered(smtp) == Counter(emails)
    assert set(DigestSend.objects.values_list("status", flat=True)) == {SendStatus.SENT}


def test_a_sender_that_dies_midway_is_completed_by_the_rerun_without_duplicates(
    smtp, make_subscriber, trending_papers
):
    emails = subscribers(make_subscriber, 7)

    def die_at_four(index: int, subscription) -> None:
        if index == 4:
            raise KeyboardInterrupt("killed")

    with pytest.raises(KeyboardInterrupt):
        DigestSender("daily", at=FRIDAY, batch_size=3, before_send=die_at_four).run()
    assert len(smtp.digests()) == 4
    assert not DigestSend.objects.filter(status=SendStatus.SENDING).exists()  # claims given back

    send("daily")

    assert delivered(smtp) == Counter(emails)


def test_claims_of_a_killed_sender_are_taken_over_only_once_they_expire(
    smtp, make_subscriber, trending_papers, settings
):
    from django.utils import timezone

    (email,) = subscribers(make_subscriber, 1)
    # What a sender killed with SIGKILL leaves behind: a claim it never finished.
    DigestSend.objects.create(
        subscription=Subscription.objects.get(email=email),
        period_key="daily:2026-11-20",
        claim_token="dead-sender",
        claimed_at=timezone.now(),
    )
    output = send("daily")
    assert delivered(smtp) == Counter()
    assert "handled by another sender 1" in output

    DigestSend.objects.update(
        claimed_at=timezone.now() - timedelta(seconds=settings.DIGEST_CLAIM_TIMEOUT + 1)
    )
    send("daily")
    assert delivered(smtp) == Counter([email])


@pytest.mark.django_db(transaction=True)
def test_two_sender_threads_running_at_once_send_each_digest_once(smtp, make_subscriber, trending_papers):
    if connection.vendor == "sqlite":
        pytest.skip("the in-memory SQLite test database locks whole tables; see the two-process test")
    emails = subscribers(make_subscriber, 40)
    start = threading.Barrier(2)
    errors: list[BaseException] = []
    summaries = []

    def run() -> None:
        try:
            start.wait()
            summaries.append(DigestSender("daily", at=FRIDAY, batch_size=5).run())
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert errors == []
    assert delivered(smtp) == Counter(emails)
    assert sum(s.sent for s in summaries) == 40
    assert DigestSend.objects.filter(status=SendStatus.SENT).count() == 40


SEED = """
import django, os
django.setup()
from datetime import UTC, datetime
from django.utils import timezone
from paperfeed.digests.models import Subscription
from paperfeed.papers.models import Listing, Paper
for n in range(3):
    paper = Paper.objects.create(arxiv_id=f"2511.0000{n}", title=f"Seeded paper {n}", upvotes=10 - n)
    moment = datetime(2026, 11, 19, 8, n, tzinfo=UTC)
    Listing.objects.create(paper=paper, date=moment.date(), submitted_at=moment)
Subscription.objects.bulk_create(
    Subscription(email=f"proc{n:03d}@example.org", confirmed_at=timezone.now()) for n in range(120)
)
"""


def test_two_sender_processes_on_one_sqlite_file_send_each_digest_once(smtp, tmp_path):
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(
        PAPERFEED_DATA_DIR=str(tmp_path),
        PAPERFEED_SMTP_URL=f"smtp://{smtp.host}:{smtp.port}",
        PAPERFEED_BASE_URL="https://papers.example.org",
        PAPERFEED_DIGEST_BATCH="10",
        DJANGO_SETTINGS_MODULE="paperfeed.settings",
    )

    def paperfeed(*args: str) -> subprocess.Popen:
        return subprocess.Popen(
            [sys.executable, "-m", "paperfeed", *args],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    assert paperfeed("migrate", "-v0").wait(300) == 0
    subprocess.run([sys.executable, "-c", SEED], env=env, check=True, timeout=120)
    senders = [
        paperfeed("digest", "send", "--period", "daily", "--at", "2026-11-20T07:00", "--no-progress")
        for _ in range(2)
    ]
    outputs = [sender.communicate(timeout=300) for sender in senders]

    assert [sender.returncode for sender in senders] == [0, 0], outputs
    assert delivered(smtp) == Counter(f"proc{n:03d}@example.org" for n in range(120))
    sent = [int(out.split("sent ")[1].split(",")[0]) for out, _ in outputs]
    assert sum(sent) == 120, outputs


def test_the_rate_limit_spaces_mails_evenly(smtp, make_subscriber, trending_papers):
    subscribers(make_subscriber, 5)
    sender = DigestSender("daily", at=FRIDAY, rate=4)
    clock = {"now": 1000.0}
    sleeps: list[float] = []

    def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        clock["now"] += seconds

    # A clock that only moves when the sender sleeps: the pacing itself is what is checked.
    sender.clock, sender.sleep = (lambda: clock["now"]), sleep
    summary = sender.run()

    assert summary.sent == 5
    assert sleeps == pytest.approx([0.25] * 4)
