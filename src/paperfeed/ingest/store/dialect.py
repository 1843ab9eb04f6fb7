"""The SQL dialect layer of the store: bulk writes and chunked reads on SQLite and PostgreSQL.

Django's cursor spends more time per row (quoting, wrapping, converting) than the database
spends on it, so bulk writes go through the drivers themselves: COPY on PostgreSQL, multi-row
INSERTs on the sqlite3 connection. Everything here knows tables and columns by name only,
never a model.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime
from itertools import chain

import orjson
from django.db import connection

# Parameters per "IN (...)" query: well under SQLite's and PostgreSQL's limits.
_IN_CHUNK = 5000
# Columns that hold booleans (stored as 0/1 by SQLite), where False and 0 are the same value.
_BOOLEAN_COLUMNS = frozenset({"hidden", "imported"})
# Rows per multi-row INSERT statement (fewer if the statement would bind too many values).
_SQLITE_ROWS_PER_INSERT = 500


def quote(name: str) -> str:
    """A table or column name quoted for the connection's database."""
    return connection.ops.quote_name(name)


def to_json(value: object) -> str | None:
    """The text a JSON column stores for ``value`` (``None`` stays NULL)."""
    if value is None:
        return None
    if value == []:
        return "[]"
    return orjson.dumps(value).decode()


def _sqlite_datetime(value: datetime | None) -> str | None:
    # What Django's SQLite backend stores: naive UTC, "YYYY-MM-DD HH:MM:SS[.ffffff]".
    if value is None:
        return None
    if value.tzinfo is not UTC:
        value = value.astimezone(UTC)
    return value.replace(tzinfo=None).isoformat(" ")


def datetime_adapter() -> Callable[[datetime | None], object]:
    """A fast stand-in for ``connection.ops.adapt_datetimefield_value`` (all values are aware UTC)."""
    if connection.vendor == "sqlite":
        return _sqlite_datetime
    return connection.ops.adapt_datetimefield_value


def from_database_datetime(value: datetime | str | None) -> datetime | None:
    """An aware UTC datetime from a stored or INSERT value: Django's SQLite backend stores naive
    UTC text (which its connection already turns into naive datetimes when reading a "datetime"
    column); PostgreSQL's are aware datetimes."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def append_rows(table: str, columns: tuple[str, ...], rows: list) -> None:
    """Insert ``rows`` (no conflict handling): COPY on PostgreSQL, else :func:`sqlite_insert`.

    COPY streams the rows to the server in one command, several times faster than even a
    pipelined executemany; a duplicate key still fails the whole COPY (and so the batch).
    """
    if not rows:
        return
    if connection.vendor == "postgresql":
        import psycopg

        names = ", ".join(map(quote, columns))
        with (
            psycopg.Cursor(connection.connection) as cursor,
            cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)
    elif connection.vendor == "sqlite":
        sqlite_insert(table, columns, list(zip(*rows, strict=True)))
    else:  # pragma: no cover - only SQLite and PostgreSQL are supported
        names = ", ".join(map(quote, columns))
        insert_rows(f"INSERT INTO {table} ({names}) VALUES ", len(columns), rows)


def append_columns(table: str, columns: tuple[str, ...], by_column: list[Sequence]) -> None:
    """:func:`append_rows` of rows given column by column (equally long sequences)."""
    if connection.vendor == "sqlite":
        sqlite_insert(table, columns, by_column)
    else:
        append_rows(table, columns, list(zip(*by_column, strict=True)))


def sqlite_insert(table: str, columns: tuple[str, ...], by_column: list[Sequence]) -> None:
    """INSERT rows, given column by column, on the sqlite3 connection itself, many per statement.

    Row by row, SQLite runs the statement once per row, and each run of an INSERT into an
    AUTOINCREMENT table reads and rewrites its ``sqlite_sequence`` entry; Python adds its own
    per-run work. One statement of hundreds of rows costs a quarter of that per row.

    A column that holds the same value in every row (NULL, an empty string, a timestamp, a
    boolean...) is written into the statement instead of bound: fewer values to bind, and
    sqlite3 binds ``None`` and ``bool`` only after a failed look for an adapter, which costs
    more than the rest of a row's values (arXiv rows hold a dozen such columns).
    """
    count = len(by_column[0])
    row_sql = []
    varying = []
    for name, values in zip(columns, by_column, strict=True):
        literal = _sqlite_literal(values[0], name in _BOOLEAN_COLUMNS)
        if literal is not None and values.count(values[0]) == count:
            row_sql.append(literal)
        else:
            row_sql.append("?")
            varying.append(values)
    one_row = f"({', '.join(row_sql)})"
    head = f"INSERT INTO {table} ({', '.join(map(quote, columns))}) VALUES "
    raw = connection.connection  # Django's cursor wrapper would rewrite and wrap each call
    if not varying:
        raw.executemany(head + one_row, [()] * count)
        return
    width = len(varying)
    values = list(chain.from_iterable(zip(*varying, strict=True)))
    per_statement = max(1, min(_SQLITE_ROWS_PER_INSERT, _sqlite_max_variables(raw) // width))
    whole = count // per_statement
    if whole:
        step = per_statement * width
        raw.executemany(
            head + ", ".join([one_row] * per_statement),
            [values[start : start + step] for start in range(0, whole * step, step)],
        )
    if rest := count - whole * per_statement:
        raw.execute(head + ", ".join([one_row] * rest), values[whole * per_statement * width :])


def _sqlite_literal(value: object, boolean: bool) -> str | None:
    """``value`` as an SQL literal that SQLite stores exactly as it stores the bound value, or
    ``None`` where it would not bother (long text) or could not be sure."""
    if value is None:
        return "NULL"
    if boolean and type(value) in (bool, int):
        return "1" if value else "0"  # a boolean column holds 0/1 (False == 0 in count())
    if type(value) is str and len(value) <= 40 and "\x00" not in value:
        return "'" + value.replace("'", "''") + "'"
    if type(value) is int:  # (count() also matches a float equal to it: none occur here)
        return str(value)
    return None


def _sqlite_max_variables(raw) -> int:
    """How many values one statement may bind (32766 by default since SQLite 3.32, 999 before)."""
    return raw.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)


def next_sqlite_pk(table: str) -> int:
    """The id SQLite's AUTOINCREMENT would give the next row of ``table`` (call inside the write
    transaction): one past the largest id the table holds or ever held."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT MAX({quote('id')}) FROM {quote(table)}")
        largest = cursor.fetchone()[0] or 0
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        sequence = cursor.fetchone()
    return max(largest, sequence[0] if sequence else 0) + 1


def insert_rows(head: str, width: int, rows: list, tail: str = "") -> None:
    """Run ``head`` + ``(%s, ...)`` + ``tail`` once per row of ``rows`` with executemany.

    On PostgreSQL a plain psycopg cursor (server-side parameters, pipelined) is used: Django's
    client-side-binding cursor spends more time quoting values in Python than the server
    spends inserting them.
    """
    if not rows:
        return
    sql = head + "(" + ", ".join(["%s"] * width) + ")" + tail
    if connection.vendor == "postgresql":
        import psycopg

        with psycopg.Cursor(connection.connection) as cursor:
            cursor.executemany(sql, rows)
    else:
        with connection.cursor() as cursor:
            cursor.executemany(sql, rows)


def select_in(cursor, select: str, column: str, values: list, tail: str = "") -> Iterator[tuple]:
    """Rows of ``select ... WHERE column IN (values) tail``, asked in chunks of ``_IN_CHUNK`` values."""
    for start in range(0, len(values), _IN_CHUNK):
        chunk = values[start : start + _IN_CHUNK]
        cursor.execute(f"{select} WHERE {quote(column)} IN ({', '.join(['%s'] * len(chunk))}){tail}", chunk)
        yield from cursor.fetchall()
