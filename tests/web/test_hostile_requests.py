"""Feed pages under hostile requests and hostile stored values: a clear 4xx or a working page, never a 500."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.contrib.auth import get_user_model

pytestmark = pytest.mark.django_db

TODAY = datetime.now(UTC).date()
WEEK = f"{TODAY.isocalendar()[0]}-W{TODAY.isocalendar()[1]:02d}"
PAGES = [
    "/",
    "/papers/trending",
    f"/papers/date/{TODAY}",
    f"/papers/week/{WEEK}",
    f"/papers/month/{TODAY:%Y-%m}",
]


@pytest.fixture
def odd_submitter(make_paper):
    """A paper on today's feed submitted by an imported account whose name holds a "/"."""
    user = get_user_model().objects.create(username="lab/member")
    make_paper("Submitted by an odd name", arxiv_id="2503.00301", listed_on=TODAY, submitted_by=user)
    return user


@pytest.mark.parametrize("url", [*PAGES[:3], "/papers/2503.00301"])
def test_a_username_with_a_slash_links_to_its_profile(client, odd_submitter, url):
    response = client.get(url)
    assert response.status_code == 200
    assert b'href="/u/lab/member"' in response.content
    profile = client.get("/u/lab/member")
    assert profile.status_code == 200
    assert b"lab/member" in profile.content


@pytest.mark.parametrize("url", PAGES)
@pytest.mark.parametrize(
    "cat", ["a/b", "cs.LG/../x", "\x00", "<b>", "9" * 500], ids=["slash", "dots", "nul", "markup", "long"]
)
def test_an_odd_category_filter_is_a_page_without_a_category_feed(client, make_paper, url, cat):
    make_paper(arxiv_id="2503.00302", listed_on=TODAY)
    response = client.get(url, {"cat": cat})
    assert response.status_code == 200
    assert b"/feeds/category/" not in response.content  # only a real category has a feed


def test_a_real_category_filter_still_offers_its_feed(client, make_paper):
    make_paper(arxiv_id="2503.00303", listed_on=TODAY)
    assert b'href="/feeds/category/cs.LG.atom"' in client.get("/", {"cat": "cs.LG"}).content


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("/papers/week/9999-W52", "runs past 9999-12-31"),
        ("/papers/date/9999-12-32", "not a real date"),
        ("/papers/month/0000-01", "not a real month"),
    ],
)
def test_a_period_outside_the_calendar_is_a_404_that_says_why(client, url, reason):
    response = client.get(url)
    assert response.status_code == 404
    assert reason in response.content.decode()


@pytest.mark.parametrize(
    ("url", "tabs"),
    [
        ("/papers/date/9999-12-31", ["Daily", "Monthly"]),  # that week ends in the year 10000
        ("/papers/date/0001-01-01", ["Daily", "Weekly", "Monthly"]),
        ("/papers/week/0001-W01", ["Daily", "Weekly", "Monthly"]),
        ("/papers/month/0001-01", ["Daily", "Weekly", "Monthly"]),
        ("/papers/month/9999-12", ["Daily", "Weekly", "Monthly"]),
        ("/papers/week/9999-W51", ["Daily", "Weekly", "Monthly"]),
    ],
)
def test_the_first_and_last_periods_of_the_calendar_are_pages(client, url, tabs):
    response = client.get(url)
    assert response.status_code == 200
    assert [tab["label"] for tab in response.context["period_tabs"]] == tabs


def test_there_is_no_link_before_the_first_month_or_after_the_last(client):
    assert client.get("/papers/month/0001-01").context["previous_url"] is None
    assert client.get("/papers/month/9999-12").context["next_url"] is None
    assert client.get("/papers/month/9999-11").context["next_url"] == "/papers/month/9999-12"


def test_the_date_picker_refuses_an_impossible_date_with_a_400(client):
    response = client.get("/papers/date", {"date": "9999-99-99"})
    assert response.status_code == 400
    assert "not a real date" in response.content.decode()


def test_a_form_body_over_the_upload_limit_is_a_413_page(client, make_user, settings):
    client.force_login(make_user())
    too_big = "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    response = client.post("/papers/submit", {"arxiv_id": too_big})
    assert response.status_code == 413
    assert "larger than this site accepts (2.5 MB at most)" in response.content.decode()
