"""What a reader teaches the recommendations, read and changed in one place.

Positives: upvotes and saves (since the reader's last reset), the imported library, the papers
the reader wrote (approved authorship claims) and those of an author name they picked as their
own, picked categories and topics. Negatives: papers marked "not interested".
``paperfeed.recommend`` reads these; pages list and edit them here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import Count, QuerySet
from django.utils import timezone

from paperfeed.community import claims
from paperfeed.community.models import (
    Collection,
    CollectionItem,
    Impression,
    LibraryEntry,
    NotInterested,
    OwnAuthorName,
    PickedTopic,
    RecommendationReset,
    Vote,
)
from paperfeed.papers.author_names import name_key
from paperfeed.papers.models import Authorship, Paper

SAVED_COLLECTION = "Saved"
MAX_AUTHOR_CANDIDATES = 20
MAX_PICKED_TOPICS = 30


def reset_at(user) -> datetime | None:
    """When ``user`` last reset their recommendations: older upvotes and saves do not count."""
    row = RecommendationReset.objects.filter(user=user).first()
    return row.reset_at if row else None


def liked(user) -> QuerySet[Vote]:
    """The upvotes that teach the recommendations."""
    votes = Vote.objects.filter(user=user)
    since = reset_at(user)
    return votes.filter(created_at__gt=since) if since else votes


def saved(user) -> QuerySet[CollectionItem]:
    """The items of the reader's own collections that teach the recommendations."""
    items = CollectionItem.objects.filter(collection__owner=user)
    since = reset_at(user)
    return items.filter(added_at__gt=since) if since else items


def own_paper_ids(user) -> QuerySet:
    """Ids of the papers ``user`` wrote: approved authorship claims (and authorships an import
    linked to their account), and the papers of the author names they said are theirs."""
    names = list(OwnAuthorName.objects.filter(user=user).values_list("name", flat=True))
    ids = claims.authored_paper_ids(user)
    for name in names:
        ids = ids.union(Authorship.paper_ids_by(name))
    return ids


def dismissed_ids(user, paper_ids: list[int] | None = None) -> set[int]:
    """The papers ``user`` marked "not interested" (among ``paper_ids`` if given)."""
    if user is None or not user.is_authenticated:
        return set()
    rows = NotInterested.objects.filter(user=user)
    if paper_ids is not None:
        rows = rows.filter(paper_id__in=paper_ids)
    return set(rows.values_list("paper_id", flat=True))


def dismissed_by(user_ids: list[int]) -> dict[int, set[int]]:
    """Reader id → the papers they marked "not interested", for many readers in one query."""
    found: dict[int, set[int]] = {pk: set() for pk in user_ids}
    rows = NotInterested.objects.filter(user_id__in=user_ids).values_list("user_id", "paper_id")
    for user_id, paper_id in rows:
        found[user_id].add(paper_id)
    return found


def has_signals(user) -> bool:
    """Whether the reader has taught the recommendations anything at all."""
    return (
        liked(user).exists()
        or saved(user).exists()
        or LibraryEntry.objects.filter(user=user).exists()
        or OwnAuthorName.objects.filter(user=user).exists()
        or claims.authored_paper_ids(user).exists()
        or PickedTopic.objects.filter(user=user).exists()
    )


def set_not_interested(user, paper: Paper, dismissed: bool) -> bool:
    """Mark (or unmark) ``paper`` as not interesting to ``user``; returns the state now. An
    upvote stays: a reader may recommend a paper to others and still want no more like it."""
    if dismissed:
        try:
            with transaction.atomic():
                NotInterested.objects.create(user=user, paper=paper)
        except IntegrityError:
            pass  # already marked: a double click
    else:
        NotInterested.objects.filter(user=user, paper=paper).delete()
    return dismissed


def save_paper(user, paper: Paper) -> tuple[Collection, bool]:
    """Put ``paper`` in the reader's private "Saved" collection (made on first use); returns the
    collection and whether the paper was new in it."""
    collection = Collection.objects.filter(owner=user, title=SAVED_COLLECTION).order_by("pk").first()
    if collection is None:
        collection = Collection.objects.create(
            owner=user, title=SAVED_COLLECTION, is_public=False, description="Papers saved from their cards."
        )
    try:
        with transaction.atomic():
            CollectionItem.objects.create(collection=collection, paper=paper)
    except IntegrityError:
        return collection, False
    Collection.objects.filter(pk=collection.pk).update(updated_at=timezone.now())
    return collection, True


def reset(user) -> None:
    """Forget everything: delete the imported library, own names, picks, dismissals and
    impressions; upvotes and collections stay on the site but stop counting from now."""
    with transaction.atomic():
        for model in (LibraryEntry, OwnAuthorName, PickedTopic, NotInterested, Impression):
            model.objects.filter(user=user).delete()
        RecommendationReset.objects.update_or_create(user=user, defaults={"reset_at": timezone.now()})


@dataclass(frozen=True)
class AuthorCandidate:
    name: str
    papers: int


def author_candidates(typed: str) -> list[AuthorCandidate]:
    """Author names like ``typed`` ("He", "Kaiming He", "He, K.") with their paper counts, the
    most prolific first: one range of the ``name_key`` index."""
    key = name_key(typed)
    if len(key) < 2:
        return []
    rows = (
        Authorship.objects.visible()
        .filter(name_key__gte=key, name_key__lt=key + "\uffff")
        .values("name")
        .annotate(papers=Count("paper_id", distinct=True))
        .order_by("-papers", "name")[:MAX_AUTHOR_CANDIDATES]
    )
    return [AuthorCandidate(row["name"], row["papers"]) for row in rows]


def popular_categories(sample: int = 20_000, limit: int = 40) -> list[tuple[str, int]]:
    """The categories of the newest papers, most common first (to pick from when starting)."""
    counts: dict[str, int] = {}
    newest = Paper.objects.filter(hidden=False).order_by("-published").values_list("categories", flat=True)
    for categories in newest[:sample]:
        for category in categories.split():
            counts[category] = counts.get(category, 0) + 1
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:limit]
