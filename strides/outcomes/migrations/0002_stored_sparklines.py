"""Store each measure's sparkline with the progress summary (the caseload no longer
draws them per request); existing summaries get theirs from their stored recent scores."""

from django.db import migrations

from strides.instruments import get_instrument
from strides.lib.svg import sparkline


def _lower_is_better(code):
    try:
        return get_instrument(code).lower_is_better
    except KeyError:  # an instrument of the practice that is no longer loaded
        return True


def store_sparklines(apps, schema_editor):
    EpisodeProgress = apps.get_model("outcomes", "EpisodeProgress")
    batch = []
    for progress in EpisodeProgress.objects.iterator(chunk_size=1000):
        for code, measure in progress.measures.items():
            recent = measure.get("recent") or []
            measure["sparkline"] = (
                sparkline(recent, lower_is_better=_lower_is_better(code)) if len(recent) > 1 else ""
            )
        batch.append(progress)
        if len(batch) == 1000:
            EpisodeProgress.objects.bulk_update(batch, ["measures"])
            batch = []
    EpisodeProgress.objects.bulk_update(batch, ["measures"])


class Migration(migrations.Migration):
    dependencies = [("outcomes", "0001_initial")]

    operations = [migrations.RunPython(store_sparklines, migrations.RunPython.noop)]
