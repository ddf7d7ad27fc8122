"""The default validation rules (rules.csv), loaded by migration 0002 and again after a test flush.

Takes the model classes as arguments so the migration can pass its historical models.
"""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path
from typing import Any

RULES = Path(__file__).resolve().parent / "rules.csv"


def default_rules_load(Indicator: Any, CheckRule: Any) -> int:  # noqa: N803 - model classes
    """Create the rules of rules.csv that do not exist yet; return how many were created."""
    by_code = {i.code: i for i in Indicator.objects.all()}
    created = 0
    with RULES.open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            indicator = by_code.get(row["indicator"]) if row["indicator"] else None
            other = by_code.get(row["other"]) if row["other"] else None
            if (row["indicator"] and indicator is None) or (row["other"] and other is None):
                continue  # a catalogue without that code (a trimmed test catalogue)
            _, new = CheckRule.objects.get_or_create(
                applies_to=row["applies_to"], kind=row["kind"], indicator=indicator, other=other, programme=None,
                defaults={"number": Decimal(row["number"]) if row["number"] else None, "message": row["message"]})
            created += new
    return created
