"""A public programme with one closed year (2023: every report accepted) and one open (2024), people
with names, an identity number and a phone, a school and a hospital pair below the county pair,
projects and money in both years; and a second programme that is not public."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import Group, User

from shanhai.accounts.models import Scope
from shanhai.accounts.roles import NATIONAL, PROVINCE, VIEWER
from shanhai.network.models import OrgKind, Pairing, PairingKind
from shanhai.people.services import person_set_identity
from shanhai.portal.services import programme_publish
from shanhai.regions.lookup import find_region
from shanhai.workflow.models import Kind, Period, State, Submission
from tests.factories import (
    DispatchFactory,
    FundAllocationFactory,
    OrganisationFactory,
    PairingFactory,
    PersonFactory,
    ProgrammeFactory,
    ProjectFactory,
)

NAMES = ("王小明", "李春花", "赵大勇", "陈静怡", "刘建国", "孙丽娟", "周晓峰")
ID_NUMBER = "520425199003071237"
PHONE = "13812345678"


@dataclass
class Scene:
    programme: Any
    hidden: Any  # a programme not marked public
    top: Pairing  # 广东省 → 贵州省
    county: Pairing  # 南沙 → 紫云
    school: Pairing
    hospital: Pairing
    secret: Pairing  # in the hidden programme
    users: dict[str, User]


def _user(name: str, group: str, **scope: Any) -> User:
    u = User.objects.create_user(name, password=f"pw-{name}-1", email=f"{name}@example.cn")
    u.groups.add(Group.objects.get(name=group))
    if scope:
        Scope.objects.create(user=u, **scope)
    return u


@pytest.fixture
def scene(db) -> Scene:
    programme = ProgrammeFactory(name="东西部协作（公开测试）")
    hidden = ProgrammeFactory(name="内部协作（不公开）")
    top = PairingFactory(programme=programme, kind=PairingKind.PROVINCE, east_region=find_region("广东省"),
                         west_region=find_region("贵州省"))
    county = PairingFactory(programme=programme, parent=top)
    school = PairingFactory(
        programme=programme, parent=county, kind=PairingKind.SCHOOL,
        east_org=OrganisationFactory(name="南沙区东涌中学", kind=OrgKind.HIGH_SCHOOL, region=county.east_region),
        west_org=OrganisationFactory(name="紫云民族高级中学", kind=OrgKind.HIGH_SCHOOL, region=county.west_region))
    hospital = PairingFactory(
        programme=programme, parent=county, kind=PairingKind.HOSPITAL,
        east_org=OrganisationFactory(name="南沙医院", kind=OrgKind.HOSPITAL, region=county.east_region),
        west_org=OrganisationFactory(name="紫云人民医院", kind=OrgKind.HOSPITAL, region=county.west_region))
    secret = PairingFactory(programme=hidden, east_region=find_region("大连市中山区"), west_region=find_region("水城区"))
    people = [PersonFactory(name=n) for n in NAMES]
    person_set_identity(people[0], id_number=ID_NUMBER, phone=PHONE)
    people[0].save()
    # 2023: two cadres (a small count: withheld) and five professionals; 2024: one cadre
    for p in people[:2]:
        DispatchFactory(person=p, pairing=county, planned_start=dt.date(2023, 3, 1))
    for p in people[2:7]:
        DispatchFactory(person=p, pairing=school, category="talent", planned_start=dt.date(2023, 4, 1))
    DispatchFactory(person=people[0], pairing=county, planned_start=dt.date(2024, 3, 1))
    DispatchFactory(person=people[1], pairing=secret, planned_start=dt.date(2023, 3, 1))
    project = ProjectFactory(pairing=county, name="紫云县城职业学校实训楼", budget=8_000_000)
    FundAllocationFactory(pairing=county, project=project, year=2023, allocated=5_000_000, disbursed=4_000_000)
    FundAllocationFactory(pairing=county, project=project, year=2024, allocated=3_000_000, disbursed=1_000_000)
    ProjectFactory(pairing=secret, name="不公开项目", budget=1)
    for prog in (programme, hidden):
        for year, state in ((2023, State.ACCEPTED), (2024, State.DRAFT)):
            period = Period.objects.create(programme=prog, year=year, due=dt.date(year + 1, 1, 31))
            for pairing in Pairing.objects.filter(programme=prog, kind="county"):
                for side in ("east", "west"):
                    Submission.objects.create(pairing=pairing, period=period, kind=Kind.REPORT, side=side,
                                              state=state)
    users = {"national": _user("national", NATIONAL),
             "guizhou": _user("guizhou", PROVINCE, region=find_region("贵州省")),
             "ziyun": _user("ziyun", VIEWER, region=find_region("紫云自治县"))}
    programme_publish(users["national"], programme)
    return Scene(programme, hidden, top, county, school, hospital, secret, users)
