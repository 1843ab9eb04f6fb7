"""Trending: votes decayed by age, so fresh papers rise while strong older ones stay a while.

Every reader of the feed (the HTML pages, the JSON API, the RSS/Atom feed, the digests) ranks
through ``paperfeed.papers.trending``, so they all show the same papers in the same order.
"""

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from paperfeed.papers.trending import rank, trending_score

NOW = datetime(2026, 3, 10, 12, tzinfo=UTC)


def hours_ago(hours: float) -> datetime:
    return NOW - timedelta(hours=hours)


@given(votes=st.integers(0, 10_000), age=st.floats(0, 24 * 30), extra=st.integers(1, 1000))
def test_more_votes_at_the_same_age_always_rank_higher(votes, age, extra):
    assert trending_score(votes + extra, hours_ago(age), NOW) > trending_score(votes, hours_ago(age), NOW)


@given(votes=st.integers(0, 10_000), age=st.floats(0, 24 * 30), older_by=st.floats(0.5, 24 * 30))
def test_with_the_same_votes_the_fresher_paper_ranks_higher(votes, age, older_by):
    fresher = trending_score(votes, hours_ago(age), NOW)
    older = trending_score(votes, hours_ago(age + older_by), NOW)
    assert fresher > older


def test_a_strong_paper_from_yesterday_stays_above_a_fresh_paper_with_few_votes():
    strong_yesterday = trending_score(150, hours_ago(24), NOW)
    fresh_and_weak = trending_score(5, hours_ago(1), NOW)
    assert strong_yesterday > fresh_and_weak


def test_a_fresh_paper_overtakes_a_week_old_paper_with_several_times_its_votes():
    week_old = trending_score(100, hours_ago(24 * 7), NOW)
    fresh = trending_score(20, hours_ago(6), NOW)
    assert fresh > week_old


def test_a_paper_nobody_voted_for_still_has_a_positive_score():
    assert trending_score(0, hours_ago(3), NOW) > 0


def test_a_paper_listed_in_the_future_counts_as_brand_new():
    assert trending_score(3, NOW + timedelta(hours=5), NOW) == trending_score(3, NOW, NOW)


def test_equal_scores_keep_the_older_listing_first_whatever_order_the_rows_came_in():
    same_moment = hours_ago(5)
    rows = [(7, 3, same_moment), (2, 3, same_moment), (5, 40, hours_ago(6))]
    assert rank(rows, NOW) == [5, 2, 7]
    assert rank(reversed(rows), NOW) == [5, 2, 7]


def html_titles(response) -> list[str]:
    return [listing.paper.title for listing in response.context["page"].object_list]


def api_titles(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["title"] for item in response.json()]


@pytest.fixture
def trending_mix(make_dated_paper) -> list[str]:
    """Papers that test every part of the order; returns the titles in their trending order."""
    now = datetime.now(UTC)
    today = now.date()

    def days_ago(days: int) -> dict:
        return {"on": today - timedelta(days=days), "submitted_at": now - timedelta(days=days)}

    make_dated_paper("Strong, yesterday", upvotes=150, **days_ago(1))
    # Two papers with exactly the same score: the one listed first (the older listing) comes first.
    tie_moment = now - timedelta(hours=3)
    make_dated_paper("Tie listed first", on=today, upvotes=8, submitted_at=tie_moment)
    make_dated_paper("Tie listed second", on=today, upvotes=8, submitted_at=tie_moment)
    make_dated_paper("Fresh, more votes", on=today, upvotes=30, submitted_at=now - timedelta(hours=2))
    make_dated_paper("Fresh, no votes", on=today, upvotes=0, submitted_at=now - timedelta(minutes=30))
    make_dated_paper("Last week", upvotes=60, **days_ago(6))
    # A month old: outside the week, but a week this thin widens until the page is full.
    make_dated_paper("A month old", upvotes=500, **days_ago(30))
    # Never trending: on a feed day after today (an import can date a listing ahead), or hidden.
    make_dated_paper(
        "Dated ahead", on=today + timedelta(days=2), upvotes=90, submitted_at=now - timedelta(hours=1)
    )
    make_dated_paper("Hidden", on=today, upvotes=400, submitted_at=now - timedelta(hours=1), hidden=True)
    return [
        "Strong, yesterday",
        "Fresh, more votes",
        "Tie listed first",
        "Tie listed second",
        "A month old",
        "Last week",
        "Fresh, no votes",
    ]


@pytest.mark.django_db
def test_the_html_feed_and_the_api_rank_trending_identically(client, trending_mix):
    html = html_titles(client.get("/papers/trending"))
    api = api_titles(client.get("/api/daily_papers", {"sort": "trending", "limit": 100}))
    assert html == trending_mix
    assert api == html


@pytest.mark.django_db
def test_the_api_pages_through_the_same_trending_order(client, trending_mix):
    pages = [
        api_titles(client.get("/api/daily_papers", {"sort": "trending", "limit": 4, "p": page}))
        for page in range(2)
    ]
    assert pages[0] + pages[1] == trending_mix


@pytest.mark.django_db
def test_a_day_sorted_by_trending_is_the_same_on_the_page_and_in_the_api(client, trending_mix):
    today = datetime.now(UTC).date().isoformat()
    html = html_titles(client.get(f"/papers/date/{today}", {"sort": "trending"}))
    api = api_titles(client.get("/api/daily_papers", {"date": today, "sort": "trending"}))
    assert html == [title for title in trending_mix if title in api]
    assert api == html
    assert "Tie listed first" in html  # the day holds the ties: their order is checked too


def listed(make_dated_paper, count: int, days_ago: float, upvotes: int = 1, prefix: str = "Paper") -> None:
    moment = datetime.now(UTC) - timedelta(days=days_ago)
    for number in range(count):
        make_dated_paper(f"{prefix} {number}", on=moment.date(), submitted_at=moment, upvotes=upvotes)


@pytest.mark.django_db
def test_one_fresh_submission_on_an_archive_still_leaves_a_full_trending_page(client, make_dated_paper):
    listed(make_dated_paper, 60, days_ago=200, upvotes=20, prefix="Archive paper")
    make_dated_paper("Just submitted", on=datetime.now(UTC).date(), submitted_at=datetime.now(UTC))
    response = client.get("/papers/trending")
    titles = html_titles(response)
    assert len(titles) == 50 and "Just submitted" in titles
    assert "showing the last 365 days" in response.content.decode()
    api = api_titles(client.get("/api/daily_papers", {"sort": "trending", "limit": 50}))
    assert api == titles
    feed = client.get("/feeds/trending.atom").content.decode()
    assert feed.count("<entry>") == 50


@pytest.mark.django_db
def test_a_window_with_a_full_page_keeps_older_papers_out_and_says_which_window(client, make_dated_paper):
    listed(make_dated_paper, 50, days_ago=1, prefix="This week")
    make_dated_paper(
        "Strong but old",
        upvotes=5000,
        on=(datetime.now(UTC) - timedelta(days=20)).date(),
        submitted_at=datetime.now(UTC) - timedelta(days=20),
    )
    week = client.get("/papers/trending")
    assert "Strong but old" not in html_titles(week)
    assert "Papers of the last 7 days" in week.content.decode()
    month = client.get("/papers/trending", {"window": "30"})
    assert html_titles(month)[0] == "Strong but old"
    assert 'href="?window=30" aria-current="true"' in month.content.decode()


@pytest.mark.django_db
def test_an_unknown_window_falls_back_to_the_week(client, make_dated_paper):
    listed(make_dated_paper, 2, days_ago=1)
    response = client.get("/papers/trending", {"window": "9999"})
    assert response.status_code == 200
    assert 'href="?window=7" aria-current="true"' in response.content.decode()
