"""Authorships keep their name folded for lookups (``name_key``, indexed): a typed author name is
found whatever its accents, case, punctuation or order. Existing rows are filled in before the
index is built."""

from django.conf import settings
from django.db import migrations, models

BATCH = 2000


def fill_name_keys(apps, schema_editor) -> None:
    from paperfeed.papers.author_names import name_key

    authorship = apps.get_model("papers", "Authorship")
    rows = authorship.objects.using(schema_editor.connection.alias).order_by("pk")
    last = 0
    while True:
        batch = list(rows.filter(pk__gt=last).only("pk", "name")[:BATCH])
        if not batch:
            return
        for row in batch:
            row.name_key = name_key(row.name)
        authorship.objects.using(schema_editor.connection.alias).bulk_update(batch, ["name_key"])
        last = batch[-1].pk


class Migration(migrations.Migration):
    dependencies = [
        ("papers", "0006_authorship_name_lower_index"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="authorship",
            name="name_key",
            field=models.CharField(blank=True, default="", db_default="", editable=False, max_length=300),
        ),
        migrations.RunPython(fill_name_keys, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name="authorship",
            index=models.Index(
                fields=["name_key"], name="papers_authorship_name_key", opclasses=["varchar_pattern_ops"]
            ),
        ),
    ]
