"""Supervision becomes its own model with a start (`since`), keeping every pair."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps


def copy_pairs(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    User = apps.get_model("accounts", "User")
    Supervision = apps.get_model("accounts", "Supervision")
    pairs = User.supervisees.through.objects.values_list("from_user_id", "to_user_id")
    Supervision.objects.bulk_create(
        Supervision(supervisor_id=supervisor, supervisee_id=supervisee)
        for supervisor, supervisee in pairs
    )


def restore_pairs(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    User = apps.get_model("accounts", "User")
    Supervision = apps.get_model("accounts", "Supervision")
    Through = User.supervisees.through
    Through.objects.bulk_create(
        Through(from_user_id=supervisor, to_user_id=supervisee)
        for supervisor, supervisee in Supervision.objects.values_list(
            "supervisor_id", "supervisee_id"
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="Supervision",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("since", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "supervisee",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "supervisor",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["since", "id"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("supervisor", "supervisee"), name="supervision_once"
                    )
                ],
            },
        ),
        migrations.RunPython(copy_pairs, restore_pairs),
        migrations.RemoveField(model_name="user", name="supervisees"),
        migrations.AddField(
            model_name="user",
            name="supervisees",
            field=models.ManyToManyField(
                blank=True,
                help_text="Therapists whose caseloads this supervisor may read.",
                related_name="supervisors",
                through="accounts.Supervision",
                through_fields=("supervisor", "supervisee"),
                to=settings.AUTH_USER_MODEL,
            ),
        ),
    ]
