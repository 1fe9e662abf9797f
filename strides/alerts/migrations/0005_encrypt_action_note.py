"""Encrypt alert action notes (clinical free text) and drop the plain-text column."""

from django.db import migrations, models

from strides.encrypted_fields import encrypt_existing_text


class Migration(migrations.Migration):
    dependencies = [("alerts", "0004_alert_one_open_per_measure")]

    operations = [
        migrations.AddField(
            model_name="alert",
            name="action_note_encrypted",
            field=models.TextField(blank=True, default=""),
            preserve_default=False,
        ),
        encrypt_existing_text(
            "alerts", "Alert", plain="action_note", encrypted="action_note_encrypted"
        ),
        migrations.RemoveField(model_name="alert", name="action_note"),
    ]
