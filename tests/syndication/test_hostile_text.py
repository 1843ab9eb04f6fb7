"""Feeds carry text as text, and no character in a request or a stored record makes one fail."""

from __future__ import annotations

from datetime import UTC, datetime

import feedparser
import pytest

pytestmark = pytest.mark.django_db

TODAY = datetime.now(UTC).date()
MARKUP = 'Attention is <b>all</b> you need. <script>alert("x")</script>'


@pytest.mark.parametrize(
    "url",
    [
        "/feeds/search.{format}?q=a%01b",
        "/feeds/search.{format}?q=attention%00",
        "/feeds/author.{format}?name=Ada%01+Lovelace",
        "/feeds/search.{format}?q=before:9999-12-31",
    ],
)
def test_control_characters_and_boundary_dates_in_a_feed_query_give_a_working_feed(
    read_feed, feed_format, make_paper, url
):
    make_paper("Attention for all", arxiv_id="2503.00201", authors=("Ada Lovelace",), listed_on=TODAY)
    parsed = read_feed(url.format(format=feed_format))
    assert "\x01" not in parsed.feed.title and "\x00" not in parsed.feed.title


def test_an_author_feed_for_nothing_but_a_control_character_asks_for_a_name(client, feed_format):
    response = client.get(f"/feeds/author.{feed_format}?name=%00")
    assert response.status_code == 400
    assert b"Give an author's name" in response.content


@pytest.mark.parametrize("feed", ["daily", "trending", "category/cs.LG"])
def test_a_stored_title_with_a_control_character_is_written_without_it(
    read_feed, feed_format, make_paper, feed
):
    make_paper("Bad\x01 title\x0b from an old import", arxiv_id="2503.00202", listed_on=TODAY)
    [entry] = read_feed(f"/feeds/{feed}.{feed_format}").entries
    assert entry.title == "Bad title from an old import"


def test_atom_declares_the_abstract_plain_text_and_keeps_its_markup_as_characters(client, make_paper):
    make_paper("Markup", arxiv_id="2503.00203", abstract=MARKUP, listed_on=TODAY)
    response = client.get("/feeds/daily.atom")
    assert b'<summary type="text">' in response.content
    [entry] = feedparser.parse(response.content).entries
    assert entry.summary_detail.type == "text/plain"
    assert entry.summary.startswith(MARKUP)  # the reader shows these characters, not bold text


def test_rss_escapes_the_abstract_so_readers_never_render_its_markup(client, make_paper):
    make_paper("Markup", arxiv_id="2503.00204", abstract=MARKUP, listed_on=TODAY)
    [entry] = feedparser.parse(client.get("/feeds/daily.rss").content).entries
    # RSS descriptions are HTML to readers: the abstract's tags arrive escaped, as text.
    assert "<b>" not in entry.summary and "<script" not in entry.summary
    assert "&lt;b&gt;all&lt;/b&gt;" in entry.summary
    assert "&lt;script&gt;" in entry.summary


def test_hidden_authors_are_left_out_of_feed_entries(read_feed, feed_format, make_paper):
    from paperfeed.papers.models import Authorship

    paper = make_paper(arxiv_id="2503.00205", authors=("Grace Hopper",), listed_on=TODAY)
    Authorship.objects.create(paper=paper, position=1, name="Hidden Person", hidden=True)
    [entry] = read_feed(f"/feeds/daily.{feed_format}").entries
    assert entry.author == "Grace Hopper"
    assert read_feed(f"/feeds/author.{feed_format}?name=Hidden+Person").entries == []
