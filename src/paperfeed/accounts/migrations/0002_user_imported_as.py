from django.db import migrations, models
from django.db.models import F


def remember_imported_names(apps, schema_editor) -> None:
    # Accounts imported so far were created under their source's username.
    apps.get_model("accounts", "User").objects.filter(imported=True).update(imported_as=F("username"))


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="imported_as",
            field=models.CharField(blank=True, editable=False, max_length=150, null=True, unique=True),
        ),
        migrations.RunPython(remember_imported_names, migrations.RunPython.noop),
    ]
