"""Authorships lose two indexes every import paid for.

* ``paper_id`` had an index of its own beside the unique ``(paper_id, position)`` index, which
  already serves every lookup by paper.
* ``user_id`` was indexed for every row, though nearly every author is no site user (NULL).
  Only claimed authorships are indexed now.

The fields change in the migration state only; the database keeps the table as it is (on
SQLite, altering them the usual way would rebuild the whole table).
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

# The names Django gave the foreign keys' indexes (the same on SQLite and PostgreSQL).
PAPER_INDEX = "papers_authorship_paper_id_e204c1b4"
USER_INDEX = "papers_authorship_user_id_dd57ad9d"


class Migration(migrations.Migration):
    dependencies = [
        ("papers", "0004_paper_hidden_index"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="authorship",
                    name="paper",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="authorships",
                        to="papers.paper",
                    ),
                ),
                migrations.AlterField(
                    model_name="authorship",
                    name="user",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="authorships",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    f'DROP INDEX IF EXISTS "{PAPER_INDEX}"',
                    f'CREATE INDEX "{PAPER_INDEX}" ON "papers_authorship" ("paper_id")',
                ),
                migrations.RunSQL(
                    f'DROP INDEX IF EXISTS "{USER_INDEX}"',
                    f'CREATE INDEX "{USER_INDEX}" ON "papers_authorship" ("user_id")',
                ),
            ],
        ),
        migrations.AddIndex(
            model_name="authorship",
            index=models.Index(
                condition=models.Q(("user__isnull", False)), fields=["user"], name="papers_authorship_user"
            ),
        ),
    ]
