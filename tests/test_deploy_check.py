"""Deployment settings: ``paperfeed check --deploy`` is clean with the production settings the README
documents, and those settings turn on what the README says they do. Checked in a fresh process,
since settings are read from the environment when Django starts.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys

import pytest

from testkit import REPO_ROOT

SHOW_SETTINGS = """
import json, django
django.setup()
from django.conf import settings as s
print(json.dumps({name: getattr(s, name, None) for name in [
    "ALLOWED_HOSTS", "CSRF_TRUSTED_ORIGINS", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE",
    "SECURE_SSL_REDIRECT", "SECURE_SSL_HOST", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_PROXY_SSL_HEADER", "TRUSTED_PROXIES"]}))
"""


def readme_production_settings() -> dict[str, str]:
    """The variables of the first ``sh`` block in the README's "Running in production"."""
    readme = (REPO_ROOT / "README.md").read_text()
    section = readme.split("## Running in production", 1)[1]
    block = re.search(r"```sh\n(.*?)```", section, re.S)
    assert block, "the README's production section shows its settings in an sh block"
    settings = {}
    for line in block.group(1).splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, _, value = line.partition("=")
            settings[name.strip()] = shlex.split(value)[0]
    return settings


def run_paperfeed(tmp_path, settings: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    # Only what the README names: nothing of the test run's own configuration leaks in.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PAPERFEED_", "DATABASE_URL"))}
    env.update(PAPERFEED_DATA_DIR=str(tmp_path / "data"), **settings)
    return subprocess.run(
        [sys.executable, *args], cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=300
    )


def test_the_deploy_check_is_clean_with_the_documented_production_settings(tmp_path):
    production = readme_production_settings()
    assert production["PAPERFEED_BASE_URL"].startswith("https://")
    result = run_paperfeed(
        tmp_path, production, "-m", "paperfeed", "check", "--deploy", "--fail-level", "WARNING"
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNING" not in result.stdout + result.stderr


def test_the_deploy_check_warns_with_the_development_defaults(tmp_path):
    """The check above can fail: without the production settings it finds the TLS gaps."""
    result = run_paperfeed(tmp_path, {}, "-m", "paperfeed", "check", "--deploy")
    for code in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert code in result.stdout + result.stderr


def test_an_https_base_url_turns_on_the_production_set(tmp_path):
    result = run_paperfeed(tmp_path, readme_production_settings(), "-c", SHOW_SETTINGS)
    assert result.returncode == 0, result.stderr
    settings = json.loads(result.stdout)
    assert settings["ALLOWED_HOSTS"] == ["papers.example.org"]
    assert settings["CSRF_TRUSTED_ORIGINS"] == ["https://papers.example.org"]
    assert settings["SESSION_COOKIE_SECURE"] and settings["CSRF_COOKIE_SECURE"]
    assert settings["SECURE_SSL_REDIRECT"] and settings["SECURE_SSL_HOST"] == "papers.example.org"
    assert settings["SECURE_HSTS_SECONDS"] == 365 * 24 * 3600 and settings["SECURE_HSTS_INCLUDE_SUBDOMAINS"]
    assert settings["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]


def test_the_development_defaults_keep_plain_http_working(tmp_path):
    result = run_paperfeed(tmp_path, {}, "-c", SHOW_SETTINGS)
    settings = json.loads(result.stdout)
    assert settings["ALLOWED_HOSTS"] == ["127.0.0.1", "localhost", "[::1]"]
    assert not settings["SESSION_COOKIE_SECURE"] and not settings["SECURE_SSL_REDIRECT"]
    assert settings["SECURE_HSTS_SECONDS"] == 0
    # No proxy is trusted, so no request can claim HTTPS with a header.
    assert settings["SECURE_PROXY_SSL_HEADER"] is None and settings["TRUSTED_PROXIES"] == []


def test_without_trusted_proxies_an_https_site_does_not_redirect_in_a_loop(tmp_path):
    result = run_paperfeed(
        tmp_path, {"PAPERFEED_BASE_URL": "https://papers.example.org"}, "-c", SHOW_SETTINGS
    )
    settings = json.loads(result.stdout)
    assert settings["SESSION_COOKIE_SECURE"] and not settings["SECURE_SSL_REDIRECT"]


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("PAPERFEED_ALLOWED_HOSTS", "*", "PAPERFEED_ALLOWED_HOSTS=* would let any Host header in"),
        (
            "PAPERFEED_TRUSTED_PROXIES",
            "the-proxy",
            "PAPERFEED_TRUSTED_PROXIES: 'the-proxy' is not an IP address",
        ),
        ("PAPERFEED_BASE_URL", "papers.example.org", "PAPERFEED_BASE_URL='papers.example.org' is not a site"),
    ],
)
def test_a_dangerous_or_wrong_setting_stops_the_start_with_a_clear_error(tmp_path, variable, value, message):
    result = run_paperfeed(tmp_path, {variable: value}, "-m", "paperfeed", "check")
    assert result.returncode != 0
    assert result.stderr.startswith("paperfeed: configuration error: ") and message in result.stderr
    assert "Traceback" not in result.stderr


def test_every_response_carries_the_content_security_policy(client, db):
    policy = client.get("/about")["Content-Security-Policy"]
    directives = dict(part.strip().partition(" ")[::2] for part in policy.split(";"))
    assert directives["script-src"] == "'self'"  # no inline script, no eval
    assert "object-src 'none'" in policy and "frame-ancestors 'none'" in policy
    assert "Content-Security-Policy" in client.get("/api/daily_papers")
