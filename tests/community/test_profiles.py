"""Profiles: what someone submitted and upvoted, and their collections, with counts."""

from datetime import date

import pytest

from paperfeed.community.models import Collection, CollectionItem, Vote

pytestmark = pytest.mark.django_db


def tab_count(html: str, label: str) -> str:
    return html.split(f'>{label} <span class="count-pill">', 1)[1].split("<", 1)[0]


def test_a_profile_lists_what_the_person_submitted(client, alice, make_dated_paper):
    make_dated_paper("Alice's find", on=date(2025, 3, 18), submitted_by=alice)
    make_dated_paper("Someone else's find", on=date(2025, 3, 18))
    response = client.get("/u/alice")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Alice Liddell" in html and "@alice" in html
    assert "Alice&#x27;s find" in html and "Someone else" not in html
    assert tab_count(html, "Submitted") == "1"


def test_the_upvoted_tab_lists_upvoted_papers_newest_vote_first(client, alice, make_dated_paper):
    first, second = make_dated_paper("Voted first"), make_dated_paper("Voted second")
    Vote.objects.create(user=alice, paper=first)
    Vote.objects.create(user=alice, paper=second)
    html = client.get("/u/alice?tab=upvoted").content.decode()
    assert tab_count(html, "Upvoted") == "2"
    assert html.index("Voted second") < html.index("Voted first")


def test_others_see_only_public_collections(client, alice, bob):
    Collection.objects.create(owner=alice, title="Open shelf")
    Collection.objects.create(owner=alice, title="Secret drawer", is_public=False)
    client.force_login(bob)
    html = client.get("/u/alice?tab=collections").content.decode()
    assert "Open shelf" in html and "Secret drawer" not in html
    assert tab_count(html, "Collections") == "1"


def test_people_see_their_own_private_collections(client, alice):
    Collection.objects.create(owner=alice, title="Secret drawer", is_public=False)
    client.force_login(alice)
    html = client.get("/u/alice?tab=collections").content.decode()
    assert "Secret drawer" in html and "private" in html
    assert tab_count(html, "Collections") == "1"


def test_collection_cards_count_their_visible_papers(client, alice, make_dated_paper):
    shelf = Collection.objects.create(owner=alice, title="Shelf")
    for paper in (make_dated_paper(), make_dated_paper(), make_dated_paper(hidden=True)):
        CollectionItem.objects.create(collection=shelf, paper=paper)
    assert "2 papers" in client.get("/u/alice?tab=collections").content.decode()


def test_imported_users_show_their_submissions(client, make_user, make_dated_paper):
    imported = make_user("akhaliq", imported=True, fullname="AK")
    make_dated_paper("Imported pick", on=date(2024, 6, 3), submitted_by=imported)
    html = client.get("/u/akhaliq").content.decode()
    assert "Imported pick" in html and "imported account" in html


def test_hidden_papers_and_listings_stay_off_profiles(client, alice, make_dated_paper):
    make_dated_paper("Hidden paper", on=date(2025, 3, 18), submitted_by=alice, hidden=True)
    listed = make_dated_paper("Hidden listing", on=date(2025, 3, 18), submitted_by=alice)
    listed.listing.hidden = True
    listed.listing.save()
    html = client.get("/u/alice").content.decode()
    assert "Hidden paper" not in html and "Hidden listing" not in html
    assert tab_count(html, "Submitted") == "0"


def test_an_unknown_user_is_404(client):
    assert client.get("/u/nobody-here").status_code == 404


def test_an_unknown_tab_shows_the_default_and_a_page_past_the_end_is_404(client, alice):
    assert client.get("/u/alice?tab=secrets").status_code == 200
    assert client.get("/u/alice?page=99").status_code == 404
    assert client.get("/u/alice?page=abc").status_code == 404


def test_the_header_links_to_your_own_profile(client, alice):
    client.force_login(alice)
    assert 'href="/u/alice"' in client.get("/u/alice").content.decode()


def test_an_imported_avatar_is_never_loaded_from_its_site(client, make_user):
    make_user("hfperson", avatar_url="https://huggingface.co/avatars/0123.svg")
    html = client.get("/u/hfperson").content.decode()
    assert "huggingface.co" not in html
    assert 'class="avatar avatar-initial avatar-hue-' in html
