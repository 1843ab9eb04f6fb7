"""Fixtures for community tests: people, the fake arXiv asked once, a database and a site that
threads use at the same moment."""

from __future__ import annotations

import pytest


@pytest.fixture
def alice(make_user):
    return make_user("alice", fullname="Alice Liddell")


@pytest.fixture
def bob(make_user):
    return make_user("bob")


@pytest.fixture
def staff(make_user):
    return make_user("moderator", is_staff=True, is_superuser=True)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Hashing strength is not under test here; a fast hasher keeps the suite quick."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def fake_arxiv(fake_arxiv, settings):
    """The shared fake arXiv, asked once per fetch: these tests are about what a failed fetch
    shows, not about retries (tests/ingest covers those)."""
    settings.ARXIV_RETRY_ATTEMPTS = 1
    settings.ARXIV_RETRY_BACKOFF_SECONDS = 0
    return fake_arxiv


@pytest.fixture
def arxiv_down(fake_arxiv):
    """arXiv not answering: its port refuses connections."""
    fake_arxiv.stop_answering()
    return fake_arxiv


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
