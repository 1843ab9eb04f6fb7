"""Every parameter is checked as the contract says; errors are {"error": ...} with a specific message."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.conf import settings
from django.test import Client

pytestmark = pytest.mark.django_db

DAY = date(2025, 3, 18)


def error_of(response, status: int) -> str:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert list(body) == ["error"]
    return body["error"]


@pytest.mark.parametrize(
    ("query", "says"),
    [
        ("date=2025-13-40", "“2025-13-40” is not a real date"),
        ("date=2025-02-30", "“2025-02-30” is not a real date"),
        ("date=18-03-2025", "“18-03-2025” is not a date: use YYYY-MM-DD"),
        ("week=2025-W60", "2025 has no week 60"),
        ("week=2025-12", "is not an ISO week: use YYYY-Www"),
        ("month=2025-13", "“2025-13” is not a real month"),
        ("month=March", "is not a month: use YYYY-MM"),
        ("date=2025-03-18&month=2025-03", "Give only one of date, week and month"),
        ("sort=upvotes", "sort must be one of 'publishedAt' or 'trending'"),
        ("p=-1", "p must be at least 0"),
        ("p=first", "p must be a whole number"),
        ("limit=0", "limit must be at least 1"),
        ("limit=101", "limit must be at most 100"),
        ("limit=ten", "limit must be a whole number"),
        ("category=not a category", "is not an arXiv category"),
    ],
)
def test_malformed_daily_feed_parameters_are_a_400_naming_the_problem(client, query, says):
    assert says in error_of(client.get(f"/api/daily_papers?{query}"), 400)


@pytest.mark.parametrize(
    ("query", "says"),
    [
        ("q=" + "x" * 251, "q must be at most 250 characters long"),
        ("q=attention&limit=121", "limit must be at most 120"),
        ("q=attention&limit=0", "limit must be at least 1"),
    ],
)
def test_malformed_search_parameters_are_a_400(client, query, says):
    assert says in error_of(client.get(f"/api/papers/search?{query}"), 400)


def test_the_limits_themselves_are_accepted(client, make_paper):
    make_paper(listed_on=DAY)
    assert client.get("/api/daily_papers?limit=1").status_code == 200
    assert client.get("/api/daily_papers?limit=100&p=0").status_code == 200


def test_a_malformed_paper_id_is_a_400_and_an_unknown_one_a_404(client):
    assert "is not an arXiv id" in error_of(client.get("/api/papers/not-a-paper"), 400)
    assert error_of(client.get("/api/papers/2503.99999"), 404) == "There is no paper 2503.99999 here."
    assert "is not an arXiv id" in error_of(client.get("/api/papers/nope/comments"), 400)
    assert error_of(client.get("/api/papers/2503.99999/comments"), 404)


def test_old_style_ids_with_a_slash_work_in_paths(client, make_paper):
    make_paper("An old preprint", arxiv_id="hep-th/9901001")
    body = client.get("/api/papers/hep-th/9901001").json()
    assert body["id"] == "hep-th/9901001" and body["title"] == "An old preprint"
    assert client.get("/api/papers/hep-th/9901001v2").json()["id"] == "hep-th/9901001"
    assert client.get("/api/papers/hep-th/9901001/comments").json() == []
    markdown = client.get("/papers/hep-th/9901001.md")
    assert markdown.status_code == 200 and markdown.content.decode().startswith("# An old preprint")


def test_hidden_papers_are_not_found(client, make_paper):
    make_paper("Taken down", arxiv_id="2503.00042", hidden=True, listed_on=DAY)
    assert error_of(client.get("/api/papers/2503.00042"), 404)
    assert client.get("/papers/2503.00042.md").status_code == 404
    assert client.get("/api/daily_papers?date=2025-03-18").json() == []


def test_unknown_api_routes_and_wrong_methods_answer_in_json(client):
    assert "There is no API route '/api/nothing-here'" in error_of(client.get("/api/nothing-here"), 404)
    assert "There is no API route" in error_of(client.get("/api/papers/x%0Ay/upvote"), 404)
    assert "There is no API route" in error_of(
        Client(enforce_csrf_checks=True).delete("/api/papers/x%0A/upvote"), 404
    )
    response = client.put("/api/daily_papers")
    assert "PUT is not allowed here" in error_of(response, 405)
    assert "GET" in response["Allow"]


def test_a_page_with_more_after_it_links_to_the_next_page(client, make_paper):
    for number in range(3):
        make_paper(f"Paper {number}", listed_on=DAY, upvotes=number)
    first = client.get("/api/daily_papers?date=2025-03-18&limit=2")
    expected = f"<{settings.BASE_URL}/api/daily_papers?date=2025-03-18&limit=2&p=1>"
    assert first["Link"] == f'{expected}; rel="next"'
    last = client.get("/api/daily_papers?date=2025-03-18&limit=2&p=1")
    assert len(last.json()) == 1 and "Link" not in last
    assert client.get("/api/daily_papers?date=2025-03-18&limit=2&p=9").json() == []
    assert client.get("/api/daily_papers?p=99999999999999999999").json() == []


def test_category_filter_keeps_papers_listing_that_category(client, make_paper):
    make_paper("Vision", categories="cs.CV cs.LG", listed_on=DAY)
    make_paper("Language", categories="cs.CL", listed_on=DAY)
    titles = [item["title"] for item in client.get("/api/daily_papers?date=2025-03-18&category=cs.LG").json()]
    assert titles == ["Vision"]


def test_feed_items_copy_the_fields_the_client_reads_only_at_the_top_level(client, make_paper, make_user):
    submitter = make_user("curator", fullname="Cura Tor")
    make_paper(
        "With everything",
        listed_on=DAY,
        submitted_by=submitter,
        upvotes=7,
        ai_summary="In short.",
        ai_keywords=["graphs"],
        github_repo="https://github.com/example/repo",
        github_stars=12,
        project_page="https://example.github.io/",
        organization={"name": "example-lab", "fullname": "Example Lab", "avatarUrl": "/a.png"},
        published=datetime(2025, 3, 14, 9, 30, tzinfo=UTC),
    )
    [item] = client.get("/api/daily_papers?date=2025-03-18").json()
    for key in (
        "title",
        "ai_summary",
        "ai_keywords",
        "githubRepo",
        "githubStars",
        "projectPage",
        "organization",
    ):
        assert item[key] == item["paper"][key]
    assert item["numComments"] == 0 and item["paper"]["upvotes"] == 7
    assert item["publishedAt"] == "2025-03-18T08:00:00.000Z"
    assert item["paper"]["publishedAt"] == "2025-03-14T09:30:00.000Z"
    assert item["submittedBy"]["user"] == "curator" and item["submittedBy"]["type"] == "user"
    assert item["organization"] == {"_id": "example-lab", "name": "example-lab", "fullname": "Example Lab",
                                    "avatarUrl": "/a.png"}  # fmt: skip
