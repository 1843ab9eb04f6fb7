"""Single sign-on through OpenID Connect, end to end against a real provider on loopback.

The provider is a small Django project with django-oauth-toolkit's OpenID Connect support
(tests/accounts/oidc_provider), run in a process of its own with an RSA key made for the run.
A person signs in there and comes back to paperfeed with an account. A provider that is down,
or that answers with an error, leaves a message on the sign-in page and creates nothing.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from allauth.socialaccount.models import SocialAccount
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.contrib.auth import get_user_model

pytestmark = pytest.mark.django_db(transaction=True)
User = get_user_model()
HERE = Path(__file__).parent
CLIENT_ID, CLIENT_SECRET = "paperfeed-lab", "a client secret shared with the provider"
PERSON = {"username": "ada", "password": "identity provider passphrase 1815"}
EMAIL = "ada@lab.example.org"
STARTUP_SECONDS = 90  # generous: migrating the provider's database on a busy 2-core machine


@dataclass(frozen=True)
class Provider:
    issuer: str


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def rsa_private_key() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return pem.decode()


@pytest.fixture
def provider(live_server, tmp_path) -> Iterator[Provider]:
    port = free_port()
    env = {
        **os.environ,
        "PYTHONPATH": str(HERE),
        "DJANGO_SETTINGS_MODULE": "oidc_provider.settings",
        "IDP_DATABASE": str(tmp_path / "provider.sqlite3"),
        "IDP_RSA_PRIVATE_KEY": rsa_private_key(),
        "IDP_USERNAME": PERSON["username"],
        "IDP_PASSWORD": PERSON["password"],
        "IDP_EMAIL": EMAIL,
        "IDP_CLIENT_ID": CLIENT_ID,
        "IDP_CLIENT_SECRET": CLIENT_SECRET,
    }
    callback = f"{live_server.url}/accounts/oidc/sso/login/callback/"
    process = subprocess.Popen(
        [sys.executable, "-m", "oidc_provider.serve", str(port), callback], env=env, cwd=tmp_path
    )
    issuer = f"http://127.0.0.1:{port}/o"
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            assert process.poll() is None, "the OpenID Connect provider stopped while starting"
            try:
                if httpx.get(f"{issuer}/.well-known/openid-configuration").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "the OpenID Connect provider did not start"
            time.sleep(0.2)
        yield Provider(issuer=issuer)
    finally:
        process.terminate()
        process.wait(timeout=30)


def configure(settings, issuer: str, secret: str = CLIENT_SECRET) -> None:
    """What PAPERFEED_OIDC_ISSUER, _CLIENT_ID, _SECRET and _NAME become in settings.py."""
    app = {
        "provider_id": "sso",
        "name": "Lab account",
        "client_id": CLIENT_ID,
        "secret": secret,
        "settings": {"server_url": issuer},
    }
    settings.SOCIALACCOUNT_PROVIDERS = {"openid_connect": {"APPS": [app], "OAUTH_PKCE_ENABLED": True}}


def start_sign_in(browser: httpx.Client) -> httpx.Response:
    """Press the sign-in page's single sign-on button."""
    page = browser.get("/accounts/login/")
    assert "Lab account" in page.text, "the sign-in page offers single sign-on"
    token = browser.cookies["csrftoken"]
    return browser.post("/accounts/oidc/sso/login/", data={"csrfmiddlewaretoken": token})


def sign_in_at_provider(browser: httpx.Client, login_page: httpx.Response) -> httpx.Response:
    assert login_page.url.path == "/login/", login_page.url
    token = browser.cookies["idp_csrftoken"]
    data = {**PERSON, "csrfmiddlewaretoken": token, "next": login_page.url.params["next"]}
    return browser.post(str(login_page.url), data=data)


def nothing_created() -> bool:
    return not User.objects.exists() and not SocialAccount.objects.exists()


def test_a_lab_member_signs_in_with_the_identity_provider_and_gets_an_account(
    live_server, provider, settings
):
    configure(settings, provider.issuer)
    settings.MEMBERS_ONLY = True
    with httpx.Client(base_url=live_server.url, follow_redirects=True) as browser:
        at_provider = start_sign_in(browser)
        back = sign_in_at_provider(browser, at_provider)
        assert back.url.host == httpx.URL(live_server.url).host and back.status_code == 200
        member = User.objects.get(email=EMAIL)
        assert member.username == "ada"
        assert SocialAccount.objects.filter(user=member, provider="sso").exists()
        home = browser.get("/", follow_redirects=False)
        assert home.status_code == 200, "signed in: the members-only site lets them read"


def test_the_second_sign_in_finds_the_same_account(live_server, provider, settings):
    configure(settings, provider.issuer)
    for _ in range(2):
        with httpx.Client(base_url=live_server.url, follow_redirects=True) as browser:
            sign_in_at_provider(browser, start_sign_in(browser))
    assert User.objects.count() == 1 and SocialAccount.objects.count() == 1


def test_a_provider_that_is_down_is_told_on_the_sign_in_page(live_server, settings):
    configure(settings, f"http://127.0.0.1:{free_port()}/o")
    with httpx.Client(base_url=live_server.url, follow_redirects=True) as browser:
        page = start_sign_in(browser)
    assert page.url.path == "/accounts/login/"
    assert "Lab account cannot be reached right now" in page.text
    assert nothing_created()


def test_a_provider_that_answers_with_an_error_is_told_on_the_sign_in_page(live_server, provider, settings):
    configure(settings, provider.issuer, secret="not the secret the provider knows")
    with httpx.Client(base_url=live_server.url, follow_redirects=True) as browser:
        page = sign_in_at_provider(browser, start_sign_in(browser))
    assert page.url.path == "/accounts/login/"
    assert "Signing in with Lab account did not work: it answered with an error" in page.text
    assert nothing_created()
