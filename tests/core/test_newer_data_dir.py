"""A data directory written by a newer paperfeed: ``serve`` and the loaders stop with a message that
says so instead of serving (or migrating) a database whose schema this version does not know.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from testkit import REPO_ROOT


def paperfeed(data_dir: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["PAPERFEED_DATA_DIR"] = str(data_dir)
    return subprocess.run(
        [sys.executable, "-m", "paperfeed", *args],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def dump(database: Path) -> list[str]:
    with contextlib.closing(sqlite3.connect(database)) as connection:
        return list(connection.iterdump())


@pytest.fixture
def newer_data_dir(tmp_path) -> Path:
    """A data directory whose database has a migration from a version after this one."""
    data_dir = tmp_path / "data"
    assert paperfeed(data_dir, "migrate", "--verbosity", "0").returncode == 0
    with contextlib.closing(sqlite3.connect(data_dir / "paperfeed.sqlite3")) as connection, connection:
        connection.execute(
            "INSERT INTO django_migrations (app, name, applied)"
            " VALUES ('papers', '9999_from_a_newer_version', '2030-01-01 00:00:00')"
        )
    return data_dir


@pytest.mark.parametrize(
    "command",
    [["serve", "--port", "9"], ["ingest", "file", "/dev/null", "--no-index"], ["index", "status"]],
    ids=["serve", "ingest", "index"],
)
def test_a_data_directory_of_a_newer_version_is_refused_and_left_alone(newer_data_dir, command):
    before = dump(newer_data_dir / "paperfeed.sqlite3")
    result = paperfeed(newer_data_dir, *command)
    assert result.returncode == 1
    assert "this data directory was written by a newer paperfeed" in result.stderr
    assert "papers.9999_from_a_newer_version" in result.stderr
    assert "Traceback" not in result.stderr
    assert dump(newer_data_dir / "paperfeed.sqlite3") == before
