"""The default scheme (default_scheme.csv), loaded by migration 0002 and again after a test flush.

Takes the model classes as arguments so the migration can pass its historical models. The default scheme
has no programme and no year: it is the template a programme's yearly scheme is copied from.
"""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path
from typing import Any

CSV = Path(__file__).resolve().parent / "default_scheme.csv"
DEFAULT_NAME = "东西部协作年度考核默认方案"


def _dec(text: str) -> Decimal | None:
    return Decimal(text) if text.strip() else None


def default_scheme_load(Indicator: Any, Scheme: Any, Item: Any, GradeBand: Any, CapRule: Any) -> int:  # noqa: N803
    """Create the default schemes (one per subject) if missing; return how many were created."""
    by_code = {i.code: i for i in Indicator.objects.all()}
    with CSV.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    created = 0
    for subject in ("west", "east", "pair"):
        if Scheme.objects.filter(programme__isnull=True, subject=subject).exists():
            continue
        scheme = Scheme.objects.create(programme=None, year=None, subject=subject, name=DEFAULT_NAME)
        created += 1
        for position, row in enumerate(rows):
            kind = row["kind"]
            if kind == "grade":
                GradeBand.objects.create(scheme=scheme, grade=row["code"], min_points=Decimal(row["weight"]))
            elif kind == "cap":
                CapRule.objects.create(scheme=scheme, when_grade=row["code"], cap_grade=row["label"],
                                       required_only=row["required"] == "1")
            else:
                indicator = by_code.get(row["indicator"]) if row["indicator"] else None
                if row["indicator"] and indicator is None:
                    continue  # a catalogue without that code (a trimmed test catalogue)
                Item.objects.create(
                    scheme=scheme, kind=kind, code=row["code"], label=row["label"], indicator=indicator,
                    weight=Decimal(row["weight"]), mode=row["mode"], bands=row["bands"], min_rate=_dec(row["min_rate"]),
                    cap=_dec(row["cap"]), min_points=_dec(row["min_points"]), rule=row["rule"],
                    required=row["required"] == "1", position=position)
    return created
