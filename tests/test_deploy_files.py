"""The examples in deploy/ agree with paperfeed: the environment file passes ``paperfeed check
--deploy``, the systemd units run verbs that exist on the address the proxy forwards to, and the
proxy sends the forwarding headers paperfeed believes from ``PAPERFEED_TRUSTED_PROXIES``.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys

from testkit import REPO_ROOT

DEPLOY = REPO_ROOT / "deploy"


def environment_file() -> dict[str, str]:
    settings = {}
    for line in (DEPLOY / "paperfeed.env").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, value = line.partition("=")
            settings[name] = value
    return settings


def test_the_environment_file_passes_the_deploy_check(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PAPERFEED_", "DATABASE_URL"))}
    env.update(environment_file(), PAPERFEED_DATA_DIR=str(tmp_path / "data"))
    result = subprocess.run(
        [sys.executable, "-m", "paperfeed", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_the_units_run_paperfeed_verbs_where_the_proxies_forward_to(tmp_path):
    help_text = subprocess.run(
        [sys.executable, "-m", "paperfeed", "--help"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    ).stdout
    web = (DEPLOY / "paperfeed-web.service").read_text()
    worker = (DEPLOY / "paperfeed-worker.service").read_text()
    assert re.search(r"^ExecStart=\S+/paperfeed serve --host 127\.0\.0\.1 --port 8000$", web, re.M)
    assert re.search(r"^ExecStart=\S+/paperfeed worker$", worker, re.M)
    assert "\n  serve " in help_text and "\n  worker " in help_text
    for unit in (web, worker):
        assert "EnvironmentFile=/etc/paperfeed/paperfeed.env" in unit
        assert f"StateDirectory={environment_file()['PAPERFEED_DATA_DIR'].removeprefix('/var/lib/')}" in unit
    assert "proxy_pass http://127.0.0.1:8000;" in (DEPLOY / "nginx.conf").read_text()
    assert "reverse_proxy 127.0.0.1:8000" in (DEPLOY / "Caddyfile").read_text()


def test_the_proxy_sends_the_headers_paperfeed_trusts_from_it():
    # The proxy runs on the machine and connects from loopback: that is the trusted proxy.
    assert environment_file()["PAPERFEED_TRUSTED_PROXIES"] == "127.0.0.1"
    nginx = (DEPLOY / "nginx.conf").read_text()
    assert "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;" in nginx  # appends, never replaces
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in nginx
    assert "proxy_set_header Host $host;" in nginx
    assert re.search(r"listen 443 ssl;.*ssl_certificate ", nginx, re.S)
