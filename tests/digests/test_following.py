"""The digest's "From what you follow" section: papers new in the period from followed authors,
categories, collections and searches, never a paper the mail or an earlier mail already holds."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from digests.helpers import THURSDAY, html_part, send, text_part
from paperfeed.community.following.models import Kind
from paperfeed.community.following.services import follow

pytestmark = pytest.mark.django_db

THURSDAY_NOON = datetime(2026, 11, 19, 12, tzinfo=UTC)
FRIDAY_EARLY = datetime(2026, 11, 20, 5, tzinfo=UTC)  # before Friday's 07:00 send: in Monday's window too
OLD = datetime(2026, 6, 1, tzinfo=UTC)
SECTION = "== From what you follow =="


@pytest.fixture
def fan(make_user, make_subscriber):
    reader = make_user("fan", email="fan@example.org")
    make_subscriber("fan@example.org", user=reader, include_trending=False, include_for_you=False)
    return reader


def test_new_papers_of_a_followed_author_come_with_why(smtp, fan, make_paper):
    new = make_paper("Engines, revisited", authors=["Ada Lovelace"], published=THURSDAY_NOON)
    listed = make_paper(
        "An old note put on the feed", authors=["Ada Lovelace"], published=OLD, listed_on=THURSDAY
    )
    make_paper("An old note, not new", authors=["Ada Lovelace"], published=OLD)
    make_paper("Someone else's paper", authors=["Grace Hopper"], published=THURSDAY_NOON)
    follow(fan, Kind.AUTHOR, "Ada Lovelace")

    send("daily")

    (digest,) = smtp.digests_to("fan@example.org")
    text = text_part(digest)
    assert SECTION in text
    section = text.split(SECTION)[1]
    assert new.title in section and listed.title in section
    assert "(You follow the author Ada Lovelace)" in section
    assert "An old note, not new" not in text and "Someone else's paper" not in text
    assert "From what you follow" in html_part(digest)


def test_a_paper_already_in_the_trending_section_is_not_repeated(
    smtp, make_user, make_subscriber, make_paper
):
    reader = make_user("both", email="both@example.org")
    make_subscriber("both@example.org", user=reader, include_for_you=False, trending_count=5)
    hot = make_paper(
        "A hot paper by Ada",
        authors=["Ada Lovelace"],
        published=THURSDAY_NOON,
        listed_on=THURSDAY,
        upvotes=50,
    )
    quiet = make_paper("A quiet paper by Ada", authors=["Ada Lovelace"], published=THURSDAY_NOON)
    follow(reader, Kind.AUTHOR, "Ada Lovelace")

    send("daily")

    text = text_part(smtp.digests_to("both@example.org")[0])
    trending, following = text.split(SECTION)
    assert hot.title in trending and hot.title not in following
    assert quiet.title in following
    assert text.count(hot.title) == 1


def test_a_paper_mailed_once_is_not_mailed_again(smtp, fan, make_paper):
    make_paper("Published early on Friday", categories="math.CO", published=FRIDAY_EARLY)
    follow(fan, Kind.CATEGORY, "math.CO")

    send("daily", "2026-11-20T07:00")
    send("daily", "2026-11-23T07:00")

    friday = text_part(smtp.digests_to("fan@example.org")[0])
    assert "Published early on Friday" in friday and "(You follow the category math.CO)" in friday
    # Monday's window (from Friday 00:00) holds it too, but it was mailed: Monday has nothing to send.
    assert len(smtp.digests_to("fan@example.org")) == 1


def test_an_address_without_a_member_or_a_member_following_nothing_gets_no_section(
    smtp, make_user, make_subscriber, make_paper
):
    make_paper("Listed on Thursday", published=THURSDAY_NOON, listed_on=THURSDAY, upvotes=5)
    make_subscriber("nobody@example.org")
    make_subscriber("member@example.org", user=make_user("member", email="member@example.org"))

    send("daily")

    for address in ("nobody@example.org", "member@example.org"):
        (digest,) = smtp.digests_to(address)
        assert "Listed on Thursday" in text_part(digest) and SECTION not in text_part(digest)


def test_a_followed_search_brings_new_matches_from_the_index(smtp, fan, make_paper, settings, tmp_path):
    settings.SEARCH_INDEX_DIR = tmp_path / "index"
    settings.SEARCH_BACKEND = "local"
    new = make_paper(
        "Protein folding with diffusion transformers",
        abstract="A diffusion transformer predicts protein folding structures from sequences.",
        published=THURSDAY_NOON,
    )
    make_paper(
        "Protein folding by coevolution analysis",
        abstract="Protein folding contacts inferred from coevolution in sequence alignments.",
        published=OLD,
    )
    make_paper("Open vocabulary detection", abstract="Detecting objects in images.", published=THURSDAY_NOON)
    from paperfeed.search import sync

    sync.rebuild()
    follow(fan, Kind.SEARCH, "protein folding")

    send("daily")

    text = text_part(smtp.digests_to("fan@example.org")[0])
    section = text.split(SECTION)[1]
    assert new.title in section and "(You follow the search “protein folding”)" in section
    assert "coevolution" not in text and "Open vocabulary" not in text


def test_the_section_is_kept_in_the_send_log_for_view_in_browser(smtp, fan, make_paper):
    from paperfeed.digests.models import DigestSend

    paper = make_paper("Engines, revisited", authors=["Ada Lovelace"], published=THURSDAY_NOON)
    follow(fan, Kind.AUTHOR, "Ada Lovelace")
    send("daily")
    contents = DigestSend.objects.get(subscription__user=fan).contents
    assert contents["sections"] == [
        {
            "key": "following",
            "title": "From what you follow",
            "note": "",
            "items": [[paper.pk, "You follow the author Ada Lovelace", None]],
        }
    ]
