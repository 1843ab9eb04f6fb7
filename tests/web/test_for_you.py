"""The For you page: today / this week / this month ranked for the reader, cards with their
actions and reasons, "not interested" hides a paper, impressions are recorded."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from paperfeed.community.models import Impression, NotInterested, Vote

pytestmark = pytest.mark.django_db

GRAPHS = "Message passing graph neural networks for molecule property prediction"


@pytest.fixture
def library(make_paper):
    today = datetime.now(UTC).date()
    old = datetime.now(UTC) - timedelta(days=400)
    return {
        "liked": make_paper(
            GRAPHS, abstract="Graph neural networks pass messages between atoms.", published=old
        ),
        "graphs_today": make_paper(
            "Equivariant graph neural networks for molecules",
            abstract="Equivariant graph neural networks pass messages over molecule graphs.",
            listed_on=today,
        ),
    }


@pytest.fixture
def reader(client, make_user, library):
    user = make_user("reader")
    Vote.objects.create(user=user, paper=library["liked"])
    client.force_login(user)
    return user


def test_for_you_ranks_todays_papers_with_a_reason_and_the_card_actions(client, reader, library):
    page = client.get("/for-you/").content.decode()

    assert library["graphs_today"].title in page
    assert "Why this?" in page
    for action in ("/not-interested", "/save", "/upvote"):
        assert f'action="/papers/{library["graphs_today"].arxiv_id}{action}"' in page


def test_each_paper_shown_is_recorded_as_an_impression_once_a_day(client, reader, library):
    client.get("/for-you/")
    client.get("/for-you/")  # a reload is not a second showing

    impression = Impression.objects.get(user=reader, paper=library["graphs_today"])
    assert impression.shown_count == 1 and impression.opened_at is None


def test_opening_a_paper_page_while_signed_in_records_it_as_opened(client, reader, library):
    client.get(library["graphs_today"].get_absolute_url())

    assert Impression.objects.get(user=reader, paper=library["graphs_today"]).opened_at is not None


def test_a_paper_marked_not_interested_is_no_longer_shown(client, reader, library):
    paper = library["graphs_today"]
    response = client.post(f"/papers/{paper.arxiv_id}/not-interested", {"next": "/for-you/"})

    assert response.status_code == 302 and response["Location"] == "/for-you/"
    assert NotInterested.objects.filter(user=reader, paper=paper).exists()
    card = f'id="title-{paper.pk}"'
    assert card not in client.get("/for-you/").content.decode()
    # ... nor on the day's feed for this reader, while others still see it there.
    day = f"/papers/date/{datetime.now(UTC).date().isoformat()}"
    assert card not in client.get(day).content.decode()
    client.logout()
    assert card in client.get(day).content.decode()


def test_the_tabs_are_today_this_week_and_this_month(client, reader):
    page = client.get("/for-you/?window=month").content.decode()
    assert 'href="?window=today"' in page and 'href="?window=week"' in page
    assert 'href="?window=month" aria-current="page"' in page
    # An unknown window is today's.
    assert 'href="?window=today" aria-current="page"' in client.get("/for-you/?window=year").content.decode()


def test_a_reader_who_taught_it_nothing_is_offered_to_start(client, make_user, library):
    client.force_login(make_user("newcomer"))
    page = client.get("/for-you/").content.decode()

    assert "Start in a minute" in page
    assert 'href="/for-you/start#import-heading"' in page


def test_a_visitor_is_asked_to_log_in(client):
    response = client.get("/for-you/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
