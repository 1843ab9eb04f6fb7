"""On a phone: no page scrolls sideways at 320 px, and the first paper shows in the first screen."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def a_day_of_papers(make_paper, make_user) -> dict:
    today = datetime.now(UTC).date()
    member = make_user("a-member-with-a-rather-long-username")
    papers = [
        make_paper(
            f"Paper {number}: a title long enough to wrap over several lines on a narrow phone screen",
            listed_on=today,
            upvotes=number,
            submitted_by=member,
            categories="cs.CV cs.LG cs.AI",
            github_repo="https://github.com/owner/a-repository-with-a-long-name",
        )
        for number in range(5)
    ]
    year, week, _ = today.isocalendar()
    return {"paper": papers[0].get_absolute_url(), "day": today.isoformat(), "week": f"{year}-W{week:02d}"}


def sideways_scroll(tab) -> int:
    return tab.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")


@pytest.mark.parametrize("logged_in", [False, True], ids=["visitor", "member"])
def test_no_page_scrolls_sideways_at_320_px(page, a_day_of_papers, make_user, log_in, logged_in, screenshot):
    if logged_in:
        log_in(page, make_user("phone-user"))
    page.set_viewport_size({"width": 320, "height": 640})
    paths = [
        "/",
        "/papers/trending",
        f"/papers/week/{a_day_of_papers['week']}",
        a_day_of_papers["paper"],
        "/search?q=paper+title",
        "/papers/submit",
        "/accounts/login/",
    ]
    for path in paths:
        page.goto(path)
        assert sideways_scroll(page) <= 0, f"{path} scrolls sideways by {sideways_scroll(page)} px at 320 px"
    page.goto("/")
    screenshot(page, f"home-320-{'member' if logged_in else 'visitor'}")


def test_the_first_paper_is_in_the_first_screen_of_a_390_by_844_phone(page, a_day_of_papers, screenshot):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/")
    first = page.locator(".paper-card").first.bounding_box()
    screenshot(page, "home-390x844")
    assert first is not None and first["y"] + 120 <= 844, f"the first card starts at y = {first['y']:.0f}"
    header = page.locator(".site-header").bounding_box()
    assert header["height"] <= 130, f"the header takes {header['height']:.0f} px"
