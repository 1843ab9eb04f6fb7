"""Following and unfollowing: what may be followed, checked before anything is written.

A follow names its target by a value people can read: an author name, a category, a
collection's id, or a search's query with its filters (``cat:cs.LG has:code``, as typed into
the search box). The query of a followed search is checked by the page that offers it (web,
which may import search); here it is only held to its length and to having something in it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlencode

from django.db import IntegrityError, transaction
from django.urls import reverse

from paperfeed.community.following.models import Follow, Kind
from paperfeed.community.models import Collection
from paperfeed.papers.models import Authorship, Paper

# Enough for every author, category and collection a reader keeps up with; a cap, so that one
# account cannot make the Following tab's query (one condition per follow) unboundedly large.
MAX_FOLLOWS = 500
MAX_NAME_LENGTH = 300  # Authorship.name holds at most this
MAX_SEARCH_LENGTH = 250  # as the search box takes
# arXiv categories: "cs.LG", "math.AP", "hep-th", "q-bio.NC".
_CATEGORY = re.compile(r"^[A-Za-z][A-Za-z\-]{0,19}(?:\.[A-Za-z\-]{1,20})?$")


class FollowError(ValueError):
    """Something that cannot be followed, with a message for the person who asked."""


@dataclass(frozen=True)
class Target:
    """A checked thing to follow: what is stored, and how pages name it."""

    kind: str
    value: str
    key: str
    label: str  # "the author Ada Lovelace"
    collection: Collection | None = None

    @property
    def url(self) -> str:
        return target_url(self.kind, self.value)


def target_url(kind: str, value: str) -> str:
    """The page of a followed thing."""
    if kind == Kind.AUTHOR:
        return reverse("papers:author", args=[value])
    if kind == Kind.CATEGORY:
        return reverse("papers:home") + "?" + urlencode({"cat": value})
    if kind == Kind.COLLECTION:
        return reverse("community:collection", args=[value])
    return "/search?" + urlencode({"q": value})


def label_of(kind: str, value: str, collection: Collection | None = None) -> str:
    if kind == Kind.AUTHOR:
        return f"the author {value}"
    if kind == Kind.CATEGORY:
        return f"the category {value}"
    if kind == Kind.COLLECTION:
        return f"the collection “{collection.title if collection else value}”"
    return f"the search “{value}”"


def key_of(kind: str, value: str) -> str:
    """What makes two follows of ``kind`` the same: names and searches whatever their case."""
    if kind in (Kind.AUTHOR, Kind.SEARCH):
        return value.lower()
    return value


def check(user, kind: str, value: str) -> Target:
    """The target ``kind``/``value`` names, or :class:`FollowError` saying why it cannot be followed."""
    value = _clean(value)
    if any(ch < " " for ch in value):  # PostgreSQL cannot even look up a NUL; nothing holds one
        raise FollowError("Names, categories and searches hold no control characters.")
    if kind == Kind.AUTHOR:
        return _author(value)
    if kind == Kind.CATEGORY:
        return _category(value)
    if kind == Kind.COLLECTION:
        return _collection(user, value)
    if kind == Kind.SEARCH:
        return _search(value)
    raise FollowError("Follow an author, a category, a collection or a search.")


def _clean(value) -> str:
    """Spaces folded, as names and queries are compared."""
    return " ".join(str(value).split())


def _author(name: str) -> Target:
    if not name:
        raise FollowError("Say which author to follow.")
    if len(name) > MAX_NAME_LENGTH:
        raise FollowError(f"Author names are at most {MAX_NAME_LENGTH} characters.")
    if not Authorship.paper_ids_by(name).filter(paper__hidden=False).exists():
        raise FollowError(f"No paper here names an author “{name}”.")
    return Target(Kind.AUTHOR, name, key_of(Kind.AUTHOR, name), label_of(Kind.AUTHOR, name))


def _category(category: str) -> Target:
    if not category:
        raise FollowError("Say which category to follow, for example cs.LG.")
    if not _CATEGORY.match(category):
        raise FollowError(f"“{category[:60]}” is not an arXiv category. Categories look like cs.LG.")
    if not Paper.objects.visible().in_category(category).exists():
        raise FollowError(f"No paper here is in the category {category}.")
    return Target(Kind.CATEGORY, category, category, label_of(Kind.CATEGORY, category))


def _collection(user, value: str) -> Target:
    missing = FollowError("There is no such collection, or it is private.")
    if not (value.isascii() and value.isdigit()) or len(value) > 18:
        raise missing
    collection = Collection.objects.filter(pk=int(value)).first()
    if collection is None or not (collection.is_public or collection.owner_id == user.pk):
        raise missing
    value = str(collection.pk)
    return Target(Kind.COLLECTION, value, value, label_of(Kind.COLLECTION, value, collection), collection)


def _search(query: str) -> Target:
    if not query:
        raise FollowError("There is nothing to follow in an empty search: type a few words or a filter.")
    if len(query) > MAX_SEARCH_LENGTH:
        raise FollowError(f"A followed search is at most {MAX_SEARCH_LENGTH} characters long.")
    return Target(Kind.SEARCH, query, key_of(Kind.SEARCH, query), label_of(Kind.SEARCH, query))


def follow(user, kind: str, value: str) -> tuple[Target, bool]:
    """Follow a thing: (the target, True if newly followed; False if it already was).

    Raises :class:`FollowError` for a thing that cannot be followed, or at ``MAX_FOLLOWS``.
    """
    target = check(user, kind, value)
    existing = _stored(user, target)
    if existing is not None:
        return existing, False
    if Follow.objects.filter(user=user).count() >= MAX_FOLLOWS:
        raise FollowError(
            f"You follow {MAX_FOLLOWS} things, the most one member can: unfollow some to follow more."
        )
    try:
        with transaction.atomic():
            Follow.objects.create(
                user=user, kind=target.kind, value=target.value, key=target.key, collection=target.collection
            )
    except IntegrityError:  # the same follow from another tab at the same moment
        return _stored(user, target) or target, False
    return target, True


def _stored(user, target: Target) -> Target | None:
    """The follow already stored for ``target``, named as it was first followed."""
    row = (
        Follow.objects.filter(user=user, kind=target.kind, key=target.key)
        .select_related("collection")
        .first()
    )
    if row is None:
        return None
    return Target(row.kind, row.value, row.key, label_of(row.kind, row.value, row.collection), row.collection)


def unfollow(user, kind: str, value: str) -> Target | None:
    """Stop following: what was followed, or None if it was not. Works for things that no longer exist."""
    value = _clean(value)
    if any(ch < " " for ch in value):
        return None
    stored = _stored(user, Target(kind, value, key_of(kind, value), ""))
    if stored is not None:
        Follow.objects.filter(user=user, kind=kind, key=stored.key).delete()
    return stored


def is_following(user, kind: str, value: str) -> bool:
    if user is None or not user.is_authenticated:
        return False
    value = _clean(value)
    if any(ch < " " for ch in value):
        return False
    return Follow.objects.filter(user=user, kind=kind, key=key_of(kind, value)).exists()


def members_following(user_ids: list[int]) -> set[int]:
    """Those of ``user_ids`` who follow anything."""
    return set(Follow.objects.filter(user_id__in=user_ids).values_list("user_id", flat=True).distinct())


def follows_of(user) -> list[Follow]:
    """Everything ``user`` follows, grouped by kind (collections with their titles)."""
    if user is None or not user.is_authenticated:
        return []
    return list(Follow.objects.filter(user=user).select_related("collection"))
