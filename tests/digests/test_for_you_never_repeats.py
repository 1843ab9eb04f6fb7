"""The digest's "for you" section comes from the reader's recommendations: it never mails a paper
twice, leaves out what the reader dismissed (in every section), and tells a reader without signals
how to start."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from digests.helpers import send, text_part
from paperfeed.community.models import NotInterested, Vote

pytestmark = pytest.mark.django_db

THURSDAY_NOON = datetime(2026, 11, 19, 12, tzinfo=UTC)
SATURDAY_NOON = datetime(2026, 11, 21, 12, tzinfo=UTC)


@pytest.fixture
def speech(make_paper):
    """A liked paper on speech recognition and new ones: one in both Friday's and Monday's windows."""
    return {
        "liked": make_paper(
            "Streaming speech recognition with transducers",
            abstract="Transducer models for streaming automatic speech recognition with low latency audio.",
            published=datetime(2026, 10, 1, tzinfo=UTC),
        ),
        # Published Thursday, put on the feed Saturday: in Friday's digest and in Monday's.
        "twice": make_paper(
            "Low latency speech recognition on device",
            abstract="Streaming speech recognition with transducer models that run on phones.",
            published=THURSDAY_NOON,
            listed_on=date(2026, 11, 21),
        ),
        "weekend": make_paper(
            "Speech recognition for many languages with transducers",
            abstract="Multilingual streaming speech recognition with one transducer model for audio.",
            published=SATURDAY_NOON,
        ),
    }


def test_a_paper_already_mailed_is_never_mailed_again(smtp, make_user, make_subscriber, speech):
    reader = make_user(email="fan@example.org")
    Vote.objects.create(user=reader, paper=speech["liked"])
    make_subscriber("fan@example.org", user=reader, include_trending=False, for_you_count=5)

    send("daily", "2026-11-20T07:00")
    send("daily", "2026-11-23T07:00")

    friday, monday = (text_part(m) for m in smtp.digests_to("fan@example.org"))
    assert speech["twice"].title in friday
    assert speech["weekend"].title in monday
    assert speech["twice"].title not in monday


def test_a_dismissed_paper_is_not_mailed(smtp, make_user, make_subscriber, speech):
    reader = make_user(email="fan@example.org")
    Vote.objects.create(user=reader, paper=speech["liked"])
    NotInterested.objects.create(user=reader, paper=speech["twice"])
    make_subscriber("fan@example.org", user=reader, include_trending=False)

    send("daily", "2026-11-23T07:00")

    (digest,) = smtp.digests_to("fan@example.org")
    assert speech["weekend"].title in text_part(digest)
    assert speech["twice"].title not in text_part(digest)


def test_a_dismissed_paper_stays_out_of_trending_too_and_the_next_one_takes_its_place(
    smtp, make_user, make_subscriber, trending_papers
):
    reader = make_user(email="picky@example.org")
    NotInterested.objects.create(user=reader, paper=trending_papers[0])
    make_subscriber("picky@example.org", user=reader, include_for_you=False, trending_count=2)
    make_subscriber("other@example.org", include_for_you=False, trending_count=2)

    send("daily")

    picky = text_part(smtp.digests_to("picky@example.org")[0])
    assert trending_papers[0].title not in picky
    assert trending_papers[1].title in picky and trending_papers[2].title in picky
    other = text_part(smtp.digests_to("other@example.org")[0])
    assert trending_papers[0].title in other and trending_papers[2].title not in other


def test_a_reader_without_signals_gets_a_link_to_start_instead(
    smtp, make_user, make_subscriber, speech, trending_papers
):
    reader = make_user(email="new@example.org")
    make_subscriber("new@example.org", user=reader)

    send("daily")

    text = text_part(smtp.digests_to("new@example.org")[0])
    assert "== For you ==" in text
    assert "Get papers picked for you" in text and "https://papers.example.org/for-you/start" in text
    assert speech["twice"].title not in text.split("== For you ==")[1]
