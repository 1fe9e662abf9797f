from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("alerts", "0003_alert_closing_data")]

    operations = [
        migrations.AlterField(
            model_name="alert",
            name="latest_on",
            field=models.DateField(),
        ),
        migrations.AddConstraint(
            model_name="alert",
            constraint=models.UniqueConstraint(
                condition=models.Q(("status", "open")),
                fields=("episode", "kind", "instrument"),
                name="alert_one_open_per_measure",
            ),
        ),
    ]
