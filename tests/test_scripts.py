"""scripts/test and scripts/check_install.py: what the README's commands rely on."""

from __future__ import annotations

import os
import subprocess
import sys

from testkit import REPO_ROOT


def run(*command: str, env: dict | None = None, timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run(
        command,
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
    )


def test_check_install_accepts_this_checkout_with_its_test_extra():
    result = run(sys.executable, "scripts/check_install.py", "test")
    assert result.returncode == 0, result.stderr


def test_check_install_names_an_extra_that_does_not_exist():
    result = run(sys.executable, "scripts/check_install.py", "no-such-extra")
    assert result.returncode == 1
    assert "no extra named 'no-such-extra'" in result.stderr


def test_a_test_run_that_collects_no_tests_counts_as_a_failure():
    result = run(
        "bash",
        "scripts/test",
        "tests/core",
        "-k",
        "no_test_has_this_name",
        env={"PAPERFEED_TEST_DATABASES": "sqlite", "PAPERFEED_TEST_WORKERS": "1", "PYTHON": sys.executable},
    )
    assert result.returncode != 0
    assert "pytest on SQLite" in result.stdout
    assert "FAILED (no tests were collected)" in result.stdout


def test_an_unknown_database_name_is_refused():
    result = run(
        "bash",
        "scripts/test",
        "tests/core",
        "-k",
        "no_test_has_this_name",
        env={"PAPERFEED_TEST_DATABASES": "oracle", "PYTHON": sys.executable},
    )
    assert result.returncode != 0
    assert "unknown database 'oracle'" in result.stderr
