"""Load the indicator catalogue from indicators/catalogue.csv (the one source file)."""

from django.db import migrations


def load(apps, schema_editor):
    from shanhai.indicators.catalogue import catalogue_sync

    catalogue_sync(apps.get_model("indicators", "Indicator"))


class Migration(migrations.Migration):
    dependencies = [("indicators", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
