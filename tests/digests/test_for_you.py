"""Personal ranking: papers like the ones a reader upvoted or collected, with the reason shown."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from digests.helpers import send, text_part
from paperfeed.community.models import Collection, CollectionItem, Vote

pytestmark = pytest.mark.django_db

GRAPHS = "Message passing graph neural networks for molecule property prediction"


@pytest.fixture
def library(make_paper):
    """Older papers a reader liked and recent papers to rank."""
    old = datetime(2026, 10, 1, tzinfo=UTC)
    recent = datetime(2026, 11, 19, 12, tzinfo=UTC)
    return {
        "liked_graphs": make_paper(
            GRAPHS,
            abstract="Graph neural networks pass messages between atoms to predict molecule properties.",
            published=old,
        ),
        "liked_speech": make_paper(
            "Streaming speech recognition with transducers",
            abstract="Transducer models for streaming automatic speech recognition with low latency audio.",
            published=old,
        ),
        "graph_new": make_paper(
            "Equivariant graph neural networks for molecules",
            abstract="We build equivariant graph neural networks that pass messages over molecule graphs.",
            published=recent,
        ),
        "speech_new": make_paper(
            "Low latency speech recognition on device",
            abstract="Streaming speech recognition with transducer models that run on phones.",
            published=recent,
        ),
        "unrelated": make_paper(
            "Auction design for advertising markets",
            abstract="Mechanism design for second price auctions in online advertising markets.",
            published=recent,
        ),
    }


def test_the_for_you_page_ranks_recent_papers_by_the_readers_likes_with_a_reason(client, make_user, library):
    reader = make_user()
    Vote.objects.create(user=reader, paper=library["liked_graphs"])
    client.force_login(reader)

    page = client.get("/for-you/").content.decode()

    assert library["graph_new"].title in page
    assert f"Similar to “{GRAPHS}”, which you upvoted" in page
    # Papers with nothing in common with the reader's likes are left out, not padded in.
    assert library["speech_new"].title not in page
    assert library["unrelated"].title not in page
    assert library["liked_graphs"].title not in page.split("<h1>For you</h1>")[1].split("Similar to")[0]


def test_collected_papers_count_as_interests_too(client, make_user, library):
    reader = make_user()
    collection = Collection.objects.create(owner=reader, title="Audio")
    CollectionItem.objects.create(collection=collection, paper=library["liked_speech"])
    client.force_login(reader)

    page = client.get("/for-you/").content.decode()

    assert "which you collected" in page
    assert library["speech_new"].title in page
    assert page.index(library["speech_new"].title) < page.index("which you collected") + 2000


def test_without_likes_the_page_says_how_to_get_recommendations(client, make_user, library):
    client.force_login(make_user())
    assert "Upvote or collect a few papers" in client.get("/for-you/").content.decode()


def test_a_subscribers_digest_has_a_for_you_section_from_their_account(
    smtp, make_user, make_subscriber, library
):
    reader = make_user(email="fan@example.org")
    Vote.objects.create(user=reader, paper=library["liked_speech"])
    make_subscriber("fan@example.org", user=reader, include_trending=False)

    send("daily")

    (digest,) = smtp.digests_to("fan@example.org")
    text = text_part(digest)
    assert "== For you ==" in text
    assert library["speech_new"].title in text
    assert "Similar to “Streaming speech recognition with transducers”, which you upvoted" in text
    assert library["unrelated"].title not in text
