"""Every form that changes something needs the CSRF token."""

import pytest
from django.test import Client

from paperfeed.community.models import Collection, Comment, Vote
from paperfeed.papers.models import Listing

pytestmark = pytest.mark.django_db


def test_posts_without_the_csrf_token_are_refused_and_change_nothing(alice, make_dated_paper, recent):
    paper = make_dated_paper(published=recent(days=1))
    comment = Comment.objects.create(paper=paper, author=alice, body="kept")
    shelf = Collection.objects.create(owner=alice, title="Shelf")
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(alice)
    attempts = [
        (f"/papers/{paper.arxiv_id}/upvote", {"action": "up"}),
        (f"/papers/{paper.arxiv_id}/comments", {"body": "forged"}),
        (f"/comments/{comment.pk}/edit", {"body": "forged"}),
        (f"/comments/{comment.pk}/delete", {}),
        ("/collections/new", {"title": "Forged"}),
        (f"/collections/{shelf.pk}/edit", {"title": "Forged"}),
        (f"/collections/{shelf.pk}/add", {"paper": paper.arxiv_id}),
        (f"/collections/{shelf.pk}/delete", {}),
        ("/papers/submit", {"paper": paper.arxiv_id}),
    ]
    for url, data in attempts:
        assert strict.post(url, data).status_code == 403, url
    comment.refresh_from_db()
    assert comment.body == "kept" and not comment.deleted
    assert not Vote.objects.exists() and not shelf.items.exists()
    assert list(Collection.objects.values_list("title", flat=True)) == ["Shelf"]
    assert not Listing.objects.exists()
