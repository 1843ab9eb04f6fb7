"""scripts/test and scripts/check_install.py: what the README's commands rely on."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

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


def choose_environment(python: str, venv: Path) -> subprocess.CompletedProcess:
    """What scripts/environment.sh picks for PYTHON=python, with its virtual environment at venv."""
    return run(
        "bash",
        "-c",
        'set -euo pipefail; source scripts/environment.sh; _choose_python; echo "$PYTHON"',
        env={"PYTHON": python, "PAPERFEED_VENV": str(venv), "VIRTUAL_ENV": ""},
    )


def test_an_externally_managed_python_gets_the_projects_virtual_environment(tmp_path):
    system = Path("/usr/bin/python3")
    marker = subprocess.run(
        [str(system), "-c", "import sysconfig; print(sysconfig.get_path('stdlib'))"],
        capture_output=True,
        text=True,
    )
    if marker.returncode != 0 or not (Path(marker.stdout.strip()) / "EXTERNALLY-MANAGED").exists():
        pytest.skip("this machine has no externally managed /usr/bin/python3 (PEP 668)")
    venv = tmp_path / "venv"
    result = choose_environment(str(system), venv)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(venv / "bin" / "python")
    creating = f"==> Creating a virtual environment for paperfeed in {venv}"
    assert result.stderr == f"{creating} ({system} cannot install packages itself)\n"
    # Nothing installed in it yet: the check says so in one plain line, with no missing-module noise.
    check = run(str(venv / "bin" / "python"), "scripts/check_install.py")
    assert check.returncode == 1
    assert check.stdout == "paperfeed is not installed yet\n" and check.stderr == ""
    # Made once, then used as it is.
    again = choose_environment(str(system), venv)
    assert again.stdout.strip() == str(venv / "bin" / "python") and again.stderr == ""


def test_a_python_that_may_install_packages_is_used_as_it_is(tmp_path):
    result = choose_environment(sys.executable, tmp_path / "venv")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == sys.executable
    assert not (tmp_path / "venv").exists()


def test_torch_is_only_ever_asked_for_as_the_pinned_version():
    result = run(sys.executable, "scripts/check_install.py", "--torch", "test")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() in {"", "torch==2.13.0"}


def test_the_paperfeed_wrapper_runs_the_command_in_the_callers_directory(tmp_path):
    result = subprocess.run(
        [str(REPO_ROOT / "scripts" / "paperfeed"), "--help"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "PYTHON": sys.executable},
    )
    assert result.returncode == 0, result.stderr
    assert "paperfeed's verbs:" in result.stdout
    assert result.stderr == ""  # nothing to install here, so no step lines and no warnings
    assert list(tmp_path.iterdir()) == []
