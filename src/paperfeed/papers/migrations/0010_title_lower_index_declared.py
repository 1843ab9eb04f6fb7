"""The lower(title) index, created by search's first migration in plain SQL, becomes part of the
Paper model's declared indexes.

Django rebuilds a SQLite table to alter it (0008 and 0009 added columns) and recreates only the
indexes it knows of, so on sites that had migrated before 0008 the rebuild dropped this one and
exact-title lookups scanned the whole table. Created again here where it is missing, and known to
Django from now on, so later rebuilds keep it.
"""

import django.db.models.functions.text
from django.db import migrations, models

INDEX = "search_paper_title_lower"


class Migration(migrations.Migration):
    dependencies = [("papers", "0009_paper_topics_db_defaults")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddIndex(
                    model_name="paper",
                    index=models.Index(django.db.models.functions.text.Lower("title"), name=INDEX),
                )
            ],
            database_operations=[
                migrations.RunSQL(
                    f"CREATE INDEX IF NOT EXISTS {INDEX} ON papers_paper (lower(title))",
                    migrations.RunSQL.noop,
                )
            ],
        )
    ]
