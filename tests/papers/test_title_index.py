"""The lower(title) index that exact-title lookups read survives SQLite's table rebuilds."""

import pytest
from django.db import connection

from paperfeed.papers.models import Paper

pytestmark = pytest.mark.django_db(transaction=True)


def index_names() -> set[str]:
    with connection.cursor() as cursor:
        return {
            name
            for name, info in connection.introspection.get_constraints(cursor, Paper._meta.db_table).items()
            if info["index"]
        }


def test_a_table_rebuild_keeps_the_title_index():
    """Altering the paper table on SQLite rebuilds it with the indexes Django knows: this one is
    declared on the model, so it comes back (sites that migrated before 0008 had lost it)."""
    assert "search_paper_title_lower" in index_names()
    if connection.vendor != "sqlite":
        return
    with connection.schema_editor() as editor:
        editor._remake_table(Paper)  # what AddField/AlterField do on SQLite
    assert "search_paper_title_lower" in index_names()
