"""The bell on every page, the notifications page, "mark all read" and the mail settings page."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from paperfeed.community import comments
from paperfeed.community.notifications.models import MailSettings, Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def paper(make_paper):
    return make_paper("Sparse attention at scale", listed_on=datetime.now(UTC).date())


def bell_count(html: str) -> int | None:
    match = re.search(r'<span class="bell-count" data-unread="(\d+)">', html)
    return int(match.group(1)) if match else None


def test_the_bell_counts_unread_notifications_on_pages_cached_for_visitors(client, alice, bob, paper):
    comments.post_comment(alice, paper, "@bob have a look")
    first = client.get("/")  # a visitor fills the page cache
    assert first.status_code == 200 and 'class="bell' not in first.content.decode()
    client.force_login(bob)
    for path in ["/", paper.get_absolute_url(), "/papers/trending"]:
        html = client.get(path).content.decode()
        assert bell_count(html) == 1, path
        assert 'aria-label="Notifications, 1 unread"' in html
    client.force_login(alice)
    html = client.get("/").content.decode()
    assert 'class="bell"' in html and bell_count(html) is None


def test_the_page_lists_newest_first_links_to_the_comment_and_marks_them_read(client, alice, bob, paper):
    question = comments.post_comment(bob, paper, "Why sparse?")
    reply = comments.post_comment(alice, paper, "Because it is cheap.", question.pk)
    mention = comments.post_comment(alice, paper, "cc @bob on the appendix")
    client.force_login(bob)
    html = client.get("/notifications").content.decode()
    assert html.index("cc @bob on the appendix") < html.index("Because it is cheap.")
    assert f'href="{paper.get_absolute_url()}#comment-{mention.pk}"' in html
    assert f'href="{paper.get_absolute_url()}#comment-{reply.pk}"' in html
    assert "replied to your comment" in html and "mentioned you" in html
    assert html.count("notification is-new") == 2
    assert bell_count(html) is None  # read by being shown, so the bell on this very page is clear
    assert not Notification.objects.filter(read_at__isnull=True).exists()
    assert client.get("/notifications").content.decode().count("notification is-new") == 0


def test_mark_all_read_marks_also_those_on_later_pages(client, alice, bob, paper, settings):
    settings.COMMENTS_PER_MINUTE = 1000
    for number in range(35):
        comments.post_comment(alice, paper, f"@bob note {number}")
    client.force_login(bob)
    assert bell_count(client.get("/").content.decode()) == 35
    client.get("/notifications")  # shows and marks 30
    assert bell_count(client.get("/").content.decode()) == 5
    response = client.post("/notifications/read")
    assert response.status_code == 302 and response["Location"] == "/notifications"
    assert bell_count(client.get("/").content.decode()) is None


def test_a_large_count_is_shown_as_99_plus(client, alice, bob, paper, settings):
    settings.COMMENTS_PER_MINUTE = 1000
    for number in range(100):
        comments.post_comment(alice, paper, f"@bob {number}")
    client.force_login(bob)
    assert ">99+</span>" in client.get("/").content.decode()


def test_pages_need_a_signed_in_member(client):
    for path in ["/notifications", "/notifications/settings"]:
        response = client.get(path)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert client.post("/notifications/read").status_code == 302
    assert not Notification.objects.exists()


def test_mark_all_read_is_a_post(client, bob):
    client.force_login(bob)
    assert client.get("/notifications/read").status_code == 405


def test_an_unknown_page_number_is_a_404(client, bob):
    client.force_login(bob)
    assert client.get("/notifications?page=9").status_code == 404
    assert client.get("/notifications?page=x").status_code == 404


def test_mail_settings_are_on_by_default_and_saved(client, bob):
    client.force_login(bob)
    html = client.get("/notifications/settings").content.decode()
    assert html.count("checked") == 2
    response = client.post("/notifications/settings", {"mentions": "on"})
    assert response.status_code == 302
    stored = MailSettings.objects.get(user=bob)
    assert (stored.replies, stored.mentions) == (False, True)


def test_mail_settings_say_when_the_address_is_not_verified(client, make_user):
    member = make_user("unverified", verified=False)
    client.force_login(member)
    assert "Mail goes only to a verified address" in client.get("/notifications/settings").content.decode()


def test_staff_see_notifications_and_their_mail_state_in_the_admin(client, alice, bob, paper, make_user):
    comments.post_comment(alice, paper, "@bob see")
    client.force_login(make_user("staff", is_staff=True, is_superuser=True))
    html = client.get("/admin/notifications/notification/").content.decode()
    assert "To be sent" in html and "mention" in html
    assert client.get("/admin/notifications/notification/add/").status_code == 403
    assert client.get("/admin/notifications/mailsettings/").status_code == 200
