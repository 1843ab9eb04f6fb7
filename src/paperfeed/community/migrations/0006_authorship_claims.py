"""Authorship claims (the moderation queue of "this is me" on papers) and a member's profile
details (affiliation and links); moderators may decide claims."""

import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.db import migrations, models


def let_moderators_decide_claims(apps, schema_editor):
    """Give an existing Moderators group the claim rights (accounts/roles.py lists them)."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name="Moderators").first()
    if group is None:
        return  # roles.moderators_group() makes it, rights and all, when it is first needed
    # Permissions are normally made after all migrations ran: make the new model's now.
    app_config = apps.get_app_config("community")
    app_config.models_module = True  # a migration's app stub has none; create_permissions wants one
    create_permissions(app_config, verbosity=0, apps=apps)
    app_config.models_module = None
    for action in ("view", "change"):
        group.permissions.add(
            Permission.objects.get(content_type__app_label="community", codename=f"{action}_authorshipclaim")
        )


class Migration(migrations.Migration):
    dependencies = [
        ("community", "0005_recommendation_reset"),
        ("papers", "0010_title_lower_index_declared"),
        ("accounts", "0004_moderators_group"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="ProfileDetails",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("affiliation", models.CharField(blank=True, default="", max_length=200)),
                (
                    "homepage",
                    models.URLField(
                        blank=True,
                        default="",
                        max_length=300,
                        validators=[
                            django.core.validators.URLValidator(
                                message="Enter a web address starting with http:// or https://.",
                                schemes=["http", "https"],
                            )
                        ],
                    ),
                ),
                (
                    "orcid",
                    models.URLField(
                        blank=True,
                        default="",
                        max_length=300,
                        validators=[
                            django.core.validators.URLValidator(
                                message="Enter a web address starting with http:// or https://.",
                                schemes=["http", "https"],
                            )
                        ],
                        verbose_name="ORCID",
                    ),
                ),
                (
                    "github",
                    models.URLField(
                        blank=True,
                        default="",
                        max_length=300,
                        validators=[
                            django.core.validators.URLValidator(
                                message="Enter a web address starting with http:// or https://.",
                                schemes=["http", "https"],
                            )
                        ],
                        verbose_name="GitHub",
                    ),
                ),
                (
                    "scholar",
                    models.URLField(
                        blank=True,
                        default="",
                        max_length=300,
                        validators=[
                            django.core.validators.URLValidator(
                                message="Enter a web address starting with http:// or https://.",
                                schemes=["http", "https"],
                            )
                        ],
                        verbose_name="Google Scholar",
                    ),
                ),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "user",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="profile_details",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name_plural": "profile details",
            },
        ),
        migrations.CreateModel(
            name="AuthorshipClaim",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=300)),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("pending", "Waiting for review"),
                            ("approved", "Approved"),
                            ("rejected", "Rejected"),
                        ],
                        default="pending",
                        max_length=10,
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("decided_at", models.DateTimeField(blank=True, null=True)),
                (
                    "decided_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "paper",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="authorship_claims",
                        to="papers.paper",
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="authorship_claims",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["-created_at", "-pk"],
                "indexes": [
                    models.Index(fields=["status", "created_at"], name="community_a_status_a0391d_idx"),
                    models.Index(fields=["user", "status"], name="community_a_user_id_84d911_idx"),
                ],
                "constraints": [
                    models.UniqueConstraint(
                        condition=models.Q(("status__in", ["pending", "approved"])),
                        fields=("paper", "name"),
                        name="claim_name_once",
                    ),
                    models.UniqueConstraint(
                        condition=models.Q(("status__in", ["pending", "approved"])),
                        fields=("paper", "user"),
                        name="claim_paper_once",
                    ),
                ],
            },
        ),
        migrations.RunPython(let_moderators_decide_claims, migrations.RunPython.noop),
    ]
