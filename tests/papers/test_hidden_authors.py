"""A hidden author (per the record) is left out wherever names are listed: Authorship.objects.visible()."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from paperfeed.papers.models import Authorship

pytestmark = pytest.mark.django_db

TODAY = datetime.now(UTC).date()
HIDDEN = "Hidden Person"


@pytest.fixture
def paper(make_paper):
    """A listed paper by Grace Hopper and Alan Turing, with a hidden author between them."""
    paper = make_paper(
        "Compilers for everyone", arxiv_id="2503.00501", authors=("Grace Hopper",), listed_on=TODAY
    )
    Authorship.objects.create(paper=paper, position=1, name=HIDDEN, hidden=True)
    Authorship.objects.create(paper=paper, position=2, name="Alan Turing")
    return paper


def test_the_read_rule_keeps_visible_authors_in_order(paper):
    assert Authorship.objects.names_by_paper([paper.pk]) == {paper.pk: ["Grace Hopper", "Alan Turing"]}
    assert list(paper.authorships.visible().values_list("name", flat=True)) == ["Grace Hopper", "Alan Turing"]


@pytest.mark.parametrize("url", ["/", "/papers/trending", "/papers/2503.00501", "/papers/2503.00501.bib"])
def test_pages_and_citations_leave_hidden_authors_out(client, paper, url):
    text = client.get(url).content.decode()
    assert "Grace Hopper" in text
    assert HIDDEN not in text


def test_the_bibtex_lists_visible_authors_only(client, paper):
    bibtex = client.get("/papers/2503.00501.bib").content.decode()
    assert "author = {Grace Hopper and Alan Turing}" in bibtex


def test_collection_cards_leave_hidden_authors_out(client, paper, make_user):
    from paperfeed.community.models import Collection, CollectionItem

    owner = make_user("curator")
    collection = Collection.objects.create(owner=owner, title="Compilers", is_public=True)
    CollectionItem.objects.create(collection=collection, paper=paper)
    text = client.get(collection.get_absolute_url()).content.decode()
    assert "Grace Hopper" in text and HIDDEN not in text


@pytest.mark.parametrize(
    "url", ["/api/daily_papers", "/api/papers/2503.00501", "/api/papers/search", "/papers/2503.00501.md"]
)
def test_the_api_and_markdown_leave_hidden_authors_out(client, paper, url):
    text = client.get(url).content.decode()
    assert "Grace Hopper" in text and "Alan Turing" in text
    assert HIDDEN not in text


def test_digests_use_the_same_rule(paper):
    from paperfeed.digests.compose import DigestItem, author_line, show_items

    item = DigestItem(paper)
    show_items([item])
    assert author_line(item.authors) == "Grace Hopper, Alan Turing"


def test_a_hidden_author_has_no_author_feed_of_their_papers(paper):
    assert list(Authorship.paper_ids_by(HIDDEN)) == []
    assert [row["paper_id"] for row in Authorship.paper_ids_by("grace hopper")] == [paper.pk]
