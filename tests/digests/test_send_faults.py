"""Faults while sending: refused recipients, a server that goes away, a sender that dies midway,
two senders at once. Each subscriber still gets exactly one digest per period."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections import Counter
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone

from digests.helpers import FRIDAY, send
from digests.processes import SqliteSite, subscriber
from paperfeed.digests.holders import Holder, start_token, this_host
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


def leave_claim(email: str, holder: str, **fields) -> DigestSend:
    """What a sender that is running, or was killed with SIGKILL, leaves: a claim it never finished."""
    return DigestSend.objects.create(
        subscription=Subscription.objects.get(email=email),
        period_key="daily:2026-11-20",
        claim_token="other-sender",
        claim_holder=holder,
        claimed_at=timezone.now(),
        **fields,
    )


def finished_process_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_the_claims_of_a_dead_sender_on_this_host_are_taken_over_at_once(
    smtp, make_subscriber, trending_papers
):
    emails = subscribers(make_subscriber, 2)
    for email in emails:
        leave_claim(email, str(Holder(this_host(), finished_process_pid(), "12345")))

    output = send("daily")

    assert delivered(smtp) == Counter(emails)
    assert "sent 2" in output and "handled by another sender" not in output


def test_the_claims_of_a_sender_still_running_here_are_left_alone(smtp, make_subscriber, trending_papers):
    (email,) = subscribers(make_subscriber, 1)
    running = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        leave_claim(email, str(Holder(this_host(), running.pid, start_token(running.pid))))
        output = send("daily")
    finally:
        running.kill()
        running.wait()

    assert delivered(smtp) == Counter()
    assert "handled by another sender 1" in output


def test_a_process_id_now_used_by_another_process_does_not_hold_a_claim(
    smtp, make_subscriber, trending_papers
):
    (email,) = subscribers(make_subscriber, 1)
    # This test's own process runs, but it started at another moment than the recorded holder.
    leave_claim(email, str(Holder(this_host(), os.getpid(), "1")))

    send("daily")

    assert delivered(smtp) == Counter([email])


def test_claims_of_a_sender_on_another_host_are_taken_over_only_once_they_expire(
    smtp, make_subscriber, trending_papers, settings
):
    (email,) = subscribers(make_subscriber, 1)
    leave_claim(email, "another-host 4242 777")
    output = send("daily")
    assert delivered(smtp) == Counter()
    assert "handled by another sender 1" in output

    DigestSend.objects.update(
        claimed_at=timezone.now() - timedelta(seconds=settings.DIGEST_CLAIM_TIMEOUT + 1)
    )
    send("daily")
    assert delivered(smtp) == Counter([email])


def test_a_digest_a_dead_sender_was_handing_over_is_never_sent_again(smtp, make_subscriber, trending_papers):
    in_flight, untouched = subscribers(make_subscriber, 2)
    dead = str(Holder(this_host(), finished_process_pid(), "12345"))
    leave_claim(in_flight, dead, handed_over_at=timezone.now())  # the server may have accepted it
    leave_claim(untouched, dead)

    output = send("daily")

    assert delivered(smtp) == Counter([untouched])
    row = DigestSend.objects.get(subscription__email=in_flight)
    assert row.status == SendStatus.FAILED and "may have accepted it" in row.last_error
    assert "not resent after a sender died while handing them over 1" in output
    send("daily")
    assert delivered(smtp) == Counter([untouched])


def test_an_smtp_server_that_is_down_makes_the_command_fail_with_a_one_line_reason(
    smtp, make_subscriber, trending_papers
):
    subscribers(make_subscriber, 3)
    smtp.stop()
    out = StringIO()

    with pytest.raises(CommandError) as failed:
        call_command(
            "digest", "send", "--period", "daily", "--at", "2026-11-20T07:00", "--no-progress", stdout=out
        )

    message = str(failed.value)
    assert "\n" not in message
    assert message.startswith("Mail could not be sent to 3 of 3 subscribers for daily:2026-11-20")
    assert "sent 0" in message and "the SMTP server is unreachable" in message
    assert "sent 0" in out.getvalue()  # the usual summary still comes first


def test_a_run_where_some_mail_was_refused_fails_too(smtp, make_subscriber, trending_papers):
    emails = subscribers(make_subscriber, 3)
    smtp.refuse[emails[0]] = "550 5.1.1 No such user"

    with pytest.raises(CommandError) as failed:
        call_command(
            "digest",
            "send",
            "--period",
            "daily",
            "--at",
            "2026-11-20T07:00",
            "--no-progress",
            stdout=StringIO(),
        )

    assert "to 1 of 3 subscribers" in str(failed.value) and "sent 2, failed 1" in str(failed.value)
    assert "550" in str(failed.value)


def test_a_run_that_sent_everything_succeeds(smtp, make_subscriber, trending_papers):
    subscribers(make_subscriber, 2)
    call_command(
        "digest", "send", "--period", "daily", "--at", "2026-11-20T07:00", "--no-progress", stdout=StringIO()
    )
    assert len(smtp.digests()) == 2


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


def test_two_sender_processes_on_one_sqlite_file_send_each_digest_once(smtp, tmp_path):
    site = SqliteSite(tmp_path, smtp, subscribers=120)
    senders = [site.sender() for _ in range(2)]
    outputs = [sender.communicate(timeout=300) for sender in senders]

    assert [sender.returncode for sender in senders] == [0, 0], outputs
    assert delivered(smtp) == Counter(subscriber(n) for n in range(120))
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
