"""An index on lower(title), so an exact title finds its paper in the database without the search index."""

from django.db import migrations

INDEX = "search_paper_title_lower"


class Migration(migrations.Migration):
    dependencies = [("papers", "0001_initial")]

    operations = [
        migrations.RunSQL(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON papers_paper (lower(title))",
            f"DROP INDEX IF EXISTS {INDEX}",
        )
    ]
