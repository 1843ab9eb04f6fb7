"""The API under hostile requests: boundary dates, oversized bodies, the documented search limit."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db

TODAY = datetime.now(UTC).date()


def error_of(response, status: int) -> str:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json"
    return response.json()["error"]


def test_a_week_that_runs_past_the_calendar_is_a_400_that_says_why(client):
    message = error_of(client.get("/api/daily_papers", {"week": "9999-W52"}), 400)
    assert message == "“9999-W52” runs past 9999-12-31, the last day there can be."


@pytest.mark.parametrize(
    "query",
    [{"date": "9999-12-31"}, {"date": "0001-01-01"}, {"week": "0001-W01"}, {"week": "9999-W51"}]
    + [{"month": "0001-01"}, {"month": "9999-12"}],
)
def test_the_first_and_last_periods_of_the_calendar_are_empty_feeds(client, query):
    response = client.get("/api/daily_papers", query)
    assert response.status_code == 200
    assert response.json() == []


@pytest.mark.parametrize("q", ["before:9999-12-31", "after:0001-01-01", "a\x01b", "\x00attention"])
def test_search_takes_boundary_dates_and_drops_control_characters(client, make_paper, q):
    make_paper("Attention", arxiv_id="2503.00401", published=datetime(2025, 3, 1, tzinfo=UTC))
    response = client.get("/api/papers/search", {"q": q})
    assert response.status_code == 200


@pytest.mark.parametrize("limit", [101, 120])
def test_search_takes_the_documented_limit_of_120(client, make_paper, limit):
    for number in range(limit + 1):
        make_paper(f"Paper {number}", arxiv_id=f"2503.{number + 500:05d}", listed_on=TODAY)
    response = client.get("/api/papers/search", {"limit": limit})
    assert response.status_code == 200
    assert len(response.json()) == limit


def test_search_refuses_a_limit_above_120(client):
    assert error_of(client.get("/api/papers/search", {"limit": 121}), 400) == "limit must be at most 120."


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("post", "/api/papers/submit"),
        ("post", "/api/papers/2503.00402/comments"),
        ("post", "/api/papers/2503.00402/upvote"),
    ],
)
def test_a_body_over_the_upload_limit_is_a_413_in_the_api_error_shape(
    client, make_user, make_token, make_paper, method, url
):
    from paperfeed.community.models import Comment

    make_paper(arxiv_id="2503.00402", listed_on=TODAY)
    token = make_token(make_user())
    body = json.dumps({"id": "2503.00403", "body": "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)})
    response = getattr(client, method)(
        url, body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    if url.endswith("/upvote"):
        # An upvote has no body to read: it is counted, and a huge body changes nothing else.
        assert response.status_code == 200
        return
    assert "larger than this site accepts (2.5 MB at most)" in error_of(response, 413)
    assert not Comment.objects.exists()
