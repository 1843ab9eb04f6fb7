"""Pick the search backend from configuration: PostgreSQL when the database is, local files otherwise."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.db import connection

from paperfeed.search.backends.base import SearchBackend

_cache: dict[tuple, SearchBackend] = {}


def index_dir() -> Path:
    configured = settings.SEARCH_INDEX_DIR
    return Path(configured) if configured else Path(settings.DATA_DIR) / "index"


def backend_name() -> str:
    configured = settings.SEARCH_BACKEND
    if configured:
        if configured not in {"local", "postgres"}:
            raise ValueError(f"SEARCH_BACKEND must be 'local' or 'postgres', not {configured!r}")
        return configured
    return "postgres" if connection.vendor == "postgresql" else "local"


def get_backend() -> SearchBackend:
    name = backend_name()
    if name == "postgres":
        key = (name, connection.settings_dict["NAME"])
        if key not in _cache:
            from paperfeed.search.backends.postgres import PostgresBackend

            _cache[key] = PostgresBackend()
        return _cache[key]
    key = (name, str(index_dir()))
    if key not in _cache:
        from paperfeed.search.backends.local import LocalBackend

        _cache[key] = LocalBackend(index_dir())
    return _cache[key]
