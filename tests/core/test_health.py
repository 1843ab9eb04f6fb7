"""``/healthz``: load balancers learn whether a web process reaches the database and the search
index. It answers 200 JSON when both are reachable and 503 naming what is down, is never cached,
and gets through the production settings (a probe by address over plain HTTP is neither refused
for its host nor redirected to HTTPS).
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time

import httpx
import pytest

from testkit import REPO_ROOT

pytestmark = pytest.mark.django_db(transaction=True)

# Generous: several test runs may share this machine's cores (the check itself is one small query).
TIMEOUT = 60


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(url: str, server: subprocess.Popen, seconds: float = 120) -> httpx.Response:
    """The first answer of a server that is starting (a generous bound: a busy machine starts slowly)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert server.poll() is None, server.stdout.read()
        try:
            return httpx.get(url, timeout=TIMEOUT)
        except httpx.TransportError:
            time.sleep(0.2)
    raise AssertionError(f"{url} did not answer within {seconds} s")


@pytest.fixture
def production(settings):
    """The production settings of the README: the site's own host only, HTTPS enforced."""
    settings.ALLOWED_HOSTS = ["papers.example.org"]
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31536000
    return settings


def test_healthz_answers_a_load_balancer_probe_by_address_over_plain_http(live_server, production):
    # A probe names the machine by its address: neither refused (400) nor redirected (301).
    response = httpx.get(f"{live_server.url}/healthz", headers={"Host": "10.0.0.5"}, timeout=TIMEOUT)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["index"]["ok"] is True
    assert "no-cache" in response.headers["cache-control"] and "no-store" in response.headers["cache-control"]
    # Every other page still follows the production rules.
    assert httpx.get(f"{live_server.url}/", headers={"Host": "10.0.0.5"}, timeout=TIMEOUT).status_code == 400


def test_healthz_is_503_naming_the_index_when_it_cannot_be_read(live_server, settings, tmp_path):
    not_a_directory = tmp_path / "index"
    not_a_directory.write_text("not an index")
    settings.SEARCH_BACKEND = "local"
    settings.SEARCH_INDEX_DIR = str(not_a_directory)
    response = httpx.get(f"{live_server.url}/healthz", timeout=TIMEOUT)
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "down" and body["down"] == ["index"]
    assert body["checks"]["index"] == {"ok": False, "error": "NotADirectoryError"}
    assert body["checks"]["database"]["ok"] is True
    # What is down is answered afresh each time, never from a cache.
    assert "no-store" in response.headers["cache-control"]


def test_healthz_is_503_naming_the_database_when_it_cannot_be_read(tmp_path):
    data_dir = tmp_path / "data"
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "PAPERFEED_BASE_URL"}}
    env.update(PAPERFEED_DATA_DIR=str(data_dir), PAPERFEED_DB_CONN_MAX_AGE="0")
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "paperfeed", "serve", "--port", str(port), "--workers", "1", "--threads", "1"],
        cwd=REPO_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        healthy = wait_for(f"http://127.0.0.1:{port}/healthz", server)
        assert healthy.status_code == 200, healthy.text
        # The database file is replaced by something that is not a database.
        broken = data_dir / "broken"
        broken.write_bytes(b"this is not an SQLite database" * 200)
        for suffix in ("-wal", "-shm"):
            with contextlib.suppress(FileNotFoundError):
                (data_dir / f"paperfeed.sqlite3{suffix}").unlink()
        os.replace(broken, data_dir / "paperfeed.sqlite3")
        down = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=TIMEOUT)
        assert down.status_code == 503
        assert "database" in down.json()["down"]
        assert down.json()["checks"]["database"] == {"ok": False, "error": "DatabaseError"}
    finally:
        server.send_signal(signal.SIGTERM)
        server.communicate(timeout=30)
