"""Moderation in the admin: hide and unhide papers, listings and comments; votes stay consistent."""

from datetime import date

import pytest
from django.test import Client

from paperfeed.community.models import Comment, Vote
from paperfeed.papers.models import Listing

pytestmark = pytest.mark.django_db


@pytest.fixture
def moderator(staff):
    """A browser session of a staff member."""
    session = Client()
    session.force_login(staff)
    return session


def run_action(client, model_path, action, ids):
    return client.post(
        f"/admin/{model_path}/", {"action": action, "_selected_action": [str(i) for i in ids]}, follow=True
    )


def test_moderators_hide_and_unhide_a_paper(moderator, client, make_dated_paper):
    paper = make_dated_paper("Spam paper", on=date(2025, 3, 18))
    response = run_action(moderator, "papers/paper", "hide", [paper.pk])
    assert "Hid 1 paper(s)." in response.content.decode()
    paper.refresh_from_db()
    assert paper.hidden
    assert client.get(f"/papers/{paper.arxiv_id}").status_code == 404
    assert "Spam paper" not in client.get("/papers/date/2025-03-18").content.decode()


def test_moderators_unhide_a_paper(moderator, make_dated_paper):
    paper = make_dated_paper(hidden=True)
    run_action(moderator, "papers/paper", "unhide", [paper.pk])
    paper.refresh_from_db()
    assert not paper.hidden


def test_moderators_take_a_listing_off_the_feed_and_back(moderator, make_dated_paper):
    paper = make_dated_paper("Off-topic", on=date(2025, 3, 18))
    run_action(moderator, "papers/listing", "hide", [paper.listing.pk])
    assert Listing.objects.get().hidden
    run_action(moderator, "papers/listing", "unhide", [paper.listing.pk])
    assert not Listing.objects.get().hidden


def test_papers_are_found_by_arxiv_id_and_title(moderator, make_dated_paper):
    make_dated_paper("Attention Is All You Need", arxiv_id="1706.03762")
    make_dated_paper("Something else", arxiv_id="2411.01234")
    by_id = moderator.get("/admin/papers/paper/?q=1706.03762").content.decode()
    assert "Attention Is All You Need" in by_id and "Something else" not in by_id
    by_title = moderator.get("/admin/papers/paper/?q=attention").content.decode()
    assert "1706.03762" in by_title and "2411.01234" not in by_title


def test_moderators_hide_comments_in_bulk_and_filter_them(moderator, client, alice, make_dated_paper):
    paper = make_dated_paper()
    spam = [Comment.objects.create(paper=paper, author=alice, body=f"buy pills {n}") for n in range(2)]
    Comment.objects.create(paper=paper, author=alice, body="a real thought")
    response = run_action(moderator, "community/comment", "hide", [c.pk for c in spam])
    assert "Hid 2 comment(s)." in response.content.decode()
    hidden_list = moderator.get("/admin/community/comment/?hidden__exact=1").content.decode()
    assert "buy pills" in hidden_list and "a real thought" not in hidden_list
    assert "buy pills" in moderator.get("/admin/community/comment/?q=pills").content.decode()
    page = client.get(f"/papers/{paper.arxiv_id}").content.decode()
    assert "buy pills" not in page and "a real thought" in page
    run_action(moderator, "community/comment", "unhide", [spam[0].pk])
    assert Comment.objects.visible().count() == 2


def test_deleting_votes_in_the_admin_keeps_the_counter_right(moderator, alice, bob, make_dated_paper):
    paper = make_dated_paper(upvotes=10)
    from paperfeed.community.votes import set_vote

    set_vote(alice, paper, True)
    set_vote(bob, paper, True)
    ids = list(Vote.objects.values_list("pk", flat=True))
    moderator.post(
        "/admin/community/vote/", {"action": "delete_selected", "_selected_action": ids, "post": "yes"}
    )
    paper.refresh_from_db()
    assert not Vote.objects.exists() and paper.upvotes == 10


def test_the_admin_pages_for_every_model_render(moderator, alice, make_dated_paper):
    paper = make_dated_paper(on=date(2025, 3, 18))
    Comment.objects.create(paper=paper, author=alice, body="hello")
    for path in ("papers/paper", "papers/listing", "papers/authorship", "community/comment",
                 "community/collection", "community/vote"):  # fmt: skip
        assert moderator.get(f"/admin/{path}/").status_code == 200, path
    assert moderator.get(f"/admin/papers/paper/{paper.pk}/change/").status_code == 200


def test_moderators_deactivate_a_user(moderator, alice):
    run_action(moderator, "accounts/user", "deactivate", [alice.pk])
    alice.refresh_from_db()
    assert not alice.is_active


def test_non_staff_cannot_reach_the_admin(client, alice, make_dated_paper):
    comment = Comment.objects.create(paper=make_dated_paper(), author=alice, body="mine")
    client.force_login(alice)
    assert client.get("/admin/community/comment/").status_code == 302
    run_action(client, "community/comment", "hide", [comment.pk])
    comment.refresh_from_db()
    assert not comment.hidden
