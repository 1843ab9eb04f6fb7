"""Who a comment notifies: replies and @mentions, once each, never oneself, never for removed comments."""

from __future__ import annotations

import pytest

from paperfeed.community import comments
from paperfeed.community.models import Comment
from paperfeed.community.notifications import service
from paperfeed.community.notifications.models import Kind, MailSettings, MailStatus, Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def paper(make_dated_paper):
    return make_dated_paper("A paper to discuss")


@pytest.fixture
def carol(make_user):
    return make_user("carol")


def kinds() -> dict[tuple[str, int], str]:
    return {
        (n.recipient.username, n.comment_id): n.kind for n in Notification.objects.select_related("recipient")
    }


def test_a_reply_notifies_the_author_of_the_comment_it_answers(alice, bob, paper):
    question = comments.post_comment(alice, paper, "Does this hold for small batches?")
    answer = comments.post_comment(bob, paper, "Yes, see table 3.", question.pk)
    assert kinds() == {("alice", answer.pk): Kind.REPLY}


def test_a_mention_notifies_each_member_named_and_leaves_unknown_names_alone(alice, bob, carol, paper):
    comment = comments.post_comment(
        alice, paper, "@bob and @carol, thoughts? Not @nobody-here, nor @bob again."
    )
    assert kinds() == {("bob", comment.pk): Kind.MENTION, ("carol", comment.pk): Kind.MENTION}


def test_a_mention_in_another_case_notifies_the_member_once(alice, bob, paper):
    comment = comments.post_comment(alice, paper, "@Bob, see this; @BOB and @bob too.")
    assert kinds() == {("bob", comment.pk): Kind.MENTION}


def test_a_reply_that_also_mentions_its_addressee_twice_notifies_once_as_a_reply(alice, bob, paper):
    question = comments.post_comment(alice, paper, "Question")
    answer = comments.post_comment(bob, paper, "@alice: yes. @alice, also see the appendix.", question.pk)
    assert kinds() == {("alice", answer.pk): Kind.REPLY}


def test_nobody_is_notified_of_their_own_reply_or_mention(alice, paper):
    question = comments.post_comment(alice, paper, "Question")
    comments.post_comment(alice, paper, "Answering myself, @alice", question.pk)
    assert not Notification.objects.exists()


def test_mentions_in_code_addresses_and_urls_notify_nobody(alice, bob, paper):
    comments.post_comment(
        alice, paper, "`@bob` and\n\n    @bob\n\nmail bob@example.org or https://x.social/@bob"
    )
    assert not Notification.objects.exists()


def test_an_inactive_account_is_not_notified(alice, make_user, paper):
    make_user("gone", is_active=False)
    comments.post_comment(alice, paper, "@gone")
    assert not Notification.objects.exists()


def test_an_edit_notifies_only_members_it_newly_mentions(alice, bob, carol, paper):
    comment = comments.post_comment(alice, paper, "@bob look")
    comments.edit_comment(comment, "@bob look (edited)")
    comments.edit_comment(comment, "@bob look, and @carol too")
    assert kinds() == {("bob", comment.pk): Kind.MENTION, ("carol", comment.pk): Kind.MENTION}
    assert Notification.objects.count() == 2


def test_a_removed_comment_notifies_nobody_and_disappears_from_the_bell(alice, bob, carol, paper):
    first = comments.post_comment(alice, paper, "@bob one")
    second = comments.post_comment(carol, paper, "@bob two")
    assert service.unread_count(bob) == 2
    comments.delete_comment(first)
    Comment.objects.filter(pk=second.pk).update(hidden=True)
    assert service.unread_count(bob) == 0
    assert list(service.newest_first(bob)) == []
    comments.edit_comment(Comment.objects.get(pk=first.pk), "@carol now")  # edits of removed ones too
    assert not Notification.objects.filter(recipient=carol).exists()


def test_notifications_on_a_hidden_paper_are_not_shown(alice, bob, paper):
    comments.post_comment(alice, paper, "@bob see")
    paper.hidden = True
    paper.save(update_fields=["hidden"])
    assert service.unread_count(bob) == 0


def test_mail_is_due_by_default_and_not_when_the_member_turned_that_kind_off(alice, bob, paper):
    service.set_mail(bob, Kind.MENTION, on=False)
    question = comments.post_comment(bob, paper, "Question")
    mention = comments.post_comment(alice, paper, "@bob hello")
    reply = comments.post_comment(alice, paper, "An answer", question.pk)
    status = dict(Notification.objects.values_list("comment_id", "mail_status"))
    assert status == {mention.pk: MailStatus.NONE, reply.pk: MailStatus.PENDING}
    assert MailSettings.objects.get(user=bob).replies is True


def test_newest_first_and_marking_read(alice, bob, paper):
    older = comments.post_comment(alice, paper, "@bob first")
    newer = comments.post_comment(alice, paper, "@bob second")
    assert [n.comment_id for n in service.newest_first(bob)] == [newer.pk, older.pk]
    assert service.mark_read(bob, [service.newest_first(bob)[0].pk]) == 1
    assert service.unread_count(bob) == 1
    assert service.mark_all_read(bob) == 1
    assert service.unread_count(bob) == 0


def test_a_mention_of_someone_who_does_not_exist_posts_the_comment_without_error(alice, paper):
    comment = comments.post_comment(alice, paper, "@" + "x" * 149 + " and @does.not.exist and @")
    assert Comment.objects.filter(pk=comment.pk).exists()
    assert not Notification.objects.exists()


def test_the_verified_address_is_the_only_one_mailed(make_user):
    verified = make_user("verified")
    unverified = make_user("unverified", verified=False)
    no_address = make_user("no-address", email="")
    no_address.email = ""
    assert service.verified_addresses([verified, unverified, no_address]) == {verified.pk: verified.email}


def test_one_comment_notifies_at_most_twenty_mentioned_members_the_first_named(alice, make_user, paper):
    members = [make_user(f"member{n:02d}") for n in range(25)]
    body = " ".join(f"@{m.username}" for m in reversed(members))
    comments.post_comment(alice, paper, body)
    notified = set(Notification.objects.values_list("recipient__username", flat=True))
    assert notified == {m.username for m in members[5:]}


def test_edits_cannot_notify_more_than_twenty_mentioned_members_in_all(alice, make_user, paper):
    members = [make_user(f"member{n:02d}") for n in range(30)]
    comment = comments.post_comment(alice, paper, " ".join(f"@{m.username}" for m in members[:15]))
    comments.edit_comment(comment, " ".join(f"@{m.username}" for m in members[15:]))
    assert Notification.objects.filter(comment=comment).count() == 20
