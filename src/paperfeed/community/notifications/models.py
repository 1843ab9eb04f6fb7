"""A notification (a reply to your comment, or an @mention of you) and the mail settings per member.

Each notification also carries the state of its mail, the marker that makes it go out once: a
sender claims rows (``SENDING`` with its token), stamps ``mail_handed_over_at`` just before the
SMTP server gets the mail, and marks it ``SENT`` once accepted. The sending itself lives with the
other mail, in ``paperfeed.digests.notification_mail``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class Kind(models.TextChoices):
    REPLY = "reply", "Replies to my comments"
    MENTION = "mention", "Mentions of me"


class MailStatus(models.TextChoices):
    NONE = "none", "No mail (turned off when it was made)"
    PENDING = "pending", "To be sent"
    SENDING = "sending", "Claimed by a sender"
    RETRY = "retry", "Transient failure, to retry"
    SENT = "sent", "Accepted by the SMTP server"
    SKIPPED = "skipped", "Not sent (turned off, no verified address, or the comment was removed)"
    FAILED = "failed", "Permanent failure"


MAIL_DUE = (MailStatus.PENDING, MailStatus.RETRY, MailStatus.SENDING)


class Notification(models.Model):
    """One comment told to one member: a reply wins over a mention when it is both."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    comment = models.ForeignKey("community.Comment", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    mail_status = models.CharField(max_length=10, choices=MailStatus.choices, default=MailStatus.NONE)
    mail_claim_token = models.CharField(max_length=32, blank=True, default="")
    # "host pid start-time" of the sender holding the claim (digests/holders.py).
    mail_claim_holder = models.CharField(max_length=160, blank=True, default="")
    mail_claimed_at = models.DateTimeField(null=True, blank=True)
    mail_handed_over_at = models.DateTimeField(null=True, blank=True)
    mail_attempts = models.PositiveIntegerField(default=0)
    mail_next_attempt_at = models.DateTimeField(null=True, blank=True)
    mail_sent_at = models.DateTimeField(null=True, blank=True)
    mail_error = models.TextField(blank=True, default="")

    class Meta:
        constraints = [
            # One per comment and member, however often it names them: also makes edits safe.
            models.UniqueConstraint(fields=["recipient", "comment"], name="notify_once_per_comment"),
        ]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notification_unread"),
            models.Index(fields=["recipient", "created_at"], name="notification_newest"),
            models.Index(
                fields=["mail_status", "mail_next_attempt_at"],
                condition=Q(mail_status__in=MAIL_DUE),
                name="notification_mail_due",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} for {self.recipient_id} (comment {self.comment_id})"


class MailSettings(models.Model):
    """Which notifications a member gets by mail; a member without a row has the defaults (both on)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="notification_mail",
    )
    replies = models.BooleanField(default=True, help_text="Mail me when someone replies to my comment.")
    mentions = models.BooleanField(default=True, help_text="Mail me when someone @mentions me.")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "mail settings"

    def __str__(self) -> str:
        return f"notification mail of {self.user_id}"

    def wants(self, kind: str) -> bool:
        return self.replies if kind == Kind.REPLY else self.mentions
