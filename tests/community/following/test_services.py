"""What may be followed: checked before anything is written, once per thing, up to a limit."""

from __future__ import annotations

import re

import pytest

from paperfeed.community.following import services
from paperfeed.community.following.models import Follow, Kind
from paperfeed.community.following.services import FollowError, follow, is_following, unfollow
from paperfeed.community.models import Collection

pytestmark = pytest.mark.django_db


def test_an_author_is_followed_once_whatever_the_case_and_spacing(member, library):
    target, created = follow(member, Kind.AUTHOR, "Ada Lovelace")
    assert created and target.label == "the author Ada Lovelace"
    again, created_again = follow(member, Kind.AUTHOR, "  ada   LOVELACE ")
    assert not created_again and again.key == "ada lovelace"
    assert Follow.objects.filter(user=member).count() == 1
    assert is_following(member, Kind.AUTHOR, "ADA LOVELACE")


@pytest.mark.parametrize(
    ("kind", "value", "message"),
    [
        (Kind.AUTHOR, "Nobody Here", "No paper here names an author “Nobody Here”."),
        (Kind.AUTHOR, "", "Say which author to follow."),
        (Kind.AUTHOR, "x" * 301, "Author names are at most 300 characters."),
        (Kind.CATEGORY, "cs.XX", "No paper here is in the category cs.XX."),
        (Kind.CATEGORY, "not a category", "“not a category” is not an arXiv category."),
        (Kind.CATEGORY, "", "Say which category to follow"),
        (Kind.COLLECTION, "999999", "There is no such collection, or it is private."),
        (Kind.COLLECTION, "seven", "There is no such collection, or it is private."),
        (Kind.COLLECTION, "9" * 40, "There is no such collection, or it is private."),
        (Kind.COLLECTION, "²", "There is no such collection, or it is private."),
        (Kind.SEARCH, "   ", "There is nothing to follow in an empty search"),
        (Kind.SEARCH, "word " * 60, "A followed search is at most 250 characters long."),
        ("planet", "Mars", "Follow an author, a category, a collection or a search."),
    ],
)
def test_what_cannot_be_followed_is_refused_with_a_reason_and_nothing_stored(
    member, library, kind, value, message
):
    with pytest.raises(FollowError, match=re.escape(message)):
        follow(member, kind, value)
    assert not Follow.objects.exists()


def test_an_author_only_on_a_hidden_paper_cannot_be_followed(member, make_paper):
    make_paper("Hidden", authors=["Only Hidden"], hidden=True)
    with pytest.raises(FollowError):
        follow(member, Kind.AUTHOR, "Only Hidden")


def test_a_category_is_known_from_the_papers_including_inferred_ones(member, make_paper):
    make_paper("Inferred", categories="", inferred_categories="q-bio.NC")
    target, created = follow(member, Kind.CATEGORY, "q-bio.NC")
    assert created and target.url == "/?cat=q-bio.NC"


def test_a_public_collection_or_ones_own_may_be_followed_but_not_someone_elses_private_one(member, make_user):
    other = make_user("other")
    public = Collection.objects.create(owner=other, title="Open list")
    private = Collection.objects.create(owner=other, title="Secret list", is_public=False)
    own_private = Collection.objects.create(owner=member, title="Mine", is_public=False)
    target, created = follow(member, Kind.COLLECTION, str(public.pk))
    assert created and target.collection == public and target.label == "the collection “Open list”"
    with pytest.raises(FollowError, match="no such collection, or it is private"):
        follow(member, Kind.COLLECTION, str(private.pk))
    assert follow(member, Kind.COLLECTION, str(own_private.pk))[1]
    assert set(Follow.objects.values_list("collection__title", flat=True)) == {"Open list", "Mine"}


def test_a_search_is_kept_as_typed_and_matched_whatever_its_case(member):
    target, created = follow(member, Kind.SEARCH, "Protein  folding cat:q-bio.BM")
    assert created and target.value == "Protein folding cat:q-bio.BM"
    assert not follow(member, Kind.SEARCH, "protein folding CAT:q-bio.BM")[1]


def test_a_member_may_follow_at_most_the_limit(member, library, make_paper, monkeypatch):
    monkeypatch.setattr(services, "MAX_FOLLOWS", 2)
    follow(member, Kind.AUTHOR, "Ada Lovelace")
    follow(member, Kind.AUTHOR, "Grace Hopper")
    with pytest.raises(FollowError, match="You follow 2 things, the most one member can"):
        follow(member, Kind.CATEGORY, "cs.LG")
    # Following again what is already followed still says so rather than failing.
    assert follow(member, Kind.AUTHOR, "ada lovelace")[1] is False
    assert Follow.objects.filter(user=member).count() == 2


def test_unfollow_removes_the_follow_and_says_when_there_was_none(member, library):
    follow(member, Kind.AUTHOR, "Ada Lovelace")
    assert unfollow(member, Kind.AUTHOR, "ADA LOVELACE").label == "the author Ada Lovelace"
    assert unfollow(member, Kind.AUTHOR, "Ada Lovelace") is None
    assert unfollow(member, Kind.AUTHOR, "a\x00b") is None
    assert not Follow.objects.exists()


def test_anonymous_visitors_follow_nothing(library):
    from django.contrib.auth.models import AnonymousUser

    assert not is_following(AnonymousUser(), Kind.AUTHOR, "Ada Lovelace")
    assert services.follows_of(AnonymousUser()) == []
