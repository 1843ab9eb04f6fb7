"""Claiming authorship in a real browser: a member says "This is me" on a paper, staff approve the
claim in the admin, and the paper shows on the member's profile with an author badge on their comment."""

from __future__ import annotations

import re

import pytest

from testkit import DEFAULT_PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_claim_approved_in_the_admin_shows_on_the_profile_and_badges_the_comment(
    page, make_paper, make_user, log_in, screenshot
):
    from paperfeed.community.models import AuthorshipClaim

    paper = make_paper("Learning to read proofs", authors=("Ada Lovelace", "Alan Turing", "Grace Hopper"))
    member = make_user("aturing", fullname="Alan Turing")
    make_user("moderator", is_staff=True, is_superuser=True)

    # The member claims their name and joins the discussion.
    log_in(page, member)
    page.goto(paper.get_absolute_url())
    page.get_by_text("Are you an author? Claim this paper").click()
    screenshot(page, "claim-names-offered")
    page.get_by_role("button", name="This is me: Alan Turing").click()
    page.get_by_text("You claimed “Alan Turing” on this paper: waiting for review").wait_for()
    page.get_by_label("Add a comment").fill("We wrote this to check proofs by machine.")
    page.get_by_role("button", name="Post comment").click()
    comment = page.locator("article.comment").filter(has_text="We wrote this to check proofs by machine.")
    comment.wait_for()
    assert comment.locator(".author-badge").count() == 0  # not before staff approve
    assert AuthorshipClaim.objects.get().status == "pending"

    # Staff sign in to the admin and approve it from the queue.
    page.context.clear_cookies()
    page.goto("/admin/login/")
    page.get_by_label("Username").fill("moderator")
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name=re.compile("log in", re.I)).click()
    page.goto("/admin/")
    page.get_by_role("link", name="Authorship claims").click()
    row = page.get_by_role("row").filter(has_text="Alan Turing").filter(has_text=paper.arxiv_id)
    row.get_by_role("checkbox").check()
    page.locator("select[name=action]").select_option(label="Approve the selected claims")
    screenshot(page, "claim-admin-queue")
    page.get_by_role("button", name="Go").click()
    page.get_by_text("Approved 1 claim(s).").wait_for()
    assert AuthorshipClaim.objects.get().status == "approved"

    # The member's profile lists the paper; their comment carries the author badge.
    page.context.clear_cookies()
    log_in(page, member)
    page.goto("/u/aturing")
    papers_tab = page.get_by_role("navigation", name="Profile sections").get_by_role(
        "link", name=re.compile("^Papers")
    )
    assert papers_tab.get_attribute("aria-current") == "page"
    page.get_by_role("heading", name=paper.title).wait_for()
    screenshot(page, "claim-profile-papers")
    page.goto(paper.get_absolute_url())
    badge = comment.locator(".author-badge")
    badge.wait_for()
    assert badge.text_content().strip() == "author"
    assert page.locator(".paper-authors").get_by_role("link", name="@aturing").is_visible()
    screenshot(page, "claim-author-badge")
