from django.db import migrations


class Migration(migrations.Migration):
    """FeedVersion now belongs to paperfeed.core, which keeps using this table."""

    dependencies = [
        ("api", "0002_feed_version"),
        ("core", "0001_feed_version_from_api"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="FeedVersion")],
            database_operations=[],
        ),
    ]
