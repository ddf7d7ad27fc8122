"""The demo's public portal: the province-level structure of today's East–West programme (the 2021
arrangement, `synth.PROVINCE_PAIRS`) added to the demo's programme, so the public map shows the country,
and the programme marked public (its closed year, 2022, is what the portal shows)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from shanhai.demo.synth import PROVINCE_PAIRS
from shanhai.network.models import Pairing, PairingKind, Programme
from shanhai.portal.services import programme_publish
from shanhai.regions.models import Level, Region


@transaction.atomic
def demo_portal_load() -> None:
    """Idempotent: province pairs are found before they are made; the publication is set once."""
    programme = Programme.objects.filter(name__startswith="东西部协作").order_by("id").first()
    if programme is None:
        return
    provinces = {r.name: r for r in Region.objects.filter(level=Level.PROVINCE)}
    east = {provinces[e] for e, _w, _n in PROVINCE_PAIRS} | set(programme.east_provinces.all())
    west = {provinces[w] for _e, w, _n in PROVINCE_PAIRS} | set(programme.west_provinces.all())
    programme.east_provinces.set(east)
    programme.west_provinces.set(west)
    for e, w, _n in PROVINCE_PAIRS:
        Pairing.objects.get_or_create(
            programme=programme, kind=PairingKind.PROVINCE, east_region=provinces[e], west_region=provinces[w],
            defaults={"start_date": dt.date(2021, 1, 1), "end_date": dt.date(2025, 12, 31)})
    if not hasattr(programme, "publication"):
        programme_publish(None, programme, note="演示：2021年起东西部协作省际结对")
