"""What a page of results needs from the database, fetched with plain SQL.

Each of these used to be an ORM query; building those queries (and model instances through
the queryset machinery) took longer than the database took to answer them.
"""

from __future__ import annotations

from django.db import connection

from paperfeed.papers.models import Paper

_PAPER_FIELDS = Paper._meta.concrete_fields
_PAPER_TABLE = Paper._meta.db_table
_PK = Paper._meta.pk.column
_HIDDEN = Paper._meta.get_field("hidden").column


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _marks(values: list) -> str:
    return ", ".join(["%s"] * len(values))


def hidden_pks() -> set[int]:
    """Every hidden paper: a few rows, read through a partial index (``papers_paper_hidden``)."""
    # The condition is written as the index's, so SQLite sees that the index covers it.
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {_q(_PK)} FROM {_q(_PAPER_TABLE)} WHERE {_q(_HIDDEN)}")
        return {row[0] for row in cursor.fetchall()}


def existing_pks(pks: list[int]) -> set[int]:
    """Which of ``pks`` are papers in the database."""
    if not pks:
        return set()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {_q(_PK)} FROM {_q(_PAPER_TABLE)} WHERE {_q(_PK)} IN ({_marks(pks)})", pks)
        return {row[0] for row in cursor.fetchall()}


def papers_by_pk(pks: list[int]) -> dict[int, Paper]:
    """The papers with these pks, as full model instances (with the fields' own conversions)."""
    if not pks:
        return {}
    columns = ", ".join(_q(field.column) for field in _PAPER_FIELDS)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns} FROM {_q(_PAPER_TABLE)} WHERE {_q(_PK)} IN ({_marks(pks)})", pks)
        rows = cursor.fetchall()
    converters = _converters()
    names = [field.attname for field in _PAPER_FIELDS]
    papers = {}
    for row in rows:
        values = list(row)
        for index, functions, expression in converters:
            for convert in functions:
                values[index] = convert(values[index], expression, connection)
        paper = Paper.from_db(connection.alias, names, values)
        papers[paper.pk] = paper
    return papers


def _converters() -> list[tuple[int, list, object]]:
    """(column index, converters, expression) for the Paper columns this database returns raw."""
    found = []
    for index, field in enumerate(_PAPER_FIELDS):
        expression = field.get_col(_PAPER_TABLE)
        functions = connection.ops.get_db_converters(expression) + field.get_db_converters(connection)
        if functions:
            found.append((index, functions, expression))
    return found


def titles(pks: list[int]) -> dict[int, str]:
    if not pks:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {_q(_PK)}, {_q('title')} FROM {_q(_PAPER_TABLE)} WHERE {_q(_PK)} IN ({_marks(pks)})", pks
        )
        return dict(cursor.fetchall())


def visible_pks_where(condition: str, params: list, order: str = "", limit: int | None = None) -> list[int]:
    """Pks of visible papers meeting ``condition`` (SQL over the paper table's own columns)."""
    tail = f" ORDER BY {order}" if order else ""
    if limit is not None:
        tail += f" LIMIT {int(limit)}"
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {_q(_PK)} FROM {_q(_PAPER_TABLE)} WHERE {condition} AND NOT {_q(_HIDDEN)}{tail}", params
        )
        return [row[0] for row in cursor.fetchall()]
