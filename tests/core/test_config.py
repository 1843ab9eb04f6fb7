"""Settings are declared once (core/config.py): the README's table is generated from the declaration,
nothing in ``src`` reads a variable the declaration lacks, and a value that cannot be read stops the
program with one line naming the variable.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from io import StringIO

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

from paperfeed.core import config
from testkit import REPO_ROOT

SRC = REPO_ROOT / "src" / "paperfeed"
# Names that look like settings but are not: the proxy's address kept in a request's META.
NOT_SETTINGS = {"PAPERFEED_PROXY_ADDR"}
# Modules that may touch the environment: the entry points name the settings module, and devdb
# hands a DATABASE_URL to the command it runs.
ENVIRONMENT_USERS = {"core/config.py", "cli.py", "wsgi.py", "core/devdb.py"}


def readme_configuration_table() -> str:
    readme = (REPO_ROOT / "README.md").read_text()
    section = readme.split("\n## Configuration\n", 1)[1].split("\n## ", 1)[0].split("\n### ", 1)[0]
    return "".join(line + "\n" for line in section.splitlines() if line.startswith("|"))


def run_paperfeed(tmp_path, *args: str, **variables: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PAPERFEED_", "DATABASE_URL"))}
    env.update(PAPERFEED_DATA_DIR=str(tmp_path / "data"), **variables)
    return subprocess.run(
        [sys.executable, "-m", "paperfeed", *args], env=env, capture_output=True, text=True, timeout=300
    )


def test_the_readme_table_is_the_generated_one():
    assert readme_configuration_table() == config.markdown_table(), (
        "README.md's Configuration table differs from the declarations: paste the output of"
        " `paperfeed settings --markdown` into it"
    )


def test_the_settings_command_prints_the_table_for_the_readme():
    out = StringIO()
    call_command("settings", "--markdown", stdout=out)
    assert out.getvalue() == config.markdown_table()
    names = re.findall(r"^\| `(\w+)` \|", out.getvalue(), re.M)
    assert names == [setting.name for setting in config.SETTINGS]


def test_every_variable_named_in_the_code_is_declared():
    named = set()
    for path in SRC.rglob("*.py"):
        named |= set(re.findall(r"\bPAPERFEED_[A-Z0-9_]*[A-Z0-9]\b", path.read_text()))
    assert named - NOT_SETTINGS - set(config.BY_NAME) == set()


def test_only_the_declaration_reads_the_environment():
    readers = {
        str(path.relative_to(SRC))
        for path in SRC.rglob("*.py")
        if re.search(r"os\.environ|getenv", path.read_text())
    }
    assert readers - ENVIRONMENT_USERS == set()


def test_a_default_written_out_reads_back_as_the_default():
    # The value `paperfeed settings` shows, set as the variable, means what the default means.
    for setting in config.SETTINGS:
        if setting.default not in (None, []) and not callable(setting.default):
            shown = config.shown_value(setting.name, {})
            assert config.value(setting.name, {setting.name: shown}) == setting.default, setting.name


def test_values_are_read_as_their_kind():
    environ = {
        "PAPERFEED_WEB_WORKERS": "3",
        "PAPERFEED_DIGEST_RATE": "2.5",
        "PAPERFEED_DEBUG": "Yes",
        "PAPERFEED_CSRF_TRUSTED_ORIGINS": " https://a.example , ,https://b.example",
        "PAPERFEED_DIGEST_AT": "18:30",
        "PAPERFEED_WEEKLY_DAY": " Friday ",
        "PAPERFEED_LOG_LEVEL": "info",
    }
    assert config.value("PAPERFEED_WEB_WORKERS", environ) == 3
    assert config.value("PAPERFEED_DIGEST_RATE", environ) == 2.5
    assert config.value("PAPERFEED_DEBUG", environ) is True
    assert config.value("PAPERFEED_CSRF_TRUSTED_ORIGINS", environ) == [
        "https://a.example",
        "https://b.example",
    ]
    assert config.value("PAPERFEED_DIGEST_AT", environ) == (18, 30)
    assert config.value("PAPERFEED_WEEKLY_DAY", environ) == "friday"
    assert config.value("PAPERFEED_LOG_LEVEL", environ) == "INFO"


def test_an_empty_variable_counts_as_unset():
    environ = {"PAPERFEED_WEB_THREADS": "", "PAPERFEED_INDEX_ON_INGEST": "  "}
    assert config.value("PAPERFEED_WEB_THREADS", environ) == 4
    assert config.value("PAPERFEED_INDEX_ON_INGEST", environ) is True
    assert not config.is_set("PAPERFEED_WEB_THREADS", environ)


def test_defaults_that_follow_other_settings():
    https = {"PAPERFEED_BASE_URL": "https://papers.example.org"}
    assert config.value("PAPERFEED_SECURE_COOKIES", {}) is False
    assert config.value("PAPERFEED_SECURE_COOKIES", https) is True
    assert config.value("PAPERFEED_SECURE_COOKIES", {**https, "PAPERFEED_SECURE_COOKIES": "off"}) is False
    assert config.value("PAPERFEED_HSTS_SECONDS", https) == 365 * 24 * 3600
    assert config.value("PAPERFEED_SSL_REDIRECT", https) is False
    assert config.value("PAPERFEED_SSL_REDIRECT", {**https, "PAPERFEED_TRUSTED_PROXIES": "10.0.0.1"}) is True
    assert config.value("PAPERFEED_FROM_EMAIL", {"PAPERFEED_SITE_NAME": "arxiv club"}) == (
        "arxiv club <noreply@localhost>"
    )


@pytest.mark.parametrize(
    ("name", "raw", "expected"),
    [
        ("PAPERFEED_WEB_WORKERS", "abc", "a whole number"),
        ("PAPERFEED_ARXIV_TIMEOUT", "20s", "a number"),
        ("PAPERFEED_DEBUG", "maybe", "on or off (1/0, true/false, yes/no, on/off)"),
        ("PAPERFEED_DIGEST_AT", "7 o'clock", "a time of day as HH:MM, e.g. 07:00"),
        ("PAPERFEED_INGEST_AT", "24:00", "a time of day as HH:MM, e.g. 07:00"),
        ("PAPERFEED_SEARCH_BACKEND", "solr", "one of local, postgres"),
        ("PAPERFEED_EMBEDDING_MAX_TOKENS", "4", "a whole number of 8 or more"),
    ],
)
def test_a_value_that_cannot_be_read_is_refused_naming_the_variable(name, raw, expected):
    with pytest.raises(ImproperlyConfigured) as refused:
        config.value(name, {name: raw})
    assert str(refused.value) == f"{name} must be {expected}, got {raw!r}"


def test_a_bad_value_stops_the_command_with_one_line(tmp_path):
    result = run_paperfeed(tmp_path, "settings", PAPERFEED_WEB_WORKERS="abc")
    assert result.returncode == 1
    assert result.stderr == (
        "paperfeed: configuration error: PAPERFEED_WEB_WORKERS must be a whole number, got 'abc'\n"
    )


def test_a_bad_value_read_at_startup_stops_any_command_with_one_line(tmp_path):
    result = run_paperfeed(tmp_path, "check", PAPERFEED_HSTS_SECONDS="a year")
    assert result.returncode == 1
    assert result.stderr == (
        "paperfeed: configuration error: PAPERFEED_HSTS_SECONDS must be a whole number, got 'a year'\n"
    )


def test_the_settings_command_shows_values_in_use_with_secrets_masked(monkeypatch):
    monkeypatch.setenv("PAPERFEED_SMTP_URL", "smtp://mailer:hunter2@mail.example.org:587")
    monkeypatch.setenv("PAPERFEED_SECRET_KEY", "not-for-your-eyes")
    monkeypatch.setenv("PAPERFEED_WEB_THREADS", "8")
    monkeypatch.delenv("PAPERFEED_SEARCH_BACKEND", raising=False)
    out = StringIO()
    call_command("settings", stdout=out)
    listing = out.getvalue()

    assert "PAPERFEED_SMTP_URL = smtp://mailer:****@mail.example.org:587\n" in listing
    assert "PAPERFEED_SECRET_KEY = ****\n" in listing
    assert "hunter2" not in listing and "not-for-your-eyes" not in listing
    assert "PAPERFEED_WEB_THREADS = 8\n    `paperfeed serve` threads per process\n" in listing
    assert "PAPERFEED_SUBMISSIONS_PER_DAY = 5  (default)\n" in listing
    assert (
        "PAPERFEED_SEARCH_BACKEND unset (default: `local` on SQLite, `postgres` on PostgreSQL)\n" in listing
    )
    for setting in config.SETTINGS:
        assert f"    {setting.help}\n" in listing
