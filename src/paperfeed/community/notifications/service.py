"""Who is notified of a comment, what a member's notifications are, and their mail settings.

A comment notifies the author of the comment it replies to and every active member it
@mentions, never its own author, each member once (a reply wins over a mention). Notifications of
comments since deleted or hidden, or on papers since hidden, are neither shown nor counted nor mailed.
"""

from __future__ import annotations

from collections.abc import Iterable

from allauth.account.models import EmailAddress
from django.db.models import QuerySet
from django.utils import timezone

from paperfeed.community import mentions
from paperfeed.community.markdown import mentioned_names
from paperfeed.community.models import Comment
from paperfeed.community.notifications.models import Kind, MailSettings, MailStatus, Notification

# Members one comment can notify by mentioning them (the rest are still links): a comment naming
# hundreds of members is a broadcast, not a conversation, and would mail them all.
MOST_MENTIONED = 20


def recipients_of(comment: Comment, notified: dict[int, str] | None = None) -> dict[int, str]:
    """Member id → kind for everyone ``comment`` should notify who is not in ``notified`` yet."""
    notified = notified or {}
    kinds: dict[int, str] = {}
    if comment.parent_id is not None:
        parent_author = (
            Comment.objects.filter(pk=comment.parent_id).values_list("author_id", flat=True).first()
        )
        if parent_author is not None:
            kinds[parent_author] = Kind.REPLY
    names = mentioned_names(comment.body)
    found = mentions.accounts(names) if names else {}
    mentioned: dict[int, None] = {}  # "@alice" and "@Alice" are one member
    for name in names:
        pk, _, active = found.get(name, (0, "", False))
        if active and pk not in (comment.author_id, *notified):
            mentioned.setdefault(pk, None)
    room = MOST_MENTIONED - sum(kind == Kind.MENTION for kind in notified.values())
    for pk in list(mentioned)[: max(room, 0)]:
        kinds.setdefault(pk, Kind.MENTION)
    kinds.pop(comment.author_id, None)  # nobody is told about their own words
    return {pk: kind for pk, kind in kinds.items() if pk not in notified}


def notify_about(comment: Comment) -> None:
    """Create the notifications ``comment`` causes; ones that exist already are left as they are.

    Called when a comment is posted and again when it is edited: an edit reaches only members it
    newly mentions, within the same limit of mentioned members per comment.
    """
    if comment.deleted or comment.hidden:
        return
    notified = dict(Notification.objects.filter(comment=comment).values_list("recipient_id", "kind"))
    kinds = recipients_of(comment, notified)
    if not kinds:
        return
    settings = mail_settings_of(kinds)
    Notification.objects.bulk_create(
        [
            Notification(
                recipient_id=pk,
                comment=comment,
                kind=kind,
                mail_status=MailStatus.PENDING if settings[pk].wants(kind) else MailStatus.NONE,
            )
            for pk, kind in kinds.items()
        ],
        # The unique (recipient, comment) pair: a racing edit cannot notify anyone twice.
        ignore_conflicts=True,
    )


def shown_to(user) -> QuerySet[Notification]:
    """A member's notifications that still point at something to read."""
    return Notification.objects.filter(
        recipient=user, comment__deleted=False, comment__hidden=False, comment__paper__hidden=False
    )


def unread_count(user) -> int:
    return shown_to(user).filter(read_at__isnull=True).count()


def newest_first(user) -> QuerySet[Notification]:
    return (
        shown_to(user)
        .select_related("comment__author", "comment__paper", "comment__parent")
        .order_by("-created_at", "-pk")
    )


def mark_read(user, ids: Iterable[int]) -> int:
    return Notification.objects.filter(recipient=user, pk__in=list(ids), read_at__isnull=True).update(
        read_at=timezone.now()
    )


def mark_all_read(user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())


def mail_settings_of(user_ids: Iterable[int]) -> dict[int, MailSettings]:
    """Each member's mail settings; members who never changed them get the defaults (all on)."""
    ids = list(user_ids)
    stored = {row.user_id: row for row in MailSettings.objects.filter(user_id__in=ids)}
    return {pk: stored.get(pk) or MailSettings(user_id=pk) for pk in ids}


def mail_settings(user) -> MailSettings:
    return mail_settings_of([user.pk])[user.pk]


def set_mail(user, kind: str, on: bool) -> None:
    """Turn mail of one kind on or off; mails of that kind not yet sent are not sent when turned off."""
    field = "replies" if kind == Kind.REPLY else "mentions"
    MailSettings.objects.update_or_create(user=user, defaults={field: on})


def verified_addresses(users: Iterable) -> dict[int, str]:
    """Member id → address, for members whose account address is verified: mail goes nowhere else."""
    users = [user for user in users if user.email]
    rows = EmailAddress.objects.filter(user__in=[u.pk for u in users], verified=True)
    verified = {(pk, email.lower()) for pk, email in rows.values_list("user_id", "email")}
    return {user.pk: user.email for user in users if (user.pk, user.email.lower()) in verified}


def has_verified_email(user) -> bool:
    return user.pk in verified_addresses([user])
