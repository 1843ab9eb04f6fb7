"""What the paper page and feed cards get from the community app."""

from datetime import date

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory

from paperfeed.community.context import paper_page_context
from paperfeed.community.models import Collection, CollectionItem, Comment, Vote
from paperfeed.community.shown import voted_paper_ids

pytestmark = pytest.mark.django_db


def request_for(user, path="/papers/x"):
    request = RequestFactory().get(path)
    request.user = user
    return request


def test_voted_paper_ids_are_the_users_votes_among_the_given_papers(alice, bob, make_dated_paper):
    a, b, c = make_dated_paper(), make_dated_paper(), make_dated_paper()
    Vote.objects.create(user=alice, paper=a)
    Vote.objects.create(user=alice, paper=c)
    Vote.objects.create(user=bob, paper=b)
    assert voted_paper_ids(alice, [a.pk, b.pk]) == {a.pk}
    assert voted_paper_ids(AnonymousUser(), [a.pk, b.pk, c.pk]) == set()


def test_the_paper_page_context_for_a_visitor(make_dated_paper, alice):
    paper = make_dated_paper(imported_comment_count=4)
    Comment.objects.create(paper=paper, author=alice, body="hi")
    shelf = Collection.objects.create(owner=alice, title="Shelf")
    CollectionItem.objects.create(collection=shelf, paper=paper)
    context = paper_page_context(request_for(AnonymousUser(), f"/papers/{paper.arxiv_id}"), paper)
    assert context["voted"] is False
    assert [item.comment.body for item in context["comments"]] == ["hi"]
    assert context["comment_count"] == 1  # the comment on the page; the 4 imported ones are not
    assert context["comment_form"] is None and context["new_collection_form"] is None
    assert context["login_url"] == f"/accounts/login/?next=/papers/{paper.arxiv_id}"
    assert context["paper_collections"] == [shelf]
    assert context["my_collections"] == []


def test_the_paper_page_context_for_a_signed_in_reader(make_dated_paper, alice):
    paper = make_dated_paper()
    Vote.objects.create(user=alice, paper=paper)
    holding = Collection.objects.create(owner=alice, title="A holds it", is_public=False)
    CollectionItem.objects.create(collection=holding, paper=paper)
    Collection.objects.create(owner=alice, title="B is empty")
    context = paper_page_context(request_for(alice), paper)
    assert context["voted"] is True
    assert context["comment_form"] is not None and context["new_collection_form"] is not None
    assert [(c.title, c.contains) for c in context["my_collections"]] == [
        ("A holds it", True),
        ("B is empty", False),
    ]
    assert context["paper_collections"] == []  # private collections are not listed publicly


def test_feed_cards_carry_an_upvote_form_for_every_paper(client, alice, make_dated_paper):
    papers = [make_dated_paper(f"Paper {n}", on=date(2025, 3, 18)) for n in range(3)]
    Vote.objects.create(user=alice, paper=papers[1])
    client.force_login(alice)
    html = client.get("/papers/date/2025-03-18").content.decode()
    for paper in papers:
        assert f'action="/papers/{paper.arxiv_id}/upvote"' in html
    assert html.count('aria-pressed="true"') == 1
    # Each upvote form comes back to this page (so do the save and not-interested forms).
    assert html.count('class="upvote-form"') == 3


def test_the_site_header_links_submit_and_the_profile(client, alice):
    client.force_login(alice)
    html = client.get("/papers/submit").content.decode()
    assert 'href="/papers/submit" aria-current="page"' in html
    assert 'href="/u/alice"' in html
