"""Send the digests due for a period, each (subscriber, period) exactly once.

How "once" holds up:
- Every digest has a row in the send log, unique per (subscription, period). A sender first
  *claims* rows (insert, or take over a row due for retry or left by a dead sender), then sends,
  and marks a row sent only after the SMTP server accepted the mail. Two senders never hold the
  same row: inserts of the same key conflict, take-overs are conditional updates.
- If the loop dies with an exception, rows already accepted are still marked sent and the rest
  are released at once for the next run. If the process is killed outright, the next sender on
  the same host sees that the claims' holder is gone and takes them over at once (holders.py);
  claims of a sender on another host expire after ``conf.claim_timeout_seconds()``.
- A row is stamped just before its mail goes to the server. A taken-over row with that stamp may
  have been accepted before its sender died, so it is failed, never sent a second time.
- Transient SMTP failures (4xx, refused or dropped connections, timeouts) put the row back for a
  later run with exponential backoff; a permanent 5xx for the recipient fails the row and counts
  a bounce against the address, which stops getting mail at the configured limit.
"""

from __future__ import annotations

import smtplib
import socket
import time
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta

from django.core.mail import get_connection
from django.core.mail.backends.smtp import EmailBackend as SmtpBackend
from django.db.models import F, Q
from django.utils import timezone

from paperfeed.digests import conf, holders
from paperfeed.digests.compose import Digest, DigestComposer, contents_of
from paperfeed.digests.models import DigestSend, SendStatus, Subscription
from paperfeed.digests.periods import DigestPeriod, period_at
from paperfeed.digests.render import DigestRenderer
from paperfeed.digests.summary import SendSummary

FINAL = (SendStatus.SENT, SendStatus.EMPTY, SendStatus.FAILED)
IN_FLIGHT_AT_DEATH = (
    "Its sender stopped while handing this digest to the SMTP server, which may have accepted it; "
    "it is not sent again."
)
CONNECTION_ERRORS = (smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError, OSError, socket.timeout)
# Accepted mails are logged as sent in groups this size. 1: each mail is logged the moment the
# server accepts it, so a process killed outright (SIGKILL, power loss) can resend at most the one
# mail in flight once its claims expire (with the same Message-ID, so receivers can drop it).
MARK_SENT_EVERY = 1
# Consecutive connection failures after which the server is taken to be down for this run.
CONNECTION_FAILURES_TO_STOP = 2


class ServerDown(Exception):
    """The SMTP server cannot be reached: stop this run, retry everything later."""


def smtp_code(error: Exception) -> int | None:
    """The SMTP reply code an error carries, if any."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in error.recipients.values()]
        return max(codes) if codes else None
    return getattr(error, "smtp_code", None)


class DigestSender:
    def __init__(
        self,
        frequency: str,
        *,
        at: datetime | None = None,
        dry_run: bool = False,
        limit: int | None = None,
        batch_size: int | None = None,
        rate: float | None = None,
        progress: Callable[[int], None] | None = None,
        before_send: Callable[[int, Subscription], None] | None = None,
    ) -> None:
        self.period: DigestPeriod = period_at(frequency, at or timezone.now())
        self.dry_run = dry_run
        self.limit = limit
        self.batch_size = batch_size or conf.batch_size()
        self.rate = conf.rate_per_second() if rate is None else rate
        self.progress = progress
        # Called before each mail is handed to the server (tests use it to stop a run midway).
        self.before_send = before_send
        self.token = uuid.uuid4().hex
        self.holder = str(holders.me())
        # The pacing clock (replaceable, so pacing can be checked without waiting).
        self.clock: Callable[[], float] = time.monotonic
        self.sleep: Callable[[float], None] = time.sleep
        self.composer = DigestComposer(self.period)
        self.renderer = DigestRenderer()
        self.summary = SendSummary(self.period.key)
        self._sent_count = 0
        self._started = 0.0

    # --- which subscriptions are due -----------------------------------------------------------

    def due_subscription_ids(self) -> list[int]:
        log = DigestSend.objects.filter(period_key=self.period.key)
        done = log.filter(status__in=FINAL)
        # Transient failures wait for their backoff before they are due again.
        waiting = log.filter(status=SendStatus.RETRY, next_attempt_at__gt=timezone.now())
        mailable = Subscription.objects.mailable().filter(frequency=self.period.frequency)
        self.summary.waiting = mailable.filter(pk__in=waiting.values("subscription_id")).count()
        due = (
            mailable.exclude(pk__in=done.values("subscription_id"))
            .exclude(pk__in=waiting.values("subscription_id"))
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        ids = list(due)
        return ids[: self.limit] if self.limit is not None else ids

    # --- the send log --------------------------------------------------------------------------

    def _mine(self) -> Q:
        return Q(period_key=self.period.key, claim_token=self.token, status=SendStatus.SENDING)

    def claim(self, subscription_ids: list[int]) -> list[int]:
        """Take the rows of these subscriptions that no one else holds; return the ones now ours."""
        now = timezone.now()
        DigestSend.objects.bulk_create(
            [
                DigestSend(
                    subscription_id=pk,
                    period_key=self.period.key,
                    status=SendStatus.SENDING,
                    claim_token=self.token,
                    claim_holder=self.holder,
                    claimed_at=now,
                )
                for pk in subscription_ids
            ],
            ignore_conflicts=True,
        )
        rows = DigestSend.objects.filter(period_key=self.period.key, subscription_id__in=subscription_ids)
        stale = now - timedelta(seconds=conf.claim_timeout_seconds())
        orphaned = Q(status=SendStatus.SENDING) & (
            Q(claimed_at__lt=stale) | Q(claim_token__in=self._gone_holders(rows))
        )
        # Conditional updates: of two senders taking over the same rows, only one matches them.
        lost = rows.filter(orphaned, handed_over_at__isnull=False).update(
            status=SendStatus.FAILED, claim_token="", last_error=IN_FLIGHT_AT_DEATH
        )
        self.summary.failed += lost
        self.summary.uncertain += lost
        rows.filter(Q(status=SendStatus.RETRY, next_attempt_at__lte=now) | orphaned).update(
            status=SendStatus.SENDING,
            claim_token=self.token,
            claim_holder=self.holder,
            claimed_at=now,
            handed_over_at=None,
        )
        return list(
            DigestSend.objects.filter(self._mine(), subscription_id__in=subscription_ids).values_list(
                "subscription_id", flat=True
            )
        )

    def _gone_holders(self, rows) -> list[str]:
        """Claim tokens among ``rows`` whose holder is certainly no longer running."""
        held = (
            rows.filter(status=SendStatus.SENDING)
            .exclude(claim_token=self.token)
            .values_list("claim_token", "claim_holder")
            .distinct()
        )
        return holders.gone(held)

    def _finish(self, subscription_id: int, **changes) -> None:
        DigestSend.objects.filter(self._mine(), subscription_id=subscription_id).update(
            claim_token="", handed_over_at=None, **changes
        )

    def mark_sent(self, accepted: list[tuple[Subscription, Digest]]) -> None:
        """Log mails the server accepted as sent, with what each one held."""
        now = timezone.now()
        for subscription, digest in accepted:
            DigestSend.objects.filter(self._mine(), subscription_id=subscription.pk).update(
                status=SendStatus.SENT,
                sent_at=now,
                paper_count=len(digest.papers),
                contents=contents_of(digest),
                claim_token="",
            )
        recovered = [subscription.pk for subscription, _ in accepted if subscription.bounce_count]
        if recovered:
            Subscription.objects.filter(pk__in=recovered).update(bounce_count=0)
        self.summary.sent += len(accepted)
        accepted.clear()

    def mark_transient(self, subscription_id: int, error: Exception) -> None:
        self.summary.last_error = " ".join(str(error).split())[:200]
        row = DigestSend.objects.filter(self._mine(), subscription_id=subscription_id).first()
        if row is None:
            return
        attempts = row.attempts + 1
        if attempts >= conf.max_attempts():
            self._finish(
                subscription_id, status=SendStatus.FAILED, attempts=attempts, last_error=str(error)[:500]
            )
            self.summary.failed += 1
            return
        delay = conf.retry_backoff_seconds() * 2 ** (attempts - 1)
        self._finish(
            subscription_id,
            status=SendStatus.RETRY,
            attempts=attempts,
            next_attempt_at=timezone.now() + timedelta(seconds=delay),
            last_error=str(error)[:500],
        )
        self.summary.retry_later += 1

    def mark_permanent(self, subscription: Subscription, error: Exception) -> None:
        self.summary.last_error = " ".join(str(error).split())[:200]
        self._finish(subscription.pk, status=SendStatus.FAILED, last_error=str(error)[:500])
        Subscription.objects.filter(pk=subscription.pk).update(bounce_count=F("bounce_count") + 1)
        Subscription.objects.filter(pk=subscription.pk, bounce_count__gte=conf.bounce_limit()).update(
            bouncing=True
        )
        self.summary.failed += 1

    def release(self, subscription_ids: list[int]) -> None:
        """Give claims back untried: the next run takes them straight away."""
        if subscription_ids:
            released = DigestSend.objects.filter(self._mine(), subscription_id__in=subscription_ids).update(
                status=SendStatus.RETRY, claim_token="", handed_over_at=None, next_attempt_at=timezone.now()
            )
            self.summary.retry_later += released

    # --- the run -------------------------------------------------------------------------------

    def run(self) -> SendSummary:
        due = self.due_subscription_ids()
        self.summary.due = len(due)
        self._started = self.clock()
        for start in range(0, len(due), self.batch_size):
            batch = due[start : start + self.batch_size]
            try:
                if self.dry_run:
                    self._dry_batch(batch)
                else:
                    self._send_batch(batch)
            except ServerDown as error:
                self.summary.stop_reason = f"the SMTP server is unreachable ({error})"
                self.summary.stopped_early = f"{self.summary.stop_reason}; the rest is retried later."
                break
            finally:
                if self.progress:
                    self.progress(len(batch))
        return self.summary

    def _dry_batch(self, batch: list[int]) -> None:
        subscriptions = list(Subscription.objects.filter(pk__in=batch).prefetch_related("saved_searches"))
        for digest in self.composer.compose_many(subscriptions).values():
            if digest.is_empty:
                self.summary.empty += 1
            else:
                self.renderer.message(digest)
                self.summary.would_send += 1

    def _send_batch(self, batch: list[int]) -> None:
        uncertain_before = self.summary.uncertain
        claimed = set(self.claim(batch))
        settled_here = self.summary.uncertain - uncertain_before  # failed in claim(), not elsewhere
        self.summary.taken_elsewhere += len(batch) - len(claimed) - settled_here
        if not claimed:
            return
        # Re-read after claiming: an address unsubscribed a moment ago gets nothing.
        subscriptions = list(
            Subscription.objects.mailable()
            .filter(pk__in=claimed)
            .order_by("pk")
            .prefetch_related("saved_searches")
        )
        gone = claimed - {s.pk for s in subscriptions}
        DigestSend.objects.filter(self._mine(), subscription_id__in=gone).delete()
        pending = {s.pk for s in subscriptions}
        accepted: list[tuple[Subscription, Digest]] = []  # accepted by the server, not yet in the log
        try:
            digests = self.composer.compose_many(subscriptions)
            empty = [pk for pk, digest in digests.items() if digest.is_empty]
            if empty:
                DigestSend.objects.filter(self._mine(), subscription_id__in=empty).update(
                    status=SendStatus.EMPTY, claim_token=""
                )
                self.summary.empty += len(empty)
                pending -= set(empty)
            to_send = [digests[s.pk] for s in subscriptions if s.pk in pending]
            if not to_send:
                return
            connection = get_connection()
            failures_in_a_row = 0
            needs_open = True
            try:
                for digest in to_send:
                    subscription = digest.subscription
                    self._pace()
                    if self.before_send:
                        self.before_send(self._sent_count, subscription)
                    try:
                        if needs_open:
                            connection.open()  # kept open for the whole batch
                            needs_open = False
                        DigestSend.objects.filter(self._mine(), subscription_id=subscription.pk).update(
                            handed_over_at=timezone.now()
                        )
                        self._hand_over(connection, digest)
                    except smtplib.SMTPRecipientsRefused as error:
                        self._rejected(subscription, error)
                    except (smtplib.SMTPDataError, smtplib.SMTPSenderRefused) as error:
                        if isinstance(error, smtplib.SMTPSenderRefused):
                            failures_in_a_row = CONNECTION_FAILURES_TO_STOP  # our sender address: stop
                            self.mark_transient(subscription.pk, error)
                        else:
                            self._rejected(subscription, error)
                    except CONNECTION_ERRORS as error:
                        self.mark_transient(subscription.pk, error)
                        failures_in_a_row += 1
                        connection.close()
                        needs_open = True
                    except smtplib.SMTPException as error:  # e.g. authentication: not the recipient's fault
                        self.mark_transient(subscription.pk, error)
                        failures_in_a_row = CONNECTION_FAILURES_TO_STOP
                        connection.close()
                        needs_open = True
                    else:
                        accepted.append((subscription, digest))
                        failures_in_a_row = 0
                        if len(accepted) >= MARK_SENT_EVERY:
                            self.mark_sent(accepted)
                    finally:
                        pending.discard(subscription.pk)
                        self._sent_count += 1
                    if failures_in_a_row >= CONNECTION_FAILURES_TO_STOP:
                        raise ServerDown(self.summary_error())
            finally:
                connection.close()
        finally:
            # Whatever stopped the batch: what the server accepted is logged as sent, the rest
            # goes back to the queue for the next run.
            self.mark_sent(accepted)
            self.release(sorted(pending))

    def summary_error(self) -> str:
        last = (
            DigestSend.objects.filter(period_key=self.period.key)
            .exclude(last_error="")
            .order_by("-pk")
            .first()
        )
        return last.last_error if last else "connection failed"

    def _hand_over(self, connection, digest) -> None:
        """Give one digest to the mail backend; raises the SMTP error if the server refuses it."""
        if isinstance(connection, SmtpBackend) and connection.connection is not None:
            # Straight onto the backend's open SMTP connection, skipping Django's slower MIME building.
            sender, recipient, body = self.renderer.raw(digest)
            with connection._lock:
                connection.connection.sendmail(sender, [recipient], body)
        else:
            connection.send_messages([self.renderer.message(digest)])

    def _rejected(self, subscription: Subscription, error: Exception) -> None:
        code = smtp_code(error) or 0
        if 500 <= code < 600:
            self.mark_permanent(subscription, error)
        else:
            self.mark_transient(subscription.pk, error)

    def _pace(self) -> None:
        """Keep to the configured mails per second."""
        if self.rate and self.rate > 0:
            due_at = self._started + self._sent_count / self.rate
            wait = due_at - self.clock()
            if wait > 0:
                self.sleep(wait)
