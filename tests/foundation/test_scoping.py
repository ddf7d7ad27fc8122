"""Scoping: a county officer cannot list, open, edit or look up another county's records by any admin URL."""

import datetime as dt

import pytest
from django.contrib.auth.models import Group, User
from django.urls import reverse

from shanhai.accounts.models import Scope
from shanhai.accounts.scoping import visible
from shanhai.network.models import Organisation, OrgKind, Pairing, PairingKind
from shanhai.people.models import Dispatch, Person
from tests.factories import (
    DispatchFactory,
    OrganisationFactory,
    PairingFactory,
    ProgrammeFactory,
    TrainingFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(region):
    programme = ProgrammeFactory()
    ziyun = PairingFactory(programme=programme)  # 南沙区 → 紫云
    school_e = OrganisationFactory(name="东涌中学", kind=OrgKind.HIGH_SCHOOL, region=region("广州市南沙区"))
    school_w = OrganisationFactory(name="紫云民族高级中学", kind=OrgKind.HIGH_SCHOOL, region=region("紫云"))
    ziyun_school = PairingFactory(programme=programme, parent=ziyun, kind=PairingKind.SCHOOL,
                                  east_org=school_e, west_org=school_w)
    shuicheng = PairingFactory(programme=programme, east_region=region("大连市中山区"), west_region=region("水城区"))
    hospital = OrganisationFactory(name="水城区人民医院", kind=OrgKind.HOSPITAL, region=region("水城区"))
    mine = DispatchFactory(pairing=ziyun_school)
    theirs = DispatchFactory(pairing=shuicheng)
    training = TrainingFactory(pairing=shuicheng)
    officer = User.objects.create_user("ziyun", password="pw-ziyun-1", is_staff=True)
    officer.groups.add(Group.objects.get(name="数据填报员"))
    Scope.objects.create(user=officer, region=region("紫云"))
    return {"ziyun": ziyun, "ziyun_school": ziyun_school, "shuicheng": shuicheng, "mine": mine, "theirs": theirs,
            "training": training, "hospital": hospital, "officer": officer}


def test_visible_narrows_every_kind_of_record(world, region) -> None:
    officer = world["officer"]
    assert set(visible(officer, Pairing.objects.all())) == {world["ziyun"], world["ziyun_school"]}
    assert set(visible(officer, Dispatch.objects.all())) == {world["mine"]}
    assert world["hospital"] not in visible(officer, Organisation.objects.all())
    assert world["mine"].person in visible(officer, Person.objects.all())
    assert world["theirs"].person not in visible(officer, Person.objects.all())
    # An eastern officer sees the same pairing from the other side.
    nansha = User.objects.create_user("nansha")
    Scope.objects.create(user=nansha, region=region("广州市南沙区"))
    assert set(visible(nansha, Pairing.objects.all())) == {world["ziyun"], world["ziyun_school"]}
    # A user with a pairing scope sees that pairing and its sub-pairings only.
    school_user = User.objects.create_user("school")
    Scope.objects.create(user=school_user, pairing=world["ziyun_school"])
    assert set(visible(school_user, Pairing.objects.all())) == {world["ziyun_school"]}
    # No scope: nothing.
    assert not visible(User.objects.create_user("nobody"), Pairing.objects.all()).exists()


def test_admin_lists_show_only_the_officers_records(client, world) -> None:
    client.force_login(world["officer"])
    page = client.get(reverse("admin:people_dispatch_changelist"))
    assert page.status_code == 200
    assert world["mine"].person.name in page.content.decode()
    assert world["theirs"].person.name not in page.content.decode()
    page = client.get(reverse("admin:activities_training_changelist"))
    assert "0 条" in page.content.decode() or world["training"].title not in page.content.decode()


@pytest.mark.parametrize("view", ["change", "history", "delete"])
def test_another_countys_record_cannot_be_opened(client, world, view: str) -> None:
    client.force_login(world["officer"])
    url = reverse(f"admin:people_dispatch_{view}", args=[world["theirs"].pk])
    response = client.get(url, follow=True)
    assert world["theirs"].person.name not in response.content.decode()
    assert response.status_code in (200, 404)  # the admin redirects to its index with "does not exist"
    assert response.redirect_chain or response.status_code == 404


def test_another_countys_record_cannot_be_edited_or_deleted(client, world) -> None:
    client.force_login(world["officer"])
    theirs = world["theirs"]
    client.post(reverse("admin:people_dispatch_change", args=[theirs.pk]), {"post": "篡改"})
    client.post(reverse("admin:people_dispatch_delete", args=[theirs.pk]), {"post": "yes"})
    theirs.refresh_from_db()
    assert theirs.post != "篡改"


def test_a_record_cannot_be_moved_onto_another_countys_pairing(client, world) -> None:
    client.force_login(world["officer"])
    mine = world["mine"]
    url = reverse("admin:people_dispatch_change", args=[mine.pk])
    response = client.post(url, {
        "person": mine.person_id, "pairing": world["shuicheng"].pk, "direction": "e2w", "category": "cadre",
        "profession": "other", "planned_start": "2023-03-01",
    })
    assert response.status_code == 200  # the form comes back with an error
    mine.refresh_from_db()
    assert mine.pairing == world["ziyun_school"]


def test_autocomplete_does_not_leak_other_pairings(client, world) -> None:
    client.force_login(world["officer"])
    response = client.get(reverse("admin:autocomplete"), {
        "term": "", "app_label": "people", "model_name": "dispatch", "field_name": "pairing",
    })
    assert response.status_code == 200
    ids = {int(r["id"]) for r in response.json()["results"]}
    assert ids == {world["ziyun"].pk, world["ziyun_school"].pk}


def test_officer_can_add_a_record_within_scope(client, world) -> None:
    client.force_login(world["officer"])
    response = client.post(reverse("admin:activities_training_add"), {
        "category": "talent", "pairing": world["ziyun"].pk, "title": "骨干教师培训", "start_date": "2023-05-08",
        "end_date": "2023-05-10", "sessions": "1", "participants": "45",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    # And a wrong one comes back with the field named in Chinese; nothing saved.
    response = client.post(reverse("admin:activities_training_add"), {
        "category": "talent", "pairing": world["ziyun"].pk, "title": "错误培训", "start_date": "2023-05-08",
        "end_date": "2023-05-01", "sessions": "1", "participants": "45",
    })
    assert "「结束日期」不能早于「开始日期」" in response.content.decode()
    from shanhai.activities.models import Training

    assert not Training.objects.filter(title="错误培训").exists()
    assert dt.date(2023, 5, 8) in set(Training.objects.values_list("start_date", flat=True))
