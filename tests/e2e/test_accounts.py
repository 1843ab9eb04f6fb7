"""Accounts in a real browser: sign up, verify the email from the mail a real SMTP server received, log in."""

from __future__ import annotations

import re

import pytest

from testkit import DEFAULT_PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

CONFIRM_LINK = re.compile(r"https?://\S+/accounts/confirm-email/\S+?/")


def sign_up(page, *, email: str, username: str, password: str = DEFAULT_PASSWORD) -> None:
    page.goto("/accounts/signup/")
    submit = page.get_by_role("button", name=re.compile(r"^sign up$", re.I))
    # The sign-up form itself: other forms on the page (e.g. a digest sign-up) ask for an email too.
    form = page.locator("form").filter(has=submit)
    form.get_by_label(re.compile(r"^e-?mail:?$", re.I)).fill(email)
    form.get_by_label(re.compile(r"^username", re.I)).fill(username)
    form.get_by_label(re.compile(r"^password:?$", re.I)).fill(password)
    form.get_by_label(re.compile(r"^password \(again\)", re.I)).fill(password)
    submit.click()


def test_a_visitor_signs_up_confirms_the_email_from_the_mail_and_is_logged_in(page, smtp_server, screenshot):
    from django.contrib.auth import get_user_model

    page.goto("/")
    page.get_by_role("link", name="Sign up").click()
    screenshot(page, "signup-form")
    sign_up(page, email="grace@example.org", username="grace")

    page.get_by_text(
        re.compile(r"verify your e-?mail|verification e-?mail|sent.*e-?mail", re.I)
    ).first.wait_for()
    screenshot(page, "signup-verification-sent")
    user = get_user_model().objects.get(username="grace")
    assert not user.emailaddress_set.get().verified

    [mail] = smtp_server.wait_for(1)
    assert mail["X-Envelope-To"] == "grace@example.org"
    link = CONFIRM_LINK.search(smtp_server.text_of(mail))
    assert link, f"no confirmation link in the mail:\n{smtp_server.text_of(mail)}"

    page.goto(link.group(0))
    screenshot(page, "signup-confirm-email")
    page.get_by_role("button", name=re.compile(r"confirm", re.I)).click()

    nav = page.get_by_role("navigation", name="Main")
    nav.get_by_role("link", name="grace").wait_for()
    assert nav.get_by_role("button", name="Log out").is_visible()
    assert user.emailaddress_set.get().verified


def test_a_signed_up_user_cannot_log_in_before_confirming_the_email(page, smtp_server, log_in_with_form):
    sign_up(page, email="pending@example.org", username="pending")
    smtp_server.wait_for(1)
    page.context.clear_cookies()
    log_in_with_form(page, "pending")
    page.get_by_text(
        re.compile(r"verify your e-?mail|verification e-?mail|sent.*e-?mail", re.I)
    ).first.wait_for()
    page.goto("/")
    assert page.get_by_role("navigation", name="Main").get_by_role("link", name="Log in").is_visible()


def test_a_verified_user_logs_in_and_out_with_the_forms(page, make_user, log_in_with_form, screenshot):
    make_user("ada", email="ada@example.org")
    page.goto("/accounts/login/")
    screenshot(page, "login-form")
    log_in_with_form(page, "ada")
    nav = page.get_by_role("navigation", name="Main")
    nav.get_by_role("link", name="ada").wait_for()

    nav.get_by_role("button", name="Log out").click()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Log in").wait_for()


def test_a_wrong_password_is_refused_with_a_message(page, make_user, log_in_with_form):
    make_user("alan")
    log_in_with_form(page, "alan", "not the password")
    page.get_by_text(re.compile(r"not correct|incorrect|invalid", re.I)).first.wait_for()
    page.goto("/")
    assert page.get_by_role("navigation", name="Main").get_by_role("link", name="Log in").is_visible()
