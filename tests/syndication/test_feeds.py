"""RSS 2.0 and Atom feeds parse cleanly in feedparser and carry ids, dates and links."""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connection
from django.template import Context, Template

from paperfeed.papers.models import Authorship, Paper

pytestmark = pytest.mark.django_db

DAY = date(2025, 3, 18)


def ids(parsed) -> list[str]:
    return [entry.link.rsplit("/papers/", 1)[1] for entry in parsed.entries]


def test_the_daily_feed_holds_the_latest_days_newest_day_first_then_by_upvotes(
    read_feed, feed_format, make_paper
):
    make_paper(arxiv_id="2503.00101", listed_on=DAY - timedelta(days=10))  # older than the latest days
    make_paper(arxiv_id="2503.00102", listed_on=DAY - timedelta(days=1), upvotes=50)
    make_paper(arxiv_id="2503.00103", listed_on=DAY, upvotes=1)
    make_paper(arxiv_id="2503.00104", listed_on=DAY, upvotes=9)
    make_paper(arxiv_id="2503.00105", listed_on=DAY - timedelta(days=2))
    make_paper(arxiv_id="2503.00106", listed_on=DAY - timedelta(days=3))
    parsed = read_feed(f"/feeds/daily.{feed_format}")
    assert ids(parsed) == ["2503.00104", "2503.00103", "2503.00102", "2503.00105"]
    published = parsed.entries[0].published_parsed
    assert datetime.fromtimestamp(calendar.timegm(published), UTC).date() == DAY


def test_entries_carry_title_authors_abstract_and_categories(read_feed, feed_format, make_paper):
    make_paper(
        "Sparse attention at scale",
        arxiv_id="2503.00107",
        authors=("Grace Hopper", "Edsger Dijkstra"),
        abstract="We make attention sparse.",
        categories="cs.LG cs.CL",
        listed_on=DAY,
    )
    [entry] = read_feed(f"/feeds/daily.{feed_format}").entries
    assert entry.title == "Sparse attention at scale"
    assert entry.author == "Grace Hopper, Edsger Dijkstra"
    assert "We make attention sparse." in entry.summary
    assert [tag.term for tag in entry.tags] == ["cs.LG", "cs.CL"]


def test_the_trending_feed_ranks_recent_papers_by_votes(read_feed, feed_format, make_paper):
    today = datetime.now(UTC).date()
    make_paper(arxiv_id="2503.00108", listed_on=today, upvotes=3)
    make_paper(arxiv_id="2503.00109", listed_on=today, upvotes=30)
    # Two months old: the thin week widens to fill the feed, and age sinks it below the fresh ones
    # at any hour of today (with 999 votes it would pass a 3-vote paper by the afternoon).
    make_paper(arxiv_id="2503.00110", listed_on=today - timedelta(days=60), upvotes=200)
    assert ids(read_feed(f"/feeds/trending.{feed_format}")) == ["2503.00109", "2503.00108", "2503.00110"]


def test_the_category_feed_holds_only_that_category(read_feed, feed_format, make_paper):
    make_paper(arxiv_id="2503.00111", categories="cs.CV cs.LG", listed_on=DAY)
    make_paper(arxiv_id="2503.00112", categories="cs.CL", listed_on=DAY)
    make_paper(arxiv_id="2503.00113", categories="cs.LGX", listed_on=DAY)
    parsed = read_feed(f"/feeds/category/cs.LG.{feed_format}")
    assert ids(parsed) == ["2503.00111"]
    assert "cs.LG" in parsed.feed.title


def test_the_author_feed_finds_the_authors_papers_whatever_the_case(read_feed, feed_format, make_paper):
    make_paper(arxiv_id="2503.00114", authors=("Ada Lovelace",), published=datetime(2025, 3, 1, tzinfo=UTC))
    make_paper(arxiv_id="2503.00115", authors=("Charles Babbage", "Ada Lovelace"),
               published=datetime(2025, 3, 5, tzinfo=UTC))  # fmt: skip
    make_paper(arxiv_id="2503.00116", authors=("Ada Byron",))
    parsed = read_feed(f"/feeds/author.{feed_format}?name=ada%20%20lovelace")
    assert ids(parsed) == ["2503.00115", "2503.00114"]


def test_a_public_collection_has_a_feed_and_a_private_one_does_not(client, read_feed, feed_format, make_paper,
                                                                    make_user):  # fmt: skip
    from paperfeed.community.models import Collection, CollectionItem

    owner = make_user("collector")
    shelf = Collection.objects.create(owner=owner, title="Reading list", is_public=True)
    secret = Collection.objects.create(owner=owner, title="Secret", is_public=False)
    for number in (117, 118):
        paper = make_paper(arxiv_id=f"2503.00{number}")
        CollectionItem.objects.create(collection=shelf, paper=paper)
        CollectionItem.objects.create(collection=secret, paper=paper)
    parsed = read_feed(f"/feeds/collection/{shelf.pk}.{feed_format}")
    assert set(ids(parsed)) == {"2503.00117", "2503.00118"}
    assert "Reading list" in parsed.feed.title
    assert client.get(f"/feeds/collection/{secret.pk}.{feed_format}").status_code == 404
    assert client.get(f"/feeds/collection/999999.{feed_format}").status_code == 404


def test_hidden_papers_stay_out_of_feeds(read_feed, feed_format, make_paper):
    make_paper(arxiv_id="2503.00119", listed_on=DAY)
    make_paper(arxiv_id="2503.00120", listed_on=DAY, hidden=True)
    assert ids(read_feed(f"/feeds/daily.{feed_format}")) == ["2503.00119"]


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("/feeds/search.atom", "Give a search query"),
        ("/feeds/search.rss?q=" + "x" * 251, "at most 250 characters"),
        ("/feeds/author.atom", "Give an author's name"),
        ("/feeds/category/not%20a%20category.atom", "is not an arXiv category"),
    ],
)
def test_bad_feed_parameters_are_a_400_saying_what_to_send(client, url, says):
    response = client.get(url)
    assert response.status_code == 400
    assert says in response.content.decode()


def test_an_empty_site_still_serves_valid_empty_feeds(read_feed, feed_format):
    assert read_feed(f"/feeds/daily.{feed_format}").entries == []


def test_feed_links_render_discovery_tags_for_both_formats():
    html = Template('{% load feed_links %}{% feed_links "search" q %}').render(Context({"q": "graph nets"}))
    assert html.count('rel="alternate"') == 2
    assert 'type="application/atom+xml"' in html and 'type="application/rss+xml"' in html
    assert 'href="/feeds/search.atom?q=graph+nets"' in html
    assert Template('{% load feed_links %}{% feed_links "search" "" %}').render(Context()) == ""
    daily = Template('{% load feed_links %}{% feed_links "daily" %}').render(Context())
    assert 'href="/feeds/daily.rss"' in daily


def test_discovered_feed_urls_resolve_to_feeds(client, make_paper, make_user):
    from paperfeed.community.models import Collection

    collection = Collection.objects.create(owner=make_user(), title="Shelf", is_public=True)
    template = Template(
        '{% load feed_links %}{% feed_links "category" "cs.LG" %}{% feed_links "author" "Ada Lovelace" %}'
        '{% feed_links "collection" collection %}{% feed_links "trending" %}'
    )
    html = template.render(Context({"collection": collection}))
    hrefs = [part.split('"', 1)[0].replace("&amp;", "&") for part in html.split('href="')[1:]]
    assert len(hrefs) == 8
    for href in hrefs:
        assert client.get(href).status_code == 200, href


def test_the_search_feed_lists_matches_best_first(read_feed, feed_format, make_paper, settings, tmp_path):
    from paperfeed.search import sync

    settings.SEARCH_INDEX_DIR = tmp_path / "index"
    # The local index: these tests are about the API, and on PostgreSQL the database backend's
    # table would block the flush between live-server tests.
    settings.SEARCH_BACKEND = "local"
    make_paper("Machine unlearning for language models", arxiv_id="2503.00121",
               abstract="We make models forget training data on request.")  # fmt: skip
    make_paper("Protein folding with diffusion", arxiv_id="2503.00122", abstract="Structures of proteins.")
    sync.rebuild()
    parsed = read_feed(f"/feeds/search.{feed_format}?q=unlearning")
    assert ids(parsed)[0] == "2503.00121"
    assert "unlearning" in parsed.feed.title


@pytest.mark.skipif(connection.vendor != "sqlite", reason="reads SQLite's query plan")
def test_an_authors_papers_are_found_through_the_name_index_not_by_reading_every_authorship():
    query = Paper.objects.filter(pk__in=Authorship.paper_ids_by("Ada Lovelace")).query
    sql, params = query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        plan = " ".join(row[3] for row in cursor.fetchall())
    assert "USING INDEX papers_authorship_name_lower" in plan
