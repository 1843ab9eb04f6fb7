from django.db import migrations, models


class Migration(migrations.Migration):
    """FeedVersion moves here from the API app; its table (api_feedversion) stays as it is."""

    initial = True

    dependencies = [
        ("api", "0002_feed_version"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="FeedVersion",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("stamp", models.BigIntegerField(default=0)),
                    ],
                    options={"db_table": "api_feedversion"},
                ),
            ],
            database_operations=[],
        ),
    ]
