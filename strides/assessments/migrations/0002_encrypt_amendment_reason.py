"""Encrypt assessment correction reasons (clinical free text) and drop the plain-text column."""

from django.db import migrations, models

from strides.encrypted_fields import encrypt_existing_text


class Migration(migrations.Migration):
    dependencies = [("assessments", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="assessment",
            name="amendment_reason_encrypted",
            field=models.TextField(blank=True, default=""),
            preserve_default=False,
        ),
        encrypt_existing_text(
            "assessments",
            "Assessment",
            plain="amendment_reason",
            encrypted="amendment_reason_encrypted",
        ),
        migrations.RemoveField(model_name="assessment", name="amendment_reason"),
    ]
