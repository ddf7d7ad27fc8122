"""The default validation rules (workflow/rules.csv): data the national office edits afterwards."""

from django.db import migrations

from shanhai.workflow.defaults import default_rules_load


def load(apps, schema_editor):  # type: ignore[no-untyped-def]
    default_rules_load(apps.get_model("indicators", "Indicator"), apps.get_model("workflow", "CheckRule"))


class Migration(migrations.Migration):
    dependencies = [("workflow", "0001_initial"), ("indicators", "0005_alter_historicalreportedvalue_side_and_more")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
