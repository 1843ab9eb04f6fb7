"""Bulk loads into empty paper tables on SQLite build the secondary indexes once, at the end.

Keeping an index up to date row by row costs more than building it from the finished table
(on arXiv's 570k papers about 13 µs per paper against 7). So when ``papers_paper`` and
``papers_authorship`` are both empty, :func:`deferred_secondary_indexes` drops their plain
(non-unique) indexes and creates them again, with the very statements SQLite stored for them,
when the load ends, however it ends. Unique indexes, primary keys and unique constraints stay:
the merge relies on them (``arxiv_id``, ``(paper_id, position)``, which also serves lookups by
paper). So do partial indexes and those whose keys a load appends in order (see
``_in_load_order``): keeping them costs no more than building them, and building them would
lengthen the end of the load, which one core does alone.

The statements are saved in a small table (``ingest_deferred_index``) in the same transaction
that drops the indexes, so a load that is killed before it could rebuild them leaves them
there; every ingest starts with :func:`restore_deferred_indexes`, which builds whatever is
missing. PostgreSQL is left alone.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection, transaction

from paperfeed.core.cores import usable_cores
from paperfeed.papers.models import Authorship, Paper

SAVED_TABLE = "ingest_deferred_index"
# Page cache while building the indexes: SQLite's default (negative: KiB).
_INDEX_BUILD_CACHE_KIB = -2000


def _tables() -> tuple[str, ...]:
    return (Paper._meta.db_table, Authorship._meta.db_table)


def _saved_table_exists(cursor) -> bool:
    cursor.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = %s", [SAVED_TABLE])
    return cursor.fetchone() is not None


def restore_deferred_indexes() -> list[str]:
    """Create the indexes an earlier bulk load dropped and has not rebuilt; return their names."""
    if connection.vendor != "sqlite":
        return []
    with transaction.atomic(), connection.cursor() as cursor:
        if not _saved_table_exists(cursor):
            return []
        cursor.execute(f"SELECT name, sql FROM {SAVED_TABLE} ORDER BY name")
        saved = cursor.fetchall()
        cursor.execute("PRAGMA cache_size")
        cache_size = cursor.fetchone()[0]
        # SQLite sorts the keys of a new index in runs as large as the page cache; runs of a
        # few MB sort much faster than one run as large as an import's cache (2 s instead of
        # 3 s for the authors of 570k papers).
        cursor.execute(f"PRAGMA cache_size = {_INDEX_BUILD_CACHE_KIB}")
        # The sort of each index may use the other cores (idle by then: parsing has finished).
        cursor.execute(f"PRAGMA threads = {_sort_threads()}")
        try:
            for name, sql in saved:
                cursor.execute("SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = %s", [name])
                if cursor.fetchone() is None:
                    cursor.execute(sql)
        finally:
            cursor.execute(f"PRAGMA cache_size = {int(cache_size)}")
            cursor.execute("PRAGMA threads = 0")
        cursor.execute(f"DROP TABLE {SAVED_TABLE}")
    return [name for name, _ in saved]


def _sort_threads() -> int:
    """Helper threads for SQLite's sorter while building indexes: one per other core."""
    return min(usable_cores(), 8) - 1


def _drop_secondary_indexes() -> list[str]:
    """Save and drop the plain indexes of the empty paper tables; return their names."""
    tables = _tables()
    with transaction.atomic(), connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f'SELECT 1 FROM "{table}" LIMIT 1')
            if cursor.fetchone() is not None:
                return []  # not a load into empty tables: keep the indexes the merge reads
        # Autoindexes (primary keys, UNIQUE columns and constraints) have no SQL; unique
        # indexes made by CREATE UNIQUE INDEX are kept as well.
        cursor.execute(
            "SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
            f" AND tbl_name IN ({', '.join(['%s'] * len(tables))}) ORDER BY name",
            list(tables),
        )
        plain = [
            (name, sql)
            for name, table, sql in cursor.fetchall()
            if not _is_unique(sql) and not _cheap_to_keep(cursor, name, table, sql)
        ]
        if not plain:
            return []
        cursor.execute(f"CREATE TABLE IF NOT EXISTS {SAVED_TABLE} (name TEXT PRIMARY KEY, sql TEXT NOT NULL)")
        cursor.executemany(f"INSERT OR REPLACE INTO {SAVED_TABLE} (name, sql) VALUES (%s, %s)", plain)
        for name, _ in plain:
            cursor.execute(f'DROP INDEX "{name}"')
    return [name for name, _ in plain]


def _in_load_order() -> set[tuple[str, str]]:
    """(table, column) of single-column indexes whose keys a load appends in increasing order, or
    nearly: the time of the batch, and the papers' publication dates (dumps and daily listings
    come in date order: of arXiv's 570k papers from 1990 to 2019, 27 are out of it). Kept up to
    date, such an index is only ever appended to, which costs the writer no more than building it
    afterwards, and takes that work off the end of the load, when the parsing process has
    finished and one core would build it alone."""
    return {
        (Paper._meta.db_table, Paper._meta.get_field("modified_at").column),
        (Paper._meta.db_table, Paper._meta.get_field("published").column),
    }


def _cheap_to_keep(cursor, index: str, table: str, sql: str) -> bool:
    """Is this index (of ``table``, made by ``sql``) kept during a load: a partial index (none of
    the new rows is hidden, say) or one of :func:`_in_load_order`?"""
    if " WHERE " in sql.upper():
        return True
    cursor.execute(f'PRAGMA index_info("{index}")')
    columns = [row[2] for row in cursor.fetchall()]
    return len(columns) == 1 and (table, columns[0]) in _in_load_order()


def _is_unique(sql: str) -> bool:
    return sql.split(None, 2)[1].upper() == "UNIQUE"


@contextmanager
def deferred_secondary_indexes() -> Iterator[list[str]]:
    """Around a bulk load: drop the plain indexes if the paper tables are empty, rebuild them at
    the end (also on errors and Ctrl-C). Yields the names of the dropped indexes."""
    if connection.vendor != "sqlite":
        yield []
        return
    restore_deferred_indexes()
    dropped = _drop_secondary_indexes()
    try:
        yield dropped
    finally:
        if dropped:
            restore_deferred_indexes()
