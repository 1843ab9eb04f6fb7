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
- the newest ``Paper.modified_at``, which also catches writes that bypass Django's cursors
  (the PostgreSQL ingest path writes papers through a plain psycopg cursor).
"""

from __future__ import annotations

import re
import secrets

from django.db import DatabaseError
from django.db import connection as default_connection
from django.db.backends.base.base import BaseDatabaseWrapper

WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE|REPLACE|TRUNCATE)\b", re.IGNORECASE)
ROW_ID = 1


def _names(connection: BaseDatabaseWrapper) -> tuple[str, str]:
    from paperfeed.api.models import FeedVersion
    from paperfeed.papers.models import Paper

    q = connection.ops.quote_name
    return q(FeedVersion._meta.db_table), q(Paper._meta.db_table)


def watched_tables() -> tuple[str, ...]:
    """Tables whose rows appear on feed pages or in feed JSON."""
    from django.contrib.auth import get_user_model

    from paperfeed.community.models import Comment, Vote
    from paperfeed.papers.models import Authorship, Listing, Paper

    models = (Paper, Listing, Authorship, Vote, Comment, get_user_model())
    return tuple(model._meta.db_table for model in models)


def current(connection: BaseDatabaseWrapper = default_connection) -> str | None:
    """The version now: it changes whenever anything a feed shows may have changed.

    The first call on a database without a stamp (freshly migrated, flushed, or upgraded with
    data already in it) gives it one. None when the table is missing (migrations not applied):
    then nothing should be cached.
    """
    version_table, paper_table = _names(connection)
    sql = (
        f"SELECT (SELECT stamp FROM {version_table} WHERE id = %s),"
        f" (SELECT MAX(modified_at) FROM {paper_table})"
    )
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql, [ROW_ID])
            stamp, newest = cursor.fetchone()
        if stamp is None:
            stamp = bump(connection)
    except DatabaseError:
        return None
    return f"{stamp}:{newest}"


def bump(connection: BaseDatabaseWrapper = default_connection) -> int:
    """Give the stamp a new value: random, so it never returns to one a cache has seen.

    One plain statement on the writer's connection: no savepoint, which SQLite refuses while
    the write it follows still has rows to hand back (INSERT ... RETURNING).
    """
    version_table, _ = _names(connection)
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
        self.tables: tuple[str, ...] | None = None
        self.ready = False  # the FeedVersion table exists (not yet, early in a fresh migrate)

    def __call__(self, execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if isinstance(sql, str) and WRITE.match(sql) and self._touches_watched(sql) and self._table_ready():
            bump(self.connection)
        return result

    def _touches_watched(self, sql: str) -> bool:
        if self.tables is None:
            self.tables = watched_tables()
        return any(table in sql for table in self.tables)

    def _table_ready(self) -> bool:
        if not self.ready:
            from paperfeed.api.models import FeedVersion

            with self.connection.cursor() as cursor:
                self.ready = FeedVersion._meta.db_table in self.connection.introspection.table_names(cursor)
        return self.ready


def watch_connection(sender, connection: BaseDatabaseWrapper, **kwargs) -> None:
    """``connection_created`` receiver: install the watcher once per connection object."""
    if not any(isinstance(wrapper, WriteWatcher) for wrapper in connection.execute_wrappers):
        connection.execute_wrappers.append(WriteWatcher(connection))
