"""Catalogue: `pair.<kind>.new` (pairings set up in the period) beside `pair.<kind>`, which now counts
the pairings in force; the spec's v1.1 codes `talent.mutual` and `labor.employed.poor`. Existing
roll-ups: run `shanhai indicators rebuild` once after migrating."""

from django.db import migrations


def load(apps, schema_editor):
    from shanhai.indicators.catalogue import catalogue_sync

    catalogue_sync(apps.get_model("indicators", "Indicator"))


class Migration(migrations.Migration):
    dependencies = [("indicators", "0003_rollup_indexes")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
