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
