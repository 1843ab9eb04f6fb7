"""The home page's Following tab and "Follow this search" on the search page."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from paperfeed.community.following.models import Follow, Kind
from paperfeed.community.following.services import follow
from paperfeed.community.models import NotInterested
from paperfeed.search.errors import QueryError
from paperfeed.web.following import search_to_follow

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(client, make_user):
    user = make_user("follower")
    client.force_login(user)
    return user


@pytest.fixture
def papers(make_paper):
    return {
        "newer": make_paper(
            "Engines of the future", authors=["Ada Lovelace"], published=datetime(2026, 11, 18, tzinfo=UTC)
        ),
        "older": make_paper(
            "Engines of the past", authors=["Ada Lovelace"], published=datetime(2026, 3, 1, tzinfo=UTC)
        ),
        "other": make_paper("Unrelated work", authors=["Grace Hopper"], categories="cs.PL"),
    }


def titles(response) -> list[str]:
    return [card.paper.title for card in (row["card"] for row in response.context["rows"])]


def test_the_tab_lists_papers_from_what_the_member_follows_newest_first_with_why(client, member, papers):
    follow(member, Kind.AUTHOR, "Ada Lovelace")
    response = client.get("/following")
    assert response.status_code == 200
    assert titles(response) == ["Engines of the future", "Engines of the past"]
    page = response.content.decode()
    assert "Why this? You follow the author Ada Lovelace" in page
    assert 'aria-current="page">Following</a>' in page
    assert "New papers from the 1 author you follow, newest first." in page
    assert "Unrelated work" not in page


def test_the_heading_counts_what_is_followed_by_kind(client, member, papers):
    follow(member, Kind.AUTHOR, "Ada Lovelace")
    follow(member, Kind.AUTHOR, "Grace Hopper")
    follow(member, Kind.CATEGORY, "cs.PL")
    follow(member, Kind.SEARCH, "engines")
    page = client.get("/following").content.decode()
    assert "New papers from the 2 authors, 1 category and 1 search you follow, newest first." in page


def test_papers_the_member_dismissed_are_left_out(client, member, papers):
    follow(member, Kind.AUTHOR, "Ada Lovelace")
    NotInterested.objects.create(user=member, paper=papers["newer"])
    assert titles(client.get("/following")) == ["Engines of the past"]


def test_following_nothing_explains_how_to_follow(client, member, papers):
    page = client.get("/following").content.decode()
    assert "You follow nothing yet" in page
    assert "open an author's name on any paper card" in page and "Follow this search" in page


def test_following_things_without_papers_says_they_will_come(client, member, papers):
    follow(member, Kind.AUTHOR, "Ada Lovelace")
    papers["newer"].hidden = papers["older"].hidden = True
    papers["newer"].save()
    papers["older"].save()
    assert "No papers yet from what you follow" in client.get("/following").content.decode()


@pytest.mark.parametrize("page", ["2", "0", "-1", "abc", "9" * 30, "201", "²"])
def test_a_page_past_the_end_is_a_404(client, member, papers, page):
    follow(member, Kind.AUTHOR, "Ada Lovelace")
    assert client.get(f"/following?page={page}").status_code == 404


def test_pages_go_older_without_counting_everything(client, member, make_paper, monkeypatch):
    from paperfeed.web import following

    monkeypatch.setattr(following, "PAGE_SIZE", 2)
    for day in range(1, 6):
        make_paper(f"Day {day}", authors=["Ada Lovelace"], published=datetime(2026, 11, day, tzinfo=UTC))
    follow(member, Kind.AUTHOR, "Ada Lovelace")
    first, second, third = (client.get(f"/following?page={n}") for n in (1, 2, 3))
    assert titles(first) == ["Day 5", "Day 4"] and 'href="?page=2">Older' in first.content.decode()
    assert titles(second) == ["Day 3", "Day 2"] and 'href="?page=1">← Newer' in second.content.decode()
    assert titles(third) == ["Day 1"] and "Older" not in third.content.decode()
    assert client.get("/following?page=4").status_code == 404


def test_a_visitor_is_asked_to_log_in_and_comes_back(client):
    response = client.get("/following")
    assert response["Location"] == "/accounts/login/?next=/following"
    landing = client.get(response["Location"])
    assert "Log in to see new papers from what you follow." in str(list(landing.context["messages"])[0])


def test_the_home_page_offers_the_following_tab(client, make_paper):
    make_paper("Today", listed_on=datetime.now(UTC).date())
    page = client.get("/").content.decode()
    assert 'href="/following">Following</a>' in page and 'aria-current="page">All papers</a>' in page


@pytest.mark.parametrize(
    ("typed", "category", "code", "kept"),
    [
        ("protein folding", "", False, "protein folding"),
        ("protein  folding after:2025-01-01 year:2024", "", False, "protein folding"),
        (
            '"graph networks" before:2026-01-01 -survey',
            "cs.LG",
            True,
            '"graph networks" -survey cat:cs.LG has:code',
        ),
        ("", "q-bio.BM", False, "cat:q-bio.BM"),
    ],
)
def test_a_followed_search_keeps_words_category_and_code_but_not_dates(typed, category, code, kept):
    assert search_to_follow(typed, category, code) == kept


@pytest.mark.parametrize(
    ("typed", "category", "message"),
    [
        ("", "", "Type a few words"),
        ("after:2025-01-01", "", "Type a few words"),
        ("word " * 60, "", "limited to 250 characters"),
        ("graphs", "not a category!", "is not an arXiv category"),
        ("colour:red", "", "Unknown filter “colour:”"),
    ],
)
def test_a_search_that_cannot_run_cannot_be_followed(typed, category, message):
    with pytest.raises(QueryError, match=message):
        search_to_follow(typed, category)


def test_follow_this_search_from_the_search_page(client, member, papers):
    # A search by filters alone needs no index: the category page of search.
    page = client.get("/search?cat=cs.PL")
    assert b'action="/search/follow"' in page.content and b"Follow this search" in page.content
    response = client.post(
        "/search/follow", {"query": "", "cat": "cs.PL", "next": "/search?cat=cs.PL"}, follow=True
    )
    assert response.redirect_chain == [("/search?cat=cs.PL", 302)]
    assert [str(m) for m in response.context["messages"]] == [
        "You now follow the search “cat:cs.PL”. New papers from it show under Following."
    ]
    assert b"Following this search" in response.content
    again = client.post("/search/follow", {"query": "", "cat": "cs.PL"}, follow=True)
    assert [str(m) for m in again.context["messages"]] == [
        "You are already following the search “cat:cs.PL”."
    ]
    assert list(Follow.objects.values_list("kind", "value")) == [("search", "cat:cs.PL")]
    # The Following tab runs it through search.
    rows = client.get("/following").context["rows"]
    assert [(row["card"].paper.title, row["reason"]) for row in rows] == [
        ("Unrelated work", "You follow the search “cat:cs.PL”")
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"query": ""}, "This search cannot be followed: Type a few words"),
        ({"query": "word " * 60}, "This search cannot be followed: Queries are limited to 250 characters."),
        ({"query": "a\x00b"}, "Names, categories and searches hold no control characters."),
        ({"query": "x", "cat": "<script>"}, "is not an arXiv category"),
    ],
)
def test_following_a_bad_search_is_a_400_saying_why(client, member, data, message):
    response = client.post("/search/follow", data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Follow.objects.exists()


def test_a_visitor_following_a_search_meets_the_sign_in_wall_and_follows_it_once_in(client, make_user):
    response = client.post("/search/follow", {"query": "graphs", "next": "/search?q=graphs"})
    assert response["Location"] == "/accounts/login/?next=/continue"
    assert not Follow.objects.exists()
    client.force_login(make_user("follower"))
    assert client.get("/continue")["Location"] == "/search?q=graphs"
    assert Follow.objects.get().value == "graphs"
