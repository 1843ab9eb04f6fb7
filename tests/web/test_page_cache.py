"""Visitors' feed pages come from a cache that every write to the feed invalidates at once.

Signed-in members always get their own page; CSRF tokens are never shared between visitors.
"""

import re
from datetime import date

import httpx
import pytest
from django.contrib.messages import constants
from django.contrib.messages.storage.cookie import CookieStorage
from django.http import HttpResponse
from django.middleware.csrf import _unmask_cipher_token
from django.test import Client, RequestFactory

from paperfeed.community.models import Comment
from paperfeed.community.votes import set_vote
from paperfeed.core import feed_version
from paperfeed.papers.models import Listing, Paper

pytestmark = pytest.mark.django_db

DAY = date(2025, 3, 18)
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def upvote_count(html: str, paper: Paper) -> int:
    card = html[html.index(f'id="title-{paper.pk}"') - 2000 : html.index(f'id="title-{paper.pk}"')]
    return int(re.findall(r"data-upvote-count>([\d,]+)<", card)[-1].replace(",", ""))


def card_titles(html: str) -> list[str]:
    return re.findall(r'<h2 class="card-title"[^>]*><a [^>]*>([^<]+)</a>', html)


def page(client: Client, url: str = "/") -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def cached_page(django_assert_num_queries):
    """A visitor's page that must come from the cache (one query: the feed version)."""

    def get(url: str = "/") -> str:
        with django_assert_num_queries(1):
            return page(Client(), url)

    return get


def test_a_repeated_visitor_view_is_served_from_the_cache_with_a_single_query(
    client, make_dated_paper, cached_page
):
    make_dated_paper("Cached", on=DAY)
    first = page(client)
    second = cached_page()
    assert TOKEN.sub("", first) == TOKEN.sub("", second)
    assert "Cached" in second


def test_a_vote_shows_up_on_the_next_anonymous_page_view(client, make_user, make_dated_paper, cached_page):
    paper = make_dated_paper("Popular", on=DAY, upvotes=41)
    voter = make_user()
    assert upvote_count(page(client), paper) == 41
    assert upvote_count(cached_page(), paper) == 41
    set_vote(voter, paper, True)
    assert upvote_count(page(client), paper) == 42
    assert upvote_count(page(client, "/papers/date/2025-03-18"), paper) == 42


def test_writes_that_bypass_model_signals_invalidate_too(client, make_dated_paper, cached_page):
    paper = make_dated_paper("Old title", on=DAY)
    assert "Old title" in page(client)
    assert "Old title" in cached_page()
    Paper.objects.filter(pk=paper.pk).update(title="New title")  # one UPDATE, no save()
    assert "New title" in page(client)
    Listing.objects.filter(paper=paper).update(hidden=True)  # moderation
    assert "New title" not in page(client, "/papers/date/2025-03-18")


def test_a_new_comment_changes_the_count_on_the_next_view(client, make_user, make_dated_paper, cached_page):
    paper = make_dated_paper("Discussed", on=DAY)
    author = make_user()
    page(client)
    before = cached_page()
    Comment.objects.create(paper=paper, author=author, body="Nice result.")
    after = page(client)
    assert TOKEN.sub("", before) != TOKEN.sub("", after)
    assert re.search(r"</svg> 1<span class=\"visually-hidden\"> comments", after)


def test_each_sort_category_and_page_is_cached_separately(client, make_dated_paper):
    make_dated_paper("Machine learning", on=DAY, categories="cs.LG", upvotes=1)
    make_dated_paper("Vision", on=DAY, categories="cs.CV", upvotes=9)
    page(client)
    only_lg = page(client, "/?cat=cs.LG")
    assert "Machine learning" in only_lg and "Vision" not in only_lg
    assert card_titles(page(client, "/?sort=newest")) == ["Vision", "Machine learning"]
    assert "Machine learning" in page(client, "/?utm_source=mail")  # other parameters: rendered, not cached


def test_a_signed_in_member_sees_their_own_upvoted_state_and_name(
    client, make_user, make_dated_paper, cached_page
):
    paper = make_dated_paper("Liked", on=DAY, upvotes=5)
    alice = make_user("alice")
    page(client)
    cached_page()
    set_vote(alice, paper, True)
    member = Client()
    member.force_login(alice)
    own = page(member)
    assert 'aria-pressed="true"' in own and "is-voted" in own
    assert "alice" in own and "Log out" in own
    assert upvote_count(own, paper) == 6
    visitor = page(Client())
    assert 'aria-pressed="true"' not in visitor and "alice" not in visitor and "Log out" not in visitor
    assert upvote_count(visitor, paper) == 6


def test_a_members_page_is_never_served_to_visitors_or_other_members(client, make_user, make_dated_paper):
    make_dated_paper("Shared", on=DAY)
    alice, bob = make_user("alice"), make_user("bob")
    alice_client, bob_client = Client(), Client()
    alice_client.force_login(alice)
    bob_client.force_login(bob)
    alice_page = page(alice_client)
    visitor_page = page(client)
    bob_page = page(bob_client)
    assert "alice" in alice_page and "alice" not in visitor_page and "alice" not in bob_page
    assert "bob" in bob_page
    assert TOKEN.findall(alice_page)[0] not in visitor_page + bob_page


def test_every_visitor_gets_their_own_csrf_token_that_matches_their_cookie(make_dated_paper):
    make_dated_paper("Tokens", on=DAY)
    tokens = []
    for _ in range(3):
        visitor = Client(enforce_csrf_checks=True)
        html = page(visitor)
        found = set(TOKEN.findall(html))
        assert len(found) == 1  # every form on the page carries this visitor's token
        token = found.pop()
        cookie = visitor.cookies["csrftoken"].value
        assert _unmask_cipher_token(token) == cookie
        tokens.append(cookie)
        # The token works: the digest sign-up form on the page is accepted (a 403 would mean a bad token).
        response = visitor.post("/digest/subscribe/", {"email": "reader@example.org", "frequency": "daily",
                                                       "csrfmiddlewaretoken": token})  # fmt: skip
        assert response.status_code != 403
    assert len(set(tokens)) == 3


def test_a_visitor_with_messages_waiting_gets_a_fresh_page(client, make_dated_paper):
    make_dated_paper("Messages", on=DAY)
    page(client)
    storage = CookieStorage(RequestFactory().get("/"))
    storage.add(constants.SUCCESS, "Check your inbox to confirm.")
    carrier = HttpResponse()
    storage.update(carrier)
    client.cookies["messages"] = carrier.cookies["messages"].value
    assert "Check your inbox to confirm." in page(client)


def test_the_feed_version_changes_with_writes_and_not_with_reads(make_user, make_dated_paper):
    paper = make_dated_paper("Versioned", on=DAY)
    before = feed_version.current()
    assert before is not None
    list(Paper.objects.all())
    assert feed_version.current() == before
    set_vote(make_user(), paper, True)
    after_vote = feed_version.current()
    assert after_vote != before
    set_vote(Paper.objects.get().votes.get().user, paper, False)
    assert feed_version.current() not in (before, after_vote)


@pytest.mark.django_db(transaction=True)
def test_a_vote_committed_by_another_connection_shows_on_the_live_site(
    live_server, make_user, make_dated_paper
):
    paper = make_dated_paper("Live", on=DAY, upvotes=1)
    with httpx.Client(base_url=live_server.url) as visitor:
        assert upvote_count(visitor.get("/").text, paper) == 1
        assert upvote_count(visitor.get("/").text, paper) == 1
        set_vote(make_user(), paper, True)  # committed in the test's own connection
        assert upvote_count(visitor.get("/").text, paper) == 2
