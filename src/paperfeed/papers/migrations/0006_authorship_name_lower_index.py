"""Authorships are indexed by lower(name), which finding an author's papers whatever the case can
use; the plain index on name served no query (see Authorship.paper_ids_by)."""

import django.db.models.functions.text
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("papers", "0005_authorship_lean_indexes"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="authorship",
            name="papers_auth_name_c6ae78_idx",
        ),
        migrations.AddIndex(
            model_name="authorship",
            index=models.Index(django.db.models.functions.text.Lower("name"), name="papers_authorship_name_lower"),
        ),
    ]
