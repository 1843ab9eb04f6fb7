"""Fixtures for community tests: people, papers, listings."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from itertools import count

import pytest
from django.utils import timezone

from paperfeed.papers.models import Authorship, Listing, Paper

_numbers = count(1)


@pytest.fixture
def alice(make_user):
    return make_user("alice", fullname="Alice Liddell")


@pytest.fixture
def bob(make_user):
    return make_user("bob")


@pytest.fixture
def staff(make_user):
    return make_user("moderator", is_staff=True, is_superuser=True)


@pytest.fixture
def add_paper(db):
    """Create a paper, optionally listed on the feed on day ``on``."""

    def add(
        title: str = "A paper",
        *,
        on: date | None = None,
        upvotes: int = 0,
        published: datetime | None = None,
        authors: tuple[str, ...] = ("Ada Lovelace", "Alan Turing"),
        submitted_by=None,
        **fields,
    ) -> Paper:
        number = next(_numbers)
        paper = Paper.objects.create(
            arxiv_id=fields.pop("arxiv_id", f"2503.{number:05d}"),
            title=title,
            abstract=fields.pop("abstract", f"The abstract of {title}."),
            categories=fields.pop("categories", "cs.LG"),
            imported_upvotes=upvotes,
            upvotes=upvotes,
            published=published or datetime(2025, 3, 1, tzinfo=UTC),
            **fields,
        )
        Authorship.objects.bulk_create(
            Authorship(paper=paper, position=i, name=name) for i, name in enumerate(authors)
        )
        if on is not None:
            Listing.objects.create(
                paper=paper,
                date=on,
                submitted_at=datetime.combine(on, time(9, 0), tzinfo=UTC),
                submitted_by=submitted_by,
            )
        return paper

    return add


@pytest.fixture
def recent(db):
    """A moment ``days`` ago, for papers inside or outside the submission window."""

    def ago(days: float) -> datetime:
        return timezone.now() - timedelta(days=days)

    return ago


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Hashing strength is not under test here; a fast hasher keeps the suite quick."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def fake_arxiv(settings):
    """A loopback arXiv API; settings point the client at it. Add papers to ``fake_arxiv.papers``."""
    pytest.importorskip("paperfeed.ingest.arxiv_api", reason="the arXiv API client is not in this tree")
    from .fake_arxiv import FakeArxiv

    server = FakeArxiv()
    server.start()
    settings.ARXIV_API_URL = server.url
    settings.ARXIV_API_DELAY_SECONDS = 0
    settings.ARXIV_RETRY_ATTEMPTS = 1
    settings.ARXIV_RETRY_BACKOFF_SECONDS = 0
    settings.ARXIV_TIMEOUT_SECONDS = 5
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def arxiv_down(settings):
    """Point the arXiv client at a loopback port nobody listens on."""
    import socket

    pytest.importorskip("paperfeed.ingest.arxiv_api", reason="the arXiv API client is not in this tree")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.ARXIV_API_URL = f"http://127.0.0.1:{port}/api/query"
    settings.ARXIV_API_DELAY_SECONDS = 0
    settings.ARXIV_RETRY_ATTEMPTS = 1
    settings.ARXIV_RETRY_BACKOFF_SECONDS = 0
    settings.ARXIV_TIMEOUT_SECONDS = 2


@pytest.fixture
def concurrent_database(transactional_db, tmp_path):
    """A database that threads can write at the same moment, as in a served site.

    PostgreSQL serves as it is. The SQLite test database lives in shared-cache memory, which
    answers a second writer with "table is locked" instead of letting it wait; for this test the
    default database becomes a file copy of it instead, opened with the production options (WAL,
    busy timeout, IMMEDIATE transactions). Request it before fixtures that create rows.
    """
    import sqlite3

    from django.db import connections

    memory = connections["default"]
    if memory.vendor != "sqlite" or not memory.is_in_memory_db():
        yield
        return
    memory.ensure_connection()
    path = tmp_path / "concurrent.sqlite3"
    with sqlite3.connect(path) as copy:
        memory.connection.backup(copy)
        # Already in WAL, as a served database is: the threads should not race to switch it.
        copy.execute("PRAGMA journal_mode=WAL")
    copy.close()
    original = connections.settings["default"]
    connections.settings["default"] = {**original, "NAME": str(path)}
    connections["default"] = connections.create_connection("default")
    try:
        yield
    finally:
        connections["default"].close()
        connections.settings["default"] = original
        connections["default"] = memory


@pytest.fixture
def served_site(concurrent_database, settings):
    """The site served over HTTP on loopback by waitress with 4 threads, as `paperfeed serve` runs
    it: a bounded number of web threads, each with its own database connection. Yields its URL."""
    import threading

    from django.db import connections
    from waitress import create_server

    from paperfeed.wsgi import application

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "127.0.0.1"]
    database = connections.settings["default"]
    kept_age = database.get("CONN_MAX_AGE", 0)
    database["CONN_MAX_AGE"] = 0  # each request closes its connection: none outlives the test
    server = create_server(application, host="127.0.0.1", port=0, threads=4)
    thread = threading.Thread(target=server.run, name="served-site", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.effective_port}"
    finally:
        server.close()
        thread.join(10)
        database["CONN_MAX_AGE"] = kept_age
