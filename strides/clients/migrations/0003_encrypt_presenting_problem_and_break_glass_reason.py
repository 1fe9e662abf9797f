"""Encrypt presenting problems and break-glass reasons (clinical free text) and drop the
plain-text columns."""

from django.db import migrations, models

from strides.encrypted_fields import encrypt_existing_text


class Migration(migrations.Migration):
    dependencies = [("clients", "0002_client_celebrations_opt_in")]

    operations = [
        migrations.AddField(
            model_name="episode",
            name="presenting_problem_encrypted",
            field=models.TextField(blank=True, default=""),
            preserve_default=False,
        ),
        encrypt_existing_text(
            "clients",
            "Episode",
            plain="presenting_problem",
            encrypted="presenting_problem_encrypted",
        ),
        migrations.RemoveField(model_name="episode", name="presenting_problem"),
        migrations.AddField(
            model_name="breakglassgrant",
            name="reason_encrypted",
            field=models.TextField(default=""),
            preserve_default=False,
        ),
        encrypt_existing_text(
            "clients", "BreakGlassGrant", plain="reason", encrypted="reason_encrypted"
        ),
        # Blank first, so that going back can re-add the column to existing rows.
        migrations.AlterField(
            model_name="breakglassgrant", name="reason", field=models.TextField(blank=True)
        ),
        migrations.RemoveField(model_name="breakglassgrant", name="reason"),
    ]
