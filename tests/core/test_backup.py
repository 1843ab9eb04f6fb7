"""``paperfeed backup`` and ``paperfeed restore``: a consistent snapshot while the site writes, brought
back identical; and every bad input (an existing destination, a full or read-only disk, a damaged
backup, a live data directory) gets a clear message and changes nothing.

Each test runs the real command in its own process on a data directory of its own (the test
session's database is in memory), with another process writing to the database meanwhile.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from testkit import REPO_ROOT

# Another process, the site's load: each transaction adds a member with their email address, so
# in any consistent snapshot both tables have the same number of rows. It prints each count.
WRITER = """
import sys, django
django.setup()
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.db import transaction
User = get_user_model()
number = 0
while True:
    number += 1
    with transaction.atomic():
        user = User.objects.create(username=f"member{number}", email=f"member{number}@example.org")
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    print(number, flush=True)
"""


def sqlite_env(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "PAPERFEED_SECRET_KEY"}}
    env.update(PAPERFEED_DATA_DIR=str(data_dir), DJANGO_SETTINGS_MODULE="paperfeed.settings")
    return env


def paperfeed(data_dir: Path, *args: str, wrap: list[str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*(wrap or []), sys.executable, "-m", "paperfeed", *args],
        cwd=REPO_ROOT,
        env=sqlite_env(data_dir),
        capture_output=True,
        text=True,
        timeout=300,
    )


def rows(database: Path) -> list[str]:
    """The database's contents as SQL, to compare two databases."""
    with contextlib.closing(sqlite3.connect(database)) as connection:
        return list(connection.iterdump())


def count(database: Path, table: str) -> int:
    with contextlib.closing(sqlite3.connect(database)) as connection:
        return connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


@pytest.fixture
def site(tmp_path) -> Path:
    """A data directory set up by ``paperfeed migrate``."""
    data_dir = tmp_path / "site"
    result = paperfeed(data_dir, "migrate", "--verbosity", "0")
    assert result.returncode == 0, result.stderr
    return data_dir


@pytest.fixture
def writer(site) -> Iterator[subprocess.Popen]:
    """A process writing to the site's database until the test ends; waits for its first writes."""
    process = subprocess.Popen(
        [sys.executable, "-c", WRITER], cwd=REPO_ROOT, env=sqlite_env(site), stdout=subprocess.PIPE, text=True
    )
    for _ in range(20):
        assert process.stdout.readline(), "the writer stopped before writing"
    yield process
    process.terminate()
    process.wait(timeout=30)


def test_a_backup_taken_under_write_load_restores_to_an_identical_database(tmp_path, site, writer):
    live = site / "paperfeed.sqlite3"
    before = count(live, "accounts_user")
    result = paperfeed(site, "backup", str(tmp_path / "backup"))
    after = count(live, "accounts_user")
    assert result.returncode == 0, result.stderr
    assert f"to {tmp_path / 'backup'}" in result.stdout
    assert "index rebuild" in result.stdout

    snapshot = tmp_path / "backup" / "paperfeed.sqlite3"
    members = count(snapshot, "accounts_user")
    # One moment of the database: every member with their address, none half-written.
    assert count(snapshot, "account_emailaddress") == members
    assert before <= members <= after
    assert (tmp_path / "backup" / "secret_key").read_text() == (site / "secret_key").read_text()
    manifest = json.loads((tmp_path / "backup" / "backup.json").read_text())
    assert "index rebuild" in manifest["search_index"]

    restored_dir = tmp_path / "restored"
    restored = paperfeed(restored_dir, "restore", str(tmp_path / "backup"))
    assert restored.returncode == 0, restored.stderr
    assert rows(restored_dir / "paperfeed.sqlite3") == rows(snapshot)
    assert (restored_dir / "secret_key").read_text() == (site / "secret_key").read_text()
    # The site kept writing all along.
    assert count(live, "accounts_user") > after > before


def test_restore_refuses_a_live_data_directory_unless_forced_and_keeps_what_it_replaces(tmp_path, site):
    assert paperfeed(site, "backup", str(tmp_path / "backup")).returncode == 0
    with contextlib.closing(sqlite3.connect(site / "paperfeed.sqlite3")) as connection, connection:
        connection.execute("CREATE TABLE written_after_the_backup (note TEXT)")
        connection.execute("INSERT INTO written_after_the_backup VALUES ('later')")
    live = rows(site / "paperfeed.sqlite3")

    refused = paperfeed(site, "restore", str(tmp_path / "backup"))
    assert refused.returncode == 1
    assert "already holds a site's data" in refused.stderr and "--force" in refused.stderr
    assert rows(site / "paperfeed.sqlite3") == live

    forced = paperfeed(site, "restore", str(tmp_path / "backup"), "--force")
    assert forced.returncode == 0, forced.stderr
    assert rows(site / "paperfeed.sqlite3") == rows(tmp_path / "backup" / "paperfeed.sqlite3")
    [kept] = site.glob("paperfeed.sqlite3.before-restore-*")
    assert rows(kept) == live


def test_a_damaged_backup_is_refused_before_anything_is_restored(tmp_path, site):
    assert paperfeed(site, "backup", str(tmp_path / "backup")).returncode == 0
    database = tmp_path / "backup" / "paperfeed.sqlite3"
    damaged = bytearray(database.read_bytes())
    damaged[len(damaged) // 2 : len(damaged) // 2 + 4096] = b"\xff" * 4096
    database.write_bytes(bytes(damaged))

    result = paperfeed(tmp_path / "fresh", "restore", str(tmp_path / "backup"))
    assert result.returncode == 1
    assert "is damaged" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "fresh" / "paperfeed.sqlite3").exists()


def test_a_backup_whose_checksum_was_rewritten_still_fails_sqlites_integrity_check(tmp_path, site):
    assert paperfeed(site, "backup", str(tmp_path / "backup")).returncode == 0
    database = tmp_path / "backup" / "paperfeed.sqlite3"
    with contextlib.closing(sqlite3.connect(database)) as connection:
        page_size = connection.execute("PRAGMA page_size").fetchone()[0]
        root = connection.execute(
            "SELECT rootpage FROM sqlite_master WHERE name = 'accounts_user'"
        ).fetchone()[0]
    damaged = bytearray(database.read_bytes())
    start = (root - 1) * page_size
    damaged[start : start + 16] = b"\x00" * 16  # the table's first page header
    database.write_bytes(bytes(damaged))
    manifest_path = tmp_path / "backup" / "backup.json"
    manifest = json.loads(manifest_path.read_text())
    manifest["sha256"] = hashlib.sha256(bytes(damaged)).hexdigest()
    manifest_path.write_text(json.dumps(manifest))

    result = paperfeed(site, "restore", str(tmp_path / "backup"), "--force")
    assert result.returncode == 1
    assert "integrity check" in result.stderr
    assert not list(site.glob("*.before-restore-*"))


def test_a_backup_to_an_existing_directory_with_files_is_refused(tmp_path, site):
    taken = tmp_path / "taken"
    taken.mkdir()
    (taken / "notes.txt").write_text("mine")
    result = paperfeed(site, "backup", str(taken))
    assert result.returncode == 1
    assert "is not an empty directory" in result.stderr
    assert [p.name for p in taken.iterdir()] == ["notes.txt"]


def in_small_filesystem(mount_point: Path, options: str) -> list[str]:
    """Wrap a command: run it with a fresh tmpfs (``options``) at ``mount_point``, in a mount
    namespace of its own, then list what it left on that filesystem."""
    if shutil.which("unshare") is None:
        pytest.skip("needs unshare (util-linux) to mount a small filesystem")
    probe = subprocess.run(
        ["unshare", "-m", "mount", "-t", "tmpfs", "-o", "size=64k", "none", str(mount_point)],
        capture_output=True,
    )
    if probe.returncode != 0:
        pytest.skip("mounting a filesystem in a mount namespace is not permitted here")
    script = (
        f'mount -t tmpfs -o {options} none "{mount_point}" || exit 99; "$@"; status=$?;'
        f' echo "left on the disk: [$(ls -A "{mount_point}")]"; exit $status'
    )
    return ["unshare", "-m", "sh", "-c", script, "sh"]


@pytest.mark.parametrize(
    ("options", "reasons"),
    [
        ("size=64k", ("No space left on device", "database or disk is full")),
        ("ro,size=1m", ("Read-only file system",)),
    ],
    ids=["full", "read-only"],
)
def test_a_backup_to_a_full_or_read_only_disk_says_so_and_leaves_nothing(tmp_path, site, options, reasons):
    with contextlib.closing(sqlite3.connect(site / "paperfeed.sqlite3")) as connection, connection:
        # More than the small disk holds.
        connection.execute("CREATE TABLE ballast (data BLOB)")
        connection.execute("INSERT INTO ballast VALUES (randomblob(512 * 1024))")
    mount_point = tmp_path / "disk"
    mount_point.mkdir()
    before = rows(site / "paperfeed.sqlite3")
    wrap = in_small_filesystem(mount_point, options)
    result = paperfeed(site, "backup", str(mount_point / "backup"), wrap=wrap)
    assert result.returncode == 1, result.stdout + result.stderr
    message = f"could not write the backup to {mount_point / 'backup'}: "
    assert any(message + reason in result.stderr for reason in reasons), result.stderr
    assert "Nothing was written" in result.stderr and "Traceback" not in result.stderr
    assert "left on the disk: []" in result.stdout
    assert rows(site / "paperfeed.sqlite3") == before


def test_backup_on_postgresql_points_to_pg_dump(tmp_path):
    env = {**os.environ, "DATABASE_URL": "postgres://nobody@127.0.0.1:9/paperfeed"}
    env["PAPERFEED_DATA_DIR"] = str(tmp_path)
    result = subprocess.run(
        [sys.executable, "-m", "paperfeed", "backup", str(tmp_path / "b")],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 1
    assert "pg_dump --format=custom" in result.stderr
    assert not (tmp_path / "b").exists()
