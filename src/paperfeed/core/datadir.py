"""The data directory: where the embedded database, search index and secrets live."""

from __future__ import annotations

import os
import secrets
import sys
import tempfile
from pathlib import Path

from paperfeed.core import config

# Files that hold secrets (the database holds sessions, tokens and password hashes): SQLite gives
# its -wal and -shm files the mode of the database file, so tightening that covers them.
PRIVATE_FILES = ("paperfeed.sqlite3", "paperfeed.sqlite3-wal", "paperfeed.sqlite3-shm", "secret_key")


# Whether this process may make the data directory when it is missing. The ``paperfeed`` command
# allows it only for the verbs that set a site up (serve, migrate, ingest, restore; cli.py), so a
# command run from the wrong directory does not leave a stray ./data, let alone fill it.
_may_create = True


def only_existing() -> None:
    """From now on ``data_dir()`` does not create a missing data directory."""
    global _may_create
    _may_create = False


def data_dir() -> Path:
    """Return the data directory (``PAPERFEED_DATA_DIR``, default ``./data``), owner-only.

    The process's umask becomes 077, so whatever it creates from now on (the database, the search
    index, keys) can be read by its owner only. A directory and files left by an earlier version
    with looser modes are tightened. A new directory is announced with its absolute path.
    """
    os.umask(0o077)
    path = Path(config.value("PAPERFEED_DATA_DIR")).resolve()
    if not path.is_dir():
        if not _may_create:
            return path
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
        print(f"paperfeed: created a new data directory at {path}", file=sys.stderr)
    _tighten(path, 0o700)
    for name in PRIVATE_FILES:
        _tighten(path / name, 0o600)
    return path


def _tighten(path: Path, mode: int) -> None:
    try:
        if path.stat().st_mode & 0o777 != mode:
            path.chmod(mode)
    except FileNotFoundError:
        pass


def secret_key(directory: Path) -> str:
    """Return ``PAPERFEED_SECRET_KEY`` or a key generated once into the data directory."""
    from_env = config.value("PAPERFEED_SECRET_KEY")
    if from_env:
        return from_env
    key_file = directory / "secret_key"
    if not directory.is_dir():
        # A command that may not create the data directory: a key for this process only.
        return secrets.token_urlsafe(50)
    if not key_file.exists():
        # Written whole under a private name, then linked into place: os.link fails if the file
        # exists, so two processes starting at once keep one key, and neither reads a file the
        # other has created but not yet written.
        fd, scratch = tempfile.mkstemp(dir=directory, prefix=".secret_key-")
        try:
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_urlsafe(50))
            os.link(scratch, key_file)
        except FileExistsError:
            pass
        finally:
            os.unlink(scratch)
    return key_file.read_text().strip()
