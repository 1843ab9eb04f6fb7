"""The digest's "for you" section: papers like the ones a reader upvoted or collected, with the
reason shown. The For you page is tested in tests/web/test_for_you.py."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from digests.helpers import links_in, path_of, send, text_part
from paperfeed.community.models import Vote

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
