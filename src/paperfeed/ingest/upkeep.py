"""Repairs an interrupted import may leave, made on the next start, and the disk-full diagnosis.

``paperfeed migrate``, ``paperfeed serve`` (which migrates on start) and every ``paperfeed
ingest`` run :func:`repair_after_interruption`:

* indexes a bulk load dropped and did not live to rebuild (a kill during the final index build,
  see :mod:`paperfeed.ingest.deferred_indexes`) are built again;
* a large SQLite write-ahead log left behind (by a process that died, or that could not copy
  it into the database because the disk was full) is copied in and truncated, giving its space
  back.
"""

from __future__ import annotations

import errno
import sqlite3
from collections.abc import Callable
from pathlib import Path

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connection

from paperfeed.ingest.deferred_indexes import restore_deferred_indexes

# A write-ahead log larger than this at start is copied into the database and truncated.
LEFTOVER_WAL_BYTES = 1 << 20
# How long the checkpoint waits for readers of a running site (ms): it is tried, not insisted on.
_CHECKPOINT_WAIT_MS = 1000
# PostgreSQL's SQLSTATE for "disk full".
_PG_DISK_FULL = "53100"


def repair_after_interruption(say: Callable[[str], None] | None = None) -> None:
    """Rebuild the indexes an interrupted bulk load left out and truncate a leftover large
    write-ahead log; tell ``say`` what was done."""
    rebuilt = restore_deferred_indexes()
    if rebuilt and say is not None:
        say(f"Rebuilt the indexes an interrupted import had left out: {', '.join(rebuilt)}.")
    freed = checkpoint_leftover_wal()
    if freed and say is not None:
        say(f"Copied a leftover write-ahead log into the database ({freed / 1e6:.1f} MB freed).")


def on_post_migrate(sender, using: str = DEFAULT_DB_ALIAS, verbosity: int = 1, stdout=None, **kwargs) -> None:
    """``post_migrate`` receiver: ``migrate`` and ``serve`` repair what an import left."""
    if using != DEFAULT_DB_ALIAS:
        return
    say = stdout.write if stdout is not None and verbosity >= 1 else None
    try:
        repair_after_interruption(say)
    except DatabaseError as error:
        if not is_disk_full(error):
            raise
        if stdout is not None:
            stdout.write(f"Could not repair after an interrupted import: {disk_full_message()}")


def _wal_path() -> Path | None:
    if connection.vendor != "sqlite":
        return None
    name = str(connection.settings_dict["NAME"])
    if name.startswith("file:") or name == ":memory:":
        return None  # an in-memory database (tests) has no log file
    return Path(name + "-wal")


def checkpoint_leftover_wal() -> int:
    """Copy a write-ahead log over :data:`LEFTOVER_WAL_BYTES` into the database and truncate it, if
    no reader of a running site holds it; return the bytes freed."""
    path = _wal_path()
    try:
        size = path.stat().st_size if path is not None else 0
    except FileNotFoundError:
        return 0
    if size <= LEFTOVER_WAL_BYTES:
        return 0
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout")
        waited = cursor.fetchone()[0]
        cursor.execute(f"PRAGMA busy_timeout = {_CHECKPOINT_WAIT_MS}")
        try:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            busy = cursor.fetchone()[0]
        finally:
            cursor.execute(f"PRAGMA busy_timeout = {int(waited)}")
    if busy:
        return 0  # readers are using it: SQLite's own checkpoints will get to it
    try:
        return size - path.stat().st_size
    except FileNotFoundError:
        return size


def is_disk_full(error: BaseException) -> bool:
    """Did ``error`` (or what caused it) come from a full disk (SQLite, PostgreSQL or a file)?"""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if getattr(current, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL:
            return True
        if getattr(current, "sqlstate", None) == _PG_DISK_FULL:
            return True
        if isinstance(current, OSError) and current.errno in (errno.ENOSPC, errno.EDQUOT):
            return True
        if isinstance(current, sqlite3.OperationalError) and "disk is full" in str(current):
            return True
        current = current.__cause__ or current.__context__
    return False


def disk_full_message() -> str:
    where = connection.settings_dict["NAME"] if connection.vendor == "sqlite" else "the database server"
    return (
        f"the disk is full (database: {where}). Every batch written before was committed whole and "
        "the one in progress was rolled back; free some space and run the same command again to "
        "continue."
    )
