"""Finding papers in a real browser: days, the date picker, weeks, months and trending."""

from __future__ import annotations

import re
from datetime import date

import pytest

pytestmark = pytest.mark.django_db(transaction=True)

# Feed days with a gap between them: the day links skip days without papers.
EARLY, MIDDLE, LATE = date(2025, 3, 14), date(2025, 3, 18), date(2025, 3, 20)


@pytest.fixture
def three_days(make_paper):
    return {
        EARLY: make_paper("Early bird paper", listed_on=EARLY, upvotes=3),
        MIDDLE: make_paper("Middle of the week paper", listed_on=MIDDLE, upvotes=9),
        LATE: make_paper("Late arrival paper", listed_on=LATE, upvotes=1, categories="cs.CL"),
    }


def card_titles(page) -> list[str]:
    return [title.strip() for title in page.locator("article h2").all_text_contents()]


def test_the_front_page_shows_the_latest_day_and_the_day_links_walk_through_the_days_with_papers(
    page, three_days, screenshot
):
    page.goto("/")
    # The latest day first; one paper is a thin day, so the days before it follow below.
    assert card_titles(page) == ["Late arrival paper", "Middle of the week paper", "Early bird paper"]
    summary = "Mar 20, 2025: 1 paper · Mar 18, 2025: 1 paper · Mar 14, 2025: 1 paper"
    assert page.get_by_text(summary).is_visible()
    screenshot(page, "feed-front-page")

    page.get_by_role("link", name="← Previous").click()
    page.wait_for_url(re.compile(r"/papers/date/2025-03-18$"))
    assert card_titles(page) == ["Middle of the week paper"]

    page.get_by_role("link", name="← Previous").click()
    page.wait_for_url(re.compile(r"/papers/date/2025-03-14$"))
    assert card_titles(page) == ["Early bird paper"]
    assert page.get_by_role("link", name="← Previous").count() == 0  # nothing earlier

    page.get_by_role("link", name="Next →").click()
    page.wait_for_url(re.compile(r"/papers/date/2025-03-18$"))


def test_the_date_picker_goes_to_the_chosen_day(page, three_days):
    page.goto("/papers/date/2025-03-20")
    page.get_by_label("Go to date").fill("2025-03-14")
    page.get_by_role("button", name="Go", exact=True).click()
    page.wait_for_url(re.compile(r"/papers/date/2025-03-14$"))
    assert card_titles(page) == ["Early bird paper"]


def test_the_week_and_month_tabs_gather_the_days_papers_by_votes(page, three_days, screenshot):
    page.goto("/papers/date/2025-03-18")
    tabs = page.get_by_role("navigation", name="Browse by period")
    assert tabs.get_by_role("link", name="Weekly").count() == 1, "the period tabs must be links"
    tabs.get_by_role("link", name="Weekly").click()
    page.wait_for_url(re.compile(r"/papers/week/2025-W12$"))
    # ISO week 12 of 2025 runs from Monday March 17 to Sunday March 23.
    assert card_titles(page) == ["Middle of the week paper", "Late arrival paper"]
    screenshot(page, "feed-week")

    tabs.get_by_role("link", name="Monthly").click()
    page.wait_for_url(re.compile(r"/papers/month/2025-03$"))
    assert card_titles(page) == ["Middle of the week paper", "Early bird paper", "Late arrival paper"]


def test_a_category_chip_filters_the_feed(page, three_days):
    page.goto("/papers/month/2025-03")
    page.get_by_role("navigation", name="Filter by arXiv category").get_by_role(
        "link", name=re.compile(r"^cs\.CL")
    ).click()
    page.wait_for_url(re.compile(r"cat=cs\.CL"))
    assert card_titles(page) == ["Late arrival paper"]


def test_trending_is_reached_from_the_main_navigation(page, three_days, screenshot):
    page.goto("/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Trending").click()
    page.wait_for_url(re.compile(r"/papers/trending$"))
    page.get_by_role("heading", level=1, name="Trending papers").wait_for()
    assert set(card_titles(page)) >= {"Late arrival paper", "Middle of the week paper"}
    screenshot(page, "trending")


def test_a_card_title_leads_to_the_paper_page(page, three_days, screenshot):
    page.goto("/papers/date/2025-03-18")
    page.get_by_role("link", name="Middle of the week paper").click()
    page.get_by_role("heading", level=1, name="Middle of the week paper").wait_for()
    assert page.get_by_text("Ada Lovelace").first.is_visible()
    screenshot(page, "paper-page")
