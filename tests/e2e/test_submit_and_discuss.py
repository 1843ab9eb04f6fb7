"""Submitting a paper and discussing it, in a real browser."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_member_submits_a_recent_paper_by_its_arxiv_link_and_finds_it_on_todays_feed(
    page, make_paper, make_user, log_in, screenshot
):
    from paperfeed.papers.models import Listing

    # Known locally and published within the submission window: no arXiv lookup is needed.
    paper = make_paper("Fresh results on sparse attention", published=datetime.now(UTC) - timedelta(days=3))
    user = make_user("submitter")
    log_in(page, user)

    page.goto("/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Submit", exact=True).click()
    screenshot(page, "submit-form")
    page.get_by_role("textbox").and_(page.locator("[name=paper]")).fill(
        f"https://arxiv.org/abs/{paper.arxiv_id}"
    )
    page.get_by_role("button", name="Submit", exact=True).click()

    page.get_by_role("heading", level=1, name=paper.title).wait_for()
    page.get_by_text(re.compile(r"is on today.s feed")).wait_for()
    screenshot(page, "submit-done-paper-page")
    listing = Listing.objects.get(paper=paper)
    assert (listing.date, listing.submitted_by) == (datetime.now(UTC).date(), user)

    page.goto("/")
    card = page.get_by_role("article").filter(has=page.get_by_role("heading", name=paper.title))
    assert card.get_by_text("submitted by").is_visible()
    assert card.get_by_role("link", name="submitter").is_visible()


def test_submitting_a_malformed_id_shows_a_clear_error_and_lists_nothing(page, make_user, log_in):
    from paperfeed.papers.models import Listing

    log_in(page, make_user())
    page.goto("/papers/submit")
    page.get_by_label("arXiv id or link").fill("not-an-arxiv-id")
    page.get_by_role("button", name="Submit", exact=True).click()
    alert = page.get_by_role("alert").first
    alert.wait_for()
    assert "arxiv" in alert.text_content().lower()
    assert not Listing.objects.exists()


def test_a_comment_appears_with_its_markdown_rendered_and_script_tags_made_harmless(
    page, make_paper, make_user, log_in, screenshot
):
    from paperfeed.community.models import Comment

    paper = make_paper("A paper worth discussing", listed_on=datetime.now(UTC).date())
    log_in(page, make_user("commenter", fullname="Kit Commenter"))
    page.goto(paper.get_absolute_url())
    body = (
        "This is **really** neat, see [the code](https://example.org/code).\n\n"
        "<script>window.commentScriptRan = true</script>"
    )
    page.get_by_label("Add a comment").fill(body)
    page.get_by_role("button", name="Post comment").click()

    comment = page.locator("article.comment").filter(has_text="neat")
    comment.wait_for()
    screenshot(page, "paper-with-comment")
    assert comment.locator("strong").text_content() == "really"
    assert comment.get_by_role("link", name="the code").get_attribute("href") == "https://example.org/code"
    assert comment.locator("script").count() == 0
    assert page.evaluate("window.commentScriptRan") is None
    assert comment.get_by_role("link", name="Kit Commenter").is_visible()
    # Browsers send textarea line breaks as CRLF (HTML spec).
    assert Comment.objects.get(paper=paper).body.replace("\r\n", "\n") == body


def test_a_visitor_is_invited_to_log_in_to_comment(page, make_paper):
    paper = make_paper("Read-only for visitors", listed_on=datetime.now(UTC).date())
    page.goto(paper.get_absolute_url())
    discussion = page.locator("#discussion")
    assert discussion.get_by_role("link", name="Log in").is_visible()
    assert page.get_by_label("Add a comment").count() == 0
