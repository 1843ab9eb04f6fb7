"""Starting the recommendations: "these are my papers" by an author name, and picked categories."""

from __future__ import annotations

import pytest

from paperfeed.community.models import OwnAuthorName, PickedTopic

pytestmark = pytest.mark.django_db


def test_author_candidates_are_shown_with_their_paper_counts(user_client, make_paper):
    make_paper("One", authors=["Grace Hopper"])
    make_paper("Two", authors=["Grace Hopper", "Alan Turing"])
    make_paper("Three", authors=["G. Hopperton"])

    page = user_client.get("/for-you/start", {"author": "hopper"}).content.decode()

    assert 'Grace Hopper</span> <span class="muted">2 papers' in page


def test_picking_an_author_name_makes_its_papers_the_readers_own(user_client, make_paper):
    make_paper("One", authors=["Grace Hopper"])

    response = user_client.post("/for-you/start/author", {"name": "Grace Hopper"})

    assert response.status_code == 302
    assert list(OwnAuthorName.objects.values_list("name", flat=True)) == ["Grace Hopper"]


def test_a_name_no_paper_has_is_refused(user_client):
    response = user_client.post("/for-you/start/author", {"name": "Nobody Atall"})

    assert response.status_code == 400
    assert "No paper here has an author named “Nobody Atall”." in response.content.decode()
    assert not OwnAuthorName.objects.exists()


def test_categories_and_topics_can_be_picked_and_bad_ones_are_refused(user_client, make_paper):
    make_paper("One", categories="cs.RO cs.LG")
    assert 'value="cs.RO"' in user_client.get("/for-you/start").content.decode()

    user_client.post("/for-you/start/topics", {"category": ["cs.RO", "cs.LG"], "topics": "LLM safety"})
    assert set(PickedTopic.objects.values_list("kind", "value")) == {
        ("category", "cs.RO"),
        ("category", "cs.LG"),
        ("topic", "LLM safety"),
    }

    response = user_client.post("/for-you/start/topics", {"category": ["<script>"]})
    assert response.status_code == 400 and "is not an arXiv category" in response.content.decode()
    assert PickedTopic.objects.count() == 3


def test_sign_up_leads_to_the_start_page():
    from paperfeed.accounts.adapter import AccountAdapter

    assert AccountAdapter().get_signup_redirect_url(None) == "/for-you/start"


def test_control_characters_in_a_topic_or_an_author_name_are_refused_and_nothing_is_stored(user_client):
    from paperfeed.community.models import OwnAuthorName, PickedTopic

    response = user_client.post("/for-you/start/topics", {"topics": "robots\x00, safety"})
    assert response.status_code == 400 and "control characters" in response.content.decode()
    response = user_client.post("/for-you/start/author", {"name": "Ada\x00Lovelace"})
    assert response.status_code == 400
    assert not PickedTopic.objects.exists() and not OwnAuthorName.objects.exists()
