"""Fixtures every test area can use: papers, listings, users and subscribers (wrapping the plain
functions of factories.py), a loopback SMTP server, the fake arXiv of fake_arxiv.py, a browser.

Papers come from one factory, ``make_paper``; ``make_dated_paper`` is the same factory with fixed
dates and ids, for tests that count days from 1 March 2025.

The session gets its own data directory, so tests never touch ``./data``: ``PAPERFEED_DATA_DIR``
is set for subprocesses and ``settings.DATA_DIR`` points at it for code that reads it at run time.
(``./scripts/test`` also sets the variable before Django starts, so even the settings module sees it.)
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from django.conf import settings

import factories
from fake_arxiv import FakeArxiv
from smtpkit import LoopbackSmtpServer, send_django_mail_to
from testkit import CHROMIUM, CHROMIUM_ARGS, SESSION_DATA_DIR

# Settings are already loaded (pytest-django loads them before any conftest): point the run-time
# setting at the session's directory too.
settings.DATA_DIR = SESSION_DATA_DIR
# Importers leave the search index alone unless a test turns this on: indexing embeds every paper.
settings.SEARCH_INDEX_ON_INGEST = False
# Submitted papers are fetched from arXiv by the test that asks for it (a thread in the test
# process would share the in-memory SQLite database with the test's open transaction).
settings.ARXIV_FETCH_IN_WEB = False


def pytest_unconfigure(config) -> None:
    shutil.rmtree(SESSION_DATA_DIR, ignore_errors=True)


@pytest.fixture(scope="session")
def session_data_dir() -> Path:
    """The data directory this test session uses instead of ./data."""
    return SESSION_DATA_DIR


@pytest.fixture(autouse=True)
def _own_search_index(settings, tmp_path) -> None:
    """Each test gets its own local search index directory: an index one test built (the worker's
    index job builds one) would otherwise answer the next test, with paper ids it reuses."""
    settings.SEARCH_INDEX_DIR = tmp_path / "index"


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
    See :func:`factories.paper`.
    """
    return factories.paper


@pytest.fixture
def make_dated_paper(db) -> Callable[..., object]:
    """``make_paper`` for tests that fix their dates: titled "A paper", published 1 March 2025,
    with a 2503 arXiv id; ``on=<date>`` lists it on that day's feed."""

    def add(title: str = "A paper", *, on: date | None = None, **fields) -> object:
        fields.setdefault("arxiv_id", factories.arxiv_id("2503"))
        fields.setdefault("abstract", f"The abstract of {title}.")
        fields.setdefault("published", factories.FIXED_PUBLISHED)
        return factories.paper(title, listed_on=on, **fields)

    return add


@pytest.fixture
def make_listing(db) -> Callable[..., object]:
    """Put a paper on the feed: ``make_listing(paper, on=date, submitted_by=user, submitted_at=...)``."""

    def make(paper, on: date | None = None, **fields):
        return factories.listing(paper, on or datetime.now(UTC).date(), **fields)

    return make


@pytest.fixture
def make_user(db) -> Callable[..., object]:
    """Create a user who logs in with ``DEFAULT_PASSWORD``; ``verified=False`` leaves the email unverified."""
    return factories.user


@pytest.fixture
def make_subscriber(db) -> Callable[..., object]:
    """A confirmed daily digest subscriber (``confirmed=False`` leaves it waiting for confirmation)."""
    return factories.subscriber


@pytest.fixture
def recent() -> Callable[[float], datetime]:
    """``recent(days)``: the moment that many days ago, for papers inside or outside a window."""
    return factories.ago


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


@pytest.fixture
def fake_arxiv(settings, monkeypatch) -> Iterator[FakeArxiv]:
    """A running :class:`fake_arxiv.FakeArxiv` (API and OAI-PMH) with the arXiv settings pointed at
    it; the client's waits are recorded in ``fake_arxiv.waits`` instead of slept."""
    from paperfeed.ingest import arxiv_api, http

    fake = FakeArxiv().start()
    settings.ARXIV_API_URL = fake.api_url
    settings.ARXIV_OAI_URL = fake.oai_url
    settings.ARXIV_API_DELAY_SECONDS = 0
    settings.ARXIV_TIMEOUT_SECONDS = 5
    monkeypatch.setattr(http, "pause", fake.pause)
    monkeypatch.setattr(arxiv_api, "_next_free_at", None)
    try:
        yield fake
    finally:
        fake.stop_answering()


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
