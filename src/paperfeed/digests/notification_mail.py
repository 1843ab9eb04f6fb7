"""Mail for notifications (a reply, an @mention): the message, its one-click unsubscribe link, and
the sender the worker runs on every round (see jobs.py).

Why the worker and not the request that posted the comment: posting never waits on the SMTP
server or fails with it, a failed send is retried on a later round, and one sender path keeps
"exactly once" in one place. A mail leaves within a round of the worker (a few seconds).

How "once" holds: each notification carries its mail state (see the notifications model). A
sender claims due rows with a conditional update (two senders never hold the same row), stamps
a row just before handing its mail to the server and marks it sent once the server accepted it.
A claim whose sender died (holders.py) or aged out is taken over, except one stamped as handed
over: the server may have accepted that mail, so it is failed rather than sent twice. Transient
failures come back with the digests' backoff and attempt limit (conf.py); a 5xx for the
recipient fails the row. Every mail has a Message-ID of its own notification, so a receiver
can drop a duplicate in any case.
"""

from __future__ import annotations

import smtplib
import textwrap
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db.models import Q
from django.template.loader import get_template
from django.urls import reverse
from django.utils import timezone

from paperfeed.community.notifications import service
from paperfeed.community.notifications.models import Kind, MailStatus, Notification
from paperfeed.digests import conf, holders, signing
from paperfeed.digests.render import site_host
from paperfeed.digests.send import (
    CONNECTION_ERRORS,
    CONNECTION_FAILURES_TO_STOP,
    IN_FLIGHT_AT_DEATH,
    smtp_code,
)

UNSUBSCRIBE = "notification-unsubscribe"
BATCH_SIZE = 100  # notifications claimed and sent per SMTP connection
SUBJECT_TITLE_CHARS = 70
EXCERPT_CHARS = 600


# --- the one-click unsubscribe link ---------------------------------------------------------------


def unsubscribe_token(user_id: int, kind: str) -> str:
    return signing.sign(UNSUBSCRIBE, {"u": user_id, "k": kind})


def unsubscribe_url(user_id: int, kind: str) -> str:
    return signing.link("digests:notification_unsubscribe", unsubscribe_token(user_id, kind))


def read_unsubscribe(token: str) -> tuple[object, str]:
    """(member, kind) a token turns off; InvalidToken if it is forged, cut short or names nobody."""
    payload = signing.unsign(UNSUBSCRIBE, token)
    user_id, kind = payload.get("u"), payload.get("k")
    if not isinstance(user_id, int) or kind not in Kind.values:
        raise signing.InvalidToken("This link is not valid.")
    user = get_user_model().objects.filter(pk=user_id).first()
    if user is None:
        raise signing.InvalidToken("This link does not belong to a current account.")
    return user, kind


# --- the message ----------------------------------------------------------------------------------


def subject(notification: Notification) -> str:
    comment = notification.comment
    title = " ".join(comment.paper.title.split())
    if len(title) > SUBJECT_TITLE_CHARS:
        title = title[: SUBJECT_TITLE_CHARS - 3].rstrip() + "..."
    what = "replied to your comment" if notification.kind == Kind.REPLY else "mentioned you"
    return f"{comment.author.display_name} {what} on “{title}”"


def message(notification: Notification, address: str) -> EmailMultiAlternatives:
    """The mail for one notification, with RFC 8058 one-click unsubscribe headers for its kind."""
    comment = notification.comment
    unsubscribe = unsubscribe_url(notification.recipient_id, notification.kind)
    body = comment.body if len(comment.body) <= EXCERPT_CHARS else comment.body[:EXCERPT_CHARS].rstrip() + "…"
    context = {
        "site_name": settings.SITE_NAME,
        "subject": subject(notification),
        "is_reply": notification.kind == Kind.REPLY,
        "author": comment.author.display_name,
        "paper_title": comment.paper.title,
        "excerpt": body,
        "quoted": textwrap.indent(body, "> ", lambda line: True),
        "comment_url": signing.absolute(f"{comment.paper.get_absolute_url()}#comment-{comment.pk}"),
        "notifications_url": signing.absolute(reverse("notifications:list")),
        "settings_url": signing.absolute(reverse("notifications:settings")),
        "unsubscribe_url": unsubscribe,
        "kind_label": "replies to your comments" if notification.kind == Kind.REPLY else "mentions of you",
    }
    host = site_host()
    mail = EmailMultiAlternatives(
        subject=context["subject"],
        body=get_template("digests/email/notification.txt").render(context),
        from_email=conf.from_email(),
        to=[address],
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "List-Id": f"{settings.SITE_NAME} notifications <notifications.{host}>",
            # One id per notification: a receiver can drop a duplicate.
            "Message-ID": f"<notification.{notification.pk}@{host}>",
            "Auto-Submitted": "auto-generated",
        },
    )
    mail.attach_alternative(get_template("digests/email/notification.html").render(context), "text/html")
    return mail


# --- sending --------------------------------------------------------------------------------------


@dataclass
class MailSummary:
    sent: int = 0
    skipped: int = 0
    retry_later: int = 0
    failed: int = 0
    uncertain: int = 0  # failed because their sender died while handing them over
    stopped: str = ""  # why the run stopped early (the server was unreachable)

    def lines(self) -> list[str]:
        counts = {
            "sent": self.sent,
            "not sent (turned off or removed)": self.skipped,
            "to retry": self.retry_later,
            "failed": self.failed,
        }
        said = ", ".join(f"{n} {what}" for what, n in counts.items() if n)
        return [f"Notification mail: {said}."] if said else []


class ServerDown(Exception):
    pass


class NotificationMailer:
    def __init__(
        self, *, batch_size: int = BATCH_SIZE, before_send: Callable[[Notification], None] | None = None
    ):
        self.batch_size = batch_size
        # Called before each mail goes to the server (tests use it to stop a run midway).
        self.before_send = before_send
        self.token = uuid.uuid4().hex
        self.holder = str(holders.me())
        self.summary = MailSummary()
        self.tried: set[int] = set()  # a run tries each row once; a retry waits for a later run

    def _mine(self) -> Q:
        return Q(mail_status=MailStatus.SENDING, mail_claim_token=self.token)

    def claim(self) -> list[int]:
        """Take up to a batch of due rows that no other sender holds; return their ids."""
        now = timezone.now()
        held = (
            Notification.objects.filter(mail_status=MailStatus.SENDING)
            .exclude(mail_claim_token=self.token)
            .values_list("mail_claim_token", "mail_claim_holder")
            .distinct()
        )
        stale = now - timedelta(seconds=conf.claim_timeout_seconds())
        orphaned = Q(mail_status=MailStatus.SENDING) & (
            Q(mail_claimed_at__lt=stale) | Q(mail_claim_token__in=holders.gone(held))
        )
        lost = Notification.objects.filter(orphaned, mail_handed_over_at__isnull=False).update(
            mail_status=MailStatus.FAILED, mail_claim_token="", mail_error=IN_FLIGHT_AT_DEATH
        )
        self.summary.failed += lost
        self.summary.uncertain += lost
        due = (
            Q(mail_status=MailStatus.PENDING)
            | Q(mail_status=MailStatus.RETRY, mail_next_attempt_at__lte=now)
            | orphaned
        )
        candidates = Notification.objects.filter(due).exclude(pk__in=self.tried).order_by("pk")
        ids = list(candidates.values_list("pk", flat=True)[: self.batch_size])
        # Conditional: of two senders taking the same rows, only one update matches each row.
        Notification.objects.filter(due, pk__in=ids).update(
            mail_status=MailStatus.SENDING,
            mail_claim_token=self.token,
            mail_claim_holder=self.holder,
            mail_claimed_at=now,
            mail_handed_over_at=None,
        )
        mine = list(Notification.objects.filter(self._mine(), pk__in=ids).values_list("pk", flat=True))
        self.tried.update(mine)
        return mine

    def _finish(self, pk: int, **changes) -> None:
        Notification.objects.filter(self._mine(), pk=pk).update(
            mail_claim_token="", mail_handed_over_at=None, **changes
        )

    def _transient(self, notification: Notification, error: Exception) -> None:
        attempts = notification.mail_attempts + 1
        if attempts >= conf.max_attempts():
            self._finish(
                notification.pk,
                mail_status=MailStatus.FAILED,
                mail_attempts=attempts,
                mail_error=str(error)[:500],
            )
            self.summary.failed += 1
            return
        delay = conf.retry_backoff_seconds() * 2 ** (attempts - 1)
        self._finish(
            notification.pk,
            mail_status=MailStatus.RETRY,
            mail_attempts=attempts,
            mail_next_attempt_at=timezone.now() + timedelta(seconds=delay),
            mail_error=str(error)[:500],
        )
        self.summary.retry_later += 1

    def _release(self, ids: set[int]) -> None:
        """Give claims back untried: the next round takes them at once."""
        if ids:
            Notification.objects.filter(self._mine(), pk__in=ids).update(
                mail_status=MailStatus.RETRY, mail_claim_token="", mail_next_attempt_at=timezone.now()
            )

    def run(self) -> MailSummary:
        while ids := self.claim():
            try:
                self._send(ids)
            except ServerDown as error:
                self.summary.stopped = f"the SMTP server is unreachable ({error}); the rest is retried later."
                break
        return self.summary

    def _why_not(self, notification: Notification, addresses: dict[int, str], wanted: dict) -> str:
        comment = notification.comment
        if comment.deleted or comment.hidden or comment.paper.hidden:
            return "The comment was removed before its mail went out."
        if not wanted[notification.recipient_id].wants(notification.kind):
            return "The member turned this kind of mail off."
        if notification.recipient_id not in addresses:
            return "The member has no verified address."
        return ""

    def _send(self, ids: list[int]) -> None:
        rows = list(
            Notification.objects.filter(self._mine(), pk__in=ids)
            .select_related("recipient", "comment__author", "comment__paper")
            .order_by("pk")
        )
        # Read after claiming: a kind turned off or a comment removed a moment ago sends nothing.
        recipients = {row.recipient_id: row.recipient for row in rows}
        addresses = service.verified_addresses(recipients.values())
        wanted = service.mail_settings_of(recipients)
        pending = {row.pk for row in rows}
        connection = get_connection()
        needs_open, failures_in_a_row = True, 0
        try:
            for row in rows:
                reason = self._why_not(row, addresses, wanted)
                if reason:
                    self._finish(row.pk, mail_status=MailStatus.SKIPPED, mail_error=reason)
                    self.summary.skipped += 1
                    pending.discard(row.pk)
                    continue
                if self.before_send:
                    self.before_send(row)
                try:
                    if needs_open:
                        connection.open()
                        needs_open = False
                    Notification.objects.filter(self._mine(), pk=row.pk).update(
                        mail_handed_over_at=timezone.now()
                    )
                    connection.send_messages([message(row, addresses[row.recipient_id])])
                except (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError) as error:
                    if 500 <= (smtp_code(error) or 0) < 600:
                        self._finish(row.pk, mail_status=MailStatus.FAILED, mail_error=str(error)[:500])
                        self.summary.failed += 1
                    else:
                        self._transient(row, error)
                except CONNECTION_ERRORS as error:
                    self._transient(row, error)
                    failures_in_a_row += 1
                    connection.close()
                    needs_open = True
                    if failures_in_a_row >= CONNECTION_FAILURES_TO_STOP:
                        raise ServerDown(" ".join(str(error).split())[:200]) from error
                except smtplib.SMTPException as error:  # our sender address, authentication: stop
                    self._transient(row, error)
                    raise ServerDown(" ".join(str(error).split())[:200]) from error
                else:
                    self._finish(row.pk, mail_status=MailStatus.SENT, mail_sent_at=timezone.now())
                    self.summary.sent += 1
                    failures_in_a_row = 0
                finally:
                    pending.discard(row.pk)
        finally:
            connection.close()
            self._release(pending)


def send_notification_mail(**options) -> MailSummary:
    return NotificationMailer(**options).run()
