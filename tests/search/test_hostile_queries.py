"""Searches with boundary dates, control characters and hidden authors: answers, never a 500."""

from __future__ import annotations

import pytest

from paperfeed.papers.models import Authorship


@pytest.mark.parametrize(
    "params",
    [
        {"q": "before:9999-12-31 unlearning"},
        {"q": "after:0001-01-01 unlearning"},
        {"q": "unlearning", "before": "9999-12-31", "after": "0001-01-01"},
    ],
)
def test_the_first_and_last_days_of_the_calendar_are_filters_like_any_other(client, corpus, params):
    response = client.get("/search", params)
    assert response.status_code == 200
    assert f'id="title-{corpus["unlearning"].pk}"' in response.content.decode()


def test_control_characters_in_a_query_are_dropped(client, corpus):
    query = {"q": "unle\x01arning\x00"}
    response = client.get("/search", query)
    assert response.status_code == 200
    assert f'id="title-{corpus["unlearning"].pk}"' in response.content.decode()
    response = client.get("/api/papers/search", query)
    assert response.status_code == 200
    assert response.json()[0]["paper"]["id"] == corpus["unlearning"].arxiv_id


def test_the_api_search_takes_a_boundary_date_filter(client, corpus):
    response = client.get("/api/papers/search", {"q": "before:9999-12-31 unlearning"})
    assert response.status_code == 200
    assert corpus["unlearning"].arxiv_id in [item["paper"]["id"] for item in response.json()]


def test_a_hidden_author_is_neither_shown_nor_found(client, corpus):
    from paperfeed.search import sync

    paper = corpus["unlearning"]
    Authorship.objects.create(paper=paper, position=2, name="Hidden Person", hidden=True)
    sync.rebuild()
    html = client.get("/search", {"q": "unlearning"}).content.decode()
    assert "Grace Hopper" in html and "Hidden Person" not in html
    response = client.get("/search", {"q": 'author:"Hidden Person"'})
    assert f'id="title-{paper.pk}"' not in response.content.decode()
