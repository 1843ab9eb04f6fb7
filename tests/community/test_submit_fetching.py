"""Submitting a paper the site does not have yet: the request is answered at once, the paper is
fetched from arXiv outside it, and the submitter sees "Fetching … from arXiv…" and then the result."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command

from paperfeed.api.tokens import issue_token
from paperfeed.community import fetches
from paperfeed.community.models import FetchStatus, PendingSubmission
from paperfeed.papers.models import Listing, Paper

pytestmark = pytest.mark.django_db


def submit(client, text, **extra):
    return client.post("/papers/submit", {"paper": text, **extra})


def on_arxiv(fake_arxiv, arxiv_id: str, published, title: str = "Learning to   Fetch") -> None:
    fake_arxiv.add_entry(
        arxiv_id,
        version=2,
        title=title,
        published=published.strftime("%Y-%m-%dT%H:%M:%SZ"),
        authors=["Grace Hopper", "Edsger Dijkstra"],
    )


def test_an_unknown_paper_is_fetched_after_the_answer_and_then_listed(client, alice, fake_arxiv, recent):
    on_arxiv(fake_arxiv, "2411.05678", recent(days=2))
    client.force_login(alice)

    response = submit(client, "https://arxiv.org/abs/2411.05678")

    pending = PendingSubmission.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/papers/submit/{pending.pk}"
    assert fake_arxiv.requests == []  # the request did not wait on arXiv
    waiting = client.get(response["Location"])
    html = waiting.content.decode()
    assert waiting.status_code == 202
    assert "Fetching 2411.05678 from arXiv…" in html
    assert '<meta http-equiv="refresh" content="2">' in html  # refreshes without JavaScript

    assert fetches.drain() == 1

    done = client.get(response["Location"])
    assert done.status_code == 302 and done["Location"] == "/papers/2411.05678"
    paper = Paper.objects.get(arxiv_id="2411.05678")
    assert paper.title == "Learning to Fetch"
    assert list(paper.authorships.values_list("name", flat=True)) == ["Grace Hopper", "Edsger Dijkstra"]
    assert paper.listing.submitted_by == alice
    assert "is on today&#x27;s feed" in client.get(done["Location"]).content.decode()
    assert [asked["id_list"] for asked in fake_arxiv.api_requests()] == ["2411.05678"]


@pytest.mark.parametrize(
    ("days_ago", "known", "status", "message"),
    [
        (40, True, 400, "only papers from the last 14 days can be submitted"),
        (None, False, 404, "arXiv has no paper 2411.05678. Check the id."),
    ],
)
def test_a_failed_fetch_is_explained_on_the_submitters_page(
    client, alice, fake_arxiv, recent, days_ago, known, status, message
):
    if known:
        on_arxiv(fake_arxiv, "2411.05678", recent(days=days_ago))
    client.force_login(alice)
    follow = submit(client, "2411.05678")["Location"]

    fetches.drain()

    page = client.get(follow)
    assert page.status_code == status
    html = page.content.decode()
    assert message in html and 'value="2411.05678"' in html  # the form, ready to try again
    assert not Listing.objects.exists()


def test_arxiv_being_unreachable_is_explained_not_a_crash(client, alice, arxiv_down):
    client.force_login(alice)
    follow = submit(client, "2411.05678")["Location"]

    fetches.drain()

    page = client.get(follow)
    assert page.status_code == 503
    html = page.content.decode()
    assert "Could not look 2411.05678 up on arXiv" in html and "Try again in a few minutes" in html
    assert not Paper.objects.exists()


def test_submitting_a_waiting_paper_again_does_not_queue_it_twice(client, alice, bob, fake_arxiv, recent):
    on_arxiv(fake_arxiv, "2411.05678", recent(days=1))
    client.force_login(alice)
    first = submit(client, "2411.05678")["Location"]
    again = submit(client, "arXiv:2411.05678v2")["Location"]
    client.force_login(bob)
    bobs = submit(client, "2411.05678")["Location"]

    fetches.drain()

    assert first == again != bobs
    assert PendingSubmission.objects.filter(user=alice).count() == 1
    assert len(fake_arxiv.requests) == 1  # one fetch for everyone who asked
    assert Listing.objects.get().submitted_by == alice  # the first to ask
    bobs_page = client.get(bobs)
    assert bobs_page.status_code == 409 and "is already on the feed" in bobs_page.content.decode()


def test_waiting_submissions_count_against_the_daily_cap(client, alice, fake_arxiv, settings):
    settings.SUBMISSIONS_PER_DAY = 2
    client.force_login(alice)
    submit(client, "2411.00001")
    submit(client, "2411.00002")

    response = submit(client, "2411.00003")

    assert response.status_code == 429 and "the daily limit" in response.content.decode()
    assert PendingSubmission.objects.count() == 2


def test_the_queue_of_waiting_papers_is_capped(client, alice, bob, fake_arxiv, settings):
    settings.ARXIV_FETCH_QUEUE_MAX = 1
    client.force_login(alice)
    submit(client, "2411.00001")
    client.force_login(bob)

    response = submit(client, "2411.00002")

    assert response.status_code == 503
    assert "Too many papers are waiting to be fetched from arXiv" in response.content.decode()
    assert PendingSubmission.objects.count() == 1


def test_only_the_submitter_sees_the_waiting_page(client, alice, bob, fake_arxiv):
    client.force_login(alice)
    follow = submit(client, "2411.05678")["Location"]
    client.force_login(bob)
    assert client.get(follow).status_code == 404


def test_the_worker_fetches_waiting_submissions(client, alice, fake_arxiv, recent):
    on_arxiv(fake_arxiv, "2411.05678", recent(days=1))
    client.force_login(alice)
    submit(client, "2411.05678")
    out = StringIO()

    call_command("worker", "--once", "--no-ingest", stdout=out, stderr=StringIO())

    assert "Fetched 1 submitted paper(s) from arXiv." in out.getvalue()
    assert Listing.objects.get().paper.arxiv_id == "2411.05678"
    assert PendingSubmission.objects.get().status == FetchStatus.DONE


def test_the_api_answers_202_with_where_to_check_then_the_paper(client, alice, fake_arxiv, recent):
    on_arxiv(fake_arxiv, "2411.05678", recent(days=1))
    auth = {"Authorization": f"Bearer {issue_token(alice, 'script')[1]}"}

    accepted = client.post(
        "/api/papers/submit", json.dumps({"id": "2411.05678"}), content_type="application/json", headers=auth
    )

    assert accepted.status_code == 202
    body = accepted.json()
    assert body["status"] == "fetching" and body["id"] == "2411.05678"
    assert body["message"] == "Fetching 2411.05678 from arXiv…"
    assert accepted["Location"] == body["check"] and accepted["Retry-After"] == "2"
    assert client.get(body["check"], headers=auth).status_code == 202
    assert client.get(body["check"]).status_code == 401  # the submitter's token only

    fetches.drain()

    done = client.get(body["check"], headers=auth)
    assert done.status_code == 200
    assert done.json()["item"]["paper"]["id"] == "2411.05678"
    assert done.json()["item"]["submittedBy"]["user"] == "alice"


def test_the_api_reports_a_failed_fetch_as_the_error(client, alice, fake_arxiv):
    auth = {"Authorization": f"Bearer {issue_token(alice, 'script')[1]}"}
    check = client.post(
        "/api/papers/submit", json.dumps({"id": "2411.99999"}), content_type="application/json", headers=auth
    ).json()["check"]

    fetches.drain()

    failed = client.get(check, headers=auth)
    assert failed.status_code == 404
    assert failed.json() == {"error": "arXiv has no paper 2411.99999. Check the id."}
