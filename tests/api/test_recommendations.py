"""``GET``/``POST /api/recommendations``: a window's papers ranked for a reader, in the Hub's item shape,
over plain HTTP to a live server (and read back with the real huggingface_hub's PaperInfo)."""

from __future__ import annotations

import httpx
import pytest

from paperfeed.community.models import NotInterested, Vote
from recommend.conftest import NEW, OLD, TOPICS

pytestmark = pytest.mark.django_db(transaction=True)

WEEK = "2026-W47"  # NEW's week


@pytest.fixture
def papers(make_paper):
    """Each topic's first two papers are old, the rest this week, with arXiv ids by topic."""
    made: dict[str, list] = {}
    for number, (topic, items) in enumerate(TOPICS.items(), start=1):
        made[topic] = [
            make_paper(
                title,
                abstract=abstract,
                arxiv_id=f"2611.{number:02d}{index:03d}",
                published=OLD if index < 2 else NEW,
            )
            for index, (title, abstract) in enumerate(items)
        ]
    return made


def ids(papers) -> list[str]:
    return [paper.arxiv_id for paper in papers]


def post(live_server, body: dict) -> httpx.Response:
    return httpx.post(f"{live_server.url}/api/recommendations", json=body, timeout=30)


def test_posting_liked_ids_and_a_week_returns_that_weeks_papers_ranked_with_reasons(live_server, papers):
    from huggingface_hub.hf_api import PaperInfo

    response = post(live_server, {"liked": ids(papers["proteins"][:2]), "week": WEEK, "limit": 10})

    assert response.status_code == 200
    items = response.json()
    assert [item["paper"]["id"] for item in items][:1] == [papers["proteins"][2].arxiv_id]
    assert all(item["paper"]["id"] not in ids(papers["proteins"][:2]) for item in items)  # not the likes
    assert all(item["reason"].startswith("Similar to “") for item in items)
    assert [item["score"] for item in items] == sorted((item["score"] for item in items), reverse=True)
    # The Hub's item shape: huggingface_hub reads each item as it reads a daily-papers item.
    info = PaperInfo(**items[0])
    assert info.id == papers["proteins"][2].arxiv_id and info.title == papers["proteins"][2].title


def test_disliked_papers_and_their_near_copies_fall_behind(live_server, papers):
    liked = ids(papers["robots"][:2] + papers["safety"][:2])
    before = [item["paper"]["id"] for item in post(live_server, {"liked": liked, "week": WEEK}).json()]
    dismissed = papers["safety"][2].arxiv_id
    after = post(live_server, {"liked": liked, "disliked": [dismissed], "week": WEEK}).json()

    shown = [item["paper"]["id"] for item in after]
    assert dismissed in before and dismissed not in shown
    assert set(ids(papers["robots"][2:])) <= set(shown)  # the other interest stays


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"liked": [], "week": WEEK}, "liked is empty"),
        (
            {"liked": ["2611.01000", "2611.09999", "2611.08888"], "week": WEEK},
            "2 of the liked ids are not papers",
        ),
        ({"liked": ["not an id"], "week": WEEK}, "“not an id”, which is not an arXiv id"),
        ({"liked": ["2611.01000"] * 1001, "week": WEEK}, "at most 1,000 are allowed"),
        ({"liked": ["2611.01000"], "week": WEEK, "limit": 501}, "limit must be from 1 to 500"),
        ({"liked": ["2611.01000"], "date": "2026-11-18", "after": "2026-11-01"}, "not both"),
        ({"liked": ["2611.01000"], "after": "2026-11-20", "before": "2026-11-01"}, "earlier than after"),
        ({"liked": ["2611.01000"], "after": "2026-01-01", "before": "2026-11-01"}, "at most 92 are allowed"),
        ({"liked": ["2611.01000"], "date": "18/11/2026"}, "is not a date"),
    ],
)
def test_bad_requests_get_a_400_that_says_what_is_wrong(live_server, papers, body, message):
    response = post(live_server, body)

    assert response.status_code == 400
    assert message in response.json()["error"]


def test_unknown_ids_are_listed_in_the_error(live_server, papers):
    response = post(live_server, {"liked": ["2611.01000", "2611.09999", "2611.08888"], "week": WEEK})

    assert "2611.09999, 2611.08888" in response.json()["error"]


def test_a_window_without_papers_is_an_empty_list_with_a_note(live_server, papers):
    response = post(live_server, {"liked": ids(papers["robots"][:2]), "date": "2020-01-01"})

    assert response.status_code == 200 and response.json() == []
    assert "No papers from 2020-01-01 to 2020-01-01" in response.headers["X-Recommendations-Note"]


def test_get_ranks_for_the_tokens_reader_and_leaves_out_what_they_dismissed(
    live_server, papers, make_user, make_token
):
    reader = make_user()
    for paper in papers["robots"][:2]:
        Vote.objects.create(user=reader, paper=paper)
    NotInterested.objects.create(user=reader, paper=papers["robots"][2])
    headers = {"Authorization": f"Bearer {make_token(reader)}"}

    response = httpx.get(f"{live_server.url}/api/recommendations?week={WEEK}", headers=headers, timeout=30)

    assert response.status_code == 200
    shown = [item["paper"]["id"] for item in response.json()]
    assert papers["robots"][2].arxiv_id not in shown
    assert shown[:1] == [papers["robots"][3].arxiv_id]
    assert all(item["reason"].endswith("which you upvoted") for item in response.json())


def test_get_needs_a_token(live_server, papers):
    response = httpx.get(f"{live_server.url}/api/recommendations?week={WEEK}", timeout=30)

    assert response.status_code == 401
    assert "access token" in response.json()["error"]


def test_both_operations_are_in_the_openapi_document_with_their_limits(live_server):
    document = httpx.get(f"{live_server.url}/api/openapi.json", timeout=30).json()
    operations = document["paths"]["/api/recommendations"]

    assert set(operations) == {"get", "post"}
    description = operations["post"]["description"]
    assert "1 to 1000 arXiv ids" in description and "`limit` is 1–500" in description
    assert {"date", "week", "month", "after", "before", "limit"} <= {
        p["name"] for p in operations["get"]["parameters"]
    }
