"""Fixtures every test area can use: factories for papers, listings and users, a loopback SMTP server.

The session gets its own data directory, so tests never touch ``./data``: ``PAPERFEED_DATA_DIR``
is set for subprocesses and ``settings.DATA_DIR`` points at it for code that reads it at run time.
(``./scripts/test`` also sets the variable before Django starts, so even the settings module sees it.)
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from itertools import count
from pathlib import Path

import pytest
from django.conf import settings

from smtpkit import LoopbackSmtpServer, send_django_mail_to
from testkit import CHROMIUM, CHROMIUM_ARGS, DEFAULT_PASSWORD, SESSION_DATA_DIR

# Settings are already loaded (pytest-django loads them before any conftest): point the run-time
# setting at the session's directory too.
settings.DATA_DIR = SESSION_DATA_DIR
# Importers leave the search index alone unless a test turns this on: indexing embeds every paper.
settings.SEARCH_INDEX_ON_INGEST = False
# Submitted papers are fetched from arXiv by the test that asks for it (a thread in the test
# process would share the in-memory SQLite database with the test's open transaction).
settings.ARXIV_FETCH_IN_WEB = False

_numbers = count(1)


def pytest_unconfigure(config) -> None:
    shutil.rmtree(SESSION_DATA_DIR, ignore_errors=True)


@pytest.fixture(scope="session")
def session_data_dir() -> Path:
    """The data directory this test session uses instead of ./data."""
    return SESSION_DATA_DIR


@pytest.fixture(autouse=True)
def _clear_cache_after_database_tests(request, django_db_blocker) -> Iterator[None]:
    """Empty the caches after each database test.

    Rate limits live in the cache table, which Django's flush between transactional (live server)
    tests does not empty; without this, one test's sign-ups would count against the next test.
    Cached feed pages go too, so no test sees a page rendered from another test's papers.
    """
    yield
    uses_database = "django_db_setup" in request.fixturenames or request.node.get_closest_marker("django_db")
    if uses_database:
        from django.core.cache import cache, caches

        caches["pages"].clear()
        with django_db_blocker.unblock():
            cache.clear()
            _drop_postgres_search_index()


def _drop_postgres_search_index() -> None:
    """Drop the PostgreSQL search tables, which the search backend creates outside Django's models.

    Django's flush between transactional tests empties only the tables it knows, so without this an
    index built by one test would answer the next one (with paper ids the next test reuses).
    Inside ordinary tests the tables are rolled back with the test's transaction anyway.
    """
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    from paperfeed.search.backends.postgres import DOCS, STATE

    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {DOCS}")
        cursor.execute(f"DROP TABLE IF EXISTS {STATE}")


@pytest.fixture
def make_paper(db) -> Callable[..., object]:
    """Create a paper with its authors; ``listed_on=<date>`` also puts it on that day's feed.

    Any Paper field can be given; ``upvotes`` sets both the imported and the total count.
    """
    from paperfeed.papers.models import Authorship, Paper

    def make(
        title: str | None = None,
        *,
        authors: tuple[str, ...] | list[str] = ("Ada Lovelace", "Alan Turing"),
        upvotes: int = 0,
        listed_on: date | None = None,
        submitted_by=None,
        **fields,
    ) -> Paper:
        number = next(_numbers)
        title = title or f"Paper number {number}"
        fields.setdefault("arxiv_id", f"2502.{number % 100000:05d}")
        fields.setdefault("abstract", f"We study {title.lower()} and report what we found.")
        fields.setdefault("categories", "cs.LG")
        fields.setdefault("published", datetime.now(UTC) - timedelta(days=2))
        paper = Paper.objects.create(title=title, imported_upvotes=upvotes, upvotes=upvotes, **fields)
        Authorship.objects.bulk_create(
            Authorship(paper=paper, position=position, name=name) for position, name in enumerate(authors)
        )
        if listed_on is not None:
            make_listing_for(paper, listed_on, submitted_by=submitted_by)
        return paper

    return make


def make_listing_for(paper, on: date, *, submitted_by=None, submitted_at: datetime | None = None, **fields):
    from paperfeed.papers.models import Listing

    if submitted_at is None:
        submitted_at = datetime.combine(on, datetime.min.time(), tzinfo=UTC) + timedelta(hours=8)
    return Listing.objects.create(
        paper=paper, date=on, submitted_at=submitted_at, submitted_by=submitted_by, **fields
    )


@pytest.fixture
def make_listing(db) -> Callable[..., object]:
    """Put a paper on the feed: ``make_listing(paper, on=date, submitted_by=user, submitted_at=...)``."""

    def make(paper, on: date | None = None, **fields):
        return make_listing_for(paper, on or datetime.now(UTC).date(), **fields)

    return make


@pytest.fixture
def make_user(db) -> Callable[..., object]:
    """Create a user who logs in with ``DEFAULT_PASSWORD``; ``verified=False`` leaves the email unverified."""
    from allauth.account.models import EmailAddress
    from django.contrib.auth import get_user_model

    def make(username: str | None = None, *, email: str | None = None, verified: bool = True, **fields):
        number = next(_numbers)
        username = username or f"reader{number}"
        email = email or f"{username}@example.org"
        password = fields.pop("password", DEFAULT_PASSWORD)
        user = get_user_model().objects.create_user(
            username=username, email=email, password=password, **fields
        )
        EmailAddress.objects.create(user=user, email=email, verified=verified, primary=True)
        return user

    return make


@pytest.fixture
def user_client(client, make_user):
    """A test client logged in as a fresh verified user (``user_client.user``)."""
    user = make_user()
    client.force_login(user)
    client.user = user
    return client


@pytest.fixture
def smtp_server(settings) -> Iterator[LoopbackSmtpServer]:
    """A loopback SMTP server, with Django's mail settings pointed at it for the test."""
    server = LoopbackSmtpServer()
    server.start()
    send_django_mail_to(server, settings)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """One chromium per test module.

    Playwright's sync API keeps an asyncio loop running in this thread while it is started, and
    Django refuses ORM calls under a running loop; the escape hatch is set only for that time, and
    the module scope ends the loop before tests of other modules run in this process.
    """
    if not CHROMIUM.exists():
        pytest.fail(f"the browser tests need Debian's chromium at {CHROMIUM}: apt-get install chromium")
    from playwright.sync_api import sync_playwright

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()
    finally:
        playwright.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous
