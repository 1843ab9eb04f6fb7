"""Who gets a digest and how, what they search for, and the log that makes each send happen once."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class Frequency(models.TextChoices):
    DAILY = "daily", "Daily (weekdays)"
    WEEKLY = "weekly", "Weekly"


class SubscriptionQuerySet(models.QuerySet):
    def mailable(self) -> SubscriptionQuerySet:
        """Confirmed, still subscribed and not bouncing: the only addresses digests go to."""
        return self.filter(confirmed_at__isnull=False, unsubscribed_at__isnull=True, bouncing=False)


class Subscription(models.Model):
    """One address that asked for digests; active only once confirmed (double opt-in)."""

    # Stored lower-cased, so one address has one subscription.
    email = models.EmailField(max_length=254, unique=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="digest_subscription",
    )
    frequency = models.CharField(max_length=10, choices=Frequency.choices, default=Frequency.DAILY)
    include_trending = models.BooleanField(default=True)
    trending_count = models.PositiveSmallIntegerField(default=5)
    include_for_you = models.BooleanField(default=True)
    for_you_count = models.PositiveSmallIntegerField(default=5)
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmation_sent_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)
    # Permanent (5xx) rejections; at the configured limit the address is marked bouncing.
    bounce_count = models.PositiveIntegerField(default=0)
    bouncing = models.BooleanField(default=False)

    objects = SubscriptionQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["frequency", "confirmed_at"])]

    def __str__(self) -> str:
        return self.email

    @property
    def is_active(self) -> bool:
        return self.confirmed_at is not None and self.unsubscribed_at is None and not self.bouncing


class SavedSearch(models.Model):
    """A query whose new matches go into the subscriber's digest."""

    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE, related_name="saved_searches")
    query = models.CharField(max_length=250)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["subscription", "query"], name="saved_search_once"),
        ]

    def __str__(self) -> str:
        return self.query


class SendStatus(models.TextChoices):
    SENDING = "sending", "Claimed by a sender"
    SENT = "sent", "Accepted by the SMTP server"
    RETRY = "retry", "Transient failure, to retry"
    EMPTY = "empty", "Nothing to send"
    FAILED = "failed", "Permanent failure"


class DigestSend(models.Model):
    """One digest for one subscriber and one period: the unique key is what makes sends happen once.

    A sender inserts the row (its claim) before sending and marks it sent only after the SMTP
    server accepted the message; a second sender's insert of the same key fails.
    """

    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE, related_name="sends")
    # "daily:2026-11-20" or "weekly:2026-W47".
    period_key = models.CharField(max_length=24)
    status = models.CharField(max_length=10, choices=SendStatus.choices, default=SendStatus.SENDING)
    claim_token = models.CharField(max_length=32, blank=True, default="")
    claimed_at = models.DateTimeField(null=True, blank=True)
    # "host pid start-time" of the sender holding the claim (see holders.py).
    claim_holder = models.CharField(max_length=160, blank=True, default="")
    # Set just before the mail goes to the SMTP server: if its sender dies now, the server may have
    # accepted it, so it is never sent again.
    handed_over_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    paper_count = models.PositiveIntegerField(default=0)
    # What the accepted mail held (sections of paper ids), so "view in browser" shows the same
    # papers later, whatever trending and the search index have become since.
    contents = models.JSONField(default=dict, blank=True)
    last_error = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["subscription", "period_key"], name="digest_send_once_per_period"
            ),
        ]
        indexes = [
            models.Index(fields=["period_key", "status"]),
            models.Index(fields=["claim_token"], condition=~Q(claim_token=""), name="digest_send_claim"),
        ]

    def __str__(self) -> str:
        return f"{self.subscription_id} {self.period_key}: {self.status}"
