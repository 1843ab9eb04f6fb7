"""The daily feed pages: latest day, any day, ISO week, month, trending; sorting and filters."""

from datetime import UTC, date, datetime, timedelta

import pytest

from paperfeed.papers.models import Listing

pytestmark = pytest.mark.django_db

DAY = date(2025, 3, 18)


def titles(response) -> list[str]:
    return [listing.paper.title for listing in response.context["page"].object_list]


def test_an_empty_site_explains_how_to_load_papers(client):
    response = client.get("/")
    assert response.status_code == 200
    assert b"paperfeed ingest file" in response.content


def test_the_front_page_shows_the_latest_day_with_papers(client, make_dated_paper):
    make_dated_paper("Older", on=DAY - timedelta(days=3))
    make_dated_paper("Latest", on=DAY)
    response = client.get("/")
    assert titles(response) == ["Latest"]
    assert response.context["period"].start == DAY


def test_a_day_is_ordered_by_upvotes_then_submission_order(client, make_dated_paper):
    at = datetime(2025, 3, 18, 9, tzinfo=UTC)
    make_dated_paper("Second submitted, 5 votes", on=DAY, upvotes=5, submitted_at=at + timedelta(minutes=2))
    make_dated_paper("First submitted, 5 votes", on=DAY, upvotes=5, submitted_at=at + timedelta(minutes=1))
    make_dated_paper("Most votes", on=DAY, upvotes=40, submitted_at=at + timedelta(minutes=3))
    make_dated_paper("Another day", on=DAY + timedelta(days=1), upvotes=99)
    response = client.get("/papers/date/2025-03-18")
    assert titles(response) == ["Most votes", "First submitted, 5 votes", "Second submitted, 5 votes"]


def test_a_day_can_be_sorted_newest_first(client, make_dated_paper):
    at = datetime(2025, 3, 18, 9, tzinfo=UTC)
    make_dated_paper("Early", on=DAY, upvotes=50, submitted_at=at)
    make_dated_paper("Late", on=DAY, upvotes=1, submitted_at=at + timedelta(hours=5))
    assert titles(client.get("/papers/date/2025-03-18?sort=newest")) == ["Late", "Early"]


def test_an_unknown_sort_falls_back_to_upvotes(client, make_dated_paper):
    make_dated_paper("Few", on=DAY, upvotes=1)
    make_dated_paper("Many", on=DAY, upvotes=9)
    assert titles(client.get("/papers/date/2025-03-18?sort=bogus")) == ["Many", "Few"]


def test_a_day_links_to_the_previous_and_next_days_that_have_papers(client, make_dated_paper):
    make_dated_paper("Before", on=date(2025, 3, 14))
    make_dated_paper("Today", on=DAY)
    make_dated_paper("After", on=date(2025, 3, 20))
    response = client.get("/papers/date/2025-03-18")
    assert response.context["previous_url"] == "/papers/date/2025-03-14"
    assert response.context["next_url"] == "/papers/date/2025-03-20"
    html = response.content.decode()
    assert 'href="/papers/date/2025-03-14"' in html and 'rel="prev"' in html


def test_the_date_picker_goes_to_the_chosen_day(client):
    response = client.get("/papers/date?date=2025-03-02")
    assert response.status_code == 302
    assert response["Location"] == "/papers/date/2025-03-02"


def test_a_day_without_papers_says_so(client):
    response = client.get("/papers/date/2024-01-01")
    assert response.status_code == 200
    assert b"No papers" in response.content


def test_a_week_holds_its_seven_days(client, make_dated_paper):
    make_dated_paper("Sunday before", on=date(2025, 3, 16), upvotes=100)
    make_dated_paper("Monday", on=date(2025, 3, 17), upvotes=1)
    make_dated_paper("Sunday", on=date(2025, 3, 23), upvotes=2)
    make_dated_paper("Monday after", on=date(2025, 3, 24), upvotes=100)
    response = client.get("/papers/week/2025-W12")
    assert titles(response) == ["Sunday", "Monday"]
    assert response.context["previous_url"] == "/papers/week/2025-W11"


def test_a_month_holds_its_days(client, make_dated_paper):
    make_dated_paper("In March", on=date(2025, 3, 31))
    make_dated_paper("In April", on=date(2025, 4, 1))
    assert titles(client.get("/papers/month/2025-03")) == ["In March"]


def test_the_feed_filters_by_arxiv_category_exactly(client, make_dated_paper):
    make_dated_paper("Learning", on=DAY, categories="cs.LG stat.ML")
    make_dated_paper("Language", on=DAY, categories="cs.CL")
    make_dated_paper("Learning theory", on=DAY, categories="stat.ML cs.LG")
    response = client.get("/papers/date/2025-03-18?cat=cs.LG")
    assert sorted(titles(response)) == ["Learning", "Learning theory"]
    assert ("cs.LG", 2) in response.context["categories"]


def test_cards_show_authors_abstract_votes_comments_code_and_categories(client, make_dated_paper):
    make_dated_paper(
        "Card paper",
        on=DAY,
        upvotes=12,
        authors=("A One", "B Two", "C Three", "D Four", "E Five"),
        github_repo="https://github.com/owner/repo",
        imported_comment_count=3,
        categories="cs.CV cs.AI",
    )
    html = client.get("/papers/date/2025-03-18").content.decode()
    # The first three authors, each linked to their author page, then how many there are.
    shown = [
        f'href="/authors/{name.replace(" ", "%20")}">{name}</a>' for name in ("A One", "B Two", "C Three")
    ]
    assert all(link in html for link in shown)
    assert html.index(shown[0]) < html.index(shown[1]) < html.index(shown[2])
    assert "5 authors" in html and "E Five" not in html
    assert "The abstract of Card paper." in html
    assert "12" in html
    assert '0<span class="visually-hidden"> comments on this site</span>' in html  # not HF's 3
    assert "https://github.com/owner/repo" in html
    assert "cs.CV" in html and "cs.AI" in html


def test_hidden_papers_and_listings_stay_off_the_feed(client, make_dated_paper):
    make_dated_paper("Visible", on=DAY)
    make_dated_paper("Hidden paper", on=DAY, hidden=True)
    hidden_listing = make_dated_paper("Hidden listing", on=DAY)
    Listing.objects.filter(paper=hidden_listing).update(hidden=True)
    assert titles(client.get("/papers/date/2025-03-18")) == ["Visible"]


def test_trending_lets_a_strong_recent_paper_stay_above_fresh_weak_ones(client, make_dated_paper):
    now = datetime.now(UTC)
    make_dated_paper(
        "Strong, yesterday",
        on=(now - timedelta(days=1)).date(),
        upvotes=150,
        submitted_at=now - timedelta(days=1),
    )
    make_dated_paper("Fresh, few votes", on=now.date(), upvotes=3, submitted_at=now - timedelta(hours=1))
    make_dated_paper("Fresh, more votes", on=now.date(), upvotes=30, submitted_at=now - timedelta(hours=2))
    # A month old: outside the week, which is too thin for a page and widens; it ranks last.
    make_dated_paper(
        "A month old",
        on=(now - timedelta(days=30)).date(),
        upvotes=100,
        submitted_at=now - timedelta(days=30),
    )
    response = client.get("/papers/trending")
    assert titles(response) == ["Strong, yesterday", "Fresh, more votes", "Fresh, few votes", "A month old"]


def test_trending_on_an_archive_is_measured_from_the_last_submission(client, make_dated_paper):
    last_active = datetime(2025, 3, 18, 12, tzinfo=UTC)
    make_dated_paper("Archive hit", on=DAY, upvotes=10, submitted_at=last_active)
    assert titles(client.get("/papers/trending")) == ["Archive hit"]


@pytest.mark.parametrize(
    "url",
    [
        "/papers/date/2025-13-40",
        "/papers/date/2025-02-30",
        "/papers/date/yesterday",
        "/papers/week/2025-W60",
        "/papers/week/2025-12",
        "/papers/month/2025-13",
    ],
)
def test_the_page_of_an_impossible_period_is_a_friendly_404_that_says_why(client, url):
    response = client.get(url)
    assert response.status_code == 404
    assert b"Back to today" in response.content
    assert "” is not a".encode() in response.content  # the reason, e.g. “2025-13” is not a real month.


def test_an_impossible_date_from_the_date_picker_is_a_friendly_400(client):
    response = client.get("/papers/date?date=nope")
    assert response.status_code == 400
    assert b"Back to today" in response.content


@pytest.mark.parametrize("page", ["999999", "0", "-1", "abc", "9" * 40])
def test_a_page_number_out_of_range_is_a_friendly_404(client, make_dated_paper, page):
    make_dated_paper("Only", on=DAY)
    response = client.get(f"/papers/date/2025-03-18?page={page}")
    assert response.status_code == 404
    assert b"Back to today" in response.content


def test_a_thin_latest_day_on_the_home_page_is_followed_by_the_days_before_it(client, make_dated_paper):
    today = datetime.now(UTC).date()
    make_dated_paper("Submitted this morning", on=today)
    for number in range(41):
        make_dated_paper(f"Paper of yesterday {number}", on=today - timedelta(days=1), upvotes=number)
    make_dated_paper("From the archive", on=today - timedelta(days=300), upvotes=7)
    html = client.get("/").content.decode()
    assert "Today so far: 1 paper · Yesterday: 41 papers" in html
    assert html.index("Submitted this morning") < html.index("Paper of yesterday 40")
    # Each earlier day most upvoted first; all 41 of yesterday and the archive day's paper fit a page.
    assert html.index("Paper of yesterday 40") < html.index("Paper of yesterday 0")
    assert "From the archive" in html


def test_a_full_latest_day_stands_alone_on_the_home_page(client, make_dated_paper):
    today = datetime.now(UTC).date()
    for number in range(20):
        make_dated_paper(f"Paper of today {number}", on=today)
    make_dated_paper("Only paper of yesterday", on=today - timedelta(days=1))
    html = client.get("/").content.decode()
    assert "Only paper of yesterday" not in html
    assert "Today so far" not in html
