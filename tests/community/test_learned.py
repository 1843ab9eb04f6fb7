"""The recommendations settings page: what they learned from, removing items, resetting; and the
card actions "save" and "not interested"."""

from __future__ import annotations

import pytest

from paperfeed.community.models import (
    Collection,
    CollectionItem,
    Impression,
    LibraryEntry,
    NotInterested,
    OwnAuthorName,
    PickedTopic,
    Vote,
)
from paperfeed.community.reader_signals import liked, saved
from paperfeed.community.votes import set_vote

pytestmark = pytest.mark.django_db

PAGE = "/settings/recommendations"


@pytest.fixture
def taught(user_client, make_paper):
    """A reader who upvoted, saved, imported, claimed a name, picked a category and dismissed."""
    user = user_client.user
    papers = [make_paper(f"Paper {name}") for name in ("liked", "saved", "imported", "dismissed")]
    set_vote(user, papers[0], True)
    collection = Collection.objects.create(owner=user, title="Reading")
    CollectionItem.objects.create(collection=collection, paper=papers[1])
    LibraryEntry.objects.create(user=user, paper=papers[2], source="bibtex", key="k1")
    OwnAuthorName.objects.create(user=user, name="Ada Lovelace")
    PickedTopic.objects.create(user=user, value="cs.RO")
    NotInterested.objects.create(user=user, paper=papers[3])
    Impression.objects.create(user=user, paper=papers[0], shown_count=3)
    return papers


def test_the_page_lists_everything_the_recommendations_learned_from(user_client, taught):
    page = user_client.get(PAGE).content.decode()

    for heading in ("Liked", "Saved", "Imported", "Your papers", "Categories and topics", "Not interested"):
        assert f">{heading} <span" in page
    for text in ("Paper liked", "Paper saved", "Paper imported", "Paper dismissed", "Ada Lovelace", "cs.RO"):
        assert text in page


@pytest.mark.parametrize("kind", ["imported", "own", "topic", "dismissed"])
def test_removing_an_item_forgets_it(user_client, taught, kind):
    model = {
        "imported": LibraryEntry,
        "own": OwnAuthorName,
        "topic": PickedTopic,
        "dismissed": NotInterested,
    }[kind]
    row = model.objects.get(user=user_client.user)

    response = user_client.post(f"{PAGE}/remove", {"kind": kind, "item": row.pk})

    assert response.status_code == 302
    assert not model.objects.filter(pk=row.pk).exists()


def test_removing_a_liked_paper_takes_back_the_upvote(user_client, taught):
    vote = Vote.objects.get(user=user_client.user)
    user_client.post(f"{PAGE}/remove", {"kind": "liked", "item": vote.pk})

    taught[0].refresh_from_db()
    assert not Vote.objects.filter(pk=vote.pk).exists() and taught[0].upvotes == 0


def test_a_reader_cannot_remove_another_readers_items(client, make_user, taught):
    client.force_login(make_user("other"))
    entry = LibraryEntry.objects.get()

    client.post(f"{PAGE}/remove", {"kind": "imported", "item": entry.pk})

    assert LibraryEntry.objects.filter(pk=entry.pk).exists()


@pytest.mark.parametrize("form", [{"kind": "everything", "item": "1"}, {"kind": "imported", "item": "x"}])
def test_a_bad_removal_is_a_clear_400_that_changes_nothing(user_client, taught, form):
    response = user_client.post(f"{PAGE}/remove", form)

    assert response.status_code == 400
    assert LibraryEntry.objects.count() == 1


def test_reset_asks_first_then_forgets_everything_but_keeps_upvotes_and_collections(user_client, taught):
    user = user_client.user
    assert "Reset recommendations" in user_client.get(f"{PAGE}/reset").content.decode()
    assert user_client.post(f"{PAGE}/reset").status_code == 400  # not confirmed: nothing changes
    assert LibraryEntry.objects.filter(user=user).exists()

    response = user_client.post(f"{PAGE}/reset", {"confirm": "yes"})

    assert response.status_code == 302
    for model in (LibraryEntry, OwnAuthorName, PickedTopic, NotInterested, Impression):
        assert not model.objects.filter(user=user).exists()
    assert Vote.objects.filter(user=user).exists() and CollectionItem.objects.exists()  # still on the site
    assert not liked(user).exists() and not saved(user).exists()  # but no longer teaching
    assert "Paper liked" not in user_client.get(PAGE).content.decode()


def test_not_interested_can_be_undone_and_answers_json_for_the_script(user_client, make_paper):
    paper = make_paper("Dull paper")
    url = f"/papers/{paper.arxiv_id}/not-interested"

    answer = user_client.post(url, {"action": "hide"}, headers={"Accept": "application/json"})
    assert answer.json() == {"not_interested": True}
    user_client.post(url, {"action": "hide"})  # twice: still once
    assert NotInterested.objects.filter(user=user_client.user, paper=paper).count() == 1

    user_client.post(url, {"action": "undo"})
    assert not NotInterested.objects.exists()
    assert user_client.post(url, {"action": "maybe"}).status_code == 400


def test_save_puts_the_paper_in_a_private_saved_collection_once(user_client, make_paper):
    paper = make_paper("Keeper")
    url = f"/papers/{paper.arxiv_id}/save"

    user_client.post(url)
    answer = user_client.post(url, headers={"Accept": "application/json"}).json()

    collection = Collection.objects.get(owner=user_client.user)
    assert (collection.title, collection.is_public) == ("Saved", False)
    assert list(collection.papers.all()) == [paper]
    assert answer["added"] is False


def test_visitors_are_sent_to_log_in_by_the_card_actions(client, make_paper):
    paper = make_paper("Anything")
    for action in ("not-interested", "save"):
        response = client.post(f"/papers/{paper.arxiv_id}/{action}")
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not NotInterested.objects.exists() and not Collection.objects.exists()


@pytest.mark.parametrize("action", ["save", "not-interested"])
def test_a_next_that_is_no_path_goes_back_to_the_paper_never_to_a_view_name(user_client, make_paper, action):
    paper = make_paper("Anything")
    response = user_client.post(f"/papers/{paper.arxiv_id}/{action}", {"next": "ab"})
    assert response.status_code == 302 and response["Location"] == paper.get_absolute_url()
