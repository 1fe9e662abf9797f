from django.db import migrations
from django.db.models import F


def fill_latest_on(apps, schema_editor):
    Alert = apps.get_model("alerts", "Alert")
    Alert.objects.update(latest_on=F("occurred_on"))


def merge_open_duplicates(apps, schema_editor):
    """Before one open alert per kind and measure is enforced: keep the oldest open alert
    of each group, give it the newest one's evidence, and close the others as merged."""
    Alert = apps.get_model("alerts", "Alert")
    groups: dict[tuple[int, str, str], list] = {}
    for alert in Alert.objects.filter(status="open").order_by("occurred_on", "id"):
        groups.setdefault((alert.episode_id, alert.kind, alert.instrument), []).append(alert)
    for alerts in groups.values():
        if len(alerts) < 2:
            continue
        keep, newest = alerts[0], alerts[-1]
        keep.evidence, keep.summary, keep.latest_on = (
            newest.evidence,
            newest.summary,
            newest.latest_on,
        )
        keep.merged_keys = [a.key for a in alerts[1:]]
        keep.save()
        for alert in alerts[1:]:
            alert.status = "closed"
            alert.closed_on = newest.latest_on
            alert.close_reason = f"Merged into alert {keep.pk}: one open alert per measure."
            alert.save()




class Migration(migrations.Migration):
    dependencies = [("alerts", "0002_alert_closing")]

    operations = [
        migrations.RunPython(fill_latest_on, migrations.RunPython.noop),
        migrations.RunPython(merge_open_duplicates, migrations.RunPython.noop),
    ]
