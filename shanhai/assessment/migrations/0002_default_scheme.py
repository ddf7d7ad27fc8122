"""The default assessment scheme (assessment/default_scheme.csv): data the national office edits afterwards."""

from django.db import migrations

from shanhai.assessment.defaults import default_scheme_load


def load(apps, schema_editor):  # type: ignore[no-untyped-def]
    default_scheme_load(apps.get_model("indicators", "Indicator"), *(
        apps.get_model("assessment", name) for name in ("Scheme", "Item", "GradeBand", "CapRule")))


class Migration(migrations.Migration):
    dependencies = [("assessment", "0001_initial"), ("indicators", "0005_alter_historicalreportedvalue_side_and_more")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
