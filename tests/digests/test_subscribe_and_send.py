"""The whole path through a real SMTP server: subscribe, confirm, receive one digest, unsubscribe."""

from __future__ import annotations

import pytest

from digests.helpers import BASE_URL, header_url, html_part, links_in, path_of, send, text_part
from paperfeed.digests.models import DigestSend, SendStatus, Subscription

pytestmark = pytest.mark.django_db


def subscribe_and_confirm(client, smtp, email: str) -> None:
    response = client.post("/digest/subscribe/", {"email": email})
    assert response.status_code == 200
    assert b"Check your inbox" in response.content
    (confirmation,) = smtp.to(email)
    link = next(url for url in links_in(text_part(confirmation)) if "/digest/confirm/" in url)
    assert link.startswith(f"{BASE_URL}/digest/confirm/")
    assert client.get(path_of(link)).status_code == 200  # the page with the button
    assert client.post(path_of(link)).status_code == 200  # the button
    assert Subscription.objects.get(email=email).is_active


def test_a_subscriber_who_confirmed_gets_exactly_one_digest_per_period(client, smtp, trending_papers):
    subscribe_and_confirm(client, smtp, "reader@example.org")

    output = send("daily")

    (digest,) = smtp.digests_to("reader@example.org")
    assert "sent 1" in output
    assert digest["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert header_url(digest).startswith(f"{BASE_URL}/digest/unsubscribe/")
    text = text_part(digest)
    titles = [paper.title for paper in trending_papers]
    assert [title in text for title in titles] == [True, True, True]
    # Most upvoted first.
    assert text.index(titles[0]) < text.index(titles[1]) < text.index(titles[2])
    assert titles[0] in html_part(digest)

    again = send("daily")
    assert len(smtp.digests_to("reader@example.org")) == 1
    assert "sent 0" in again


def test_following_the_unsubscribe_link_stops_all_digests(client, smtp, trending_papers):
    subscribe_and_confirm(client, smtp, "leaver@example.org")
    send("daily")
    (digest,) = smtp.digests_to("leaver@example.org")

    # RFC 8058: the mail client POSTs to the header's URL, without cookies or CSRF token.
    response = client.post(path_of(header_url(digest)), {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert Subscription.objects.get(email="leaver@example.org").unsubscribed_at is not None

    send("daily", "2026-11-23T07:00")  # the next weekday
    send("weekly", "2026-11-23T07:00")
    assert len(smtp.digests_to("leaver@example.org")) == 1


def test_an_unconfirmed_address_is_never_mailed_a_digest(client, smtp, trending_papers):
    client.post("/digest/subscribe/", {"email": "pending@example.org"})
    assert len(smtp.to("pending@example.org")) == 1  # only the confirmation

    send("daily")

    assert smtp.digests_to("pending@example.org") == []
    assert not DigestSend.objects.exists()


def test_subscribing_twice_sends_one_confirmation_and_keeps_one_subscription(client, smtp):
    client.post("/digest/subscribe/", {"email": "Twice@Example.org"})
    client.post("/digest/subscribe/", {"email": "twice@example.org "})

    assert Subscription.objects.filter(email="twice@example.org").count() == 1
    assert len(smtp.to("twice@example.org")) == 1


def test_only_the_latest_confirmation_link_works(client, smtp, settings):
    from paperfeed.digests import signing

    client.post("/digest/subscribe/", {"email": "late@example.org"})
    subscription = Subscription.objects.get(email="late@example.org")
    old_link = signing.confirm_url(subscription)
    # A later request (after the resend pause) sends a new link and retires the old one.
    Subscription.objects.filter(pk=subscription.pk).update(
        confirmation_sent_at=subscription.confirmation_sent_at.replace(year=2020)
    )
    subscription.refresh_from_db()
    stale_link = signing.confirm_url(subscription)
    client.post("/digest/subscribe/", {"email": "late@example.org"})

    assert client.post(path_of(old_link)).status_code == 400
    assert client.post(path_of(stale_link)).status_code == 400
    assert Subscription.objects.get(email="late@example.org").confirmed_at is None
    newest = links_in(text_part(smtp.to("late@example.org")[-1]))
    assert client.post(path_of(next(u for u in newest if "/confirm/" in u))).status_code == 200
    assert Subscription.objects.get(email="late@example.org").confirmed_at is not None


def test_a_malformed_address_is_refused_and_nothing_is_stored(client, smtp):
    response = client.post("/digest/subscribe/", {"email": "not-an-address"})

    assert response.status_code == 400
    assert b"valid email" in response.content
    assert not Subscription.objects.exists()
    assert smtp.messages == []


def test_a_digest_with_nothing_in_it_is_not_sent(smtp, make_subscriber):
    make_subscriber("quiet@example.org", include_trending=True)

    output = send("daily")  # no papers anywhere

    assert smtp.messages == []
    assert "skipped (empty) 1" in output
    assert DigestSend.objects.get().status == SendStatus.EMPTY


def test_a_dry_run_sends_and_records_nothing(smtp, make_subscriber, trending_papers):
    make_subscriber("dry@example.org")

    output = send("daily", "2026-11-20T07:00", "--dry-run")

    assert "would send 1" in output
    assert smtp.messages == []
    assert not DigestSend.objects.exists()


def test_limit_caps_how_many_subscribers_a_run_handles(smtp, make_subscriber, trending_papers):
    for number in range(5):
        make_subscriber(f"r{number}@example.org")

    send("daily", "2026-11-20T07:00", "--limit", "2")
    assert len(smtp.digests()) == 2
    send("daily")
    assert sorted(m["X-Envelope-To"] for m in smtp.digests()) == [f"r{n}@example.org" for n in range(5)]


def test_weekly_subscribers_are_not_in_the_daily_run(smtp, make_subscriber, trending_papers):
    make_subscriber("weekly@example.org", frequency="weekly")

    send("daily")
    assert smtp.messages == []
    send("weekly")
    assert len(smtp.digests_to("weekly@example.org")) == 1


def test_a_weekend_run_of_the_daily_digest_catches_up_on_friday_only(smtp, make_subscriber, trending_papers):
    make_subscriber("friday@example.org")
    send("daily", "2026-11-20T07:00")
    send("daily", "2026-11-21T07:00")  # Saturday: Friday's digest is already out
    assert len(smtp.digests_to("friday@example.org")) == 1
    assert DigestSend.objects.get().period_key == "daily:2026-11-20"


def test_bad_command_options_are_refused(db):
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="--at"):
        call_command("digest", "send", "--period", "daily", "--at", "yesterday-ish")
    with pytest.raises(CommandError, match="--limit"):
        call_command("digest", "send", "--period", "daily", "--limit", "-1")
