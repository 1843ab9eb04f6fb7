"""A version for everything feed pages and feed JSON show, shared by every web process.

Cached pages are keyed by this version, so a vote, a comment, a submission, a moderation
or an import makes the next request render afresh instead of waiting for a timeout.

The version has two parts, read in one query:

- ``FeedVersion.stamp``, set to a new random value by every INSERT, UPDATE, DELETE or
  TRUNCATE that goes through a Django connection and touches a table the feed reads. A
  database execute wrapper sees them all: ORM saves and deletes, ``QuerySet.update()``,
  bulk operations, admin actions and raw SQL on Django cursors, in this process or any
  other (``paperfeed ingest``, ``paperfeed worker``). The stamp is written in the writer's
  own transaction, so readers see the new stamp exactly when they can see the new data.
- the newest value of each column registered with ``watch_newest`` (``Paper.modified_at``),
  which also catches writes that bypass Django's cursors (the PostgreSQL ingest path writes
  papers through a plain psycopg cursor).

This module knows no domain model: each app says in its ``AppConfig.ready()`` which of its
models the feed shows (``watch(Paper, Listing)``), the way warehouse's domains register their
cache keys with its origin cache.
"""

from __future__ import annotations

import re
import secrets

from django.db import DatabaseError
from django.db import connection as default_connection
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Model

WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE|REPLACE|TRUNCATE)\b", re.IGNORECASE)
ROW_ID = 1

_watched_tables: set[str] = set()
_newest_columns: dict[tuple[str, str], None] = {}  # (table, column), in registration order


def watch(*models: type[Model]) -> None:
    """Writes to these models' tables change what feed pages and feed JSON show."""
    _watched_tables.update(model._meta.db_table for model in models)


def watch_newest(model: type[Model], field_name: str) -> None:
    """The newest value of this field is part of the version (catches writes past Django's cursors)."""
    _newest_columns[(model._meta.db_table, model._meta.get_field(field_name).column)] = None


def watched_tables() -> tuple[str, ...]:
    """Tables whose rows appear on feed pages or in feed JSON, as the apps registered them."""
    return tuple(sorted(_watched_tables))


def _version_table(connection: BaseDatabaseWrapper) -> str:
    from paperfeed.core.models import FeedVersion

    return connection.ops.quote_name(FeedVersion._meta.db_table)


def current(connection: BaseDatabaseWrapper = default_connection) -> str | None:
    """The version now: it changes whenever anything a feed shows may have changed.

    The first call on a database without a stamp (freshly migrated, flushed, or upgraded with
    data already in it) gives it one. None when the table is missing (migrations not applied):
    then nothing should be cached.
    """
    q = connection.ops.quote_name
    newest = "".join(f", (SELECT MAX({q(column)}) FROM {q(table)})" for table, column in _newest_columns)
    sql = f"SELECT (SELECT stamp FROM {_version_table(connection)} WHERE id = %s){newest}"
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql, [ROW_ID])
            stamp, *newest_values = cursor.fetchone()
        if stamp is None:
            stamp = bump(connection)
    except DatabaseError:
        return None
    return ":".join(str(part) for part in (stamp, *newest_values))


def bump(connection: BaseDatabaseWrapper = default_connection) -> int:
    """Give the stamp a new value: random, so it never returns to one a cache has seen.

    One plain statement on the writer's connection: no savepoint, which SQLite refuses while
    the write it follows still has rows to hand back (INSERT ... RETURNING).
    """
    version_table = _version_table(connection)
    sql = (
        f"INSERT INTO {version_table} (id, stamp) VALUES (%s, %s)"
        f" ON CONFLICT (id) DO UPDATE SET stamp = excluded.stamp"
    )
    stamp = secrets.randbits(62)
    with connection.cursor() as cursor:
        cursor.execute(sql, [ROW_ID, stamp])
    return stamp


class WriteWatcher:
    """A database execute wrapper that bumps the stamp after a write to a watched table."""

    def __init__(self, connection: BaseDatabaseWrapper) -> None:
        self.connection = connection
        self.ready = False  # the FeedVersion table exists (not yet, early in a fresh migrate)

    def __call__(self, execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if isinstance(sql, str) and WRITE.match(sql) and self._touches_watched(sql) and self._table_ready():
            bump(self.connection)
        return result

    def _touches_watched(self, sql: str) -> bool:
        return any(table in sql for table in _watched_tables)

    def _table_ready(self) -> bool:
        if not self.ready:
            from paperfeed.core.models import FeedVersion

            with self.connection.cursor() as cursor:
                self.ready = FeedVersion._meta.db_table in self.connection.introspection.table_names(cursor)
        return self.ready


def watch_connection(sender, connection: BaseDatabaseWrapper, **kwargs) -> None:
    """``connection_created`` receiver: install the watcher once per connection object."""
    if not any(isinstance(wrapper, WriteWatcher) for wrapper in connection.execute_wrappers):
        connection.execute_wrappers.append(WriteWatcher(connection))
