"""Each computable indicator is counted right from factory-built records (through the maintained roll-ups)."""

import datetime as dt
import re

import pytest

from shanhai.indicators.selectors import indicator_table
from shanhai.network.models import PairingKind
from tests.factories import (
    ActivityFactory,
    DispatchFactory,
    DonationFactory,
    FundAllocationFactory,
    IndustrialParkFactory,
    InvestmentFactory,
    PairingFactory,
    PlacementFactory,
    ProjectFactory,
    SaleFactory,
    TrainingFactory,
    WorkshopFactory,
)

from .conftest import row

pytestmark = pytest.mark.django_db


def values(user, **scope):
    return {r.code: r.computed for r in indicator_table(user, year=2023, **scope)}


def test_people_and_trainings(scene, admin_user):
    p = scene.nansha_ziyun
    DispatchFactory.create_batch(2, pairing=p, category="cadre", direction="e2w")
    DispatchFactory(pairing=p, category="cadre", direction="w2e")
    DispatchFactory(pairing=p, category="talent", direction="e2w", profession="teacher")
    DispatchFactory(pairing=p, category="talent", direction="e2w", profession="medical")
    DispatchFactory(pairing=p, category="talent", direction="w2e", planned_start=dt.date(2023, 4, 1),
                    planned_end=dt.date(2023, 6, 30))  # 90 days
    DispatchFactory(pairing=p, category="trainee", direction="w2e", planned_start=dt.date(2023, 9, 1),
                    planned_end=dt.date(2023, 9, 11), actual_start=dt.date(2023, 9, 1),
                    actual_end=dt.date(2023, 9, 6))  # 5 days actually
    DispatchFactory(pairing=p, category="cadre", direction="e2w", planned_start=dt.date(2022, 3, 1))  # last year
    TrainingFactory(pairing=p, category="cadre", participants=560)
    TrainingFactory(pairing=p, category="talent", participants=40, sessions=2)
    TrainingFactory(pairing=p, category="talent", participants=60, sessions=1)
    TrainingFactory(pairing=p, category="labor", participants=30)
    TrainingFactory(pairing=p, category="school_management", participants=7)
    v = values(admin_user, pairing=p.pk)
    assert (v["cadre.e2w"], v["cadre.w2e"], v["cadre.mutual"]) == (2, 1, 3)
    assert (v["talent.e2w"], v["talent.e2w.teacher"], v["talent.e2w.medical"]) == (2, 1, 1)
    assert v["talent.w2e"] == 2 and v["talent.w2e.days"] == 90 + 5
    assert v["train.cadre.people"] == 560
    assert (v["train.talent.sessions"], v["train.talent.people"]) == (3, 100)
    assert (v["train.labor.people"], v["train.labor.sessions"], v["train.school.people"]) == (30, 1, 7)
    assert row(indicator_table(admin_user, pairing=p.pk, year=2023), "cadre.e2w").last_year == 1


def test_money_projects_and_economy(scene, admin_user):
    p = scene.nansha_ziyun
    school = ProjectFactory(pairing=p, kind="kindergarten", start_date=dt.date(2023, 2, 1), new_seats=360)
    ProjectFactory(pairing=p, kind="school", start_date=dt.date(2023, 5, 1), new_seats=90)
    ProjectFactory(pairing=p, kind="school")  # no start date: in no period
    FundAllocationFactory(pairing=p, project=school, sector="education", allocated=4_800_000, disbursed=0)
    FundAllocationFactory(pairing=p, sector="health", allocated=1_000_000, disbursed=0)
    FundAllocationFactory(pairing=p, source="social", sector="education", allocated=200_000, disbursed=0)
    DonationFactory(pairing=p, value=120_000)
    DonationFactory(pairing=p, kind="equipment", value=300_000, quantity=90)
    SaleFactory.create_batch(3, pairing=p, amount=217_000)
    PlacementFactory(pairing=p, count=5, newly_employed=True)
    PlacementFactory(pairing=p, count=7)
    WorkshopFactory.create_batch(2, pairing=p, jobs=65)
    IndustrialParkFactory(pairing=p)
    InvestmentFactory(pairing=p, amount=389_000_000, rural_jobs=172)
    InvestmentFactory(pairing=p, year=2022, amount=1)
    ActivityFactory(pairing=p, kind="visit")
    ActivityFactory(pairing=p, kind="job_fair")
    ActivityFactory(pairing=p, kind="study_tour", participants=45)
    v = values(admin_user, pairing=p.pk)
    assert v["funds.fiscal"] == 4_800_000 + 1_000_000  # source=fiscal only
    assert v["funds.education"] == 5_000_000 and v["funds.medical"] == 1_000_000
    assert v["funds.social"] == 420_000 and v["med.equipment"] == 90
    assert v["project.count"] == 2 and v["edu.facility.kindergarten"] == 1 and v["edu.seats"] == 450
    assert v["consume.sales"] == 651_000
    assert (v["labor.employed"], v["labor.employed.new"], v["labor.job_fair"]) == (12, 5, 1)
    assert (v["workshop.count"], v["workshop.jobs"], v["industry.park"]) == (2, 130, 1)
    assert (v["industry.enterprise"], v["industry.investment"], v["industry.jobs"]) == (1, 389_000_000, 172)
    assert (v["lead.visit"], v["edu.study_tour"]) == (1, 45)


def test_pairings_are_counted_in_force_with_the_new_ones_apart(scene, admin_user, client):
    from shanhai.indicators.rollups import rollups_rebuild
    from shanhai.network.models import PairingStatus

    from .test_rollups import snapshot

    p = scene.nansha_ziyun

    def hospital(start, end=None, status=PairingStatus.ACTIVE):
        return PairingFactory(parent=p, programme=p.programme, kind=PairingKind.HOSPITAL, start_date=start,
                              end_date=end, status=status)

    new = [hospital(dt.date(2023, 6, 1)) for _ in range(3)]
    running = hospital(dt.date(2021, 3, 1))  # no end date: in force up to the programme's last year
    hospital(dt.date(2020, 1, 1), dt.date(2022, 12, 31))  # ended before 2023
    hospital(dt.date(2023, 2, 1), status=PairingStatus.PLANNED)  # 筹备中: not in force
    hospital(dt.date(2021, 5, 1), status=PairingStatus.ENDED)  # ended, no end date: its start year only
    v = values(admin_user, pairing=p.pk)
    # In force in 2023 (not "set up in 2023"): a county pair that started in 2021 is still there.
    assert (v["pair.hospital"], v["pair.hospital.new"]) == (4, 3)
    assert (v["pair.school"], v["pair.school.new"]) == (1, 0)
    region = values(admin_user, region="520000")
    assert (region["pair.hospital"], region["pair.hospital.new"], region["pair.county"]) == (4, 3, 2)
    assert {r.code: r.computed for r in indicator_table(admin_user, year=2021, pairing=p.pk)}["pair.hospital"] == 3
    # Quarter and month views have no pairings-in-force figure (it is a year count).
    assert row(indicator_table(admin_user, year=2023, quarter=2, pairing=p.pk), "pair.hospital").computed is None
    # An end date (or a shorter programme) takes a pairing out of the later years at once.
    running.end_date = dt.date(2022, 6, 30)
    running.save()
    assert values(admin_user, pairing=p.pk)["pair.hospital"] == 3
    programme = p.programme
    programme.end_year = 2022
    programme.save()
    assert values(admin_user, pairing=p.pk)["pair.hospital"] == 0  # the new ones have no end date either
    programme.end_year = 2025
    programme.save()
    maintained = snapshot()
    assert values(admin_user, pairing=p.pk)["pair.hospital"] == 3
    rollups_rebuild(resume=False)
    assert snapshot() == maintained
    # The number links to the admin list of exactly those pairings.
    url = row(indicator_table(admin_user, year=2023, region="520000"), "pair.hospital").records_url
    assert "in_force=2023" in url
    client.force_login(admin_user)
    html = client.get(url).content.decode()
    shown = {int(i) for i in re.findall(r"/admin/network/pairing/(\d+)/change/", html)}
    assert shown == {x.id for x in new}
    new_url = row(indicator_table(admin_user, year=2023, region="520000"), "pair.hospital.new").records_url
    shown = {int(i) for i in re.findall(r"/admin/network/pairing/(\d+)/change/", client.get(new_url).content.decode())}
    assert shown == {x.id for x in new}


def test_records_url_lists_the_records_behind_the_value(scene, admin_user, client):
    p = scene.nansha_ziyun
    DispatchFactory.create_batch(2, pairing=p, category="cadre", direction="e2w")
    DispatchFactory(pairing=p, category="talent", direction="e2w")
    DispatchFactory(pairing=scene.zhongshan_shuicheng, category="cadre", direction="e2w")
    r = row(indicator_table(admin_user, pairing=p.pk, year=2023), "cadre.e2w")
    assert r.computed == 2
    assert "pairing=" in r.records_url and "category__exact=cadre" in r.records_url
    client.force_login(admin_user)
    response = client.get(r.records_url)
    assert response.status_code == 200
    assert response.context["cl"].result_count == 2
    region_row = row(indicator_table(admin_user, region="520000", side="west", year=2023), "cadre.e2w")
    assert region_row.computed == 3
    assert client.get(region_row.records_url).context["cl"].result_count == 3
