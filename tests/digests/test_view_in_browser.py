"""A digest viewed in the browser: its cards carry the actions of every card (upvote, save, not
interested), which act for whoever is signed in, never for the subscriber the link was made for."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from html import unescape

import pytest
from django.utils import timezone

from digests.helpers import links_in, path_of, send, text_part
from paperfeed.community.models import CollectionItem, NotInterested, Vote
from paperfeed.digests import signing
from paperfeed.digests.periods import upcoming_period

pytestmark = pytest.mark.django_db

ACTIONS = ("upvote", "save", "not-interested")


@pytest.fixture
def owner(make_user, make_subscriber):
    """A member subscribed to the daily digest (trending only: they taught For you nothing)."""
    member = make_user("owner", email="owner@example.org")
    make_subscriber("owner@example.org", user=member)
    return member


@pytest.fixture
def mailed_view(smtp, owner, trending_papers) -> str:
    """The path of the "view in browser" link of the digest mailed to ``owner``."""
    send("daily")
    (message,) = smtp.digests_to("owner@example.org")
    return path_of(next(url for url in links_in(text_part(message)) if "/digest/view/" in url))


def form_fields(page: str, paper, action: str) -> dict[str, str]:
    """The hidden fields of the card's form posting to ``action`` (as a browser would send them)."""
    target = f"/papers/{paper.arxiv_id}/{action}"
    form = re.search(rf'<form[^>]*action="{re.escape(target)}".*?</form>', page, re.S)
    assert form, f"no {action} form on the card of {paper.title}"
    fields = re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form.group(0))
    return {name: unescape(value) for name, value in fields if name != "csrfmiddlewaretoken"}


def test_a_signed_in_reader_sees_every_card_with_its_actions_coming_back_here(
    client, mailed_view, trending_papers, make_user
):
    client.force_login(make_user("reader"))

    page = client.get(mailed_view).content.decode()

    assert '<html lang="en"' in page and 'class="paper-list"' in page  # a site page, not the mail
    for paper in trending_papers:
        assert f'id="title-{paper.pk}"' in page
        for action in ACTIONS:
            assert form_fields(page, paper, action)["next"] == mailed_view
    assert "Trending" in page and "Manage preferences" in page
    assert "View in browser" not in page


def test_the_cards_show_the_upvotes_of_who_is_reading_not_of_the_subscriber(
    client, owner, mailed_view, trending_papers, make_user
):
    owner_liked, reader_liked = trending_papers[0], trending_papers[1]
    Vote.objects.create(user=owner, paper=owner_liked)
    reader = make_user("reader")
    Vote.objects.create(user=reader, paper=reader_liked)
    client.force_login(reader)

    page = client.get(mailed_view).content.decode()

    assert form_fields(page, reader_liked, "upvote")["action"] == "remove"
    assert form_fields(page, owner_liked, "upvote")["action"] == "up"


def test_another_account_acting_from_the_link_acts_for_itself(
    client, mailed_view, trending_papers, make_user
):
    other = make_user("other")
    client.force_login(other)
    paper = trending_papers[2]
    page = client.get(mailed_view).content.decode()

    for action in ACTIONS:
        response = client.post(f"/papers/{paper.arxiv_id}/{action}", form_fields(page, paper, action))
        assert response.status_code == 302 and response["Location"] == mailed_view

    assert list(Vote.objects.filter(paper=paper).values_list("user__username", flat=True)) == ["other"]
    assert list(NotInterested.objects.values_list("user__username", flat=True)) == ["other"]
    assert list(CollectionItem.objects.values_list("collection__owner__username", flat=True)) == ["other"]


def test_a_signed_out_visitor_meets_the_sign_in_wall_and_the_subscriber_is_untouched(
    client, mailed_view, trending_papers
):
    paper = trending_papers[0]
    page = client.get(mailed_view).content.decode()
    assert 'href="/accounts/login/' in page  # the page is open to read, with its forms

    for action in ACTIONS:
        response = client.post(f"/papers/{paper.arxiv_id}/{action}", form_fields(page, paper, action))
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    # Scripts are told where to sign in, too.
    script = client.post(
        f"/papers/{paper.arxiv_id}/upvote", {"action": "up"}, headers={"accept": "application/json"}
    )
    assert script.status_code == 401 and script.json()["login_url"].startswith("/accounts/login/")

    assert not Vote.objects.exists() and not NotInterested.objects.exists()
    assert not CollectionItem.objects.exists()


def test_after_signing_in_the_upvote_is_done_for_the_one_who_signed_in(
    client, mailed_view, trending_papers, make_user
):
    paper = trending_papers[1]
    page = client.get(mailed_view).content.decode()
    client.post(f"/papers/{paper.arxiv_id}/upvote", form_fields(page, paper, "upvote"))
    client.force_login(make_user("visitor"))

    response = client.get("/continue")

    assert response.status_code == 302 and response["Location"] == mailed_view
    assert list(Vote.objects.values_list("user__username", "paper_id")) == [("visitor", paper.pk)]


@pytest.fixture
def reader_with_a_pick(client, make_user, make_subscriber, make_paper):
    """A subscriber whose digest (not sent yet) and For you page both pick one of today's papers."""
    liked = make_paper(
        "Message passing graph neural networks for molecule property prediction",
        abstract="Graph neural networks pass messages between atoms to predict molecule properties.",
        published=datetime.now(UTC) - timedelta(days=400),
    )
    pick = make_paper(
        "Equivariant graph neural networks for molecules",
        abstract="Equivariant graph neural networks pass messages over molecule graphs.",
        listed_on=datetime.now(UTC).date(),
    )
    reader = make_user("reader", email="reader@example.org")
    Vote.objects.create(user=reader, paper=liked)
    subscription = make_subscriber("reader@example.org", user=reader, include_trending=False)
    client.force_login(reader)
    view = path_of(signing.view_url(subscription, upcoming_period("daily", timezone.now()).key))
    return view, pick


def test_not_interested_from_the_digest_hides_the_paper_from_for_you(client, reader_with_a_pick):
    view, pick = reader_with_a_pick
    card = f'id="title-{pick.pk}"'
    page = client.get(view).content.decode()
    assert card in page and "Why this?" in page
    assert card in client.get("/for-you/").content.decode()

    response = client.post(
        f"/papers/{pick.arxiv_id}/not-interested", form_fields(page, pick, "not-interested"), follow=True
    )

    assert response.redirect_chain == [(view, 302)]
    assert "you will see fewer papers like it" in response.content.decode()
    assert card not in response.content.decode()  # the digest leaves it out now, as For you does
    assert card not in client.get("/for-you/").content.decode()
