"""Each model refuses what a user could get wrong, with a Chinese message that names the field."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from shanhai.network.models import OrgKind, Pairing, PairingKind
from tests.factories import (
    ActivityFactory,
    DispatchFactory,
    DonationFactory,
    FundAllocationFactory,
    OrganisationFactory,
    PairingFactory,
    PersonFactory,
    PlacementFactory,
    ProgrammeFactory,
    ProjectFactory,
    SaleFactory,
    TrainingFactory,
)

pytestmark = pytest.mark.django_db


def messages(exc: ValidationError) -> str:
    return " ".join(m for ms in exc.message_dict.values() for m in ms)


def refuse(obj, *needles: str) -> str:
    with pytest.raises(ValidationError) as exc:
        obj.full_clean()
    text = messages(exc.value)
    for needle in needles:
        assert needle in text, text
    return text


def test_a_valid_pairing_passes(region) -> None:
    PairingFactory.build(programme=ProgrammeFactory()).full_clean()


def test_end_before_start_is_refused() -> None:
    pairing = PairingFactory.build(programme=ProgrammeFactory(), start_date=dt.date(2023, 1, 1), end_date=dt.date(2022, 1, 1))
    refuse(pairing, "「结束日期」不能早于「开始日期」")
    training = TrainingFactory.build(pairing=PairingFactory(), start_date=dt.date(2023, 5, 1), end_date=dt.date(2023, 4, 1))
    refuse(training, "「结束日期」不能早于「开始日期」")


def test_negative_counts_and_money_are_refused() -> None:
    pairing = PairingFactory()
    refuse(TrainingFactory.build(pairing=pairing, participants=-3), "「培训人次」不能为负数")
    refuse(ActivityFactory.build(pairing=pairing, participants=-1), "「参加人数」不能为负数")
    refuse(ProjectFactory.build(pairing=pairing, budget=-100), "「总投资」不能为负数")
    refuse(DonationFactory.build(pairing=pairing, value=-5), "「价值」不能为负数")
    refuse(SaleFactory.build(pairing=pairing, amount=-1), "「金额」不能为负数")
    refuse(SaleFactory.build(pairing=pairing, month=13), "「月份」应在1到12之间")
    refuse(PlacementFactory.build(pairing=pairing, count=0), "「人数」至少为1")
    refuse(FundAllocationFactory.build(pairing=pairing, allocated=100, disbursed=200), "「已拨付」不能超过「安排资金」")


def test_both_sides_of_a_pairing_in_one_region_is_refused(region) -> None:
    same = PairingFactory.build(programme=ProgrammeFactory(), east_region=region("紫云"), west_region=region("紫云"))
    refuse(same, "「西部地区」", "不同地区")
    nested = PairingFactory.build(
        programme=ProgrammeFactory(), kind=PairingKind.SCHOOL, east_region=region("贵州省"), west_region=region("紫云")
    )
    refuse(nested, "互相包含")


def test_level_of_a_county_pair_is_checked(region) -> None:
    pairing = PairingFactory.build(programme=ProgrammeFactory(), east_region=region("广州市"))
    refuse(pairing, "「东部地区」应为县级行政区")


def test_a_side_outside_the_programmes_provinces_is_refused(region) -> None:
    programme = ProgrammeFactory()
    programme.east_provinces.set([region("广东省")])
    programme.west_provinces.set([region("贵州省")])
    PairingFactory.build(programme=programme).full_clean()
    wrong = PairingFactory.build(programme=programme, west_region=region("河南省内乡县"))
    refuse(wrong, "「西部地区」内乡县不在协作项目")


def test_organisations_must_fit_the_pairing(region) -> None:
    programme = ProgrammeFactory()
    school = OrganisationFactory(name="东涌中学", kind=OrgKind.HIGH_SCHOOL, region=region("广州市南沙区"))
    hospital = OrganisationFactory(name="紫云自治县人民医院", kind=OrgKind.HOSPITAL, region=region("紫云"))
    pairing = PairingFactory.build(programme=programme, kind=PairingKind.SCHOOL, east_org=school, west_org=hospital)
    refuse(pairing, "「西部单位」紫云自治县人民医院是医院")
    far = OrganisationFactory(name="水城区第二中学", kind=OrgKind.HIGH_SCHOOL, region=region("水城区"))
    pairing = PairingFactory.build(programme=programme, kind=PairingKind.SCHOOL, east_org=school, west_org=far)
    refuse(pairing, "不在所填地区")
    missing = PairingFactory.build(programme=programme, kind=PairingKind.HOSPITAL)
    refuse(missing, "须填写「东部单位」")


def test_a_sub_pairing_lies_inside_its_parent(region) -> None:
    parent = PairingFactory()
    child = PairingFactory.build(
        programme=parent.programme, parent=parent, kind=PairingKind.TOWNSHIP, west_region=region("水城区"),
    )
    refuse(child, "「西部地区」水城区不在上级结对的西部地区")
    other_programme = PairingFactory.build(programme=ProgrammeFactory(), parent=parent, kind=PairingKind.TOWNSHIP)
    refuse(other_programme, "同一协作项目")


def test_a_pairing_cannot_become_its_own_descendant() -> None:
    parent = PairingFactory()
    child = PairingFactory(programme=parent.programme, parent=parent, kind=PairingKind.TOWNSHIP)
    assert child.path == f"{parent.pk}/{child.pk}/"
    parent.parent = child
    refuse(parent, "「上级结对」不能是本结对或其下级结对")


def test_moving_a_subtree_rewrites_paths() -> None:
    a, b = PairingFactory(), PairingFactory()
    child = PairingFactory(programme=a.programme, parent=a, kind=PairingKind.TOWNSHIP)
    grandchild = PairingFactory(programme=a.programme, parent=child, kind=PairingKind.VILLAGE)
    child.parent = b
    child.save()
    grandchild.refresh_from_db()
    assert grandchild.path == f"{b.pk}/{child.pk}/{grandchild.pk}/"
    assert set(Pairing.objects.filter(path__startswith=b.path)) == {b, child, grandchild}


def test_a_dispatch_outside_its_pairings_dates_is_refused() -> None:
    pairing = PairingFactory(start_date=dt.date(2021, 1, 1), end_date=dt.date(2025, 12, 31))
    refuse(DispatchFactory.build(pairing=pairing, person=PersonFactory(), planned_start=dt.date(2020, 6, 1)),
           "「计划开始日期」2020-06-01早于结对开始日期2021-01-01")
    refuse(DispatchFactory.build(pairing=pairing, person=PersonFactory(), actual_end=dt.date(2026, 3, 1),
                                 actual_start=dt.date(2024, 1, 1)),
           "「实际离岗日期」2026-03-01晚于结对结束日期")


def test_a_dispatch_host_must_be_on_the_receiving_side(region) -> None:
    pairing = PairingFactory()
    host = OrganisationFactory(name="南沙区某局", region=region("广州市南沙区"))
    refuse(DispatchFactory.build(pairing=pairing, person=PersonFactory(), host=host), "「接收单位」南沙区某局不在接收方地区紫云")


def test_project_location_must_be_in_the_west_region(region) -> None:
    refuse(ProjectFactory.build(pairing=PairingFactory(), location=region("水城区")), "「实施地点」水城区不在受援地区")


def test_the_database_also_refuses_what_skips_validation() -> None:
    from django.db import IntegrityError, transaction

    pairing = PairingFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        TrainingFactory(pairing=pairing, participants=-1)


def test_teams_mentorships_and_agreements_validate(region) -> None:
    from shanhai.network.models import Agreement
    from shanhai.people.models import Mentorship, Team

    pairing = PairingFactory()
    person = PersonFactory()
    refuse(Mentorship(pairing=pairing, mentor=person, apprentice=person, start_date=dt.date(2023, 1, 1)),
           "「师傅」与「徒弟」不能是同一人")
    host = OrganisationFactory(name="紫云自治县民族高级中学", kind=OrgKind.HIGH_SCHOOL, region=region("紫云"))
    refuse(Team(pairing=pairing, name="组团", domain="education", host=host, start_date=dt.date(2020, 1, 1)),
           "「开始日期」2020-01-01早于结对开始日期")
    refuse(Team(pairing=pairing, name="组团", domain="education", host=host, start_date=dt.date(2023, 1, 1),
                end_date=dt.date(2022, 1, 1)), "「结束日期」不能早于「开始日期」")
    refuse(Agreement(pairing=pairing, title="协议", signed_on=dt.date(2021, 1, 1), domains=["教育"]), "不认识的领域")
    Agreement(pairing=pairing, title="协议", signed_on=dt.date(2021, 1, 1), domains=["education"]).full_clean()


def test_economy_records_validate(region) -> None:
    from shanhai.economy.models import IndustrialPark, Investment, Workshop

    pairing = PairingFactory()
    refuse(IndustrialPark(pairing=pairing, name="园区", region=region("水城区"), established=dt.date(2022, 1, 1)),
           "「所在地区」水城区不在受援地区")
    refuse(Workshop(pairing=pairing, name="车间", region=region("紫云"), established=dt.date(2022, 1, 1), jobs=-2),
           "「吸纳就业」不能为负数")
    school = OrganisationFactory(name="某中学", kind=OrgKind.SECONDARY, region=region("广州市南沙区"))
    refuse(Investment(pairing=pairing, enterprise=school, year=2023, amount=1), "「企业」某中学不是企业类单位")
    company = OrganisationFactory(name="某公司", kind=OrgKind.ENTERPRISE, region=region("广州市南沙区"))
    refuse(Investment(pairing=pairing, enterprise=company, year=1890, amount=1), "「年度」1890不是有效年份")
    other_park = IndustrialPark.objects.create(pairing=PairingFactory(), name="别处园区", region=region("紫云"),
                                               established=dt.date(2022, 1, 1))
    refuse(Investment(pairing=pairing, enterprise=company, park=other_park, year=2023, amount=1), "「入驻园区」不属于")


def test_organisation_names_are_unique_within_a_region(region) -> None:
    OrganisationFactory(name="紫云自治县第一中学", region=region("紫云"))
    refuse(OrganisationFactory.build(name="紫云自治县第一中学", region=region("紫云")), "同一地区已有同名单位")
    OrganisationFactory.build(name="紫云自治县第一中学", region=region("水城区")).full_clean()
