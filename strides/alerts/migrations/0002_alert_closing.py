from django.db import migrations, models


class Migration(migrations.Migration):
    """Alerts that close by themselves, one open alert per kind and measure: the new
    columns. The data step (0003) and the constraint (0004) are separate migrations so
    that no table is altered in the transaction that updates its rows (PostgreSQL)."""

    dependencies = [("alerts", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="alert",
            name="latest_on",
            field=models.DateField(null=True),
        ),
        migrations.AddField(
            model_name="alert",
            name="merged_keys",
            field=models.JSONField(blank=True, default=list),
        ),
        migrations.AddField(
            model_name="alert",
            name="closed_on",
            field=models.DateField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="alert",
            name="closed_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="alert",
            name="close_reason",
            field=models.TextField(blank=True),
        ),
        migrations.AlterField(
            model_name="alert",
            name="status",
            field=models.CharField(
                choices=[
                    ("open", "Open"),
                    ("acknowledged", "Acknowledged"),
                    ("resolved", "Resolved"),
                    ("closed", "Closed by itself"),
                ],
                db_index=True,
                default="open",
                max_length=16,
            ),
        ),
    ]
