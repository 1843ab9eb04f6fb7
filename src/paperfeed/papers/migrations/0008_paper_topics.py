"""Papers get inferred categories and extracted key phrases, kept apart from their source's
categories and ai_keywords (the indexer fills them for papers whose source gives none)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("papers", "0007_authorship_name_key")]

    operations = [
        migrations.AddField(
            model_name="paper",
            name="inferred_categories",
            field=models.CharField(blank=True, default="", max_length=300),
        ),
        migrations.AddField(
            model_name="paper",
            name="keyphrases",
            field=models.JSONField(blank=True, default=list),
        ),
    ]
