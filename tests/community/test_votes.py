"""Upvotes: one per person and paper, a counter kept in step, with and without JavaScript."""

from datetime import date

import pytest

from paperfeed.community.models import Vote
from paperfeed.community.votes import set_vote
from testkit import DEFAULT_PASSWORD

pytestmark = pytest.mark.django_db

JSON = {"HTTP_ACCEPT": "application/json"}


def test_an_upvote_adds_a_vote_and_counts_on_top_of_imported_upvotes(client, alice, make_dated_paper):
    paper = make_dated_paper("Counting", upvotes=41)
    client.force_login(alice)
    response = client.post(f"/papers/{paper.arxiv_id}/upvote", {"action": "up"}, **JSON)
    assert response.status_code == 200
    assert response.json() == {"voted": True, "upvotes": 42}
    paper.refresh_from_db()
    assert (paper.upvotes, paper.imported_upvotes, paper.local_upvotes) == (42, 41, 1)
    assert Vote.objects.filter(user=alice, paper=paper).count() == 1


def test_posting_without_an_action_toggles_the_vote(client, alice, make_dated_paper):
    paper = make_dated_paper(upvotes=3)
    client.force_login(alice)
    url = f"/papers/{paper.arxiv_id}/upvote"
    assert client.post(url, **JSON).json() == {"voted": True, "upvotes": 4}
    assert client.post(url, **JSON).json() == {"voted": False, "upvotes": 3}
    assert client.post(url, **JSON).json() == {"voted": True, "upvotes": 4}


def test_a_double_click_on_upvote_counts_once(client, alice, make_dated_paper):
    paper = make_dated_paper(upvotes=0)
    client.force_login(alice)
    url = f"/papers/{paper.arxiv_id}/upvote"
    client.post(url, {"action": "up"}, **JSON)
    second = client.post(url, {"action": "up"}, **JSON)
    assert second.json() == {"voted": True, "upvotes": 1}
    assert Vote.objects.count() == 1


def test_removing_a_vote_that_is_not_there_changes_nothing(client, alice, make_dated_paper):
    paper = make_dated_paper(upvotes=7)
    client.force_login(alice)
    response = client.post(f"/papers/{paper.arxiv_id}/upvote", {"action": "remove"}, **JSON)
    assert response.json() == {"voted": False, "upvotes": 7}


def test_a_vote_racing_an_existing_row_is_treated_as_already_voted(alice, make_dated_paper):
    """Another request inserted the row first: the unique constraint fires, the counter stays right."""
    paper = make_dated_paper(upvotes=10)
    Vote.objects.create(user=alice, paper=paper)  # the other request's vote, counter not yet bumped
    paper.upvotes = 11
    paper.save(update_fields=["upvotes"])
    assert set_vote(alice, paper, True) == (True, 11)
    assert Vote.objects.filter(user=alice, paper=paper).count() == 1


def test_votes_from_different_people_add_up(client, alice, bob, make_dated_paper):
    paper = make_dated_paper(upvotes=0)
    for person in (alice, bob):
        client.force_login(person)
        client.post(f"/papers/{paper.arxiv_id}/upvote", {"action": "up"}, **JSON)
    paper.refresh_from_db()
    assert paper.upvotes == 2


def test_without_javascript_the_vote_redirects_back_to_the_page(client, alice, make_dated_paper):
    paper = make_dated_paper(on=date(2025, 3, 18))
    client.force_login(alice)
    response = client.post(
        f"/papers/{paper.arxiv_id}/upvote", {"action": "up", "next": "/papers/date/2025-03-18"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/papers/date/2025-03-18"
    assert Vote.objects.filter(user=alice, paper=paper).exists()


def test_a_next_url_to_another_site_is_ignored(client, alice, make_dated_paper):
    paper = make_dated_paper()
    client.force_login(alice)
    response = client.post(f"/papers/{paper.arxiv_id}/upvote", {"next": "https://evil.example/phish"})
    assert response["Location"] == f"/papers/{paper.arxiv_id}"


def test_anonymous_visitors_are_sent_to_log_in_and_nothing_is_counted(client, make_dated_paper):
    paper = make_dated_paper(upvotes=5)
    response = client.post(f"/papers/{paper.arxiv_id}/upvote", {"next": "/papers/trending"})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/continue"
    as_json = client.post(f"/papers/{paper.arxiv_id}/upvote", **JSON)
    assert as_json.status_code == 401
    assert as_json.json()["login_url"].startswith("/accounts/login/")
    paper.refresh_from_db()
    assert paper.upvotes == 5 and not Vote.objects.exists()


def test_voting_needs_a_post(client, alice, make_dated_paper):
    paper = make_dated_paper()
    client.force_login(alice)
    assert client.get(f"/papers/{paper.arxiv_id}/upvote").status_code == 405
    assert not Vote.objects.exists()


def test_voting_needs_the_csrf_token(alice, make_dated_paper):
    from django.test import Client

    paper = make_dated_paper()
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(alice)
    assert strict.post(f"/papers/{paper.arxiv_id}/upvote", {"action": "up"}).status_code == 403
    assert not Vote.objects.exists()


def test_an_unknown_action_is_a_clear_400(client, alice, make_dated_paper):
    paper = make_dated_paper()
    client.force_login(alice)
    response = client.post(f"/papers/{paper.arxiv_id}/upvote", {"action": "sideways"}, **JSON)
    assert response.status_code == 400
    assert "Unknown vote action" in response.json()["error"]


def test_unknown_and_hidden_papers_cannot_be_voted_on(client, alice, make_dated_paper):
    hidden = make_dated_paper(hidden=True)
    client.force_login(alice)
    assert client.post("/papers/2501.99999/upvote").status_code == 404
    assert client.post(f"/papers/{hidden.arxiv_id}/upvote").status_code == 404
    assert not Vote.objects.exists()


def test_the_button_shows_the_count_and_the_pressed_state(client, alice, make_dated_paper):
    paper = make_dated_paper("Pressed", upvotes=1234, on=date(2025, 3, 18))
    client.force_login(alice)
    page = client.get(f"/papers/{paper.arxiv_id}").content.decode()
    assert 'aria-pressed="false"' in page and "1,234" in page
    client.post(f"/papers/{paper.arxiv_id}/upvote", {"action": "up"})
    for url in (f"/papers/{paper.arxiv_id}", "/papers/date/2025-03-18"):
        html = client.get(url).content.decode()
        assert 'aria-pressed="true"' in html, url
        assert "1,235" in html, url
        assert 'name="action" value="remove"' in html, url


def test_the_login_page_says_why_and_the_vote_is_applied_after_logging_in(client, alice, make_dated_paper):
    paper = make_dated_paper("A paper worth a vote", upvotes=5)
    wall = client.post(f"/papers/{paper.arxiv_id}/upvote", {"action": "up", "next": paper.get_absolute_url()})
    login_page = client.get(wall["Location"]).content.decode()
    assert "Log in to upvote “A paper worth a vote”. It is done as soon as you are in." in login_page
    assert not Vote.objects.exists()
    logged_in = client.post(wall["Location"], {"login": "alice", "password": DEFAULT_PASSWORD})
    assert logged_in["Location"] == "/continue"
    back = client.get("/continue")
    assert back["Location"] == paper.get_absolute_url()
    paper.refresh_from_db()
    assert paper.upvotes == 6 and Vote.objects.filter(user=alice, paper=paper).exists()
    # Only once: the pending action is used up.
    client.get("/continue")
    assert Vote.objects.count() == 1


def test_continuing_without_a_pending_action_changes_nothing(client, alice):
    client.force_login(alice)
    response = client.get("/continue")
    assert response["Location"] == "/" and not Vote.objects.exists()


def test_a_visitor_who_never_logs_in_gets_no_vote(client, make_dated_paper):
    paper = make_dated_paper(upvotes=1)
    client.post(f"/papers/{paper.arxiv_id}/upvote", {"action": "up"})
    response = client.get("/continue")
    assert response["Location"].startswith("/accounts/login/")
    assert not Vote.objects.exists()


@pytest.mark.parametrize("next_value", ["home", "papers:home", "javascript:alert(1)", "//evil.example/x"])
def test_a_next_that_is_not_a_path_on_this_site_goes_back_to_the_paper(
    client, alice, make_dated_paper, next_value
):
    paper = make_dated_paper()
    client.force_login(alice)
    response = client.post(f"/papers/{paper.arxiv_id}/upvote", {"action": "up", "next": next_value})
    assert response.status_code == 302 and response["Location"] == paper.get_absolute_url()
