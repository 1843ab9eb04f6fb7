"""A digest opened from its mail's "view in browser" link, on a phone: its cards act like every other
card. Signed out, an upvote meets the sign-in wall and is done once the reader is in; "not
interested" hides the card here and keeps the paper out of For you."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from digests.helpers import THURSDAY, links_in, send, text_part

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def subscriber_with_picks(make_paper, make_user, make_subscriber):
    """A subscriber who upvoted a graph paper long ago, and three graph papers on Thursday's feed."""
    from paperfeed.community.models import Vote

    liked = make_paper(
        "Graph neural networks for molecules",
        abstract="Message passing graph neural networks predict molecule properties.",
        published=datetime(2025, 12, 1, tzinfo=UTC),
    )
    picks = [
        make_paper(title, abstract=abstract, listed_on=THURSDAY)
        for title, abstract in [
            (
                "Equivariant graph neural networks for molecule graphs",
                "Equivariant message passing graph neural networks over molecule graphs.",
            ),
            (
                "Message passing on molecule graphs at scale",
                "Scaling message passing graph neural networks to large molecule graphs.",
            ),
            (
                "Graph neural networks that predict molecule properties",
                "Graph neural networks with message passing predict properties of molecules.",
            ),
        ]
    ]
    reader = make_user("digest-reader", email="digest.reader@example.org")
    Vote.objects.create(user=reader, paper=liked)
    subscription = make_subscriber("digest.reader@example.org", user=reader, include_trending=False)
    return subscription, picks


def test_a_reader_upvotes_and_dismisses_from_their_digest_and_for_you_leaves_the_dismissed_out(
    page, live_server, smtp_server, subscriber_with_picks, log_in_with_form, screenshot
):
    from paperfeed.community.models import NotInterested, Vote

    subscription, (upvoted, dismissed, kept) = subscriber_with_picks
    send("daily")  # Friday morning's digest, Thursday's papers
    [mail] = smtp_server.wait_for(1)
    view = next(url for url in links_in(text_part(mail)) if "/digest/view/" in url)
    assert view.startswith(live_server.url)  # the mail's link, to this site
    page.set_viewport_size({"width": 390, "height": 844})

    # Opened from the mail, signed out: the cards are there, with their actions.
    page.goto(view)
    assert page.get_by_role("heading", name="For you").is_visible()
    for paper in (upvoted, dismissed, kept):
        assert page.get_by_role("link", name=paper.title).is_visible()
    assert page.get_by_text(re.compile(r"^Why this\?")).first.is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "digest-in-browser-390x844")

    # An upvote meets the sign-in wall; once signed in, it is done for the reader.
    upvote = page.get_by_role("button", name=re.compile(rf"^Upvote “{re.escape(upvoted.title)}”"))
    upvote.click()
    page.wait_for_url(re.compile(r"/accounts/login/"))
    assert page.get_by_text(f"Log in to upvote “{upvoted.title}”").is_visible()
    log_in_with_form(page, subscription.user.username)
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    page.goto("/continue")  # where the wall's own login page goes next
    page.wait_for_url(view)
    assert upvote.get_attribute("aria-pressed") == "true"
    voters = Vote.objects.filter(paper=upvoted).values_list("user_id", flat=True)
    assert list(voters) == [subscription.user_id]

    # "Not interested" hides the card in place.
    page.get_by_role("button", name=f"Not interested in “{dismissed.title}”").click()
    page.wait_for_selector(f"#title-{dismissed.pk}", state="hidden")
    assert page.get_by_text("Hidden: you will see fewer papers like it.").is_visible()
    assert NotInterested.objects.filter(user=subscription.user, paper=dismissed).exists()
    screenshot(page, "digest-in-browser-after-actions-390x844")

    # For you keeps it out; the paper the reader did not act on is still there.
    page.goto("/for-you/")
    assert page.locator(f"#title-{kept.pk}").is_visible()
    assert page.locator(f"#title-{dismissed.pk}").count() == 0
    page.goto(view)
    assert page.locator(f"#title-{dismissed.pk}").count() == 0
