"""The catalogue source file (catalogue.csv, transcribed from spec/indicator-catalogue.md) and its loader.

The data migration and `indicators sync` both call `catalogue_sync`, so the database always matches
the one file: codes are stable, names/units/agg/category are updated in place, order follows the file.
"""

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Any

CATALOGUE_CSV = Path(__file__).with_name("catalogue.csv")
UNITS = {"person", "person_time", "session", "yuan", "pair", "unit", "time", "percent", "sqm", "day", "seat"}
AGGS = {"sum", "last"}


@dataclass(frozen=True)
class CatalogueRow:
    code: str
    zh: str
    en: str
    unit: str
    agg: str
    category: str
    records: str
    phrases: str


def catalogue_rows(path: Path = CATALOGUE_CSV) -> list[CatalogueRow]:
    rows: list[CatalogueRow] = []
    with path.open(encoding="utf-8", newline="") as f:
        for n, raw in enumerate(csv.DictReader(f), start=2):
            row = CatalogueRow(**{k: (v or "").strip() for k, v in raw.items()})
            if row.unit not in UNITS or row.agg not in AGGS or not row.code or not row.zh:
                raise ValueError(f"{path.name} 第{n}行：指标“{row.code}”的单位、汇总方式或名称不正确。")
            rows.append(row)
    codes = [r.code for r in rows]
    if len(codes) != len(set(codes)):
        raise ValueError(f"{path.name}：指标代码重复。")
    return rows


def catalogue_sync(indicator_model: Any = None) -> int:
    """Create or update every catalogue row; `indicator_model` is the historical model in migrations."""
    if indicator_model is None:
        from shanhai.indicators.models import Indicator as indicator_model
    for position, row in enumerate(catalogue_rows()):
        indicator_model.objects.update_or_create(
            code=row.code,
            defaults={"zh": row.zh, "en": row.en, "unit": row.unit, "agg": row.agg, "category": row.category,
                      "records": row.records, "phrases": row.phrases, "position": position},
        )
    return position + 1
