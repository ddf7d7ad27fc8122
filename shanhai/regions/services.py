"""Loading the shipped division table into the database (idempotent: a second load changes nothing)."""

import csv
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from shanhai.regions.lookup import clear_index
from shanhai.regions.models import Region, RegionAlias

DATA_DIR = Path(__file__).resolve().parent / "data"
_LEVEL_ORDER = {"province": 0, "prefecture": 1, "county": 2}


@dataclass(frozen=True)
class LoadResult:
    created: int
    updated: int
    aliases: int


def _read(name: str) -> list[dict[str, str]]:
    with (DATA_DIR / name).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@transaction.atomic
def regions_load() -> LoadResult:
    rows = sorted(_read("regions.csv"), key=lambda r: (_LEVEL_ORDER[r["level"]], r["code"]))
    existing = {r.code: r for r in Region.objects.all()}
    created = updated = 0
    to_create: list[Region] = []
    paths: dict[str, str] = {}
    ids: dict[str, int] = {code: r.id for code, r in existing.items()}
    for level in ("province", "prefecture", "county"):
        batch = [r for r in rows if r["level"] == level]
        to_create = []
        to_update = []
        for row in batch:
            parent_code = row["parent_code"] or None
            path = f"{paths[parent_code]}{row['code']}/" if parent_code else f"{row['code']}/"
            paths[row["code"]] = path
            values = {
                "name": row["name"],
                "short_name": row["short_name"],
                "level": level,
                "parent_id": ids[parent_code] if parent_code else None,
                "path": path,
                "lng": float(row["lng"]),
                "lat": float(row["lat"]),
            }
            current = existing.get(row["code"])
            if current is None:
                to_create.append(Region(code=row["code"], **values))
            elif any(getattr(current, k) != v for k, v in values.items()):
                for k, v in values.items():
                    setattr(current, k, v)
                to_update.append(current)
        Region.objects.bulk_create(to_create, batch_size=1000)
        if to_update:
            Region.objects.bulk_update(to_update, list(values), batch_size=1000)
        created += len(to_create)
        updated += len(to_update)
        ids.update(dict(Region.objects.filter(level=level).values_list("code", "id")))
    alias_rows = _read("aliases.csv")
    have = set(RegionAlias.objects.values_list("alias", "region_id", "kind"))
    new_aliases = []
    for row in alias_rows:
        region_id = ids.get(row["code"])
        key = (row["alias"], region_id, row["kind"])
        if region_id is not None and key not in have:
            have.add(key)
            new_aliases.append(RegionAlias(alias=row["alias"], region_id=region_id, kind=row["kind"], note=row["note"]))
    RegionAlias.objects.bulk_create(new_aliases, batch_size=2000)
    transaction.on_commit(clear_index)
    return LoadResult(created=created, updated=updated, aliases=len(new_aliases))
