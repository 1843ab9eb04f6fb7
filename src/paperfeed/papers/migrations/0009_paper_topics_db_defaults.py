"""Inferred categories and key phrases get database defaults: the import store inserts rows
with its own column lists, which do not name them."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("papers", "0008_paper_topics")]

    operations = [
        migrations.AlterField(
            model_name="paper",
            name="inferred_categories",
            field=models.CharField(blank=True, db_default="", default="", max_length=300),
        ),
        migrations.AlterField(
            model_name="paper",
            name="keyphrases",
            field=models.JSONField(blank=True, db_default=[], default=list),
        ),
    ]
