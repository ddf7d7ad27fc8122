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


def test_fresh_pairings_inserted_whole_equal_a_rebuild(scene, monkeypatch):
    """Pairings created in the caller's transaction (`fresh`): values computed whole and inserted without
    reading old ones; a "fresh" pairing that already has values falls back to the ordinary refresh."""
    monkeypatch.setattr(rollups, "CHUNK", 3)
    county = scene.nansha_ziyun
    kinds = [(PairingKind.VILLAGE, "active", None), (PairingKind.TOWNSHIP, "planned", None),
             (PairingKind.VILLAGE, "ended", None), (PairingKind.VILLAGE, "active", dt.date(2023, 6, 30))]
    with rollups_paused():
        new = [PairingFactory(parent=county, programme=county.programme, east_region=county.east_region,
                              west_region=county.west_region, kind=kind, status=status, end_date=end,
                              east_place=f"东{i}村", west_place=f"西{i}村", start_date=dt.date(2021 + i % 3, 1 + i, 1))
               for i, (kind, status, end) in enumerate(kinds * 2)]
    ids = [p.pk for p in new]
    years = [2021, 2022, 2023]  # the start years, as an import passes them
    ordinary = []
    monkeypatch.setattr(rollups, "_set_pairing_values", lambda values: ordinary.append(values))
    rollups_refresh_for(ids[:4], years, fresh=set(ids[:4]))
    assert not ordinary  # no values yet: inserted whole
    monkeypatch.undo()
    monkeypatch.setattr(rollups, "CHUNK", 3)
    assert rollups._refresh_fresh(ids[:1], None) is None  # it has values now: the ordinary path
    rollups_refresh_for(ids + [scene.school.pk], years, fresh=set(ids) | {scene.school.pk})
    maintained = snapshot()
    rollups_rebuild(resume=False)
    assert snapshot() == maintained


def test_a_pairing_import_refreshes_its_new_pairings_as_a_rebuild_would(scene, tmp_path):
    from shanhai.transfer.engine import import_file
    from tests.transfer.conftest import write_csv

    county = scene.nansha_ziyun
    head = ["协作项目", "结对类型", "东部地区", "西部地区", "东部乡镇/村", "西部乡镇/村", "开始日期", "结束日期", "状态"]
    rows = [[county.programme.name, "村（社区）结对", county.east_region.full_name, county.west_region.full_name,
             f"东{i}村", f"西{i}村", f"{2021 + i % 4}-0{1 + i % 9}-01", "2024-12-31" if i % 3 == 0 else "",
             ("进行中", "已结束", "筹备中")[i % 3]] for i in range(12)]
    result = import_file(write_csv(tmp_path / "p.csv", [head, *rows]), type_key="pairing")
    assert result.committed and result.created == 12, (result.errors[:3], result.file_errors)
    maintained = snapshot()
    rollups_rebuild(resume=False)
    assert snapshot() == maintained
