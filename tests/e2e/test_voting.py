"""Upvoting in a real browser: in place with JavaScript, by a plain form post without it."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from testkit import DEFAULT_PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def upvote_button(page, title: str):
    return page.get_by_role("button", name=re.compile(rf"^Upvote “{re.escape(title)}”"))


def test_upvoting_on_the_feed_updates_the_count_without_reloading_the_page(
    page, make_paper, make_user, log_in, screenshot
):
    from paperfeed.community.models import Vote

    today = datetime.now(UTC).date()
    paper = make_paper("Attention over papers", upvotes=41, listed_on=today)
    user = make_user("voter")
    log_in(page, user)
    page.goto(f"/papers/date/{today.isoformat()}")
    page.evaluate("window.loadedOnce = true")  # gone if the page reloads

    button = upvote_button(page, paper.title)
    assert button.get_attribute("aria-pressed") == "false"
    button.click()
    # A function, not a bare expression: Playwright eval()s bare ones in the page, which the CSP forbids.
    page.wait_for_function("() => document.querySelector('[data-upvote-count]').textContent.trim() === '42'")
    assert button.get_attribute("aria-pressed") == "true"
    assert page.evaluate("window.loadedOnce") is True
    screenshot(page, "feed-after-upvote")
    assert Vote.objects.filter(user=user, paper=paper).exists()
    paper.refresh_from_db()
    assert paper.upvotes == 42

    # Clicking again takes the vote back, still in place.
    button.click()
    page.wait_for_function("() => document.querySelector('[data-upvote-count]').textContent.trim() === '41'")
    assert button.get_attribute("aria-pressed") == "false"
    assert not Vote.objects.filter(user=user, paper=paper).exists()

    page.reload()
    assert upvote_button(page, paper.title).locator("[data-upvote-count]").text_content().strip() == "41"


def test_upvoting_without_javascript_posts_the_form_and_comes_back_to_the_page(
    page_without_js, make_paper, make_user, log_in, screenshot
):
    from paperfeed.community.models import Vote

    page = page_without_js
    paper = make_paper("Plain forms still work", upvotes=3, listed_on=datetime.now(UTC).date())
    user = make_user("nojs")
    log_in(page, user)
    page.goto(paper.get_absolute_url())
    upvote_button(page, paper.title).click()

    page.wait_for_url(re.compile(re.escape(paper.get_absolute_url()) + r"$"))
    button = upvote_button(page, paper.title)
    assert button.locator("[data-upvote-count]").text_content().strip() == "4"
    assert button.get_attribute("aria-pressed") == "true"
    screenshot(page, "paper-upvoted-without-js")
    assert Vote.objects.filter(user=user, paper=paper).exists()


def test_a_visitor_who_upvotes_is_sent_to_log_in_first(page, make_paper):
    from paperfeed.community.models import Vote

    paper = make_paper("Votes need accounts", upvotes=5, listed_on=datetime.now(UTC).date())
    page.goto(paper.get_absolute_url())
    upvote_button(page, paper.title).click()
    page.wait_for_url(re.compile(r"/accounts/login/"))
    assert not Vote.objects.exists()


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_a_visitor_who_upvotes_logs_in_and_finds_the_vote_applied_on_the_same_page(
    request, javascript, make_paper, make_user, screenshot
):
    from paperfeed.community.models import Vote

    tab = request.getfixturevalue("page" if javascript else "page_without_js")
    today = datetime.now(UTC).date()
    paper = make_paper("A paper to vote on later", upvotes=3, listed_on=today)
    user = make_user("latecomer")
    tab.goto(paper.get_absolute_url())
    upvote_button(tab, paper.title).first.click()
    tab.wait_for_url(re.compile(r"/accounts/login/"))
    assert tab.get_by_text("Log in to upvote “A paper to vote on later”").is_visible()
    screenshot(tab, f"login-wall-upvote-{'js' if javascript else 'nojs'}")
    form = tab.locator("form").filter(
        has=tab.get_by_role("button", name=re.compile(r"^(sign|log) in$", re.I))
    )
    form.get_by_label(re.compile(r"^(login|username|e-?mail)", re.I)).first.fill(user.username)
    form.get_by_label(re.compile(r"^password:?$", re.I)).fill(DEFAULT_PASSWORD)
    form.get_by_role("button", name=re.compile(r"^(sign|log) in$", re.I)).click()
    tab.wait_for_url(re.compile(re.escape(paper.get_absolute_url()) + "$"))
    assert upvote_button(tab, paper.title).first.get_attribute("aria-pressed") == "true"
    assert Vote.objects.filter(user=user, paper=paper).count() == 1
