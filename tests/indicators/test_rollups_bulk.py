"""Issue 17: the bulk refresh (many pairings close in id: one query per rule over their id range, values
summed per place before going up) gives exactly what a rebuild gives."""

import datetime as dt

import pytest

from shanhai.indicators import rollups
from shanhai.indicators.rollups import rollups_paused, rollups_rebuild, rollups_refresh_for
from shanhai.network.models import PairingKind
from tests.factories import PairingFactory, SaleFactory, TrainingFactory

from .test_rollups import snapshot

pytestmark = pytest.mark.django_db


def test_bulk_refresh_of_many_new_pairings_and_records_equals_a_rebuild(scene, monkeypatch):
    monkeypatch.setattr(rollups, "CHUNK", 3)  # "many" from four pairings on
    monkeypatch.setattr(rollups, "COPY_ROWS", 0)  # PostgreSQL: through COPY and a temporary table
    county = scene.nansha_ziyun
    with rollups_paused():  # written as an import writes them, then refreshed in one call
        new = [PairingFactory(parent=county, programme=county.programme, east_region=county.east_region,
                              west_region=county.west_region, kind=PairingKind.VILLAGE, east_place=f"东{i}村",
                              west_place=f"西{i}村", start_date=dt.date(2021 + i % 3, 1 + i, 1), end_date=None)
               for i in range(7)]
        for p in new[::2]:
            SaleFactory(pairing=p, year=2023, month=5, amount=11)
            TrainingFactory(pairing=p, category="labor", participants=3)
    ids = [p.pk for p in new] + [scene.school.pk]  # one far away in id: still only these are counted
    assert rollups._dense_range(sorted(p.pk for p in new)) is not None
    rollups_refresh_for(ids, [2021, 2022, 2023])
    maintained = snapshot()
    rollups_rebuild(resume=False)
    assert snapshot() == maintained
    for p in new[::2]:  # a second refresh after a change finds the old values by range as well
        SaleFactory._meta.model.objects.filter(pairing=p).update(amount=5)
    rollups_refresh_for([p.pk for p in new], [2023])
    maintained = snapshot()
    rollups_rebuild(resume=False)
    assert snapshot() == maintained
