"""Comment rules: posting (rate limit, one level of replies), editing, deleting, and the visible thread."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from paperfeed.community import ratelimits
from paperfeed.community.markdown import render_many
from paperfeed.community.models import Comment
from paperfeed.community.notifications import service as notifications
from paperfeed.papers.models import Paper

MAX_LENGTH = 10_000


class CommentError(Exception):
    """A comment that cannot be posted; ``message`` is for the person who wrote it."""

    def __init__(self, message: str, code: str, status: int = 400):
        super().__init__(message)
        self.message = message
        self.code = code
        self.status = status


def check_rate_limit(user) -> None:
    """At most settings.COMMENTS_PER_MINUTE comments a minute per user, counted from the database."""
    limit = settings.COMMENTS_PER_MINUTE
    since = timezone.now() - timedelta(minutes=1)
    recent = Comment.objects.filter(author=user, created_at__gte=since).count()
    if recent >= limit:
        raise CommentError(
            f"You can post at most {limit} comment{'s' if limit != 1 else ''} a minute. "
            "Wait a minute and post again; your text is kept below.",
            "rate_limited",
            status=429,
        )


def reply_target(paper: Paper, parent_id: int | None) -> Comment | None:
    """The comment a new reply attaches to: replies to replies go to the top-level comment."""
    if parent_id is None:
        return None
    parent = Comment.objects.filter(pk=parent_id, paper=paper).select_related("parent").first()
    if parent is None:
        raise CommentError("The comment you replied to does not exist on this paper.", "no_parent")
    if parent.parent is not None:
        parent = parent.parent
    if parent.deleted or parent.hidden:
        raise CommentError("That comment was removed, so it takes no new replies.", "parent_removed")
    return parent


def post_comment(user, paper: Paper, body: str, parent_id: int | None = None) -> Comment:
    """Create a comment (or a reply) after checking the rate limit and the reply target.

    The count and the insert happen with the user's writes serialised, so a burst of simultaneous
    posts cannot all see the same count and pass the limit together. The notifications it causes
    (a reply, @mentions) are written in the same transaction: both or neither.
    """
    parent = reply_target(paper, parent_id)
    with ratelimits.one_at_a_time(user):
        check_rate_limit(user)
        comment = Comment.objects.create(paper=paper, author=user, parent=parent, body=body)
        notifications.notify_about(comment)
        return comment


def edit_comment(comment: Comment, body: str) -> Comment:
    """Save new text; someone newly @mentioned is notified, nobody is notified a second time."""
    with transaction.atomic():
        comment.body = body
        comment.edited_at = timezone.now()
        comment.save(update_fields=["body", "edited_at"])
        notifications.notify_about(comment)
    return comment


def delete_comment(comment: Comment) -> None:
    """Mark a comment deleted; it stays as a tombstone only while visible replies hang under it."""
    comment.deleted = True
    comment.save(update_fields=["deleted"])


def visible_count(paper: Paper) -> int:
    return Comment.objects.visible().filter(paper=paper).count()


@dataclass
class ThreadItem:
    """A top-level comment as shown: its visible replies, or a tombstone if it was removed."""

    comment: Comment
    replies: list[Comment] = field(default_factory=list)

    @property
    def tombstone(self) -> str:
        if self.comment.hidden:
            return "This comment was hidden by a moderator."
        if self.comment.deleted:
            return "Comment deleted."
        return ""


def discussion(paper: Paper) -> list[ThreadItem]:
    """Top-level comments oldest first, each with its visible replies; removed ones without replies drop."""
    comments = list(Comment.objects.filter(paper=paper).select_related("author").order_by("created_at", "id"))
    shown = [comment for comment in comments if not (comment.deleted or comment.hidden)]
    # All bodies at once: the accounts they @mention are looked up in one query.
    for comment, body_html in zip(shown, render_many([c.body for c in shown]), strict=True):
        comment.body_html = body_html
    replies: dict[int, list[Comment]] = {}
    for comment in comments:
        if comment.parent_id is not None and not (comment.deleted or comment.hidden):
            replies.setdefault(comment.parent_id, []).append(comment)
    thread = []
    for comment in comments:
        if comment.parent_id is not None:
            continue
        removed = comment.deleted or comment.hidden
        if removed and not replies.get(comment.pk):
            continue
        thread.append(ThreadItem(comment, replies.get(comment.pk, [])))
    return thread
