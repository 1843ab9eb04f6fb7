"""Papers from what a member follows: the Following tab's list and a digest's new papers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest

from paperfeed.community.following.feed import followed, new_in, reasons_for
from paperfeed.community.following.models import Kind
from paperfeed.community.following.services import follow
from paperfeed.community.models import Collection, CollectionItem

pytestmark = pytest.mark.django_db

START = datetime(2026, 11, 16, tzinfo=UTC)
END = datetime(2026, 11, 20, 23, 59, tzinfo=UTC)


@dataclass
class FakeHit:
    paper: object


class FakeSearch:
    """Stands in for search's ``search_papers`` (community may not import search): answers each
    query with the papers given, and records what it was asked."""

    def __init__(self, answers: dict[str, list]) -> None:
        self.answers = answers
        self.asked: list[tuple] = []

    def __call__(self, query: str, *, limit: int, sort: str, mode: str):
        self.asked.append((query, limit, sort, mode))
        if query not in self.answers:
            raise ValueError(f"Unknown filter in “{query}”.")
        hits = [FakeHit(paper) for paper in self.answers[query]]
        return hits, len(hits)


def test_nothing_followed_means_no_papers(member, library):
    found = followed(member)
    assert found.follows == [] and list(found.papers) == []
    assert new_in(member, START, END) == []


def test_a_followed_author_brings_their_visible_papers_newest_first(member, library):
    follow(member, Kind.AUTHOR, "ada lovelace")
    papers = list(followed(member).papers)
    assert papers == [library["ada_new"], library["ada_old"]]  # not the hidden one, nor Grace's


def test_authors_categories_and_collections_together_each_with_its_reason(
    member, library, make_user, make_paper
):
    curator = make_user("curator")
    collection = Collection.objects.create(owner=curator, title="Classics")
    classic = make_paper("A classic", authors=["Someone Else"], categories="physics.hist-ph")
    CollectionItem.objects.create(collection=collection, paper=classic)
    follow(member, Kind.AUTHOR, "Ada Lovelace")
    follow(member, Kind.CATEGORY, "cs.PL")
    follow(member, Kind.COLLECTION, str(collection.pk))
    found = followed(member)
    papers = list(found.papers)
    assert set(papers) == {library["ada_new"], library["ada_old"], library["grace"], classic}
    reasons = reasons_for(found, papers)
    assert reasons[library["ada_new"].pk] == "You follow the author Ada Lovelace"
    assert reasons[library["grace"].pk] == "You follow the category cs.PL"
    assert reasons[classic.pk] == "You follow the collection “Classics”"


def test_a_collection_made_private_stops_counting_except_for_its_owner(member, make_user, make_paper):
    curator = make_user("curator")
    collection = Collection.objects.create(owner=curator, title="Was open")
    paper = make_paper("In the list", authors=["Someone Else"])
    CollectionItem.objects.create(collection=collection, paper=paper)
    follow(member, Kind.COLLECTION, str(collection.pk))
    follow(curator, Kind.COLLECTION, str(collection.pk))
    collection.is_public = False
    collection.save()
    assert list(followed(member).papers) == []
    assert list(followed(curator).papers) == [paper]


def test_followed_searches_run_through_the_search_they_are_given(member, library, make_paper):
    compilers = make_paper("Compiling to the engine", authors=["Someone Else"], categories="cs.PL")
    follow(member, Kind.SEARCH, "compilers")
    follow(member, Kind.SEARCH, "bad:filter")
    search = FakeSearch({"compilers": [compilers, library["hidden"]]})
    found = followed(member, run_search=search)
    # Newest matches, matched by their words: asked once per query, a page at most.
    assert ("compilers", 100, "newest", "keyword") in search.asked
    assert list(found.papers) == [compilers]  # the hidden paper stays hidden
    assert reasons_for(found, [compilers]) == {compilers.pk: "You follow the search “compilers”"}
    assert found.notes == ["Your followed search “bad:filter” could not run: Unknown filter in “bad:filter”."]
    # Without a search to run them, followed searches add nothing (and fail nothing).
    assert list(followed(member).papers) == []


def test_new_in_a_period_means_published_listed_or_added_to_a_followed_collection_then(
    member, make_user, make_paper
):
    names = ["Ada Lovelace"]
    published_in = make_paper(
        "Published in the week", authors=names, published=datetime(2026, 11, 17, tzinfo=UTC)
    )
    listed_in = make_paper(
        "Old but put on the feed this week",
        authors=names,
        published=datetime(2025, 1, 1, tzinfo=UTC),
        listed_on=date(2026, 11, 19),
    )
    make_paper("Old and not new", authors=names, published=datetime(2025, 1, 2, tzinfo=UTC))
    make_paper("Too new", authors=names, published=datetime(2026, 11, 25, tzinfo=UTC))
    curator = make_user("curator")
    collection = Collection.objects.create(owner=curator, title="Picks")
    added = make_paper(
        "Added this week", authors=["Someone Else"], published=datetime(2024, 5, 1, tzinfo=UTC)
    )
    item = CollectionItem.objects.create(collection=collection, paper=added)
    CollectionItem.objects.filter(pk=item.pk).update(added_at=datetime(2026, 11, 18, tzinfo=UTC))
    follow(member, Kind.AUTHOR, "Ada Lovelace")
    follow(member, Kind.COLLECTION, str(collection.pk))

    picks = new_in(member, START, END)
    assert [paper for paper, _ in picks] == [published_in, listed_in, added]  # newest published first
    assert dict(picks)[added] == "You follow the collection “Picks”"
    assert [p for p, _ in new_in(member, START, END, exclude={published_in.pk}, limit=1)] == [listed_in]
