"""One update of the search index at a time, across processes.

`paperfeed index rebuild|catch-up` (and so every `paperfeed ingest`) and the worker's index job
(jobs.py) would otherwise embed the same papers twice over and race on the watermarks. The lock
is the index's own: a file lock in the index directory for the local backend (one machine holds
that directory), a PostgreSQL advisory lock on the database for the PostgreSQL backend (workers
and imports on several machines share it). Either goes with its holder: a killed process leaves
no lock behind. Within a process the lock is re-entrant, so the worker's job can hold it around
the same `index catch-up` an operator runs.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import IO

from django.db import connection

from paperfeed.search.backends import backend_name, index_dir

# pg_advisory_lock's 64-bit key: any constant no other lock on this database uses.
ADVISORY_KEY = 0x70666964785F7570  # "pfidx_up"
LOCK_FILE = ".update.lock"

_in_process = threading.RLock()
_depth = 0  # how deep the holding thread is nested: only the outermost takes the process lock


@contextmanager
def updating_alone(wait: bool = True, on_wait: Callable[[], None] | None = None) -> Iterator[bool]:
    """Hold the update lock while the block runs and yield True. Another holder: with ``wait``,
    call ``on_wait`` (to say why nothing happens) and wait for it; without, yield False at once."""
    global _depth
    if not _in_process.acquire(blocking=False):
        if not wait:
            yield False
            return
        if on_wait:
            on_wait()
        _in_process.acquire()
    try:
        if _depth:
            _depth += 1
            try:
                yield True
            finally:
                _depth -= 1
            return
        with _across_processes(wait, on_wait) as held:
            if not held:
                yield False
                return
            _depth = 1
            try:
                yield True
            finally:
                _depth = 0
    finally:
        _in_process.release()


@contextmanager
def _across_processes(wait: bool, on_wait: Callable[[], None] | None) -> Iterator[bool]:
    if backend_name() == "postgres":
        with _advisory_lock(wait, on_wait) as held:
            yield held
    else:
        with _file_lock(wait, on_wait) as held:
            yield held


@contextmanager
def _advisory_lock(wait: bool, on_wait: Callable[[], None] | None) -> Iterator[bool]:
    # Session-level: it outlives the import's and the index's transactions and ends with the
    # connection, so a killed holder's lock is gone with it.
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [ADVISORY_KEY])
        held = bool(cursor.fetchone()[0])
        if not held and wait:
            if on_wait:
                on_wait()
            cursor.execute("SELECT pg_advisory_lock(%s)", [ADVISORY_KEY])
            held = True
    try:
        yield held
    finally:
        if held:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [ADVISORY_KEY])


@contextmanager
def _file_lock(wait: bool, on_wait: Callable[[], None] | None) -> Iterator[bool]:
    try:
        import fcntl
    except ImportError:  # not on Unix: one process at a time is the operator's to keep
        yield True
        return
    directory = index_dir()
    directory.mkdir(parents=True, exist_ok=True)
    with open(directory / LOCK_FILE, "w") as handle:
        held = _try_flock(fcntl, handle)
        if not held and wait:
            if on_wait:
                on_wait()
            fcntl.flock(handle, fcntl.LOCK_EX)
            held = True
        try:
            yield held
        finally:
            if held:
                fcntl.flock(handle, fcntl.LOCK_UN)


def _try_flock(fcntl, handle: IO[str]) -> bool:
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True
