"""The "Moderators" group: staff put members in it (the user admin's "Make moderators" action) so
they can hide papers, listings and comments in the admin without any other admin rights."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "Moderators"
PERMISSIONS = [
    ("papers", "paper", ("view", "change")),
    ("papers", "listing", ("view", "change")),
    ("community", "comment", ("view", "change")),
]


def create_group(apps, schema_editor):
    # Permissions are normally made after all migrations ran; on a new database make them now.
    for label in {app for app, _, _ in PERMISSIONS}:
        app_config = apps.get_app_config(label)
        app_config.models_module = True  # a migration's app stub has none; create_permissions wants one
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP)
    for app, model, actions in PERMISSIONS:
        for action in actions:
            group.permissions.add(
                Permission.objects.get(content_type__app_label=app, codename=f"{action}_{model}")
            )


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_invite"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("papers", "0009_paper_topics_db_defaults"),
        ("community", "0005_recommendation_reset"),
    ]

    operations = [migrations.RunPython(create_group, remove_group)]
