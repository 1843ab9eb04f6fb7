"""Rate limits that hold when requests arrive at the same moment.

Two kinds, one helper each:

- Limits counted from the rows an action leaves (comments a minute, submissions a day) check and
  insert inside :func:`one_at_a_time`, which serialises one user's writes: a row lock on the user
  on PostgreSQL; on SQLite every write transaction is IMMEDIATE, so writers already go one by one.
- Attempts that may leave no row (submission attempts, subscribe requests) are counted by
  :func:`hit` with one atomic upsert per key, shared by every process through the database.
"""

from __future__ import annotations

import hashlib
import random
import time
from collections.abc import Iterator
from contextlib import contextmanager

from django.contrib.auth import get_user_model
from django.db import connection, transaction

from paperfeed.community.models import RateCounter

# One call in this many also deletes counters whose window has passed.
PRUNE_ONE_IN = 50


@contextmanager
def one_at_a_time(user) -> Iterator[None]:
    """A transaction in which ``user``'s count-then-insert cannot interleave with another's."""
    with transaction.atomic():
        get_user_model().objects.select_for_update().filter(pk=user.pk).exists()
        yield


def hit(action: str, key: str, limit: int, window_seconds: int = 60) -> bool:
    """Count one attempt in the current fixed window; return False if this one is over ``limit``.

    ``key`` (a user id, a client address, a mail address) is stored only as a hash.
    """
    now = time.time()
    window = int(now // window_seconds)
    name = f"{action}:{hashlib.sha256(key.encode()).hexdigest()[:40]}"
    expires = int((window + 1) * window_seconds)
    table = connection.ops.quote_name(RateCounter._meta.db_table)
    with transaction.atomic(), connection.cursor() as cursor:
        if random.randrange(PRUNE_ONE_IN) == 0:
            cursor.execute(f"DELETE FROM {table} WHERE expires_at < %s", [int(now)])
        # Insert, or count on in the same window, or start the new window: one statement, so two
        # requests at the same moment can never both read the same count.
        cursor.execute(
            f"INSERT INTO {table} (name, window_start, hits, expires_at) VALUES (%s, %s, 1, %s) "
            f"ON CONFLICT (name) DO UPDATE SET "
            f"hits = CASE WHEN {table}.window_start = excluded.window_start "
            f"THEN {table}.hits + 1 ELSE 1 END, "
            f"window_start = excluded.window_start, expires_at = excluded.expires_at "
            f"RETURNING hits",
            [name, window, expires],
        )
        (count,) = cursor.fetchone()
    return count <= limit
