"""The default validation rules (workflow/rules.csv): data the national office edits afterwards."""

import csv
from decimal import Decimal
from pathlib import Path

from django.db import migrations

RULES = Path(__file__).resolve().parent.parent / "rules.csv"


def load(apps, schema_editor):  # type: ignore[no-untyped-def]
    Indicator = apps.get_model("indicators", "Indicator")
    CheckRule = apps.get_model("workflow", "CheckRule")
    by_code = {i.code: i for i in Indicator.objects.all()}
    with RULES.open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            indicator = by_code.get(row["indicator"]) if row["indicator"] else None
            other = by_code.get(row["other"]) if row["other"] else None
            if (row["indicator"] and indicator is None) or (row["other"] and other is None):
                continue  # a catalogue without that code (a trimmed test catalogue)
            CheckRule.objects.get_or_create(
                applies_to=row["applies_to"], kind=row["kind"], indicator=indicator, other=other, programme=None,
                defaults={"number": Decimal(row["number"]) if row["number"] else None, "message": row["message"]})


class Migration(migrations.Migration):
    dependencies = [("workflow", "0001_initial"), ("indicators", "0005_alter_historicalreportedvalue_side_and_more")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
