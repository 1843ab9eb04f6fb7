"""Submitting papers: each rule, its message, the staff override and the caps (fetching from arXiv:
test_submit_fetching.py)."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from paperfeed.community.submission import SubmissionError, submit_paper
from paperfeed.papers.models import Listing, Paper

pytestmark = pytest.mark.django_db


def submit(client, text, **extra):
    return client.post("/papers/submit", {"paper": text, **extra})


def test_the_submit_page_needs_a_login(client):
    response = client.get("/papers/submit")
    assert response.status_code == 302 and response["Location"] == "/accounts/login/?next=/papers/submit"


def test_the_submit_page_explains_the_rules(client, alice):
    client.force_login(alice)
    html = client.get("/papers/submit").content.decode()
    assert "last 14 days" in html and "Up to 5 submissions a day" in html
    assert "override_window" not in html  # the override is for staff only


def test_a_recent_paper_goes_on_todays_feed(client, alice, make_dated_paper, recent):
    paper = make_dated_paper("Fresh results", arxiv_id="2411.01234", published=recent(days=3))
    client.force_login(alice)
    response = submit(client, "2411.01234")
    assert response.status_code == 302 and response["Location"] == "/papers/2411.01234"
    listing = Listing.objects.get(paper=paper)
    assert listing.submitted_by == alice
    assert listing.date == timezone.now().astimezone(UTC).date()
    assert timezone.now() - listing.submitted_at < timedelta(minutes=1)
    page = client.get(response["Location"]).content.decode()
    assert "is on today&#x27;s feed" in page


@pytest.mark.parametrize(
    "text",
    [
        "2411.01234v2",
        "https://arxiv.org/abs/2411.01234",
        "arxiv.org/pdf/2411.01234v1.pdf",
        " arXiv:2411.01234 ",
    ],
)
def test_ids_versions_and_links_are_all_accepted(client, alice, make_dated_paper, recent, text):
    paper = make_dated_paper(arxiv_id="2411.01234", published=recent(days=1))
    client.force_login(alice)
    assert submit(client, text).status_code == 302
    assert Listing.objects.filter(paper=paper).exists()


def test_a_malformed_id_gets_a_clear_message(client, alice):
    client.force_login(alice)
    response = submit(client, "not-a-paper")
    assert response.status_code == 400
    assert "is not an arXiv id" in response.content.decode()
    assert not Listing.objects.exists()


def test_an_empty_field_gets_a_clear_message(client, alice):
    client.force_login(alice)
    response = submit(client, "")
    assert response.status_code == 400
    assert "Enter an arXiv id" in response.content.decode()


def test_a_paper_already_on_the_feed_links_to_it(client, alice, bob, make_dated_paper, recent):
    make_dated_paper(
        arxiv_id="2411.01234", published=recent(days=2), on=timezone.now().date(), submitted_by=bob
    )
    client.force_login(alice)
    response = submit(client, "2411.01234")
    html = response.content.decode()
    assert response.status_code == 409
    assert "arXiv:2411.01234 is already on the feed" in html
    assert 'href="/papers/2411.01234"' in html
    assert Listing.objects.get().submitted_by == bob


def test_a_paper_older_than_the_window_is_refused(client, alice, make_dated_paper, recent):
    make_dated_paper(arxiv_id="2411.01234", published=recent(days=20))
    client.force_login(alice)
    response = submit(client, "2411.01234")
    assert response.status_code == 400
    assert "only papers from the last 14 days can be submitted" in response.content.decode()
    assert not Listing.objects.exists()


def test_the_window_follows_the_setting(client, alice, make_dated_paper, recent, settings):
    settings.SUBMISSION_WINDOW_DAYS = 30
    make_dated_paper(arxiv_id="2411.01234", published=recent(days=20))
    client.force_login(alice)
    assert submit(client, "2411.01234").status_code == 302


def test_staff_may_override_the_window(client, staff, make_dated_paper, recent):
    make_dated_paper(arxiv_id="1706.03762", published=datetime(2017, 6, 12, tzinfo=UTC))
    client.force_login(staff)
    assert "override_window" in client.get("/papers/submit").content.decode()
    assert submit(client, "1706.03762").status_code == 400  # the override is a deliberate choice
    assert submit(client, "1706.03762", override_window="on").status_code == 302
    assert Listing.objects.get().submitted_by == staff


def test_the_override_does_nothing_for_non_staff(client, alice, make_dated_paper):
    make_dated_paper(arxiv_id="1706.03762", published=datetime(2017, 6, 12, tzinfo=UTC))
    client.force_login(alice)
    assert submit(client, "1706.03762", override_window="on").status_code == 400
    assert not Listing.objects.exists()


def test_a_paper_without_a_date_cannot_be_checked_against_the_window(client, alice):
    Paper.objects.create(arxiv_id="2411.01234", title="Undated")
    client.force_login(alice)
    response = submit(client, "2411.01234")
    assert response.status_code == 400 and "no known publication date" in response.content.decode()


def test_a_hidden_paper_cannot_be_submitted(client, alice, make_dated_paper, recent):
    make_dated_paper(arxiv_id="2411.01234", published=recent(days=1), hidden=True)
    client.force_login(alice)
    response = submit(client, "2411.01234")
    assert response.status_code == 400 and "removed by a moderator" in response.content.decode()


def test_at_most_five_submissions_a_day(client, alice, make_dated_paper, recent):
    papers = [make_dated_paper(published=recent(days=1)) for _ in range(6)]
    client.force_login(alice)
    for paper in papers[:5]:
        assert submit(client, paper.arxiv_id).status_code == 302
    response = submit(client, papers[5].arxiv_id)
    assert response.status_code == 429
    assert "already submitted 5 papers today, the daily limit" in response.content.decode()
    assert Listing.objects.filter(submitted_by=alice).count() == 5


def test_yesterdays_submissions_do_not_count_against_today(client, alice, make_dated_paper, recent, settings):
    settings.SUBMISSIONS_PER_DAY = 1
    old = make_dated_paper(published=recent(days=3))
    yesterday = timezone.now() - timedelta(days=1)
    Listing.objects.create(paper=old, date=yesterday.date(), submitted_at=yesterday, submitted_by=alice)
    new = make_dated_paper(published=recent(days=1))
    client.force_login(alice)
    assert submit(client, new.arxiv_id).status_code == 302


def test_staff_have_no_daily_cap(client, staff, make_dated_paper, recent, settings):
    settings.SUBMISSIONS_PER_DAY = 1
    papers = [make_dated_paper(published=recent(days=1)) for _ in range(3)]
    client.force_login(staff)
    for paper in papers:
        assert submit(client, paper.arxiv_id).status_code == 302


def test_too_many_attempts_in_a_minute_are_refused_with_429(client, alice, settings):
    settings.SUBMIT_ATTEMPTS_PER_MINUTE = 3
    client.force_login(alice)
    for _ in range(3):
        assert submit(client, "garbage").status_code == 400
    response = submit(client, "garbage")
    assert response.status_code == 429
    assert "Too many submission attempts: at most 3 a minute" in response.content.decode()


def test_the_rules_are_one_function_other_front_ends_can_call(alice, make_dated_paper, recent):
    make_dated_paper(arxiv_id="2411.01234", published=recent(days=1))
    listing = submit_paper(alice, "2411.01234")
    assert listing.paper.arxiv_id == "2411.01234"
    with pytest.raises(SubmissionError) as broken:
        submit_paper(alice, "2411.01234")
    assert broken.value.code == "already_listed" and broken.value.paper == listing.paper
    with pytest.raises(SubmissionError) as broken:
        submit_paper(alice, "nonsense")
    assert broken.value.code == "invalid_id"
