"""Host trust: the site answers only to its own host, and every absolute link it hands out, in a
mail, a feed or the API's ``Link`` header, is on ``PAPERFEED_BASE_URL`` whatever ``Host`` the
request claimed. A request with a forged host cannot leave its host in an answer kept for others.
"""

from __future__ import annotations

import http.client
import re
from datetime import date
from urllib.parse import urlsplit

import pytest
from django.core.exceptions import ImproperlyConfigured

from paperfeed.core.site_url import allowed_hosts
from testkit import DEFAULT_PASSWORD

pytestmark = pytest.mark.django_db

BASE_URL = "https://papers.example.org"
FORGED = "evil.example"
DAY = date(2025, 3, 18)


@pytest.fixture
def site(settings):
    """The site at BASE_URL, with the forged host let in so we see that links ignore it."""
    settings.BASE_URL = BASE_URL
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, FORGED]
    return settings


# Links that are not the site's: XML namespaces of feeds, and papers' arXiv pages.
OTHER_SITES = ("http://www.w3.org/", "http://purl.org/", "https://arxiv.org/")


def links_in(text: str) -> list[str]:
    return [link for link in re.findall(r"https?://[^\s<>\"']+", text) if not link.startswith(OTHER_SITES)]


def assert_only_base_url_links(text: str, minimum: int = 1) -> None:
    links = links_in(text)
    assert len(links) >= minimum, text
    assert FORGED not in text
    assert all(link.startswith(f"{BASE_URL}/") for link in links), links


def test_a_password_reset_requested_with_a_forged_host_links_to_the_configured_site(
    client, site, make_user, smtp_server
):
    make_user("victim", email="victim@example.org")
    response = client.post("/accounts/password/reset/", {"email": "victim@example.org"}, HTTP_HOST=FORGED)
    assert response.status_code == 302
    [mail] = smtp_server.wait_for(1)
    body = smtp_server.text_of(mail)
    assert_only_base_url_links(body)
    assert f"{BASE_URL}/accounts/password/reset/key/" in body
    assert "papers.example.org" in body and "Hello from paperfeed!" in body


def test_a_reset_for_an_unknown_address_offers_sign_up_on_the_configured_site(client, site, smtp_server):
    client.post("/accounts/password/reset/", {"email": "nobody@example.org"}, HTTP_HOST=FORGED)
    [mail] = smtp_server.wait_for(1)
    body = smtp_server.text_of(mail)
    assert f"{BASE_URL}/accounts/signup/" in body
    assert_only_base_url_links(body)


def test_sign_up_verification_and_already_registered_mails_link_to_the_configured_site(
    client, site, make_user, smtp_server
):
    make_user("taken", email="taken@example.org")
    for email, username in [("new@example.org", "newcomer"), ("taken@example.org", "other")]:
        client.post(
            "/accounts/signup/",
            {"email": email, "username": username}
            | {"password1": DEFAULT_PASSWORD, "password2": DEFAULT_PASSWORD},
            HTTP_HOST=FORGED,
        )
        client.logout()
    smtp_server.wait_for(2)
    verification = smtp_server.text_of(smtp_server.to("new@example.org")[0])
    assert f"{BASE_URL}/accounts/confirm-email/" in verification
    assert_only_base_url_links(verification)
    already = smtp_server.text_of(smtp_server.to("taken@example.org")[0])
    assert f"{BASE_URL}/accounts/password/reset/" in already
    assert_only_base_url_links(already)


def test_a_request_for_another_host_is_refused_and_sends_nothing(client, settings, make_user, smtp_server):
    make_user("victim", email="victim@example.org")
    response = client.post("/accounts/password/reset/", {"email": "victim@example.org"}, HTTP_HOST=FORGED)
    assert response.status_code == 400
    assert smtp_server.messages == []


def test_the_real_server_answers_400_to_a_host_it_does_not_serve(live_server):
    address = urlsplit(live_server.url)
    for host in (FORGED, "127.0.0.1.evil.example", "localhost@evil.example"):
        connection = http.client.HTTPConnection(address.hostname, address.port, timeout=30)
        connection.request("GET", "/", headers={"Host": host})
        assert connection.getresponse().status == 400, host
        connection.close()


@pytest.mark.parametrize(
    "url",
    [
        "/feeds/daily.atom",
        "/feeds/daily.rss",
        "/feeds/trending.atom",
        "/feeds/category/cs.LG.atom",
    ],
)
def test_a_forged_host_cannot_poison_a_kept_feed(client, site, make_paper, url):
    for number in range(3):
        make_paper(f"Paper {number}", listed_on=DAY)
    forged = client.get(url, HTTP_HOST=FORGED)
    assert forged.status_code == 200
    assert_only_base_url_links(forged.content.decode(), minimum=4)
    for _ in range(2):  # the first plain request may be the one that fills the cache; the second reads it
        plain = client.get(url)
        assert plain.status_code == 200
        assert_only_base_url_links(plain.content.decode(), minimum=4)


def test_a_forged_host_cannot_poison_the_kept_api_link_header(client, site, make_paper):
    for number in range(3):
        make_paper(f"Paper {number}", listed_on=DAY)
    url = "/api/daily_papers?date=2025-03-18&limit=2"
    expected = f'<{BASE_URL}/api/daily_papers?date=2025-03-18&limit=2&p=1>; rel="next"'
    assert client.get(url, HTTP_HOST=FORGED)["Link"] == expected
    assert client.get(url)["Link"] == expected
    assert client.get(url)["Link"] == expected


def test_allowed_hosts_come_from_the_base_url():
    assert allowed_hosts("https://papers.example.org", None, debug=False) == ["papers.example.org"]
    # A loopback base URL (the development default) also answers to the other loopback names.
    assert allowed_hosts("http://127.0.0.1:8000", None, debug=False) == ["127.0.0.1", "localhost", "[::1]"]
    assert allowed_hosts("http://[::1]:8000", "", debug=False) == ["[::1]", "localhost", "127.0.0.1"]
    # PAPERFEED_ALLOWED_HOSTS adds names (an internal name a health check uses, say).
    assert allowed_hosts("https://papers.example.org", "papers.internal, .example.net", debug=False) == [
        "papers.example.org",
        "papers.internal",
        ".example.net",
    ]


def test_any_host_is_refused_outside_debug_mode_with_a_clear_error():
    with pytest.raises(ImproperlyConfigured, match="PAPERFEED_ALLOWED_HOSTS=\\*.*PAPERFEED_BASE_URL"):
        allowed_hosts("https://papers.example.org", "*", debug=False)
    assert "*" in allowed_hosts("http://127.0.0.1:8000", "*", debug=True)


def test_a_base_url_that_is_not_a_site_address_is_a_startup_error():
    with pytest.raises(ImproperlyConfigured, match="PAPERFEED_BASE_URL='papers.example.org'"):
        allowed_hosts("papers.example.org", None, debug=False)
