"""Double opt-in that a link scanner cannot complete, and subscribe limits per client and per address."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client

from digests.helpers import links_in, path_of, text_part
from paperfeed.digests.models import Subscription

pytestmark = pytest.mark.django_db


def confirmation_link(smtp, email: str) -> str:
    (mail,) = smtp.to(email)
    return path_of(next(url for url in links_in(text_part(mail)) if "/digest/confirm/" in url))


def subscribe(client, email: str, client_address: str = "198.51.100.7"):
    return client.post("/digest/subscribe/", {"email": email}, REMOTE_ADDR=client_address)


def test_opening_the_confirmation_link_only_shows_a_button(client, smtp):
    subscribe(client, "reader@example.org")
    link = confirmation_link(smtp, "reader@example.org")

    for _ in range(3):  # a mail scanner, a link preview, the reader
        page = client.get(link)
        assert page.status_code == 200
        html = page.content.decode()
        assert "Confirm my subscription" in html and f'action="{link}"' in html and 'method="post"' in html
    assert Subscription.objects.get().confirmed_at is None

    done = client.post(link)

    assert done.status_code == 200 and "You are subscribed" in done.content.decode()
    assert Subscription.objects.get().is_active


def test_a_confirmation_needs_the_pages_csrf_token(smtp):
    browser = Client(enforce_csrf_checks=True)
    browser.get("/digest/subscribe/")
    form_token = browser.cookies["csrftoken"].value
    browser.post("/digest/subscribe/", {"email": "reader@example.org", "csrfmiddlewaretoken": form_token})
    link = confirmation_link(smtp, "reader@example.org")

    assert browser.post(link).status_code == 403  # a POST that did not come from the page
    assert Subscription.objects.get().confirmed_at is None
    page = browser.get(link).content.decode()
    page_token = page.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    assert browser.post(link, {"csrfmiddlewaretoken": page_token}).status_code == 200
    assert Subscription.objects.get().is_active


def test_an_already_confirmed_link_says_so_and_changes_nothing(client, smtp):
    subscribe(client, "reader@example.org")
    link = confirmation_link(smtp, "reader@example.org")
    client.post(link)
    confirmed_at = Subscription.objects.get().confirmed_at

    again = client.get(link)

    assert "Already confirmed" in again.content.decode()
    assert Subscription.objects.get().confirmed_at == confirmed_at


def test_one_client_can_start_only_so_many_subscriptions_an_hour(client, smtp, settings):
    settings.DIGEST_SUBSCRIBE_PER_HOUR = 3
    answers = [subscribe(client, f"target{n}@example.org") for n in range(5)]

    assert [a.status_code for a in answers] == [200, 200, 200, 429, 429]
    refused = answers[-1].content.decode()
    assert "Too many subscribe requests from your network: at most 3 an hour" in refused
    assert len(smtp.messages) == 3
    assert not Subscription.objects.filter(email__in=["target3@example.org", "target4@example.org"]).exists()
    # Another client is not held back by the first one.
    assert subscribe(client, "someone@example.org", "192.0.2.44").status_code == 200
    assert len(smtp.to("someone@example.org")) == 1


def test_an_address_gets_only_so_many_confirmation_mails_a_day_whoever_asks(client, smtp, settings):
    settings.DIGEST_CONFIRMATIONS_PER_DAY = 2
    answers = []
    for n in range(4):
        answers.append(subscribe(client, "victim@example.org", f"203.0.113.{n + 1}"))
        # Past the two-minute pause between confirmation mails.
        Subscription.objects.update(
            confirmation_sent_at=Subscription.objects.get().confirmation_sent_at - timedelta(hours=1)
        )

    assert [a.status_code for a in answers] == [200, 200, 429, 429]
    assert len(smtp.to("victim@example.org")) == 2
    message = answers[-1].content.decode()
    assert "victim@example.org has already been sent 2 confirmation mails today, the daily limit" in message


def test_the_unsubscribe_link_only_shows_a_button_until_it_is_pressed(client, make_subscriber):
    from paperfeed.digests import signing

    subscription = make_subscriber("reader@example.org")
    link = f"/digest/unsubscribe/{signing.unsubscribe_token(subscription)}/"

    assert "Unsubscribe" in client.get(link).content.decode()
    assert Subscription.objects.get().is_active
    # RFC 8058 one-click: the mail client's POST, without cookies or CSRF token, still works.
    assert Client(enforce_csrf_checks=True).post(link, {"List-Unsubscribe": "One-Click"}).status_code == 200
    assert not Subscription.objects.get().is_active
