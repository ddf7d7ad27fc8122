"""The attacks of issue 17, each replayed as a county officer (紫云) would try it, on every path it used."""

import csv
import tempfile
from pathlib import Path

import pytest
from django.forms.models import model_to_dict
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shanhai.accounts.writes import WriteGuard, WriteRefused, guarded_save
from shanhai.api.models import ApiToken
from shanhai.evidence import review
from shanhai.indicators.models import PairingValue
from shanhai.network.models import Organisation, Pairing, PairingKind, Programme
from shanhai.people.models import Person
from shanhai.people.services import person_set_identity
from shanhai.regions.lookup import find_region
from shanhai.transfer.engine import import_file
from tests.factories import (
    DispatchFactory,
    FundAllocationFactory,
    OrganisationFactory,
    PairingFactory,
    PersonFactory,
)
from tests.security.conftest import fingerprint

pytestmark = pytest.mark.django_db
ID_ZS = "110101199003074514"  # checksum-valid, as the officer might know it from a paper list


def _form_data(obj, **changes) -> dict:
    data = {k: v for k, v in model_to_dict(obj).items() if v is not None and k not in ("id", "path")}
    data.update(changes)
    return data


def _inlines(prefix: str) -> dict:
    return {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0", f"{prefix}-MIN_NUM_FORMS": "0",
            f"{prefix}-MAX_NUM_FORMS": "1000"}


def test_api_cannot_move_the_county_pairing_to_another_county(client, world) -> None:
    county = world.pairings["county"]
    FundAllocationFactory(pairing=county, allocated=279_800_000, disbursed=0)
    _, token = ApiToken.issue(world.users["county"], "t")
    before, rollups = fingerprint(), list(PairingValue.objects.order_by("pk").values_list())
    answer = client.patch(f"/api/network/pairings/{county.pk}", {"west_region_id": find_region("镇宁布依族苗族自治县").pk},
                          content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert answer.status_code == 403
    assert "数据范围" in answer.json()["errors"][0]["message"]
    assert fingerprint() == before and list(PairingValue.objects.order_by("pk").values_list()) == rollups


def test_admin_create_then_edit_a_pairing_out_of_the_county(client, world) -> None:
    client.force_login(world.users["county"])
    county = world.pairings["county"]
    mine = PairingFactory(programme=county.programme, east_region=find_region("广州市南沙区"),
                          west_region=find_region("紫云自治县"))
    before = fingerprint()
    url = reverse("admin:network_pairing_change", args=[mine.pk])
    page = client.post(url, {**_form_data(mine, east_region=find_region("北京市海淀区").pk,
                                          west_region=find_region("水城区").pk), **_inlines("agreements")})
    assert page.status_code == 200  # the form again, with the reason
    assert "不在您可填报的数据范围内" in page.content.decode()
    assert fingerprint() == before
    assert Pairing.objects.get(pk=mine.pk).west_region.name == "紫云苗族布依族自治县"


def test_admin_moving_a_parent_pairing_rechecks_its_sub_pairings(client, world) -> None:
    """Even the national office cannot leave a school pairing of 紫云 under a pairing of 镇宁."""
    client.force_login(world.users["national"])
    county = world.pairings["county"]  # has the school pairing below it
    before = fingerprint()
    page = client.post(reverse("admin:network_pairing_change", args=[county.pk]),
                       {**_form_data(county, west_region=find_region("镇宁布依族苗族自治县").pk), **_inlines("agreements")})
    assert "下级结对" in page.content.decode()
    assert fingerprint() == before


def test_admin_cannot_move_a_school_out_of_the_county_nor_rename_a_unit_seen_through_a_pairing(client, world) -> None:
    client.force_login(world.users["county"])
    school = world.pairings["school"].west_org  # in 紫云
    nansha_school = world.pairings["school"].east_org  # in 南沙, seen only through the pairing
    before = fingerprint()
    page = client.post(reverse("admin:network_organisation_change", args=[school.pk]),
                       _form_data(school, region=find_region("北京市海淀区").pk))
    assert "不在您可填报的数据范围内" in page.content.decode()
    page = client.post(reverse("admin:network_organisation_change", args=[nansha_school.pk]),
                       _form_data(nansha_school, name="改过名的学校"))
    assert page.status_code in (403, 200) and "改过名的学校" not in Organisation.objects.values_list("name", flat=True)
    assert fingerprint() == before


def test_data_entry_cannot_create_or_rename_programmes(client, world) -> None:
    client.force_login(world.users["county"])
    programme = world.programme
    assert client.get(reverse("admin:network_programme_add")).status_code == 403
    before = fingerprint()
    client.post(reverse("admin:network_programme_change", args=[programme.pk]), _form_data(programme, name="改名"))
    assert fingerprint() == before and Programme.objects.get(pk=programme.pk).name == programme.name
    client.force_login(world.users["national"])
    assert client.get(reverse("admin:network_programme_add")).status_code == 200


def _dispatch_sheet(pairing: Pairing, id_number: str, name: str, org: str) -> Path:
    path = Path(tempfile.mkstemp(suffix=".csv")[1])
    with path.open("w", newline="", encoding="utf-8-sig") as f:
        writer = csv.writer(f)
        writer.writerow(["东部地区", "西部地区", "姓名", "身份证号", "工作单位", "方向", "类别", "计划开始日期", "计划结束日期"])
        writer.writerow([pairing.east_region.full_name, pairing.west_region.full_name, name, id_number, org, "东部→西部",
                         "专业技术人才", "2024-03-01", "2024-12-31"])
    return path


def test_a_known_id_number_does_not_take_over_a_person_of_another_county(world) -> None:
    zhongshan = OrganisationFactory(name="中山区教育局", region=find_region("大连市中山区"))
    person = PersonFactory(name="王芳", organisation=zhongshan)
    person_set_identity(person, id_number=ID_ZS)
    person.save()
    DispatchFactory(person=person, pairing=world.pairings["other"])
    OrganisationFactory(name="东涌中学", region=find_region("广州市南沙区"))
    before = fingerprint()
    result = import_file(_dispatch_sheet(world.pairings["county"], ID_ZS, "李四", "东涌中学"), type_key="dispatch",
                         user=world.users["county"])
    assert not result.committed
    assert [e.reason for e in result.errors] == ["已有相同身份证号的人员。"], (result.file_errors, result.notes)  # nothing about who or where
    assert fingerprint() == before and Person.objects.get(pk=person.pk).name == "王芳"


def test_every_change_to_a_known_person_is_listed_in_the_check(world) -> None:
    nansha = OrganisationFactory(name="东涌中学", region=find_region("广州市南沙区"))
    OrganisationFactory(name="南沙中学", region=find_region("广州市南沙区"))
    person = PersonFactory(name="陈明", organisation=nansha)
    person_set_identity(person, id_number=ID_ZS)
    person.save()
    DispatchFactory(person=person, pairing=world.pairings["county"])
    result = import_file(_dispatch_sheet(world.pairings["county"], ID_ZS, "陈明明", "南沙中学"), type_key="dispatch",
                         user=world.users["county"], dry_run=True)
    assert result.ok, [e.reason for e in result.errors]
    person_change = result.changes[0]
    assert person_change.label.startswith("已有人员：陈明")
    assert ("姓名", "陈明", "陈明明") in person_change.fields and ("工作单位", "东涌中学", "南沙中学") in person_change.fields
    assert any("已有人员" in n for n in result.notes)


def test_the_api_says_the_same_whether_an_id_number_is_in_scope_or_elsewhere(client, world) -> None:
    _, token = ApiToken.issue(world.users["county"], "t")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    org = OrganisationFactory(region=find_region("紫云自治县"))
    mine = PersonFactory(organisation=org)
    person_set_identity(mine, id_number=ID_ZS)
    mine.save()
    elsewhere = PersonFactory(organisation=OrganisationFactory(region=find_region("水城区")))
    person_set_identity(elsewhere, id_number="11010519491231002X")
    elsewhere.save()
    answers = [client.post("/api/people/persons", {"name": "某", "organisation_id": org.pk, "id_number": number},
                           content_type="application/json", **auth) for number in (ID_ZS, "11010519491231002X")]
    assert [a.status_code for a in answers] == [422, 422]
    assert answers[0].json() == answers[1].json()


def test_a_viewer_cannot_file_or_accept_figures_through_the_reader(client, world) -> None:
    client.force_login(world.users["viewer"])
    before = fingerprint()
    page = client.post(reverse("evidence:new"), {"pairing": world.pairings["county"].pk,
                                                  "text": "2023年，南沙区向紫云县投入财政帮扶资金5000万元。"})
    assert page.status_code == 403 and fingerprint() == before
    document = review.document_ingest(user=world.users["county"], pairing=world.pairings["county"],
                                      text="2023年，南沙区向紫云县投入财政帮扶资金5000万元。")
    fact = document.facts.first()
    before = fingerprint()
    assert client.post(reverse("evidence:accept", args=[fact.pk])).status_code == 403
    assert client.post(reverse("evidence:reject", args=[fact.pk])).status_code == 403
    assert fingerprint() == before


def test_a_user_without_a_role_cannot_export_records(client, world) -> None:
    FundAllocationFactory(pairing=world.pairings["county"])
    client.force_login(world.users["none"])
    assert client.get(reverse("transfer:export", args=["fund", "xlsx"])).status_code == 403
    client.force_login(world.users["viewer"])
    assert client.get(reverse("transfer:export", args=["fund", "xlsx"])).status_code == 200


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_random_changes_never_leave_a_record_outside_its_writers_scope(world, data) -> None:
    """Whatever fields a county or school reporter changes, a saved record is still theirs to write."""
    role = data.draw(st.sampled_from(["county", "province", "institution"]))
    user = world.users[role]
    regions = [find_region(n) for n in ("紫云自治县", "镇宁布依族苗族自治县", "水城区", "广州市南沙区", "北京市海淀区",
                                        "内乡县", "贵州省")]
    pairings = sorted(world.pairings.values(), key=lambda p: p.pk)  # the same pools for every example
    orgs = sorted({o.pk: o for p in pairings for o in (p.east_org, p.west_org) if o is not None}.values(),
                  key=lambda o: o.pk)
    target = data.draw(st.sampled_from(["pairing", "organisation"]))
    obj = (Pairing.objects.get(pk=world.pairings["school"].pk) if target == "pairing"
           else Organisation.objects.get(pk=world.pairings["school"].west_org_id))
    for field in data.draw(st.lists(st.sampled_from(
            ["east_region", "west_region", "parent", "east_org", "west_org"] if target == "pairing" else ["region"]),
            min_size=1, max_size=3, unique=True)):
        pool = pairings if field == "parent" else orgs if field.endswith("_org") else regions
        setattr(obj, field, data.draw(st.sampled_from(pool)))
    if target == "pairing":
        obj.kind = PairingKind.SCHOOL
    try:
        guarded_save(user, obj)
    except (WriteRefused, Exception):  # refused, or the model's own rules: nothing saved either way
        return
    assert WriteGuard(user).state_ok(type(obj)._default_manager.get(pk=obj.pk))


def test_a_shared_person_is_linked_but_not_changed_by_one_county(world) -> None:
    """A teacher of 南沙 sent to 紫云 and to 水城: 紫云 sees and links her, but may not rename her."""
    nansha = OrganisationFactory(name="东涌中学", region=find_region("广州市南沙区"))
    person = PersonFactory(name="黄丽", organisation=nansha)
    person_set_identity(person, id_number=ID_ZS)
    person.save()
    DispatchFactory(person=person, pairing=world.pairings["county"])
    other = PairingFactory(programme=world.programme, east_region=find_region("广州市南沙区"),
                           west_region=find_region("水城区"))
    DispatchFactory(person=person, pairing=other)
    linked = import_file(_dispatch_sheet(world.pairings["county"], ID_ZS, "黄丽", "东涌中学"), type_key="dispatch",
                         user=world.users["county"])
    assert linked.committed and linked.created == 1, [e.reason for e in linked.errors]
    before = fingerprint()
    renamed = import_file(_dispatch_sheet(world.pairings["county"], ID_ZS, "黄丽丽", "东涌中学"), type_key="dispatch",
                          user=world.users["county"])
    assert not renamed.committed and "不在您可填报的数据范围内" in renamed.errors[0].reason
    assert fingerprint() == before and Person.objects.get(pk=person.pk).name == "黄丽"
