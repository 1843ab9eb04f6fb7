"""Writes with a token follow the web forms' rules: window, caps, rate limits (429 + Retry-After)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from paperfeed.community.models import Comment, Vote
from paperfeed.papers.models import Listing

pytestmark = pytest.mark.django_db


def post_json(client, url: str, data, auth: dict):
    return client.post(url, data, content_type="application/json", headers=auth)


@pytest.fixture
def caller(make_user, make_token):
    user = make_user("scripter")
    return user, {"Authorization": f"Bearer {make_token(user)}"}


def test_upvoting_is_idempotent_and_can_be_taken_back(client, make_paper, caller):
    user, auth = caller
    paper = make_paper(arxiv_id="2503.00010", upvotes=3)
    for _ in range(2):
        response = client.post("/api/papers/2503.00010/upvote", headers=auth)
        assert response.json() == {"id": "2503.00010", "upvoted": True, "upvotes": 4}
    assert Vote.objects.filter(user=user, paper=paper).count() == 1
    response = client.delete("/api/papers/2503.00010/upvote", headers=auth)
    assert response.json() == {"id": "2503.00010", "upvoted": False, "upvotes": 3}


def test_search_results_say_whether_the_caller_upvoted(client, make_paper, caller):
    _, auth = caller
    make_paper("Voted on", arxiv_id="2503.00011", listed_on=datetime.now(UTC).date())
    client.post("/api/papers/2503.00011/upvote", headers=auth)
    [mine] = client.get("/api/papers/search", headers=auth).json()
    [anonymous] = client.get("/api/papers/search").json()
    assert mine["upvoted"] is True and anonymous["upvoted"] is False


def test_submitting_puts_a_recent_paper_on_todays_feed(client, make_paper, caller):
    user, auth = caller
    make_paper("Fresh", arxiv_id="2503.00012", published=datetime.now(UTC) - timedelta(days=1))
    response = post_json(client, "/api/papers/submit", {"id": "arXiv:2503.00012v2"}, auth)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["date"] == datetime.now(UTC).date().isoformat()
    assert body["item"]["paper"]["id"] == "2503.00012" and body["item"]["submittedBy"]["user"] == "scripter"
    assert Listing.objects.get(paper__arxiv_id="2503.00012").submitted_by == user


def test_submission_rules_answer_with_specific_errors(client, make_paper, caller):
    _, auth = caller
    make_paper("Old", arxiv_id="2401.00013", published=datetime.now(UTC) - timedelta(days=90))
    make_paper("Listed", arxiv_id="2503.00014", listed_on=datetime.now(UTC).date())

    def submit(text):
        return post_json(client, "/api/papers/submit", {"id": text}, auth)

    too_old = submit("2401.00013")
    assert too_old.status_code == 400 and "only papers from the last" in too_old.json()["error"]
    duplicate = submit("2503.00014")
    assert duplicate.status_code == 409 and "already on the feed" in duplicate.json()["error"]
    malformed = submit("hello")
    assert malformed.status_code == 400 and "is not an arXiv id" in malformed.json()["error"]
    assert post_json(client, "/api/papers/submit", "{", auth).status_code == 400
    assert Listing.objects.count() == 1


def test_the_daily_cap_is_a_429_with_retry_after_until_midnight(client, make_paper, caller, settings):
    _, auth = caller
    settings.SUBMISSIONS_PER_DAY = 1
    for number in (15, 16):
        make_paper(arxiv_id=f"2503.000{number}", published=datetime.now(UTC) - timedelta(days=1))
    ok = post_json(client, "/api/papers/submit", {"id": "2503.00015"}, auth)
    assert ok.status_code == 201
    capped = post_json(client, "/api/papers/submit", {"id": "2503.00016"}, auth)
    assert capped.status_code == 429 and "daily limit" in capped.json()["error"]
    assert 0 < int(capped["Retry-After"]) <= 24 * 3600
    assert not Listing.objects.filter(paper__arxiv_id="2503.00016").exists()


def test_too_many_submission_attempts_are_a_429_with_retry_after(client, caller, settings):
    _, auth = caller
    settings.SUBMIT_ATTEMPTS_PER_MINUTE = 2
    statuses = [post_json(client, "/api/papers/submit", {"id": "bad"}, auth) for _ in range(3)]
    assert [r.status_code for r in statuses] == [400, 400, 429]
    assert statuses[-1]["Retry-After"] == "60"


def test_comments_are_posted_as_markdown_and_listed_in_threads(client, make_paper, caller):
    _, auth = caller
    make_paper(arxiv_id="2503.00017")
    first = post_json(client, "/api/papers/2503.00017/comments", {"body": "Nice **result**"}, auth)
    assert first.status_code == 201, first.content
    comment = first.json()
    assert comment["author"]["user"] == "scripter" and "<strong>result</strong>" in comment["bodyHtml"]
    reply = post_json(
        client, "/api/papers/2503.00017/comments", {"body": "Agreed", "parentId": comment["id"]}, auth
    )
    assert reply.status_code == 201
    [thread] = client.get("/api/papers/2503.00017/comments").json()
    assert thread["body"] == "Nice **result**" and [r["body"] for r in thread["replies"]] == ["Agreed"]
    assert client.get("/api/papers/2503.00017").json()["numComments"] == 2


def test_bad_comments_are_400_and_too_many_are_429(client, make_paper, caller, settings):
    _, auth = caller
    make_paper(arxiv_id="2503.00018")

    def post(body):
        return post_json(client, "/api/papers/2503.00018/comments", body, auth)

    assert "the comment is empty" in post({"body": "   "}).json()["error"]
    assert "at most 10000 characters" in post({"body": "x" * 10_001}).json()["error"]
    assert "does not exist on this paper" in post({"body": "hi", "parentId": 999}).json()["error"]
    assert post({}).status_code == 400
    settings.COMMENTS_PER_MINUTE = 1
    assert post({"body": "one"}).status_code == 201
    limited = post({"body": "two"})
    assert limited.status_code == 429 and limited["Retry-After"] == "60"
    assert Comment.objects.count() == 1
