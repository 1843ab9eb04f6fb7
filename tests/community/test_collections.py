"""Collections: owners create, edit, fill and delete them; private ones stay private."""

import pytest

from paperfeed.community.models import Collection, CollectionItem

pytestmark = pytest.mark.django_db


@pytest.fixture
def reading_list(alice):
    return Collection.objects.create(owner=alice, title="Reading list", description="To read this week")


def test_a_signed_in_user_creates_a_collection(client, alice):
    client.force_login(alice)
    assert client.get("/collections/new").status_code == 200
    response = client.post(
        "/collections/new", {"title": "Diffusion", "description": "All of it", "is_public": "on"}
    )
    collection = Collection.objects.get()
    assert response["Location"] == f"/collections/{collection.pk}"
    assert (collection.owner, collection.title, collection.is_public) == (alice, "Diffusion", True)


def test_a_collection_needs_a_title(client, alice):
    client.force_login(alice)
    response = client.post("/collections/new", {"title": "   ", "description": ""})
    assert response.status_code == 400
    assert "Give the collection a title." in response.content.decode()
    assert not Collection.objects.exists()


def test_an_overlong_title_is_refused_clearly(client, alice):
    client.force_login(alice)
    response = client.post("/collections/new", {"title": "t" * 121})
    assert response.status_code == 400
    assert "at most 120 characters; this one has 121" in response.content.decode()


def test_creating_from_a_paper_page_adds_the_paper_and_returns_there(client, alice, make_dated_paper):
    paper = make_dated_paper("Flow matching")
    client.force_login(alice)
    response = client.post(
        "/collections/new",
        {"title": "Generative", "is_public": "on", "paper": paper.arxiv_id, "next": paper.get_absolute_url()},
    )
    assert response["Location"] == paper.get_absolute_url()
    assert list(Collection.objects.get().papers.all()) == [paper]


def test_the_public_page_lists_its_papers_as_cards(client, reading_list, make_dated_paper):
    first, second = make_dated_paper("First paper", upvotes=12), make_dated_paper("Second paper")
    CollectionItem.objects.create(collection=reading_list, paper=first)
    CollectionItem.objects.create(collection=reading_list, paper=second)
    response = client.get(f"/collections/{reading_list.pk}")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Reading list" in html and "To read this week" in html
    assert "First paper" in html and "Second paper" in html
    assert 'class="card paper-card"' in html and "Ada Lovelace" in html
    assert "2 papers" in html
    assert "/edit" not in html  # only the owner sees the edit links


def test_hidden_papers_do_not_show_in_collections(client, reading_list, make_dated_paper):
    CollectionItem.objects.create(
        collection=reading_list, paper=make_dated_paper("Removed spam", hidden=True)
    )
    assert "Removed spam" not in client.get(f"/collections/{reading_list.pk}").content.decode()


def test_a_private_collection_is_404_for_everyone_but_its_owner(client, alice, bob, reading_list):
    reading_list.is_public = False
    reading_list.save()
    url = f"/collections/{reading_list.pk}"
    assert client.get(url).status_code == 404
    client.force_login(bob)
    assert client.get(url).status_code == 404
    client.force_login(alice)
    response = client.get(url)
    assert response.status_code == 200 and "private" in response.content.decode()


def test_an_unknown_collection_is_404(client):
    assert client.get("/collections/424242").status_code == 404


def test_owners_add_and_remove_papers(client, alice, reading_list, make_dated_paper):
    paper = make_dated_paper()
    client.force_login(alice)
    back = f"{paper.get_absolute_url()}#collections-heading"
    response = client.post(f"/collections/{reading_list.pk}/add", {"paper": paper.arxiv_id, "next": back})
    assert response["Location"] == back
    assert list(reading_list.papers.all()) == [paper]
    client.post(f"/collections/{reading_list.pk}/add", {"paper": paper.arxiv_id})  # twice is harmless
    assert reading_list.items.count() == 1
    client.post(f"/collections/{reading_list.pk}/remove", {"paper": paper.arxiv_id})
    assert not reading_list.items.exists()


def test_adding_accepts_an_arxiv_url_and_explains_a_bad_id(client, alice, reading_list, make_dated_paper):
    paper = make_dated_paper(arxiv_id="2411.01234")
    client.force_login(alice)
    client.post(f"/collections/{reading_list.pk}/add", {"paper": "https://arxiv.org/abs/2411.01234v3"})
    assert list(reading_list.papers.all()) == [paper]
    bad = client.post(f"/collections/{reading_list.pk}/add", {"paper": "not a paper"})
    assert bad.status_code == 400
    assert "is not an arXiv id" in bad.content.decode()
    assert client.post(f"/collections/{reading_list.pk}/add", {"paper": "2501.99999"}).status_code == 404


def test_only_the_owner_changes_a_collection(client, bob, reading_list, make_dated_paper):
    paper = make_dated_paper()
    client.force_login(bob)
    pk = reading_list.pk
    assert client.get(f"/collections/{pk}/edit").status_code == 403
    assert client.post(f"/collections/{pk}/edit", {"title": "Mine now"}).status_code == 403
    assert client.post(f"/collections/{pk}/add", {"paper": paper.arxiv_id}).status_code == 403
    assert client.post(f"/collections/{pk}/remove", {"paper": paper.arxiv_id}).status_code == 403
    assert client.post(f"/collections/{pk}/delete").status_code == 403
    reading_list.refresh_from_db()
    assert reading_list.title == "Reading list" and not reading_list.items.exists()


def test_anonymous_visitors_are_sent_to_log_in_to_change_collections(client, reading_list):
    response = client.post(f"/collections/{reading_list.pk}/delete")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert Collection.objects.filter(pk=reading_list.pk).exists()


def test_owners_edit_a_collection_and_can_make_it_private(client, alice, reading_list):
    client.force_login(alice)
    response = client.post(
        f"/collections/{reading_list.pk}/edit", {"title": "Weekend reading", "description": ""}
    )
    assert response["Location"] == f"/collections/{reading_list.pk}"
    reading_list.refresh_from_db()
    assert reading_list.title == "Weekend reading" and reading_list.is_public is False  # unchecked box


def test_owners_delete_a_collection_but_not_its_papers(client, alice, reading_list, make_dated_paper):
    paper = make_dated_paper()
    CollectionItem.objects.create(collection=reading_list, paper=paper)
    client.force_login(alice)
    assert client.get(f"/collections/{reading_list.pk}/delete").status_code == 200
    response = client.post(f"/collections/{reading_list.pk}/delete")
    assert response["Location"] == "/u/alice"
    assert not Collection.objects.exists()
    paper.refresh_from_db()


def test_the_paper_page_lists_public_collections_and_offers_yours(
    client, alice, bob, reading_list, make_dated_paper
):
    paper = make_dated_paper()
    CollectionItem.objects.create(collection=reading_list, paper=paper)
    secret = Collection.objects.create(owner=alice, title="Secret stash", is_public=False)
    CollectionItem.objects.create(collection=secret, paper=paper)
    Collection.objects.create(owner=bob, title="Bob's picks")
    html = client.get(paper.get_absolute_url()).content.decode()
    assert "Reading list" in html and "Secret stash" not in html
    assert "to save papers to collections" in html
    client.force_login(bob)
    html = client.get(paper.get_absolute_url()).content.decode()
    assert "Bob&#x27;s picks" in html and f"/collections/{Collection.objects.get(owner=bob).pk}/add" in html
    assert "New collection with this paper" in html
