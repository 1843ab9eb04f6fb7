"""Following in a real browser: follow an author from their page, then find their paper under
the home page's Following tab; unfollow from the page of what one follows."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_member_follows_an_author_and_the_following_tab_lists_their_paper(
    page, make_paper, make_user, log_in, screenshot
):
    from paperfeed.community.following.models import Follow

    make_paper(
        "Engines that compute",
        authors=["Ada Lovelace", "Charles Babbage"],
        listed_on=datetime.now(UTC).date(),
    )
    make_paper("A paper by someone else", authors=["Grace Hopper"], listed_on=datetime.now(UTC).date())
    log_in(page, make_user("follower"))

    page.goto("/following")
    assert page.get_by_role("heading", name="You follow nothing yet").is_visible()

    # From a card on the home page to the author's page, and follow.
    page.goto("/")
    page.get_by_role("link", name="Ada Lovelace").first.click()
    page.wait_for_url(re.compile(r"/authors/Ada%20Lovelace$"))
    page.get_by_role("button", name="Follow Ada Lovelace").click()
    page.get_by_text("You now follow the author Ada Lovelace.").wait_for()
    assert (
        page.get_by_role("button", name=re.compile(r"Following Ada Lovelace")).get_attribute("aria-pressed")
        == "true"
    )
    assert Follow.objects.filter(kind="author", value="Ada Lovelace").count() == 1

    # The home page's Following tab lists the paper, saying why.
    page.goto("/")
    page.get_by_role("navigation", name="Home").get_by_role("link", name="Following").click()
    page.wait_for_url(re.compile(r"/following$"))
    assert page.get_by_role("link", name="Engines that compute").is_visible()
    assert page.get_by_text("Why this? You follow the author Ada Lovelace").is_visible()
    assert page.get_by_role("link", name="A paper by someone else").count() == 0
    screenshot(page, "following-tab")

    # Unfollow from the page of what one follows: the tab is empty again.
    page.get_by_role("link", name="What you follow").click()
    page.get_by_role("button", name="Unfollow Ada Lovelace").click()
    page.get_by_text("You no longer follow the author Ada Lovelace.").wait_for()
    assert not Follow.objects.exists()
