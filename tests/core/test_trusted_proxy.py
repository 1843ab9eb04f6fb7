"""Behind a trusted reverse proxy, limits key on the real client (X-Forwarded-For, read from the
right); from anyone else, forwarding headers are ignored, so they cannot dodge a limit or claim HTTPS.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client

from paperfeed.core.client_address import TrustedProxies, parse_proxies
from testkit import DEFAULT_PASSWORD

PROXY = "10.0.0.2"
CLIENT_A = "203.0.113.7"
CLIENT_B = "198.51.100.20"
# allauth's "login_failed" limit is 10 a minute per client address; 14 is what the report used.
FAILED_LOGINS = 14


@pytest.fixture
def behind_proxy(settings):
    settings.TRUSTED_PROXIES = parse_proxies(f"{PROXY}, 127.0.0.1")
    return settings


def log_in(username: str, password: str, **headers) -> str:
    """The outcome: in, limited (429, or the form's "too many attempts") or refused (wrong password)."""
    # A fresh client each time: no session or cookie ties one attempt to another, only the address.
    response = Client().post("/accounts/login/", {"login": username, "password": password}, **headers)
    if response.status_code == 302:
        return "in"
    if response.status_code == 429 or b"Too many failed login attempts" in response.content:
        return "limited"
    assert response.status_code == 200, response.status_code
    return "refused"


def via_proxy(client_address: str) -> dict:
    return {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": f"{client_address}, {PROXY}"}


@pytest.mark.django_db
def test_failed_logins_from_one_client_behind_the_proxy_do_not_lock_out_another(behind_proxy, make_user):
    make_user("reader")
    make_user("other")
    for _ in range(FAILED_LOGINS):
        assert log_in("reader", "wrong password", **via_proxy(CLIENT_A)) in ("refused", "limited")
    # Client B, through the same proxy, logs in as usual...
    assert log_in("other", DEFAULT_PASSWORD, **via_proxy(CLIENT_B)) == "in"
    # ...while client A is limited, even with a right password for another account.
    assert log_in("other", DEFAULT_PASSWORD, **via_proxy(CLIENT_A)) == "limited"


@pytest.mark.django_db
def test_a_forwarded_for_from_an_untrusted_address_is_ignored(behind_proxy, make_user):
    make_user("reader")
    make_user("other")
    attacker = "192.0.2.66"
    for number in range(FAILED_LOGINS):
        # A new claimed address each time: it must not reset the attacker's own count.
        spoofed = {"REMOTE_ADDR": attacker, "HTTP_X_FORWARDED_FOR": f"198.18.0.{number}"}
        log_in("reader", "wrong password", **spoofed)
    spoofed = {"REMOTE_ADDR": attacker, "HTTP_X_FORWARDED_FOR": "198.18.0.200"}
    assert log_in("other", DEFAULT_PASSWORD, **spoofed) == "limited"
    # Nor can it make the attacker's failures count against someone else's address.
    assert log_in("other", DEFAULT_PASSWORD, **via_proxy("198.18.0.3")) == "in"


@pytest.mark.django_db
def test_without_trusted_proxies_forwarding_headers_are_ignored(settings, make_user):
    settings.TRUSTED_PROXIES = ()
    make_user("reader")
    make_user("other")
    for _ in range(FAILED_LOGINS):
        log_in("reader", "wrong password", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=CLIENT_A)
    # Everyone comes from the proxy's address, as before the setting existed.
    assert log_in("other", DEFAULT_PASSWORD, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=CLIENT_B) == "limited"


@pytest.mark.django_db
def test_the_subscribe_limit_counts_each_client_behind_the_proxy(behind_proxy, smtp_server):
    behind_proxy.DIGEST_SUBSCRIBE_PER_HOUR = 3

    def subscribe(email: str, **headers) -> int:
        return Client().post("/digest/subscribe/", {"email": email}, **headers).status_code

    assert [subscribe(f"target{n}@example.org", **via_proxy(CLIENT_A)) for n in range(4)] == [
        200,
        200,
        200,
        429,
    ]
    assert subscribe("reader@example.org", **via_proxy(CLIENT_B)) == 200
    # Talking to the site directly, client B cannot claim fresh addresses: it is counted on its own
    # (which already asked once through the proxy).
    direct = [
        subscribe(f"other{n}@example.org", REMOTE_ADDR=CLIENT_B, HTTP_X_FORWARDED_FOR=f"198.18.1.{n}")
        for n in range(3)
    ]
    assert direct == [200, 200, 429]


@pytest.mark.django_db
def test_https_is_believed_only_from_a_trusted_proxy(behind_proxy):
    behind_proxy.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    behind_proxy.SECURE_SSL_REDIRECT = True
    behind_proxy.SECURE_SSL_HOST = "papers.example.org"
    from_proxy = Client().get("/about", HTTP_X_FORWARDED_PROTO="https", **via_proxy(CLIENT_A))
    assert from_proxy.status_code != 301
    direct = Client().get("/about", HTTP_X_FORWARDED_PROTO="https", REMOTE_ADDR=CLIENT_A)
    assert direct.status_code == 301 and direct["Location"] == "https://papers.example.org/about"


def test_the_client_is_the_rightmost_address_that_is_not_a_trusted_proxy():
    proxies = TrustedProxies(parse_proxies("10.0.0.0/24, ::1"))
    assert proxies.client(PROXY, f"1.1.1.1, {CLIENT_A}") == CLIENT_A  # the left one was typed by the client
    assert proxies.client(PROXY, f"{CLIENT_A}, 10.0.0.7, 10.0.0.9") == CLIENT_A  # a chain of our proxies
    assert proxies.client(PROXY, f"{CLIENT_A}:51234") == CLIENT_A
    assert proxies.client(PROXY, "[2001:db8::5]:443") == "2001:db8::5"
    assert proxies.client(PROXY, "2001:db8::5, ::1") == "2001:db8::5"
    assert proxies.client(PROXY, "10.0.0.7") == "10.0.0.7"  # a request from inside: the farthest hop
    assert proxies.client(PROXY, f"{CLIENT_A}, unknown") == PROXY  # a proxy that writes nonsense


def test_a_trusted_proxy_setting_that_is_not_an_address_is_a_startup_error():
    assert parse_proxies(" 127.0.0.1 , 10.1.2.0/24,,::1") == ("127.0.0.1/32", "10.1.2.0/24", "::1/128")
    assert parse_proxies(None) == ()
    with pytest.raises(ImproperlyConfigured, match="PAPERFEED_TRUSTED_PROXIES: 'proxy.internal'"):
        parse_proxies("127.0.0.1, proxy.internal")
