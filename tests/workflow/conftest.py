"""A year of 南沙→紫云 with the people who do it: officers of both counties, the 安顺 city office, both
provinces' offices, the national office, a school reporter and a viewer."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import Group, User

from shanhai.accounts.models import Scope
from shanhai.accounts.roles import CITY, DATA_ENTRY, NATIONAL, PROVINCE, VIEWER
from shanhai.network.models import OrgKind, Pairing, PairingKind
from shanhai.regions.lookup import find_region
from shanhai.workflow.models import Period
from tests.factories import OrganisationFactory, PairingFactory, ProgrammeFactory


@dataclass
class Year:
    programme: Any
    county: Pairing  # 南沙 → 紫云
    school: Pairing  # a school pair below it
    other: Pairing  # 中山 → 水城, outside 紫云 and 南沙
    period: Period
    users: dict[str, User]


@pytest.fixture
def year(db) -> Year:
    programme = ProgrammeFactory(name="东西部协作（测试）")
    county = PairingFactory(programme=programme)
    school = PairingFactory(
        programme=programme, parent=county, kind=PairingKind.SCHOOL,
        east_org=OrganisationFactory(kind=OrgKind.HIGH_SCHOOL, region=county.east_region),
        west_org=OrganisationFactory(kind=OrgKind.HIGH_SCHOOL, region=county.west_region))
    other = PairingFactory(programme=programme, east_region=find_region("大连市中山区"), west_region=find_region("水城区"))
    period = Period.objects.create(programme=programme, year=2023, due=dt.date(2024, 1, 31),
                                   plan_due=dt.date(2023, 3, 31))

    def user(name: str, group: str, **scope: Any) -> User:
        u = User.objects.create_user(name, password=f"pw-{name}-1", email=f"{name}@example.cn")
        u.groups.add(Group.objects.get(name=group))
        if scope:
            Scope.objects.create(user=u, **scope)
        return u

    users = {
        "national": user("national", NATIONAL),
        "guizhou": user("guizhou", PROVINCE, region=find_region("贵州省")),
        "guangdong": user("guangdong", PROVINCE, region=find_region("广东省")),
        "anshun": user("anshun", CITY, region=find_region("安顺市")),
        "ziyun": user("ziyun", DATA_ENTRY, region=find_region("紫云自治县")),
        "nansha": user("nansha", DATA_ENTRY, region=find_region("广州市南沙区")),
        "school": user("school", DATA_ENTRY, pairing=school),
        "viewer": user("viewer", VIEWER, region=find_region("紫云自治县")),
    }
    return Year(programme, county, school, other, period, users)


# The report rules' required indicators, with figures that satisfy every default rule.
FULL = {"funds.fiscal": "30000000", "cadre.e2w": "12", "cadre.mutual": "20", "talent.e2w": "96",
        "train.cadre.people": "600", "labor.employed": "3000", "labor.employed.new": "800", "consume.sales": "150000000"}
