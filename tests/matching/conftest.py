"""南沙 → 紫云 with a school pair below it, 中山 → 水城 beside it, and one county officer each."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import Group, User

from shanhai.accounts.models import Scope
from shanhai.accounts.roles import DATA_ENTRY
from shanhai.matching.models import Need, Offer
from shanhai.network.models import OrgKind, PairingKind
from shanhai.regions.lookup import find_region
from tests.factories import OrganisationFactory, PairingFactory, ProgrammeFactory

FUTURE = dt.date(2099, 12, 31)


@dataclass
class Market:
    county: Any
    school: Any
    other: Any
    east_school: Any
    west_school: Any
    users: dict[str, User]


def officer(name: str, **scope: Any) -> User:
    user = User.objects.create_user(name, password=f"pw-{name}-1")
    user.groups.add(Group.objects.get(name=DATA_ENTRY))
    Scope.objects.create(user=user, **scope)
    return user


@pytest.fixture
def market(db) -> Market:
    programme = ProgrammeFactory(name="东西部协作（对接测试）", start_year=2021, end_year=2099)
    end = dt.date(2099, 12, 31)
    county = PairingFactory(programme=programme, end_date=end)
    east_school = OrganisationFactory(name="东涌中学", kind=OrgKind.SECONDARY, region=county.east_region)
    west_school = OrganisationFactory(name="紫云民族中学", kind=OrgKind.SECONDARY, region=county.west_region)
    school = PairingFactory(programme=programme, parent=county, kind=PairingKind.SCHOOL, east_org=east_school,
                            west_org=west_school, end_date=end)
    other = PairingFactory(programme=programme, east_region=find_region("大连市中山区"),
                           west_region=find_region("水城区"), end_date=end)
    users = {"ziyun": officer("ziyun", region=find_region("紫云自治县")),
             "nansha": officer("nansha", region=find_region("广州市南沙区")),
             "zhongshan": officer("zhongshan", region=find_region("大连市中山区")),
             "shuicheng": officer("shuicheng", region=find_region("水城区"))}
    return Market(county, school, other, east_school, west_school, users)


def listing(model: type, region: Any, **kw: Any) -> Any:
    values = dict(kind="teacher", title="数学教师", subject="数学", level="初中", quantity=1, domain="education",
                  start_date=dt.date(2024, 9, 1), end_date=dt.date(2025, 1, 31), expires_on=FUTURE, region=region)
    values.update(kw)
    obj = model(**values)
    obj.full_clean()
    obj.save()
    return obj


def need(region: Any, **kw: Any) -> Need:
    return listing(Need, region, **kw)


def offer(region: Any, **kw: Any) -> Offer:
    return listing(Offer, region, **kw)
