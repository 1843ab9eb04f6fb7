"""Signed-in readers manage their digest from their account's settings page."""

from __future__ import annotations

import pytest

from paperfeed.digests.models import Subscription

pytestmark = pytest.mark.django_db


def test_a_verified_account_subscribes_from_settings_without_a_confirmation_mail(client, smtp, make_user):
    reader = make_user(email="member@example.org")
    client.force_login(reader)
    assert b"Subscribe" in client.get("/digest/settings/").content

    client.post("/digest/settings/", {"action": "subscribe", "frequency": "weekly"})

    subscription = Subscription.objects.get()
    assert (subscription.email, subscription.user, subscription.frequency) == (
        "member@example.org",
        reader,
        "weekly",
    )
    assert subscription.is_active
    assert smtp.messages == []  # the account's address is already verified
    assert b"Digest preferences" in client.get("/digest/settings/").content


def test_an_unverified_account_gets_a_confirmation_mail_first(client, smtp, make_user):
    client.force_login(make_user(email="fresh@example.org", verified=False))

    client.post("/digest/settings/", {"action": "subscribe"})

    assert not Subscription.objects.get().is_active
    assert len(smtp.to("fresh@example.org")) == 1


def test_settings_change_preferences_and_unsubscribe(client, make_user, make_subscriber):
    reader = make_user(email="keeper@example.org")
    make_subscriber("keeper@example.org", user=reader)
    client.force_login(reader)

    response = client.post(
        "/digest/settings/",
        {"frequency": "daily", "include_trending": "on", "trending_count": "3", "include_for_you": "on",
         "for_you_count": "7", "saved_searches": "cat:cs.CL"},
    )  # fmt: skip
    assert response.status_code == 302
    subscription = Subscription.objects.get()
    assert (subscription.trending_count, subscription.for_you_count) == (3, 7)
    assert list(subscription.saved_searches.values_list("query", flat=True)) == ["cat:cs.CL"]

    client.post("/digest/settings/", {"action": "unsubscribe"})
    assert not Subscription.objects.get().is_active


def test_the_settings_page_needs_a_signed_in_user(client):
    assert client.get("/digest/settings/").status_code == 302
