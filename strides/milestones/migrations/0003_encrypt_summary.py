"""Encrypt milestone summaries (clinical free text) and drop the plain-text column."""

from django.db import migrations, models

from strides.encrypted_fields import encrypt_existing_text


class Migration(migrations.Migration):
    dependencies = [("milestones", "0002_celebrationmessage")]

    operations = [
        migrations.AddField(
            model_name="milestone",
            name="summary_encrypted",
            field=models.TextField(default=""),
            preserve_default=False,
        ),
        encrypt_existing_text(
            "milestones",
            "Milestone",
            plain="summary",
            encrypted="summary_encrypted",
        ),
        # Blank first, so that going back can re-add the column to existing rows.
        migrations.AlterField(
            model_name="milestone", name="summary", field=models.TextField(blank=True)
        ),
        migrations.RemoveField(model_name="milestone", name="summary"),
    ]
