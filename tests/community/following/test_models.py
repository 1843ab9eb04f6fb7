"""The Follow table: one row per member and thing, gone with its collection or its member."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from paperfeed.community.following.models import Follow, Kind
from paperfeed.community.models import Collection

pytestmark = pytest.mark.django_db


def test_the_same_thing_is_stored_once_per_member(member, make_user):
    Follow.objects.create(user=member, kind=Kind.CATEGORY, value="cs.LG", key="cs.LG")
    with pytest.raises(IntegrityError), transaction.atomic():
        Follow.objects.create(user=member, kind=Kind.CATEGORY, value="cs.LG", key="cs.LG")
    # Another member, or another kind with the same text, is another follow.
    Follow.objects.create(user=make_user(), kind=Kind.CATEGORY, value="cs.LG", key="cs.LG")
    Follow.objects.create(user=member, kind=Kind.SEARCH, value="cs.LG", key="cs.lg")
    assert Follow.objects.count() == 3


def test_deleting_a_collection_or_a_member_ends_their_follows(member, make_user):
    owner = make_user("owner")
    collection = Collection.objects.create(owner=owner, title="Reading group")
    Follow.objects.create(
        user=member,
        kind=Kind.COLLECTION,
        value=str(collection.pk),
        key=str(collection.pk),
        collection=collection,
    )
    Follow.objects.create(user=owner, kind=Kind.AUTHOR, value="Ada Lovelace", key="ada lovelace")
    collection.delete()
    assert not Follow.objects.filter(user=member).exists()
    owner.delete()
    assert not Follow.objects.exists()
