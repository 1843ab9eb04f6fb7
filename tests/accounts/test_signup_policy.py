"""Who may sign up (PAPERFEED_SIGNUP): open, by invitation (links staff make, good once until they
expire) or by email domain. A refused sign-up says what to do and creates nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from paperfeed.accounts.models import Invite
from paperfeed.accounts.signup_policy import new_invite

pytestmark = pytest.mark.django_db
User = get_user_model()


def sign_up(client, email: str = "ada@lab.example.org", username: str = "ada"):
    return client.post(
        "/accounts/signup/",
        {
            "email": email,
            "username": username,
            "password1": "a long lab passphrase 42",
            "password2": "a long lab passphrase 42",
        },
    )


@pytest.fixture
def by_invite(settings):
    settings.SIGNUP_POLICY = "invite"


@pytest.fixture
def by_domain(settings):
    settings.SIGNUP_POLICY = "domains"
    settings.SIGNUP_DOMAINS = ["lab.example.org", "example.edu"]


def test_open_sign_up_creates_an_account(client):
    assert sign_up(client).status_code == 302
    assert User.objects.filter(username="ada").exists()


def test_by_invitation_the_form_is_closed_without_an_invite(client, by_invite):
    page = client.get("/accounts/signup/")
    assert "by invitation only" in page.content.decode()
    sign_up(client)
    assert not User.objects.filter(username="ada").exists()


def test_an_invite_link_opens_sign_up_once(client, by_invite, make_user):
    invite = new_invite(created_by=make_user("staffer"), note="Ada")
    opened = client.get(f"/accounts/invite/{invite.token}/")
    assert opened.status_code == 302 and opened["Location"] == "/accounts/signup/"
    assert 'name="username"' in client.get("/accounts/signup/").content.decode()
    assert sign_up(client).status_code == 302
    ada = User.objects.get(username="ada")
    invite.refresh_from_db()
    assert invite.used_by == ada and invite.used_at is not None


def test_a_used_invite_says_so_and_creates_nothing(client, by_invite, make_user):
    invite = new_invite()
    client.get(f"/accounts/invite/{invite.token}/")
    sign_up(client)
    second = client.__class__()
    page = second.get(f"/accounts/invite/{invite.token}/")
    assert page.status_code == 410
    assert "already used" in page.content.decode()
    sign_up(second, email="eve@lab.example.org", username="eve")
    assert not User.objects.filter(username="eve").exists()
    assert Invite.objects.get(pk=invite.pk).used_by.username == "ada"


def test_an_expired_invite_says_when_it_expired_and_creates_nothing(client, by_invite):
    invite = new_invite()
    Invite.objects.filter(pk=invite.pk).update(expires_at=timezone.now() - timedelta(days=1))
    page = client.get(f"/accounts/invite/{invite.token}/")
    assert page.status_code == 410
    assert "expired on" in page.content.decode()
    sign_up(client)
    assert not User.objects.exists()
    assert Invite.objects.get(pk=invite.pk).used_at is None


def test_an_invite_that_expires_after_it_was_opened_no_longer_signs_up(client, by_invite):
    invite = new_invite()
    client.get(f"/accounts/invite/{invite.token}/")
    Invite.objects.filter(pk=invite.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    sign_up(client)
    assert not User.objects.exists()


def test_a_made_up_invite_link_is_not_found(client, by_invite):
    page = client.get("/accounts/invite/not-a-real-token/")
    assert page.status_code == 404
    assert "not valid" in page.content.decode()


def test_by_domain_an_address_on_the_list_signs_up(client, by_domain):
    assert sign_up(client, email="grace@EXAMPLE.edu", username="grace").status_code == 302
    assert User.objects.filter(username="grace").exists()


def test_by_domain_another_domain_is_told_which_domains_may_and_nothing_is_created(client, by_domain):
    page = sign_up(client, email="mallory@elsewhere.com", username="mallory")
    assert page.status_code == 200
    html = page.content.decode()
    assert "limited to addresses at these domains: lab.example.org, example.edu" in html
    assert not User.objects.filter(username="mallory").exists()


def test_staff_make_invites_in_the_admin_and_see_the_link(admin_client, settings):
    added = admin_client.post(
        "/admin/accounts/invite/add/",
        {"note": "Grace", "expires_at_0": "2999-01-01", "expires_at_1": "12:00:00"},
    )
    assert added.status_code == 302
    invite = Invite.objects.get(note="Grace")
    page = admin_client.get(f"/admin/accounts/invite/{invite.pk}/change/").content.decode()
    assert f"{settings.BASE_URL}/accounts/invite/{invite.token}/" in page
    assert invite.created_by.is_superuser
