"""The shared test fixtures behave as the other test areas rely on."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.core.cache import cache
from django.db import connection

from testkit import DEFAULT_PASSWORD, SESSION_DATA_DIR


def test_the_session_uses_its_own_data_directory_not_the_working_directory(session_data_dir):
    assert session_data_dir == SESSION_DATA_DIR
    assert Path(os.environ["PAPERFEED_DATA_DIR"]) == session_data_dir
    assert session_data_dir == settings.DATA_DIR
    assert session_data_dir.is_dir()
    assert Path.cwd() / "data" != session_data_dir


@pytest.mark.django_db
def test_make_paper_creates_a_paper_with_ordered_authors_and_an_optional_listing(make_paper):
    listed = make_paper(
        "Listed", authors=["First", "Second", "Third"], listed_on=date(2025, 3, 18), upvotes=7
    )
    unlisted = make_paper("Unlisted")
    assert [a.name for a in listed.authorships.order_by("position")] == ["First", "Second", "Third"]
    assert listed.listing.date == date(2025, 3, 18)
    assert (listed.upvotes, listed.imported_upvotes) == (7, 7)
    assert not hasattr(unlisted, "listing") or unlisted.listing is None
    assert listed.arxiv_id != unlisted.arxiv_id


@pytest.mark.django_db
def test_make_listing_puts_an_existing_paper_on_a_day_with_its_submitter(make_paper, make_listing, make_user):
    submitter = make_user("submitter")
    paper = make_paper("To list")
    listing = make_listing(paper, on=date(2025, 4, 1), submitted_by=submitter)
    assert (listing.date, listing.submitted_by) == (date(2025, 4, 1), submitter)


@pytest.mark.django_db
def test_a_verified_user_can_log_in_and_an_unverified_one_cannot(client, make_user):
    make_user("verified_reader")
    make_user("unverified_reader", verified=False)
    ok = client.post("/accounts/login/", {"login": "verified_reader", "password": DEFAULT_PASSWORD})
    assert ok.status_code == 302
    assert client.session.get("_auth_user_id")
    client.logout()
    client.post("/accounts/login/", {"login": "unverified_reader", "password": DEFAULT_PASSWORD})
    assert not client.session.get("_auth_user_id")


@pytest.mark.django_db
def test_the_cache_table_exists_in_the_test_database():
    cache.set("infra-probe", "stored", 60)
    assert cache.get("infra-probe") == "stored"
    assert "paperfeed_cache" in connection.introspection.table_names()


def test_the_loopback_smtp_server_receives_what_django_sends(smtp_server):
    sent = mail.send_mail("Hello", "Body text here", "site@example.org", ["reader@example.org"])
    assert sent == 1
    [message] = smtp_server.wait_for(1)
    assert message["Subject"] == "Hello"
    assert message["X-Envelope-To"] == "reader@example.org"
    assert "Body text here" in smtp_server.text_of(message)


def test_waiting_for_mail_that_never_comes_fails_clearly(smtp_server):
    with pytest.raises(AssertionError, match="expected 1 mail"):
        smtp_server.wait_for(1, timeout=0.2)
