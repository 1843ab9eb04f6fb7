"""``paperfeed serve``: migrates a fresh data directory, then serves pages and static files."""

import os
import signal
import socket
import subprocess
import sys
import time

import httpx


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(url: str, server: subprocess.Popen, seconds: float = 60) -> httpx.Response:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert server.poll() is None, server.stdout.read()
        try:
            return httpx.get(url, timeout=5)
        except httpx.TransportError:
            time.sleep(0.2)
    raise AssertionError(f"{url} did not answer within {seconds} s")


def test_serve_migrates_a_fresh_data_directory_and_serves_pages_and_static_files(tmp_path):
    port = free_port()
    env = {**os.environ, "PAPERFEED_DATA_DIR": str(tmp_path / "data")}
    env.pop("DATABASE_URL", None)
    env.pop("PAPERFEED_BASE_URL", None)
    server = subprocess.Popen(
        [sys.executable, "-m", "paperfeed", "serve", "--port", str(port), "--workers", "2", "--threads", "2"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        home = wait_for(f"http://127.0.0.1:{port}/", server)
        assert home.status_code == 200
        assert "paperfeed ingest file" in home.text  # the empty site explains how to load papers
        assert (tmp_path / "data" / "paperfeed.sqlite3").exists()
        css = httpx.get(f"http://127.0.0.1:{port}/static/paperfeed/site.css")
        assert css.status_code == 200 and "text/css" in css.headers["content-type"]
        api = httpx.get(f"http://127.0.0.1:{port}/api/daily_papers")
        assert api.status_code == 200 and api.json() == []
        # With no PAPERFEED_BASE_URL, links name the address served on, and other hosts are refused.
        feed = httpx.get(f"http://127.0.0.1:{port}/feeds/daily.atom")
        assert f'href="http://127.0.0.1:{port}/feeds/daily.atom"' in feed.text
        assert httpx.get(f"http://localhost:{port}/").status_code == 200
        assert httpx.get(f"http://127.0.0.1:{port}/", headers={"Host": "evil.example"}).status_code == 400
    finally:
        server.send_signal(signal.SIGTERM)
        output, _ = server.communicate(timeout=30)
    assert f"paperfeed is running at http://127.0.0.1:{port}/" in output
    assert "set PAPERFEED_BASE_URL" in output
    assert server.returncode == 0, output


def test_a_web_process_warms_up_with_one_blas_thread(monkeypatch):
    import numpy  # noqa: F401 - its BLAS is what is limited
    from threadpoolctl import threadpool_info, threadpool_limits

    from paperfeed.core import warm_up
    from paperfeed.core.management.commands.serve import warm_up_apps

    monkeypatch.setattr(warm_up, "run_all", lambda: None)  # the apps' own warm-ups are theirs to test
    with threadpool_limits(limits=2, user_api="blas"):  # restored when the test ends
        warm_up_apps()
        blas = [pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"]

    assert blas and all(threads == 1 for threads in blas)
