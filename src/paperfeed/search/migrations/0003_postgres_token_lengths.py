"""PostgreSQL's keyword index counts each field's length in tokens, as the local index does
(search/backends/postgres_terms.py), and keeps its rows whole in the table's pages.

On a PostgreSQL index made before: the per-document length columns are added (empty), rows are
kept in the pages from now on, and the word statistics, whose lengths counted distinct words,
are dropped. The next `paperfeed index catch-up` (the worker runs one within a minute, as
`paperfeed index status` asks) counts the lengths and the statistics again in one pass, without
embedding anything; until then keyword search answers unweighted. Nothing to do on SQLite or
without that index (the backend creates its tables with the columns).
"""

from django.db import migrations

DOCS = "search_document"
LENGTH_COLUMNS = ("tokens_a", "tokens_b", "tokens_c", "norm_a", "norm_b", "norm_c")


def add_lengths(apps, schema_editor) -> None:
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [DOCS])
        if not cursor.fetchone()[0]:
            return
        for column in LENGTH_COLUMNS:
            cursor.execute(f"ALTER TABLE {DOCS} ADD COLUMN IF NOT EXISTS {column} int")
        cursor.execute(f"ALTER TABLE {DOCS} SET (toast_tuple_target = 8160)")
        cursor.execute(f"ALTER TABLE {DOCS} ALTER COLUMN tsv SET STORAGE MAIN")
        drop_statistics(apps, schema_editor)


def drop_statistics(apps, schema_editor) -> None:
    """Either way the statistics are counted again, by the definition of the code then running."""
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS search_terms, search_lengths")


class Migration(migrations.Migration):
    dependencies = [("search", "0002_topics_source")]

    # Going back leaves the columns (the code before them does not read them).
    operations = [migrations.RunPython(add_lengths, drop_statistics)]
