"""Sign up, verify the email, log in and out, reset the password: allauth inside the site's layout."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model

from testkit import DEFAULT_PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a different long passphrase 77"


def link_in(message, path_prefix: str) -> str:
    match = re.search(rf"https?://[^/\s]+({re.escape(path_prefix)}\S+)", message.body)
    assert match, message.body
    return match.group(1)


def assert_site_page(response, heading: str) -> str:
    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="site-header"' in html, "account pages use the site's layout"
    assert "community.css" in html
    assert heading in html
    return html


@pytest.mark.parametrize(
    ("url", "heading"),
    [
        ("/accounts/login/", "Sign In"),
        ("/accounts/signup/", "Sign Up"),
        ("/accounts/password/reset/", "Password Reset"),
        ("/accounts/password/reset/done/", "Password Reset"),
        ("/accounts/confirm-email/", "Verify Your Email Address"),
    ],
)
def test_every_account_page_renders_in_the_site_layout(client, url, heading):
    html = assert_site_page(client.get(url), heading)
    assert "<title>" in html and "paperfeed" in html.split("<title>", 1)[1].split("</title>", 1)[0]


def test_account_forms_have_labelled_fields(client):
    html = client.get("/accounts/signup/").content.decode()
    assert 'class="auth-form' in html
    for field in ("email", "username", "password1", "password2"):
        assert f'<label for="id_{field}"' in html, field


def test_signed_in_account_pages_render(client, make_user):
    client.force_login(make_user("reader"))
    for url, heading in [
        ("/accounts/email/", "Email Addresses"),
        ("/accounts/password/change/", "Change Password"),
        ("/accounts/logout/", "Sign Out"),
    ]:
        assert_site_page(client.get(url), heading)


def test_sign_up_verify_the_email_then_log_in_and_out(client, mailoutbox):
    response = client.post(
        "/accounts/signup/",
        {
            "email": "new@example.org",
            "username": "newcomer",
            "password1": DEFAULT_PASSWORD,
            "password2": DEFAULT_PASSWORD,
        },
    )
    assert response.status_code == 302 and response["Location"] == "/accounts/confirm-email/"
    user = get_user_model().objects.get(username="newcomer")
    assert not EmailAddress.objects.get(user=user).verified

    # Until the address is verified, logging in leads back to "verify your email".
    client.logout()
    blocked = client.post("/accounts/login/", {"login": "newcomer", "password": DEFAULT_PASSWORD})
    assert blocked.status_code == 302 and blocked["Location"] == "/accounts/confirm-email/"

    assert len(mailoutbox) >= 1
    mail = mailoutbox[0]
    assert mail.to == ["new@example.org"] and mail.subject.startswith("[paperfeed]")
    assert mail.body.startswith("Hello from paperfeed!"), "mails use the site's name, not its host"
    assert "Thank you for using paperfeed!" in mail.body
    confirm_path = link_in(mail, "/accounts/confirm-email/")
    confirm_page = client.get(confirm_path)
    assert_site_page(confirm_page, "Confirm Email Address")
    confirmed = client.post(confirm_path)
    assert confirmed.status_code == 302
    assert EmailAddress.objects.get(user=user).verified

    client.post("/accounts/logout/")
    logged_in = client.post("/accounts/login/", {"login": "newcomer", "password": DEFAULT_PASSWORD})
    assert logged_in.status_code == 302 and logged_in["Location"] == "/"
    home_html = client.get("/u/newcomer").content.decode()
    assert "Log out" in home_html
    client.post("/accounts/logout/")
    assert "Log in" in client.get("/u/newcomer").content.decode()


def test_a_wrong_password_gets_a_clear_error(client, make_user):
    make_user("reader")
    response = client.post("/accounts/login/", {"login": "reader", "password": "not it"})
    html = assert_site_page(response, "Sign In")
    assert "not correct" in html


def test_a_taken_email_or_username_is_refused_at_sign_up(client, make_user):
    make_user("reader", email="reader@example.org")
    response = client.post(
        "/accounts/signup/",
        {
            "email": "reader@example.org",
            "username": "reader",
            "password1": DEFAULT_PASSWORD,
            "password2": DEFAULT_PASSWORD,
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "already" in html.lower()
    assert get_user_model().objects.filter(username="reader").count() == 1


def test_reset_a_forgotten_password(client, make_user, mailoutbox):
    make_user("reader", email="reader@example.org")
    response = client.post("/accounts/password/reset/", {"email": "reader@example.org"})
    assert response.status_code == 302 and response["Location"] == "/accounts/password/reset/done/"
    reset_path = link_in(mailoutbox[-1], "/accounts/password/reset/key/")
    form_page = client.get(reset_path, follow=True)
    html = assert_site_page(form_page, "Change Password")
    set_path = form_page.redirect_chain[-1][0] if form_page.redirect_chain else reset_path
    assert 'name="password1"' in html
    done = client.post(set_path, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert done.status_code == 302
    client.logout()
    old = client.post("/accounts/login/", {"login": "reader", "password": DEFAULT_PASSWORD})
    assert old.status_code == 200  # the old password no longer works
    new = client.post("/accounts/login/", {"login": "reader", "password": NEW_PASSWORD})
    assert new.status_code == 302
