"""Follow and unfollow forms and the page of what a member follows: plain POSTs with CSRF that
go back where they came from; visitors meet the sign-in wall; bad input is a 400 that says why."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from django.test import Client

from paperfeed.community.following.models import Follow, Kind
from paperfeed.community.following.services import follow
from paperfeed.community.models import Collection

pytestmark = pytest.mark.django_db

AUTHOR_PAGE = "/authors/" + quote("Ada Lovelace")
CONTROL = "Names, categories and searches hold no control characters."


@pytest.fixture
def member_client(client, member):
    client.force_login(member)
    return client


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def test_following_an_author_from_their_page_goes_back_there_and_says_so(member_client, library):
    page = member_client.get(AUTHOR_PAGE)
    assert b'aria-pressed="false">Follow<span class="visually-hidden"> Ada Lovelace' in page.content

    response = member_client.post(
        "/following/follow", {"kind": "author", "value": "Ada Lovelace", "next": AUTHOR_PAGE}, follow=True
    )
    assert response.redirect_chain == [(AUTHOR_PAGE, 302)]
    assert messages_of(response) == [
        "You now follow the author Ada Lovelace. New papers from it show under Following."
    ]
    assert b'aria-pressed="true">Following<span class="visually-hidden"> Ada Lovelace' in response.content


def test_following_the_same_thing_twice_says_already_following_and_changes_nothing(member_client, library):
    data = {"kind": "author", "value": "Ada Lovelace", "next": AUTHOR_PAGE}
    member_client.post("/following/follow", data, follow=True)
    response = member_client.post("/following/follow", {**data, "value": "ADA lovelace"}, follow=True)
    assert messages_of(response) == ["You are already following the author Ada Lovelace."]
    assert Follow.objects.count() == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"kind": "author", "value": "Nobody Here"}, "No paper here names an author “Nobody Here”."),
        ({"kind": "category", "value": "cs.XX"}, "No paper here is in the category cs.XX."),
        ({"kind": "category", "value": "<script>"}, "is not an arXiv category"),
        ({"kind": "collection", "value": "12345"}, "There is no such collection, or it is private."),
        ({"kind": "search", "value": "words"}, "Follow an author, a category or a collection here."),
        ({"kind": "", "value": "x"}, "Follow an author, a category or a collection here."),
        ({}, "Follow an author, a category or a collection here."),
        ({"kind": "author", "value": "x\x00y"}, CONTROL),
        ({"kind": "category", "value": "cs.\x01LG"}, CONTROL),
    ],
)
def test_bad_input_is_a_400_saying_why_and_nothing_is_stored(member_client, library, data, message):
    response = member_client.post("/following/follow", data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Follow.objects.exists()


def test_someone_elses_private_collection_cannot_be_followed(member_client, make_user):
    private = Collection.objects.create(owner=make_user("other"), title="Secret", is_public=False)
    response = member_client.post("/following/follow", {"kind": "collection", "value": str(private.pk)})
    assert response.status_code == 400
    assert "There is no such collection, or it is private." in response.content.decode()
    assert b"Secret" not in response.content
    assert not Follow.objects.exists()


def test_a_public_collection_page_offers_follow_and_a_private_one_does_not(member_client, make_user):
    owner = make_user("owner")
    public = Collection.objects.create(owner=owner, title="Open")
    private = Collection.objects.create(
        owner=member_client.get("/").wsgi_request.user, title="Mine", is_public=False
    )
    assert (
        b'Follow<span class="visually-hidden"> Open' in member_client.get(public.get_absolute_url()).content
    )
    assert b"follow-button" not in member_client.get(private.get_absolute_url()).content
    response = member_client.post(
        "/following/follow",
        {"kind": "collection", "value": str(public.pk), "next": public.get_absolute_url()},
        follow=True,
    )
    assert messages_of(response) == [
        "You now follow the collection “Open”. New papers from it show under Following."
    ]


def test_a_category_chosen_on_the_feed_can_be_followed(member_client, library, make_paper):
    from datetime import UTC, datetime

    make_paper("Listed today", categories="cs.PL", listed_on=datetime.now(UTC).date())
    page = member_client.get("/?cat=cs.PL")
    assert b'<input type="hidden" name="value" value="cs.PL">' in page.content
    member_client.post("/following/follow", {"kind": "category", "value": "cs.PL", "next": "/?cat=cs.PL"})
    assert b'Following<span class="visually-hidden"> cs.PL' in member_client.get("/?cat=cs.PL").content


def test_a_visitor_meets_the_sign_in_wall_that_says_why_and_the_follow_is_done_once_signed_in(
    client, member, library
):
    response = client.post(
        "/following/follow", {"kind": "author", "value": "Ada Lovelace", "next": AUTHOR_PAGE}
    )
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/continue"
    landing = client.get(response["Location"])
    why = "Log in to follow the author Ada Lovelace. It is done as soon as you are in."
    assert why in messages_of(landing)[0]
    assert not Follow.objects.exists()
    assert client.get("/following/manage")["Location"].startswith("/accounts/login/?next=/following/manage")

    client.force_login(member)
    back = client.get("/continue", follow=True)
    assert back.redirect_chain[-1] == (AUTHOR_PAGE, 302)
    followed = list(Follow.objects.values_list("user", "kind", "value"))
    assert followed == [(member.pk, Kind.AUTHOR, "Ada Lovelace")]
    client.get("/continue")  # the pending follow is used up
    assert Follow.objects.count() == 1


def test_a_visitor_following_a_private_collection_is_refused_after_signing_in(
    client, member, make_user, library
):
    private = Collection.objects.create(owner=make_user("curator"), title="Secret", is_public=False)
    client.post("/following/follow", {"kind": "collection", "value": str(private.pk)})
    client.force_login(member)
    response = client.get("/continue")
    assert response.status_code == 400 and not Follow.objects.exists()


def test_a_next_that_leaves_the_site_is_not_followed(member_client, library):
    response = member_client.post(
        "/following/follow", {"kind": "author", "value": "Ada Lovelace", "next": "https://evil.example/"}
    )
    assert response["Location"] == "/following/manage"


def test_the_forms_need_post_and_a_csrf_token(member, library):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(member)
    assert browser.get("/following/follow").status_code == 405
    assert browser.post("/following/follow", {"kind": "author", "value": "Ada Lovelace"}).status_code == 403
    assert not Follow.objects.exists()


def test_the_manage_page_lists_what_is_followed_and_unfollows(member_client, member, library, make_user):
    collection = Collection.objects.create(owner=make_user("curator"), title="Reading group")
    follow(member, Kind.AUTHOR, "Ada Lovelace")
    follow(member, Kind.CATEGORY, "cs.PL")
    follow(member, Kind.COLLECTION, str(collection.pk))
    follow(member, Kind.SEARCH, "compilers cat:cs.PL")
    page = member_client.get("/following/manage").content.decode()
    for heading, link in [
        ("Authors", f'href="{AUTHOR_PAGE}">Ada Lovelace</a>'),
        ("Categories", 'href="/?cat=cs.PL">cs.PL</a>'),
        ("Collections", f'href="/collections/{collection.pk}">Reading group</a>'),
        ("Searches", 'href="/search?q=compilers+cat%3Acs.PL">compilers cat:cs.PL</a>'),
    ]:
        assert f">{heading}</h2>" in page and link in page
    assert "You follow 4 of at most 500." in page

    response = member_client.post(
        "/following/unfollow",
        {"kind": "category", "value": "cs.PL", "next": "/following/manage"},
        follow=True,
    )
    assert messages_of(response) == ["You no longer follow the category cs.PL."]
    gone = member_client.post(
        "/following/unfollow", {"kind": "collection", "value": str(collection.pk)}, follow=True
    )
    assert messages_of(gone) == ["You no longer follow the collection “Reading group”."]
    assert "cs.PL</a>" not in response.content.decode().split("Searches")[0]
    again = member_client.post("/following/unfollow", {"kind": "category", "value": "cs.PL"}, follow=True)
    assert messages_of(again) == ["You were not following the category cs.PL."]
    assert member_client.post("/following/unfollow", {"kind": "nope", "value": "x"}).status_code == 400
    assert Follow.objects.filter(user=member).count() == 2


def test_the_manage_page_explains_how_to_follow_when_nothing_is(member_client):
    page = member_client.get("/following/manage").content.decode()
    assert "You follow nothing yet" in page and "Follow this search" in page
