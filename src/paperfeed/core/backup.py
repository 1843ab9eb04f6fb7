"""Backups of a data directory on SQLite, taken while the site runs, and their restore.

A backup is a directory: ``paperfeed.sqlite3`` (a consistent snapshot through SQLite's online
backup API, so writers carry on meanwhile), the ``secret_key`` file when the key lives in the data
directory, and ``backup.json`` (version, time, the database's SHA-256 and what was left out). The
search index is not copied: it is derived from the database and ``paperfeed index rebuild`` makes
it again. A backup is written into a hidden sibling directory and renamed into place at the end,
so a failure (a full or read-only disk) leaves nothing behind.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import sqlite3
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

DATABASE = "paperfeed.sqlite3"
SECRET_KEY = "secret_key"
MANIFEST = "backup.json"
INDEX_NOTE = "not included: it is derived from the database; run `paperfeed index rebuild` after a restore"


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why and what to do."""


@dataclass(frozen=True)
class Written:
    path: Path
    size: int
    with_secret_key: bool


def backup(database: Path, data_dir: Path, destination: Path) -> Written:
    """Write a backup of ``database`` (and the data directory's secret key) to ``destination``."""
    if destination.exists() and (not destination.is_dir() or any(destination.iterdir())):
        raise BackupError(f"{destination} already exists and is not an empty directory: choose a new one.")
    parent = destination.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        partial = Path(tempfile.mkdtemp(prefix=f".{destination.name}.partial-", dir=parent))
    except OSError as error:
        raise BackupError(_cannot_write(destination, error)) from None
    try:
        _snapshot(database, partial / DATABASE)
        key = data_dir / SECRET_KEY
        with_key = key.is_file()
        if with_key:
            shutil.copy2(key, partial / SECRET_KEY)
        manifest = {
            "paperfeed": _version(),
            "created": datetime.now(UTC).isoformat(timespec="seconds"),
            "database": DATABASE,
            "sha256": _sha256(partial / DATABASE),
            "secret_key": SECRET_KEY if with_key else "not included: PAPERFEED_SECRET_KEY is set",
            "search_index": INDEX_NOTE,
        }
        (partial / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
        _fsync_tree(partial)
        if destination.exists():
            destination.rmdir()  # empty, checked above
        partial.rename(destination)
    except (OSError, sqlite3.Error) as error:
        shutil.rmtree(partial, ignore_errors=True)
        raise BackupError(_cannot_write(destination, error)) from None
    return Written(destination, (destination / DATABASE).stat().st_size, with_key)


def _snapshot(database: Path, target: Path) -> None:
    """Copy the live database with the online-backup API: one step, so one consistent moment."""
    if not database.is_file():
        raise BackupError(f"there is no database at {database}.")
    # Not opened read-only: a read-only connection cannot join a WAL database no process has open.
    source = sqlite3.connect(database, timeout=30)
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
        problem = _integrity_problem(copy)
        if problem:
            raise BackupError(f"the copy of {database} fails SQLite's integrity check ({problem})")
    finally:
        copy.close()
        source.close()


def verify(source: Path) -> dict:
    """The backup's manifest, after checking its database is whole; else BackupError."""
    manifest_path = source / MANIFEST
    if not manifest_path.is_file():
        raise BackupError(f"{source} is not a paperfeed backup: it has no {MANIFEST}.")
    try:
        manifest = json.loads(manifest_path.read_text())
        expected = manifest["sha256"]
    except (ValueError, KeyError, TypeError):
        raise BackupError(f"{manifest_path} is damaged: it is not the JSON a backup writes.") from None
    database = source / DATABASE
    if not database.is_file():
        raise BackupError(f"{source} has no {DATABASE}: the backup is incomplete.")
    if _sha256(database) != expected:
        raise BackupError(f"{database} is damaged: its contents do not match the checksum in {MANIFEST}.")
    try:
        with contextlib.closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True)) as check:
            problem = _integrity_problem(check)
    except sqlite3.Error as error:
        problem = str(error)
    if problem:
        raise BackupError(f"{database} is damaged: SQLite's integrity check says {problem}.")
    return manifest


def restore(source: Path, database: Path, data_dir: Path, *, force: bool) -> list[str]:
    """Bring a verified backup back into ``data_dir``; returns what was done, one line each."""
    verify(source)
    done: list[str] = []
    if _holds_data(database) and not force:
        raise BackupError(
            f"{database} already holds a site's data. Stop the site (serve and worker), then run the "
            "restore again with --force; the current database is kept beside it."
        )
    data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    if database.exists():
        kept = database.with_name(f"{database.name}.before-restore-{stamp}")
        _snapshot(database, kept)
        done.append(f"kept the database it replaces as {kept}")
    restored = sqlite3.connect(f"file:{source / DATABASE}?mode=ro", uri=True)
    target = sqlite3.connect(database, timeout=30)
    try:
        # Into the database file itself, through SQLite: a process that still has it open sees
        # either the old or the restored contents, never a mix.
        restored.backup(target)
    except sqlite3.Error as error:
        raise BackupError(f"could not write {database}: {error}. Nothing was restored.") from None
    finally:
        target.close()
        restored.close()
    done.append(f"restored the database to {database}")
    key = source / SECRET_KEY
    if key.is_file():
        current = data_dir / SECRET_KEY
        if current.is_file() and current.read_bytes() != key.read_bytes():
            current.rename(current.with_name(f"{SECRET_KEY}.before-restore-{stamp}"))
        shutil.copy2(key, current)
        current.chmod(0o600)
        done.append(f"restored the secret key to {current}")
    done.append("the search index is not in a backup: run `paperfeed index rebuild` now")
    return done


def _holds_data(database: Path) -> bool:
    if not database.is_file() or database.stat().st_size == 0:
        return False
    with contextlib.closing(sqlite3.connect(database, timeout=30)) as connection:
        tables = connection.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0]
    return tables > 0


def _integrity_problem(connection: sqlite3.Connection) -> str | None:
    rows = [row[0] for row in connection.execute("PRAGMA integrity_check").fetchall()]
    return None if rows == ["ok"] else "; ".join(rows[:3])


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _fsync_tree(directory: Path) -> None:
    for path in directory.iterdir():
        with path.open("rb") as handle:
            os.fsync(handle.fileno())


def _version() -> str:
    try:
        return metadata.version("paperfeed")
    except metadata.PackageNotFoundError:
        return "unknown"


def _cannot_write(destination: Path, error: Exception) -> str:
    reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
    return (
        f"could not write the backup to {destination}: {reason}. Nothing was written there; choose a "
        "destination with enough free space that this user may write to."
    )
