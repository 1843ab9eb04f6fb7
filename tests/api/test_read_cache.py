"""Anonymous reads of the feed, of papers and of the daily Atom/RSS feeds come from memory until
anything on the feed changes.

Callers with a token or a session always get a fresh answer.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from paperfeed.community.votes import set_vote

pytestmark = pytest.mark.django_db

DAY = date(2025, 3, 18)
FEED = f"/api/daily_papers?date={DAY}"


@pytest.fixture
def cached_read(django_assert_num_queries):
    """An anonymous GET that must be answered from the cache (one query: the feed version)."""

    def get(url: str):
        with django_assert_num_queries(1):
            response = Client().get(url)
        assert response.status_code == 200
        return response

    return get


def test_a_repeated_anonymous_read_is_answered_from_memory_with_the_same_body(
    client, make_paper, cached_read
):
    paper = make_paper("Cached feed", listed_on=DAY)
    for url in (FEED, f"/api/papers/{paper.arxiv_id}", "/feeds/daily.atom", "/feeds/trending.rss"):
        first = client.get(url)
        again = cached_read(url)
        assert again.content == first.content and again["Content-Type"] == first["Content-Type"]


def test_a_paper_new_on_the_feed_shows_in_the_next_read_of_the_atom_feed(client, make_paper):
    make_paper("First of the day", listed_on=DAY)
    assert "First of the day" in client.get("/feeds/daily.atom").content.decode()
    make_paper("Second of the day", listed_on=DAY)
    assert "Second of the day" in client.get("/feeds/daily.atom").content.decode()


def test_the_next_page_link_is_kept(client, make_paper, cached_read):
    for number in range(3):
        make_paper(f"Paper {number}", listed_on=DAY)
    url = f"{FEED}&limit=2"
    first = client.get(url)
    assert 'rel="next"' in first["Link"]
    assert cached_read(url)["Link"] == first["Link"]


def test_a_vote_shows_in_the_next_anonymous_read(client, make_paper, make_user):
    paper = make_paper("Voted on", listed_on=DAY, upvotes=3)
    assert client.get(FEED).json()[0]["paper"]["upvotes"] == 3
    assert client.get(f"/api/papers/{paper.arxiv_id}").json()["upvotes"] == 3
    set_vote(make_user(), paper, True)
    assert client.get(FEED).json()[0]["paper"]["upvotes"] == 4
    assert client.get(f"/api/papers/{paper.arxiv_id}").json()["upvotes"] == 4


def test_a_hidden_paper_leaves_the_next_anonymous_read(client, make_paper):
    paper = make_paper("Soon hidden", listed_on=DAY)
    assert [item["paper"]["id"] for item in client.get(FEED).json()] == [paper.arxiv_id]
    paper.hidden = True
    paper.save()
    assert client.get(FEED).json() == []
    assert client.get(f"/api/papers/{paper.arxiv_id}").status_code == 404


def queries_to_answer(client: Client, url: str, **kwargs) -> int:
    with CaptureQueriesContext(connection) as captured:
        client.get(url, **kwargs)
    return len(captured.captured_queries)


def test_reads_with_a_token_or_a_session_are_never_answered_from_memory(user_client, make_paper):
    make_paper("Personal", listed_on=DAY)
    Client().get(FEED)  # stored for anonymous readers
    assert queries_to_answer(Client(), FEED) == 1
    assert queries_to_answer(Client(), FEED, headers={"Authorization": "Bearer hf_someHubToken"}) > 1
    assert queries_to_answer(user_client, FEED) > 1


def test_errors_are_not_stored(client):
    assert client.get("/api/papers/2501.99999").status_code == 404
    assert queries_to_answer(client, "/api/papers/2501.99999") > 1
