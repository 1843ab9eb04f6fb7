"""Personal ranking: papers like the ones a reader upvoted or collected, with the reason shown."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from digests.helpers import links_in, path_of, send, text_part
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


def test_a_hidden_liked_paper_is_neither_a_reason_nor_a_seed(client, make_user, library):
    reader = make_user()
    Vote.objects.create(user=reader, paper=library["liked_graphs"])
    Vote.objects.create(user=reader, paper=library["liked_speech"])
    library["liked_graphs"].hidden = True
    library["liked_graphs"].save(update_fields=["hidden"])
    client.force_login(reader)

    page = client.get("/for-you/").content.decode()

    assert GRAPHS not in page
    assert library["graph_new"].title not in page  # only the hidden paper led to it
    assert "Similar to “Streaming speech recognition with transducers”, which you upvoted" in page


def test_a_hidden_liked_paper_is_left_out_of_digests_too(smtp, make_user, make_subscriber, library):
    reader = make_user(email="fan@example.org")
    Vote.objects.create(user=reader, paper=library["liked_graphs"])
    library["liked_graphs"].hidden = True
    library["liked_graphs"].save(update_fields=["hidden"])
    make_subscriber("fan@example.org", user=reader, include_trending=False)

    send("daily")

    assert smtp.digests_to("fan@example.org") == []  # nothing else to recommend from
    assert not any(GRAPHS in text_part(m) for m in smtp.messages)


def test_view_in_browser_drops_a_reason_naming_a_paper_hidden_since_the_mail_went_out(
    client, smtp, make_user, make_subscriber, library
):
    reader = make_user(email="fan@example.org")
    Vote.objects.create(user=reader, paper=library["liked_graphs"])
    make_subscriber("fan@example.org", user=reader, include_trending=False)
    send("daily")
    (digest,) = smtp.digests_to("fan@example.org")
    view = next(url for url in links_in(text_part(digest)) if "/digest/view/" in url)
    assert GRAPHS in client.get(path_of(view)).content.decode()

    library["liked_graphs"].hidden = True
    library["liked_graphs"].save(update_fields=["hidden"])
    page = client.get(path_of(view)).content.decode()

    assert library["graph_new"].title in page  # the paper the mail held is still shown
    assert GRAPHS not in page and "which you upvoted" not in page
