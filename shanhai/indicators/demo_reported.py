"""The reference articles' own figures as reported values of their demo pairings.

Reads shanhai/demo/data/reported/ (the gold facts copied verbatim, the article texts, and
documents.json saying which pairing each article is about) and writes each fact through
`reported_value_upsert`, with the sentence as evidence, so a second run changes nothing.
"""

import json
from pathlib import Path
from typing import Any

from django.db import transaction

from shanhai.indicators.services import reported_value_upsert
from shanhai.network.models import Pairing
from shanhai.regions.lookup import find_region

DATA_DIR = Path(__file__).resolve().parent.parent / "demo" / "data" / "reported"


def _pairing(spec: dict[str, str], **extra: str) -> Pairing | None:
    return Pairing.objects.filter(kind=spec["kind"], east_region=find_region(spec["east"]),
                                  west_region=find_region(spec["west"]), **extra).order_by("id").first()


def _period(fact: dict[str, Any], default_year: int) -> tuple[int, int | None, str]:
    """(year, since_year, note) from "2023", "2021-2023" or null."""
    period = fact.get("period")
    if not period:
        return default_year, None, "（文中未写明年份，按报道年份计）"
    if "-" in period:
        first, last = (int(x) for x in period.split("-", 1))
        return last, first, ""
    return int(period), None, ""


def _target(doc: dict[str, Any], fact: dict[str, Any], default: Pairing) -> Pairing:
    west, east = fact.get("west") or "", fact.get("east") or ""
    if doc.get("province_pairing") and (west in doc.get("province_words", []) or east in doc.get("province_words", [])):
        return _pairing(doc["province_pairing"]) or default
    for name, where in doc.get("west_places", {}).items():
        if name in west:
            sub = Pairing.objects.filter(path__startswith=default.path)
            if "west_org" in where:
                sub = sub.filter(west_org__name=where["west_org"])
            else:
                sub = sub.filter(west_place__startswith=where["west_place"])
            found = sub.order_by("id").first()
            if found is not None:
                return found
    return default


@transaction.atomic
def demo_reported_load(data_dir: Path = DATA_DIR) -> int:
    """Load every fact of every article whose pairing is in the database; returns how many were written."""
    docs = json.loads((data_dir / "documents.json").read_text(encoding="utf-8"))
    written = 0
    for doc_id, doc in docs.items():
        if doc_id.startswith("_"):
            continue
        default = _pairing(doc["pairing"])
        if default is None:
            continue
        for line in (data_dir / f"{doc_id}.jsonl").read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            fact = json.loads(line)
            year, since, note = _period(fact, doc["year"])
            reported_value_upsert(
                indicator=fact["metric"], pairing=_target(doc, fact, default), value=fact["value"], year=year,
                since_year=since, qualifier=fact.get("qualifier") or "exact", baseline=fact.get("baseline"),
                stated_rate=doc["stated_rates"].get(fact["metric"]) if fact.get("baseline") else None,
                source_kind="document", source_ref=f"{doc['title']}（{doc['source']}）· “{fact['evidence']}”{note}",
                source_url="", evidence=fact["evidence"],
            )
            written += 1
    return written
