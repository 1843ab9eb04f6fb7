"""The per-page lookups behind feed JSON, in plain SQL.

A 50-paper page has about 500 authorships: through the ORM, building the query and running
its per-column converters on every row took longer than the database took to answer. The
SQL is portable (SQLite and PostgreSQL); table and column names come from the models.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import connection

from paperfeed.community.models import AuthorshipClaim, ClaimStatus
from paperfeed.papers.models import Authorship

# (paper_id, authorship id, name, hidden, status, user id, username, fullname, avatar_url)
AuthorRow = tuple[int, int, str, bool, str, int | None, str | None, str | None, str | None]


def _placeholders(count: int) -> str:
    return ", ".join(["%s"] * count)


def author_rows(paper_ids: list[int]) -> list[AuthorRow]:
    """The papers' visible authorships in author order, with the account's names where the import
    linked one or staff approved a member's claim."""
    if not paper_ids:
        return []
    q = connection.ops.quote_name
    authorship = q(Authorship._meta.db_table)
    claim = q(AuthorshipClaim._meta.db_table)
    user = q(get_user_model()._meta.db_table)
    # The account is the one the import linked, else the member whose claim of that name on that
    # paper staff approved (claims are keyed by paper and name: imports replace authorship rows).
    account = f"COALESCE(a.{q('user_id')}, c.{q('user_id')})"
    sql = (
        f"SELECT a.{q('paper_id')}, a.{q('id')}, a.{q('name')}, a.{q('hidden')}, a.{q('status')},"
        f" {account}, u.{q('username')}, u.{q('fullname')}, u.{q('avatar_url')}"
        f" FROM {authorship} a LEFT OUTER JOIN {claim} c ON c.{q('paper_id')} = a.{q('paper_id')}"
        f" AND c.{q('name')} = a.{q('name')} AND c.{q('status')} = %s"
        f" LEFT OUTER JOIN {user} u ON u.{q('id')} = {account}"
        f" WHERE a.{q('paper_id')} IN ({_placeholders(len(paper_ids))}) AND {Authorship.visible_sql('a')}"
        f" ORDER BY a.{q('paper_id')}, a.{q('position')}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [ClaimStatus.APPROVED, *paper_ids])
        # SQLite answers 0/1 for booleans.
        return [(*row[:3], bool(row[3]), *row[4:]) for row in cursor.fetchall()]
