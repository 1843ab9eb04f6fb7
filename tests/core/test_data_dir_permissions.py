"""The data directory holds sessions, tokens and password hashes: it and everything the app writes
in it are its owner's only (0700 directories, 0600 files), whatever the umask it was started with.
"""

from __future__ import annotations

import json
import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

from testkit import REPO_ROOT

# Starts the app in a data directory, writes through the ORM, and reports the modes of what is
# there while its connection (and so the write-ahead log) is still open.
START_AND_WRITE = """
import json, os, stat, sys
import django
django.setup()
from django.core.management import call_command
from django.contrib.auth import get_user_model
call_command("migrate", verbosity=0)
get_user_model().objects.create_user("someone", "someone@example.org", "a long passphrase 42")
data = os.environ["PAPERFEED_DATA_DIR"]
modes = {}
for root, dirs, files in os.walk(data):
    for name in dirs + files:
        path = os.path.join(root, name)
        modes[os.path.relpath(path, data)] = stat.S_IMODE(os.lstat(path).st_mode)
modes["."] = stat.S_IMODE(os.stat(data).st_mode)
print(json.dumps(modes))
"""


def start_and_write(data_dir: Path) -> dict[str, int]:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "PAPERFEED_SECRET_KEY"}}
    env.update(PAPERFEED_DATA_DIR=str(data_dir), DJANGO_SETTINGS_MODULE="paperfeed.settings")
    result = subprocess.run(
        [sys.executable, "-c", START_AND_WRITE],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        # The loosest common umask: the app must not depend on the one it is started with.
        preexec_fn=lambda: os.umask(0o022),
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def assert_owner_only(modes: dict[str, int], data_dir: Path) -> None:
    for name, mode in modes.items():
        kind = "directory" if (data_dir / name).is_dir() else "file"
        allowed = 0o700 if kind == "directory" else 0o600
        assert mode & ~allowed == 0, f"{name} ({kind}) is {oct(mode)}"


def test_a_new_data_directory_and_database_are_owner_only(tmp_path):
    data_dir = tmp_path / "fresh" / "data"
    modes = start_and_write(data_dir)
    assert modes["."] == 0o700
    assert modes["paperfeed.sqlite3"] == 0o600
    assert modes["paperfeed.sqlite3-wal"] == 0o600, "the write-ahead log holds the latest writes"
    assert modes["secret_key"] == 0o600
    assert_owner_only(modes, data_dir)


def test_an_existing_world_readable_data_directory_is_tightened(tmp_path):
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    database = data_dir / "paperfeed.sqlite3"
    sqlite3.connect(database).close()
    (data_dir / "secret_key").write_text("an old key written with the umask of the day\n")
    for path, mode in [(data_dir, 0o755), (database, 0o644), (data_dir / "secret_key", 0o644)]:
        path.chmod(mode)
    modes = start_and_write(data_dir)
    assert modes["."] == 0o700
    assert modes["paperfeed.sqlite3"] == 0o600
    assert modes["paperfeed.sqlite3-wal"] == 0o600
    assert modes["secret_key"] == 0o600
    assert_owner_only(modes, data_dir)
    assert stat.S_IMODE(os.stat(database).st_mode) == 0o600
