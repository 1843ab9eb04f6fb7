"""What a batch reads from and writes to the paper, authorship and listing tables.

Mostly plain SQL (see :mod:`.dialect`): for thousands of rows, the ORM's per-row and
per-parameter work costs more than the queries themselves.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from itertools import repeat

import orjson
from django.db import connection

from paperfeed.ingest.store.authors import names_only
from paperfeed.ingest.store.dialect import (
    append_columns,
    append_rows,
    datetime_adapter,
    from_database_datetime,
    insert_rows,
    next_sqlite_pk,
    quote,
    select_in,
    sqlite_insert,
    to_json,
)
from paperfeed.ingest.store.prepare import (
    DATA_FIELDS,
    DATETIME_FIELDS,
    JSON_FIELDS,
    NEW_ROW,
    PAPER_COLUMNS,
    Prepared,
)
from paperfeed.papers.author_names import name_key
from paperfeed.papers.models import Authorship, Listing, Paper

# -- reading what is stored


def load_papers(ids: list[str]) -> dict[str, dict]:
    """The stored rows (``id``, ``arxiv_id`` and ``DATA_FIELDS``) of the papers among ``ids``, by
    arXiv id; on PostgreSQL they stay locked until the transaction ends."""
    if connection.vendor == "sqlite":
        # SQLite has no row locks (a writer holds the database); plain SQL is much faster.
        return _load_papers_sqlite(ids)
    # A cheap raw look first: on a fresh import nothing exists and the ORM load is skipped.
    existing = list(ids_of_existing(ids))
    if not existing:
        return {}
    rows = Paper.objects.filter(arxiv_id__in=[arxiv_id for arxiv_id, _ in existing])
    if connection.features.has_select_for_update:
        rows = rows.select_for_update()  # a concurrent import or vote waits for this batch
    return {row["arxiv_id"]: row for row in rows.values("id", "arxiv_id", *DATA_FIELDS)}


def _load_papers_sqlite(ids: list[str]) -> dict[str, dict]:
    """The stored rows of the papers among ``ids``, as ``.values()`` would give them (aware UTC
    datetimes, decoded JSON), by plain SQL."""
    table = quote(Paper._meta.db_table)
    columns = ("id", "arxiv_id", *DATA_FIELDS)
    select = ", ".join(map(quote, columns))
    found: dict[str, dict] = {}
    loads = orjson.loads
    with connection.cursor() as cursor:
        for values in select_in(cursor, f"SELECT {select} FROM {table}", "arxiv_id", ids):
            row = dict(zip(columns, values, strict=True))
            for name in DATETIME_FIELDS:
                row[name] = from_database_datetime(row[name])
            for name in JSON_FIELDS:
                if row[name] is not None:
                    row[name] = loads(row[name])
            found[row["arxiv_id"]] = row
    return found


def ids_of_existing(arxiv_ids: list[str]) -> Iterator[tuple[str, int]]:
    """(arxiv_id, pk) of the papers among ``arxiv_ids`` that exist, by raw SQL (the ORM's
    per-parameter preparation costs more than the query for thousands of ids)."""
    table = quote(Paper._meta.db_table)
    with connection.cursor() as cursor:
        select = f"SELECT {quote('arxiv_id')}, {quote('id')} FROM {table}"
        yield from select_in(cursor, select, "arxiv_id", arxiv_ids)


def load_authorships(paper_ids: list[int]) -> dict[int, tuple]:
    """The author rows (full form, user pks) of the papers ``paper_ids``, by paper pk."""
    found: dict[int, list] = {}
    if not paper_ids:
        return {}
    # Plain SQL: Django's per-row conversion costs more than the query. (On SQLite ``hidden``
    # comes back as 0/1, which compares equal to the booleans of incoming rows.)
    table = quote(Authorship._meta.db_table)
    columns = ", ".join(map(quote, ("paper_id", "name", "hidden", "status", "user_id")))
    order = f" ORDER BY {quote('paper_id')}, {quote('position')}"
    with connection.cursor() as cursor:
        select = f"SELECT {columns} FROM {table}"
        for paper_id, *author in select_in(cursor, select, "paper_id", paper_ids, order):
            found.setdefault(paper_id, []).append(tuple(author))
    return {paper_id: tuple(rows) for paper_id, rows in found.items()}


def load_listings(paper_ids: list[int]) -> dict[int, tuple]:
    """``(date, submitted_at, submitted_by_id, imported)`` of the papers' listings, by paper pk."""
    if not paper_ids:
        return {}
    rows = Listing.objects.filter(paper_id__in=paper_ids).values_list(
        "paper_id", "date", "submitted_at", "submitted_by_id", "imported"
    )
    return {paper_id: tuple(rest) for paper_id, *rest in rows}


# -- writing


def write_papers(rows: list[dict], now: datetime) -> None:
    """Insert or update the merged paper ``rows``, stamped ``now``, keeping their local votes."""
    if not rows:
        return
    table = quote(Paper._meta.db_table)
    columns = PAPER_COLUMNS
    updates = [f"{quote(c)} = excluded.{quote(c)}" for c in (*DATA_FIELDS, "modified_at")]
    # Local votes survive: the stored upvotes minus the stored imported part.
    updates.append(
        f"{quote('upvotes')} = {table}.{quote('upvotes')} - {table}.{quote('imported_upvotes')}"
        f" + excluded.{quote('imported_upvotes')}"
    )
    head = f"INSERT INTO {table} ({', '.join(quote(c) for c in columns)}) VALUES "
    tail = f" ON CONFLICT ({quote('arxiv_id')}) DO UPDATE SET {', '.join(updates)}"
    adapt = datetime_adapter()
    stamp = adapt(now)
    params = []
    for row in rows:
        values = [row["arxiv_id"]]
        for name in DATA_FIELDS:
            value = row[name]
            if name in JSON_FIELDS:
                value = to_json(value)
            elif name in DATETIME_FIELDS:
                value = adapt(value)
            values.append(value)
        values += [row["imported_upvotes"], False, stamp, stamp]
        params.append(values)
    insert_rows(head, len(columns), params, tail)


def insert_new_papers(items: list[Prepared], now: datetime) -> dict[str, int]:
    """The fast path: plain INSERTs, stamped ``now``, of papers the database does not hold (a
    concurrent insert of the same paper fails the batch, which is then merged instead).

    Returns the pks of the papers inserted where they are known without asking: on SQLite
    the batch holds the database's write lock, so it numbers the papers itself exactly as
    AUTOINCREMENT would (after the largest id ever used) and needs no query to learn them.
    """
    if not items:
        return {}
    stamp = datetime_adapter()(now)
    stamps = (stamp, stamp)
    table = quote(Paper._meta.db_table)
    if connection.vendor != "sqlite":
        append_rows(table, PAPER_COLUMNS, [item[5] + stamps for item in items])
        return {}
    first = next_sqlite_pk(Paper._meta.db_table)
    pks = range(first, first + len(items))
    stamp_column = [stamp] * len(items)
    by_column = [pks, *zip(*map(NEW_ROW, items), strict=True), stamp_column, stamp_column]
    sqlite_insert(table, ("id", *PAPER_COLUMNS), by_column)
    return {item[0]: pk for pk, item in zip(pks, items, strict=True)}


def write_authorships(by_paper: dict[int, tuple], new_pks: set[int]) -> None:
    """Replace the authorships of the papers ``by_paper`` names with its author rows (papers
    among ``new_pks`` were just created and have none to delete)."""
    if not by_paper:
        return
    table = quote(Authorship._meta.db_table)
    with connection.cursor() as cursor:
        ids = [pk for pk in by_paper if pk not in new_pks]
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            cursor.execute(
                f"DELETE FROM {table} WHERE {quote('paper_id')} IN ({', '.join(['%s'] * len(chunk))})",
                chunk,
            )
    # Column by column (what the SQLite path wants), extended a paper at a time.
    paper_ids: list[int] = []
    positions: list[int] = []
    names: list[str] = []
    hidden: list[bool] = []
    statuses: list[str] = []
    user_ids: list[int | None] = []
    for paper_id, rows in by_paper.items():
        count = len(rows)
        paper_ids.extend(repeat(paper_id, count))
        positions.extend(range(count))
        if names_only(rows):
            names.extend(rows)
            hidden.extend(repeat(False, count))
            statuses.extend(repeat("", count))
            user_ids.extend(repeat(None, count))
        else:
            for name, is_hidden, status, user_id in rows:
                names.append(name)
                hidden.append(is_hidden)
                statuses.append(status)
                user_ids.append(user_id)
    if names:
        keys = list(map(name_key, names))  # the folded form author lookups search
        append_columns(
            table,
            ("paper_id", "position", "name", "name_key", "hidden", "status", "user_id"),
            [paper_ids, positions, names, keys, hidden, statuses, user_ids],
        )


def write_listings(by_paper: dict[int, tuple]) -> None:
    """Create or update the listings ``by_paper`` names: ``(date, submitted_at, submitted_by_id,
    imported)`` by paper pk."""
    if not by_paper:
        return
    table = quote(Listing._meta.db_table)
    ops = connection.ops
    adapt = datetime_adapter()
    cols = ("paper_id", "date", "submitted_at", "submitted_by_id", "imported", "hidden")
    updates = ", ".join(f"{quote(c)} = excluded.{quote(c)}" for c in cols[1:5])
    insert_rows(
        f"INSERT INTO {table} ({', '.join(quote(c) for c in cols)}) VALUES ",
        len(cols),
        [
            (paper_id, ops.adapt_datefield_value(day), adapt(submitted_at), submitted_by, imported, False)
            for paper_id, (day, submitted_at, submitted_by, imported) in by_paper.items()
        ],
        f" ON CONFLICT ({quote('paper_id')}) DO UPDATE SET {updates}",
    )
