"""Notification mail: once per notification through a real SMTP server, retried without duplicates,
with a one-click unsubscribe per kind."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from digests.helpers import BASE_URL
from paperfeed.community import comments
from paperfeed.community.models import Comment
from paperfeed.community.notifications import service
from paperfeed.community.notifications.models import Kind, MailSettings, MailStatus, Notification
from paperfeed.digests import holders, notification_mail
from paperfeed.digests.notification_mail import NotificationMailer, send_notification_mail

pytestmark = pytest.mark.django_db


@pytest.fixture
def alice(make_user):
    return make_user("alice")


@pytest.fixture
def bob(make_user):
    return make_user("bob")


@pytest.fixture
def paper(make_dated_paper):
    return make_dated_paper("Sparse attention at scale")


@pytest.fixture
def question(alice, paper):
    return comments.post_comment(alice, paper, "Does it hold for small batches?")


@pytest.fixture
def reply(bob, paper, question):
    return comments.post_comment(bob, paper, "Yes: **table 3**.\n\n<script>x</script>", question.pk)


def path_of(url: str) -> str:
    assert url.startswith(BASE_URL)
    return url[len(BASE_URL) :]


def test_a_reply_is_mailed_once_with_a_one_click_unsubscribe(smtp, alice, reply, client):
    summary = send_notification_mail()
    assert (summary.sent, summary.failed) == (1, 0)
    [mail] = smtp.wait_for(1)
    assert mail["X-Envelope-To"] == alice.email
    assert mail["Subject"].strip() == "bob replied to your comment on “Sparse attention at scale”"
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert mail["Message-ID"] == f"<notification.{Notification.objects.get().pk}@papers.example.org>"
    text = smtp.text_of(mail)
    assert "> Yes: **table 3**." in text
    assert f"{BASE_URL}{reply.paper.get_absolute_url()}#comment-{reply.pk}" in text
    html = mail.get_body(preferencelist=("html",)).get_content()
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert Notification.objects.get().mail_status == MailStatus.SENT

    assert send_notification_mail().sent == 0  # nothing twice
    assert len(smtp.messages) == 1

    unsubscribe = mail["List-Unsubscribe"].strip().strip("<>")
    assert client.get(path_of(unsubscribe)).status_code == 200  # a GET changes nothing
    assert service.mail_settings(alice).replies is True
    response = client.post(path_of(unsubscribe), {"List-Unsubscribe": "One-Click"})  # no CSRF token
    assert response.status_code == 200 and b"No more mail about replies" in response.content
    settings = MailSettings.objects.get(user=alice)
    assert (settings.replies, settings.mentions) == (False, True)


def test_a_failure_is_retried_on_a_later_round_without_a_duplicate(smtp, alice, reply):
    smtp.refuse[alice.email] = "451 4.3.0 try again later"
    assert send_notification_mail().retry_later == 1
    row = Notification.objects.get()
    assert (row.mail_status, row.mail_attempts) == (MailStatus.RETRY, 1)
    del smtp.refuse[alice.email]
    assert send_notification_mail().sent == 1
    assert send_notification_mail().sent == 0
    assert [m["X-Envelope-To"] for m in smtp.messages] == [alice.email]


def test_a_server_that_is_down_leaves_the_mail_for_later(smtp, alice, reply):
    smtp.stop()
    summary = send_notification_mail()
    assert summary.sent == 0 and summary.retry_later == 1
    smtp.start()
    assert send_notification_mail().sent == 1
    assert len(smtp.wait_for(1)) == 1


def test_a_permanent_rejection_fails_the_mail_once(smtp, alice, reply):
    smtp.refuse[alice.email] = "550 5.1.1 no such mailbox"
    assert send_notification_mail().failed == 1
    assert send_notification_mail().failed == 0
    assert Notification.objects.get().mail_status == MailStatus.FAILED
    assert smtp.rcpt_attempts == [alice.email]


def test_mail_turned_off_unverified_or_of_a_removed_comment_is_not_sent(smtp, alice, bob, paper, make_user):
    unverified = make_user("unverified", verified=False)
    carol = make_user("carol")
    comments.post_comment(bob, paper, "@unverified @carol @alice")
    removed = comments.post_comment(bob, paper, "@carol again")
    service.set_mail(alice, Kind.MENTION, on=False)  # after the notification was made
    Comment.objects.filter(pk=removed.pk).update(deleted=True)
    summary = send_notification_mail()
    assert (summary.sent, summary.skipped) == (1, 3)
    assert [m["X-Envelope-To"] for m in smtp.wait_for(1)] == [carol.email]
    assert Notification.objects.filter(recipient=unverified).get().mail_status == MailStatus.SKIPPED


def test_mail_off_when_the_notification_is_made_is_never_queued(smtp, alice, bob, question, paper):
    service.set_mail(alice, Kind.REPLY, on=False)
    comments.post_comment(bob, paper, "A reply", question.pk)
    assert Notification.objects.get().mail_status == MailStatus.NONE
    assert send_notification_mail().sent == 0 and smtp.messages == []


def test_a_sender_killed_while_handing_a_mail_over_never_sends_it_again(smtp, alice, reply):
    row = Notification.objects.get()
    dead = holders.Holder(holders.this_host(), 2**22 + 12345, "1")  # no such process
    Notification.objects.filter(pk=row.pk).update(
        mail_status=MailStatus.SENDING,
        mail_claim_token="dead",
        mail_claim_holder=str(dead),
        mail_claimed_at=timezone.now(),
        mail_handed_over_at=timezone.now(),
    )
    summary = send_notification_mail()
    assert (summary.sent, summary.failed, summary.uncertain) == (0, 1, 1)
    assert smtp.messages == []


def test_claims_of_a_dead_sender_that_had_not_handed_over_are_sent(smtp, alice, reply):
    dead = holders.Holder(holders.this_host(), 2**22 + 12345, "1")
    Notification.objects.update(
        mail_status=MailStatus.SENDING,
        mail_claim_token="dead",
        mail_claim_holder=str(dead),
        mail_claimed_at=timezone.now(),
    )
    assert send_notification_mail().sent == 1


def test_a_run_stopped_midway_sends_the_rest_later_and_each_once(
    smtp, alice, bob, paper, make_user, settings
):
    settings.COMMENTS_PER_MINUTE = 100
    readers = [make_user(f"reader{n}") for n in range(4)]
    for reader in readers:
        comments.post_comment(bob, paper, f"@{reader.username}")

    def stop_at_the_third(row):
        if len(smtp.messages) == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        NotificationMailer(before_send=stop_at_the_third).run()
    assert Notification.objects.filter(mail_status=MailStatus.SENT).count() == 2
    assert send_notification_mail().sent == 2
    assert sorted(m["X-Envelope-To"] for m in smtp.messages) == sorted(r.email for r in readers)


def test_two_senders_at_once_claim_different_rows(alice, bob, paper, make_user, settings):
    settings.COMMENTS_PER_MINUTE = 100
    for n in range(3):
        comments.post_comment(bob, paper, f"@{make_user(f'reader{n}').username}")
    first, second = NotificationMailer(batch_size=2), NotificationMailer(batch_size=2)
    mine, theirs = first.claim(), second.claim()
    assert (len(mine), len(theirs)) == (2, 1) and set(mine).isdisjoint(theirs)
    assert first.claim() == [] and second.claim() == []  # nothing left that nobody holds


BAD_TOKENS = {
    "nonsense": lambda: "nonsense",
    # Signed when the test runs, not when it is collected: a timestamped token differs per process.
    "signed for a member id given as text": lambda: notification_mail.signing.sign(
        "notification-unsubscribe", {"u": "1", "k": "reply"}
    ),
}


@pytest.mark.parametrize("kind", list(BAD_TOKENS))
def test_a_bad_unsubscribe_link_changes_nothing(client, alice, kind):
    token = BAD_TOKENS[kind]()
    response = client.post(f"/notifications/unsubscribe/{token}/")
    assert response.status_code == 400 and b"This link does not work" in response.content
    assert not MailSettings.objects.exists()


def test_an_unsubscribe_link_of_another_purpose_or_kind_is_refused(client, alice, make_subscriber):
    from paperfeed.digests import signing

    digest_token = signing.unsubscribe_token(make_subscriber("x@example.org"))
    assert client.post(f"/notifications/unsubscribe/{digest_token}/").status_code == 400
    forged = signing.sign("notification-unsubscribe", {"u": alice.pk, "k": "everything"})
    assert client.post(f"/notifications/unsubscribe/{forged}/").status_code == 400


def test_the_worker_sends_notification_mail_on_every_round(smtp, alice, reply):
    out = StringIO()
    call_command("worker", "--once", "--no-ingest", stdout=out, stderr=StringIO())
    assert "Notification mail: 1 sent." in out.getvalue()
    assert len(smtp.wait_for(1)) == 1
