"""The subscribe banner that every page includes."""

from __future__ import annotations

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory

from paperfeed.digests.models import Subscription

pytestmark = pytest.mark.django_db


def test_the_banner_is_a_one_field_form_that_starts_a_subscription(client, smtp):
    html = render_to_string("digests/_banner.html", request=RequestFactory().get("/"))
    assert 'action="/digest/subscribe/"' in html
    assert 'type="email" name="email"' in html and "csrfmiddlewaretoken" in html

    response = client.post("/digest/subscribe/", {"email": "banner@example.org", "frequency": "daily"})

    assert response.status_code == 200
    assert Subscription.objects.get().email == "banner@example.org"
    assert not Subscription.objects.get().is_active  # waits for the confirmation link


BANNER = "Get trending papers in your inbox."


def test_visitors_see_the_banner_on_every_page(client, make_paper):
    paper = make_paper(listed_on=None)
    for path in ("/", paper.get_absolute_url(), "/search"):
        assert BANNER in client.get(path).content.decode(), path


def test_a_member_who_gets_the_digest_never_sees_the_banner(client, make_user):
    from django.utils import timezone

    member, other = make_user("subscribed"), make_user("not-yet")
    Subscription.objects.create(email=member.email, user=member, confirmed_at=timezone.now())
    client.force_login(member)
    assert BANNER not in client.get("/").content.decode()
    client.force_login(other)
    assert BANNER in client.get("/").content.decode()


def test_dismissing_hides_the_banner_from_then_on_even_on_cached_pages(client):
    assert BANNER in client.get("/").content.decode()  # also fills the visitors' page cache
    response = client.post("/digest/banner/dismiss", {"next": "/papers/trending"})
    assert response.status_code == 302 and response["Location"] == "/papers/trending"
    assert BANNER not in client.get("/").content.decode()


def test_dismissing_never_redirects_off_the_site(client):
    response = client.post("/digest/banner/dismiss", {"next": "https://evil.example/"})
    assert response["Location"] == "/"
