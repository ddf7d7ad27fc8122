"""Roll-ups over regions (either side), programmes, sub-pairings and periods; maintained == rebuilt."""

import datetime as dt
import random

import pytest

from shanhai.indicators.models import PairingValue, RegionValue, TreeValue
from shanhai.indicators.rollups import rollups_deferred, rollups_rebuild, rollups_refresh_for
from shanhai.indicators.selectors import indicator_table, ranking, trend
from shanhai.indicators.services import reported_value_upsert
from shanhai.network.models import Pairing, PairingKind
from tests.factories import (
    ActivityFactory,
    DispatchFactory,
    DonationFactory,
    FundAllocationFactory,
    PairingFactory,
    PlacementFactory,
    SaleFactory,
    TrainingFactory,
)

from .conftest import row

pytestmark = pytest.mark.django_db


def computed(user, code, **kw):
    kw.setdefault("year", 2023)
    return row(indicator_table(user, **kw), code).computed


def test_side_choice_changes_the_region_roll_up(scene, admin_user):
    SaleFactory(pairing=scene.nansha_ziyun, amount=100)
    SaleFactory(pairing=scene.zhongshan_shuicheng, amount=20)
    SaleFactory(pairing=scene.haidian_chayouhouqi, amount=3)
    # Guizhou (west side) sees both of its pairs; Guangdong (east side) only Nansha's.
    assert computed(admin_user, "consume.sales", region="520000", side="west") == 120
    assert computed(admin_user, "consume.sales", region="520000", side="east") == 0
    assert computed(admin_user, "consume.sales", region="440000", side="east") == 100
    assert computed(admin_user, "consume.sales", region="440000", side="west") == 0
    assert computed(admin_user, "consume.sales", region="520400", side="west") == 100  # 安顺市 (prefecture)
    assert computed(admin_user, "consume.sales") == 123  # the whole country
    assert ranking(admin_user, code="consume.sales", year=2023, level="province", side="east")[0].name == "广东省"
    ranks = ranking(admin_user, code="consume.sales", year=2023, level="county", side="west")
    assert [(r.name, r.value) for r in ranks][:2] == [("紫云苗族布依族自治县", 100), ("水城区", 20)]


def test_programme_filter(scene, admin_user):
    SaleFactory(pairing=scene.nansha_ziyun, amount=100)
    SaleFactory(pairing=scene.haidian_chayouhouqi, amount=3)
    assert computed(admin_user, "consume.sales", programme=scene.haidian_chayouhouqi.programme_id) == 3
    assert computed(admin_user, "consume.sales", programme=scene.nansha_ziyun.programme_id) == 100


def test_sub_pairings_roll_up_into_their_parent(scene, admin_user):
    ActivityFactory(pairing=scene.nansha_ziyun, kind="visit")
    ActivityFactory.create_batch(2, pairing=scene.school, kind="visit")
    ActivityFactory(pairing=scene.village, kind="visit")
    assert computed(admin_user, "lead.visit", pairing=scene.school.pk) == 2
    assert computed(admin_user, "lead.visit", pairing=scene.nansha_ziyun.pk) == 4
    grand = PairingFactory(parent=scene.school, programme=scene.school.programme, kind=PairingKind.SCHOOL)
    ActivityFactory(pairing=grand, kind="visit")
    assert computed(admin_user, "lead.visit", pairing=scene.school.pk) == 3
    assert computed(admin_user, "lead.visit", pairing=scene.nansha_ziyun.pk) == 5
    assert computed(admin_user, "lead.visit", region="520425") == 5


def test_quarter_and_month(scene, admin_user):
    p = scene.nansha_ziyun
    for month, amount in ((1, 1), (2, 10), (4, 100), (12, 1000)):
        SaleFactory(pairing=p, month=month, amount=amount)
    SaleFactory(pairing=p, month=None, amount=5000)  # dated by year only
    TrainingFactory(pairing=p, category="labor", participants=30, start_date=dt.date(2023, 11, 3),
                    end_date=dt.date(2023, 11, 5))
    assert computed(admin_user, "consume.sales", pairing=p.pk) == 6111
    assert computed(admin_user, "consume.sales", pairing=p.pk, quarter=1) == 11
    assert computed(admin_user, "consume.sales", pairing=p.pk, quarter=2) == 100
    assert computed(admin_user, "consume.sales", region="520000", quarter=4) == 1000
    assert computed(admin_user, "consume.sales", region="520000", month=2) == 10
    assert computed(admin_user, "train.labor.people", pairing=p.pk, month=11) == 30
    assert computed(admin_user, "train.labor.people", pairing=p.pk, quarter=3) == 0


def test_trend_over_years(scene, admin_user):
    for year in (2021, 2022, 2022, 2023):
        PlacementFactory(pairing=scene.school, year=year, count=10)
    assert trend(admin_user, code="labor.employed", years=range(2021, 2025), region="520000") == [
        (2021, 10), (2022, 20), (2023, 10), (2024, 0)]


def test_last_indicators_are_never_summed(scene, admin_user, region):
    kw = {"indicator": "edu.tier1_admissions", "source_kind": "form"}
    reported_value_upsert(pairing=scene.nansha_ziyun, value=108, year=2023, source_ref="a", month=3, **kw)
    reported_value_upsert(pairing=scene.nansha_ziyun, value=110, year=2023, source_ref="b", month=9, **kw)
    reported_value_upsert(pairing=scene.nansha_ziyun, value=100, year=2023, source_ref="c", **kw)
    reported_value_upsert(pairing=scene.nansha_ziyun, value=90, year=2023, source_ref="d", **kw)
    reported_value_upsert(pairing=scene.zhongshan_shuicheng, value=50, year=2023, source_ref="e", **kw)
    # Two annual figures for the same pairing: the latest one stands, not 190.
    assert row(indicator_table(admin_user, pairing=scene.nansha_ziyun.pk, year=2023), "edu.tier1_admissions").reported == 90
    # Over regions: nothing is added up, and no ranking is made.
    r = row(indicator_table(admin_user, region="520000", year=2023), "edu.tier1_admissions")
    assert r.computed is None and r.reported is None
    assert ranking(admin_user, code="edu.tier1_admissions", year=2023) == []
    assert trend(admin_user, code="edu.tier1_admissions", years=[2023], region="520000") == [(2023, None)]


def snapshot():
    def rows(model, cols):
        return {tuple(r[:-1]): r[-1] for r in model.objects.values_list(*cols, "value") if r[-1]}

    return (rows(PairingValue, ("pairing_id", "indicator_id", "year", "period")),
            rows(TreeValue, ("pairing_id", "indicator_id", "year", "period")),
            rows(RegionValue, ("node", "side", "programme_id", "indicator_id", "year", "period")))


def test_maintained_equals_rebuilt_after_random_edits(scene, region):
    rng = random.Random(20231026)
    pairings = [scene.nansha_ziyun, scene.school, scene.village, scene.zhongshan_shuicheng, scene.haidian_chayouhouqi]
    factories = {
        "sale": lambda p: SaleFactory(pairing=p, year=rng.choice((2022, 2023)), month=rng.choice((None, 2, 7)),
                                      amount=rng.randint(1, 999)),
        "dispatch": lambda p: DispatchFactory(pairing=p, category=rng.choice(("cadre", "talent", "trainee")),
                                              direction=rng.choice(("e2w", "w2e")),
                                              planned_start=dt.date(rng.choice((2022, 2023)), rng.randint(1, 12), 1),
                                              planned_end=dt.date(2024, 6, 1)),
        "training": lambda p: TrainingFactory(pairing=p, category=rng.choice(("cadre", "labor")),
                                              participants=rng.randint(1, 50)),
        "fund": lambda p: FundAllocationFactory(pairing=p, year=rng.choice((2022, 2023)), allocated=rng.randint(1, 9) * 1000,
                                                disbursed=0, sector=rng.choice(("education", "health", ""))),
        "donation": lambda p: DonationFactory(pairing=p, value=rng.randint(1, 99)),
    }
    created = []
    for step in range(120):
        action = rng.random()
        if action < 0.55 or not created:
            created.append(factories[rng.choice(sorted(factories))](rng.choice(pairings)))
        elif action < 0.8:  # update: move to another pairing and change the amount/date
            obj = rng.choice(created)
            obj.pairing = rng.choice(pairings)
            if hasattr(obj, "amount"):
                obj.amount, obj.year = rng.randint(1, 999), rng.choice((2022, 2023))
            if hasattr(obj, "participants"):
                obj.participants, obj.start_date = rng.randint(1, 50), dt.date(rng.choice((2022, 2023)), 5, 8)
                obj.end_date = obj.start_date
            if hasattr(obj, "planned_start"):
                obj.planned_start = dt.date(rng.choice((2022, 2023)), 2, 1)
            obj.save()
        else:
            created.pop(rng.randrange(len(created))).delete()
        if step == 60:  # a structural change: the village pair moves under the school pair
            scene.village.parent = scene.school
            scene.village.save()
        if step == 90:  # a bulk write (no signals), then the importer's refresh call
            SaleFactory._meta.model.objects.bulk_create(
                [SaleFactory.build(pairing=scene.zhongshan_shuicheng, amount=7) for _ in range(3)])
            rollups_refresh_for([scene.zhongshan_shuicheng.pk], [2023])
    with rollups_deferred():
        for _ in range(5):
            factories["sale"](scene.school)
    maintained = snapshot()
    assert maintained[0] and maintained[1] and maintained[2]
    rollups_rebuild(resume=False)
    assert snapshot() == maintained


def test_pairing_delete_and_rebuild_resume(scene, admin_user):
    extra = PairingFactory(parent=scene.nansha_ziyun, programme=scene.nansha_ziyun.programme,
                           kind=PairingKind.HOSPITAL, start_date=dt.date(2023, 1, 5))
    assert computed(admin_user, "pair.hospital", region="520000") == 1
    Pairing.objects.get(pk=extra.pk).delete()
    assert computed(admin_user, "pair.hospital", region="520000") == 0
    maintained = snapshot()
    PairingValue.objects.all().delete()  # a half-done rebuild leaves state; a second run finishes it
    rollups_rebuild(resume=False, batch=2)
    assert snapshot() == maintained


def test_a_bulk_written_pairing_counts_in_every_year_it_runs(scene, admin_user):
    from shanhai.indicators.rollups import rollups_paused

    with rollups_paused():  # as an import writes it; it then names the pairing's start year only
        extra = PairingFactory(parent=scene.nansha_ziyun, programme=scene.nansha_ziyun.programme,
                               kind=PairingKind.HOSPITAL, start_date=dt.date(2021, 4, 1), end_date=None)
    rollups_refresh_for([extra.pk], [2021])
    assert computed(admin_user, "pair.hospital", region="520000") == 1  # in force in 2023 too
    assert computed(admin_user, "pair.hospital.new", region="520000", year=2021) == 1
    maintained = snapshot()
    rollups_rebuild(resume=False)
    assert snapshot() == maintained
