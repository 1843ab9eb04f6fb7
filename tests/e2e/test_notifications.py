"""A reply through the real page: the bell counts it, the notifications page shows it, and its mail
arrives through a loopback SMTP server with a one-click unsubscribe that works."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from smtpkit import LoopbackSmtpServer

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_reply_rings_the_bell_and_arrives_by_mail(
    page, make_paper, make_user, log_in, smtp_server, screenshot
):
    from paperfeed.community.notifications.models import MailSettings
    from paperfeed.digests.notification_mail import send_notification_mail

    paper = make_paper("Sparse attention at scale", listed_on=datetime.now(UTC).date())
    alice = make_user("alice", fullname="Alice Liddell", email="alice@example.org")
    bob = make_user("bob", fullname="Bob Builder")

    # Alice asks a question on the paper page.
    log_in(page, alice)
    page.goto(paper.get_absolute_url())
    page.get_by_label("Add a comment").fill("Does this hold for small batches?")
    page.get_by_role("button", name="Post comment").click()
    page.locator("article.comment").filter(has_text="small batches").wait_for()
    assert page.get_by_role("link", name="Notifications", exact=True).is_visible()  # no unread ones

    # Bob answers her through the reply box, mentioning her too: one notification, not two.
    page.context.clear_cookies()
    log_in(page, bob)
    page.goto(paper.get_absolute_url())
    thread = page.locator("li.comment-thread").filter(has_text="small batches")
    thread.get_by_text("Reply", exact=True).click()
    thread.get_by_label("Reply to Alice Liddell").fill("Yes, @alice: see table 3.")
    thread.get_by_role("button", name="Post reply").click()
    reply = page.locator("article.comment").filter(has_text="see table 3")
    reply.wait_for()
    assert reply.get_by_role("link", name="@alice").get_attribute("href") == "/u/alice"

    # Alice sees the bell count on any page, and the notification behind it.
    page.context.clear_cookies()
    log_in(page, alice)
    page.goto("/")
    bell = page.get_by_role("link", name="Notifications, 1 unread")
    assert bell.is_visible() and bell.text_content().strip() == "1"
    screenshot(page, "notifications-bell")
    bell.click()
    page.get_by_role("heading", level=1, name="Notifications").wait_for()
    item = page.locator(".notification").first
    assert re.search(
        r"Bob Builder\s+replied to your comment on\s+Sparse attention at scale", item.inner_text()
    )
    assert "see table 3" in item.inner_text()
    screenshot(page, "notifications-page")
    assert page.get_by_role("link", name="Notifications", exact=True).is_visible()  # read by being seen
    item.get_by_role("link", name="Sparse attention at scale").click()
    page.wait_for_url(re.compile(r"#comment-\d+$"))
    assert page.locator("article.comment").filter(has_text="see table 3").is_visible()

    # The worker's round mails it once, through the loopback SMTP server.
    assert send_notification_mail().sent == 1
    assert send_notification_mail().sent == 0
    [mail] = smtp_server.wait_for(1)
    assert mail["X-Envelope-To"] == "alice@example.org"
    assert mail["Subject"].strip() == "Bob Builder replied to your comment on “Sparse attention at scale”"
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    text = LoopbackSmtpServer.text_of(mail)
    link = re.search(r"Read it and answer: (\S+)", text).group(1)
    page.goto(link)
    assert page.locator("article.comment").filter(has_text="see table 3").is_visible()

    # Its unsubscribe link turns reply mail off with one press, and nothing else.
    page.context.clear_cookies()
    page.goto(mail["List-Unsubscribe"].strip().strip("<>"))
    page.get_by_role("button", name="Turn this mail off").click()
    page.get_by_role("heading", name="No more mail about replies to your comments").wait_for()
    settings = MailSettings.objects.get(user=alice)
    assert (settings.replies, settings.mentions) == (False, True)
    assert len(smtp_server.messages) == 1


@pytest.mark.parametrize(("width", "height"), [(320, 640), (390, 844)])
def test_the_bell_fits_the_phone_header(page, make_paper, make_user, log_in, width, height, screenshot):
    from paperfeed.community import comments

    paper = make_paper("A paper", listed_on=datetime.now(UTC).date())
    member = make_user("a-member-with-a-rather-long-username")
    for number in range(3):
        comments.post_comment(make_user(), paper, f"@{member.username} number {number}")
    log_in(page, member)
    page.set_viewport_size({"width": width, "height": height})
    for path in ["/", paper.get_absolute_url(), "/notifications"]:
        page.goto(path)
        bell = page.get_by_role("link", name=re.compile(r"^Notifications"))
        box = bell.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width, path
        header = page.locator(".site-header").bounding_box()
        assert header["height"] <= 130, f"{path}: the header takes {header['height']:.0f} px"
        scroll = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert scroll <= 0, f"{path} scrolls sideways by {scroll} px at {width} px"
    screenshot(page, f"notifications-{width}")
