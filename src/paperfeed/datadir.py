"""The data directory: where the embedded database, search index and secrets live."""

from __future__ import annotations

import os
import secrets
from pathlib import Path


def data_dir() -> Path:
    """Return the data directory (``PAPERFEED_DATA_DIR``, default ``./data``), creating it."""
    path = Path(os.environ.get("PAPERFEED_DATA_DIR", "data")).resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


def secret_key(directory: Path) -> str:
    """Return ``PAPERFEED_SECRET_KEY`` or a key generated once into the data directory."""
    from_env = os.environ.get("PAPERFEED_SECRET_KEY")
    if from_env:
        return from_env
    key_file = directory / "secret_key"
    if not key_file.exists():
        # O_EXCL: two processes starting at once must not write two different keys.
        try:
            fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_urlsafe(50))
    return key_file.read_text().strip()
