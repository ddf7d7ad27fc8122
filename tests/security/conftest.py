"""A small world for write-safety tests: pairings in and out of each role's scope, one user per role.

Roles (issue 17): national office, province, county, institution (a school pairing), viewer, no role.
Each role names the pairing its "in scope" records hang off and one whose records are out of scope.
"""

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Any

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, User

from shanhai.accounts.models import Scope
from shanhai.accounts.roles import DATA_ENTRY, NATIONAL, VIEWER
from shanhai.indicators.models import Indicator, ReportedValue, Target
from shanhai.network.models import Agreement, Organisation, OrgKind, Pairing, PairingKind
from shanhai.people.models import Mentorship, Person, Team
from shanhai.regions.lookup import find_region
from tests.factories import (
    ActivityFactory,
    DispatchFactory,
    DonationFactory,
    FundAllocationFactory,
    IndustrialParkFactory,
    InvestmentFactory,
    OrganisationFactory,
    PairingFactory,
    PersonFactory,
    PlacementFactory,
    ProgrammeFactory,
    ProjectFactory,
    SaleFactory,
    TrainingFactory,
    WorkshopFactory,
)

ROLES = ("national", "province", "county", "institution", "viewer", "none")
DATA_LABELS = {"network", "people", "activities", "projects", "economy", "indicators", "evidence", "regions", "accounts",
               "matching"}


@dataclass
class World:
    programme: Any
    pairings: dict[str, Pairing]
    users: dict[str, User]
    context: dict[str, tuple[str, str]]  # role → (in-scope pairing, out-of-scope pairing)

    def inside(self, role: str) -> Pairing:
        return self.pairings[self.context[role][0]]

    def outside(self, role: str) -> Pairing:
        return self.pairings[self.context[role][1]]

    def away(self, role: str) -> Pairing:
        """Where a move takes a record out of scope: for a school reporter, a pairing in other regions
        (the parent county pairing shares the school pairing's regions)."""
        return self.pairings["other"] if role == "institution" else self.outside(role)


def school(region: Any) -> Organisation:
    return OrganisationFactory(kind=OrgKind.HIGH_SCHOOL, region=region)


@pytest.fixture
def world(db) -> World:
    programme = ProgrammeFactory(name="东西部协作（测试）")
    county = PairingFactory(programme=programme)  # 南沙 → 紫云
    sch = PairingFactory(programme=programme, parent=county, kind=PairingKind.SCHOOL,
                         east_org=school(county.east_region), west_org=school(county.west_region))
    other = PairingFactory(programme=programme, east_region=find_region("大连市中山区"),
                           west_region=find_region("水城区"))
    far = PairingFactory(programme=programme, east_region=find_region("北京市延庆区"), west_region=find_region("内乡县"))
    pairings = {"county": county, "school": sch, "other": other, "far": far}

    def user(name: str, group: str | None, **scope: Any) -> User:
        u = User.objects.create_user(name, password=f"pw-{name}-1", is_staff=True)
        if group:
            u.groups.add(Group.objects.get(name=group))
        if scope:
            Scope.objects.create(user=u, **scope)
        return u

    users = {
        "national": user("national", NATIONAL),
        "province": user("guizhou", DATA_ENTRY, region=find_region("贵州省")),
        "county": user("ziyun", DATA_ENTRY, region=find_region("紫云自治县")),
        "institution": user("school", DATA_ENTRY, pairing=sch),
        "viewer": user("viewer", VIEWER, region=find_region("紫云自治县")),
        "none": user("norole", None, region=find_region("紫云自治县")),
    }
    context = {"national": ("county", "far"), "province": ("county", "far"), "county": ("county", "other"),
               "institution": ("school", "county"), "viewer": ("county", "other"), "none": ("county", "other")}
    return World(programme, pairings, users, context)


def make(model: type, pairing: Pairing) -> Any:
    """One record of `model` that belongs to `pairing` (hangs off it, or sits on its western side)."""
    simple = {
        "Dispatch": DispatchFactory, "Training": TrainingFactory, "Activity": ActivityFactory,
        "Project": ProjectFactory, "FundAllocation": FundAllocationFactory, "Donation": DonationFactory,
        "Sale": SaleFactory, "Placement": PlacementFactory, "Workshop": WorkshopFactory,
        "IndustrialPark": IndustrialParkFactory,
    }
    name = model.__name__
    if name == "Dispatch":  # a teacher of the sending (eastern) side, known by name and employer
        return DispatchFactory(pairing=pairing, person=PersonFactory(
            organisation=OrganisationFactory(region=pairing.east_region)))
    if name in simple:
        return simple[name](pairing=pairing)
    if name == "Investment":
        return InvestmentFactory(pairing=pairing, enterprise=OrganisationFactory(kind=OrgKind.ENTERPRISE,
                                                                                 region=pairing.east_region))
    if name == "Organisation":
        return OrganisationFactory(region=pairing.west_region)
    if name == "Person":
        person = PersonFactory(organisation=OrganisationFactory(region=pairing.west_region))
        DispatchFactory(person=person, pairing=pairing)
        return person
    if name == "Pairing":
        return PairingFactory(programme=pairing.programme, parent=pairing, kind=PairingKind.SCHOOL,
                              east_region=pairing.east_region, west_region=pairing.west_region,
                              east_org=school(pairing.east_region), west_org=school(pairing.west_region))
    if name == "Team":
        return Team.objects.create(pairing=pairing, name="组团式帮扶医疗队", domain="health",
                                   host=OrganisationFactory(kind=OrgKind.HOSPITAL, region=pairing.west_region),
                                   start_date=dt.date(2023, 3, 1))
    if name == "Mentorship":
        return Mentorship.objects.create(pairing=pairing, mentor=make(Person, pairing), apprentice=make(Person, pairing),
                                         domain="education", start_date=dt.date(2023, 3, 1))
    if name == "Programme":  # reference data: written by the national office only
        return ProgrammeFactory(name=f"矩阵协作项目{pairing.pk}")
    if name == "Agreement":
        return Agreement.objects.create(pairing=pairing, title="年度帮扶协议", signed_on=dt.date(2023, 3, 1))
    if name == "ReportedValue":
        return ReportedValue.objects.create(indicator=Indicator.objects.get(code="funds.fiscal"), pairing=pairing,
                                            year=2023, value=100, source_kind="form", source_ref="测试")
    if name == "Target":
        return Target.objects.create(indicator=Indicator.objects.get(code="funds.fiscal"), pairing=pairing,
                                     year=2023, value=100)
    # A need on the western side, an offer on the eastern, posted through the pairing and shown to its two sides
    # only (仅结对双方): 同一协作项目 and 全部单位 show a listing beyond the poster's scope by design (issue 12).
    if name in ("Need", "Offer"):
        side = pairing.west_region if name == "Need" else pairing.east_region
        return model.objects.create(pairing=pairing, region=side, kind="teacher", title=f"数学教师（结对{pairing.pk}）", subject="数学",
                                    quantity=1, domain="education", expires_on=dt.date.today() + dt.timedelta(days=180),
                                    programme=pairing.programme, visibility="pairing")
    if name == "Match":
        from shanhai.matching.models import Need, Offer

        return model.objects.create(need=make(Need, pairing), offer=make(Offer, pairing), pairing=pairing)
    raise AssertionError(f"没有为 {name} 写造数函数：新的记录类型也须进入写入权限矩阵（tests/security/conftest.py）。")


def move(obj: Any, target: Pairing) -> dict[str, Any]:
    """API fields that move `obj` to `target` (its pairing, or the region/unit that places it)."""
    name = type(obj).__name__
    if name == "Organisation":
        return {"region_id": target.west_region_id}
    if name == "Person":
        return {"organisation_id": OrganisationFactory(region=target.west_region).pk}
    if name == "Pairing":
        return {"parent_id": target.pk, "east_region_id": target.east_region_id,
                "west_region_id": target.west_region_id, "east_org_id": school(target.east_region).pk,
                "west_org_id": school(target.west_region).pk}
    fields = {"pairing_id": target.pk}
    for f in ("location", "region"):
        if hasattr(obj, f"{f}_id") and getattr(obj, f"{f}_id") is not None:
            fields[f"{f}_id"] = target.west_region_id
    if name == "Investment":
        fields["enterprise_id"] = OrganisationFactory(kind=OrgKind.ENTERPRISE, region=target.east_region).pk
    return fields


def fingerprint() -> str:
    """A digest of every row of programme data, users' scopes and history: equal means nothing was written."""
    digest = hashlib.sha256()
    for model in apps.get_models():
        if model._meta.app_label in DATA_LABELS or model._meta.app_label == "transfer":
            if model._meta.app_label == "regions":
                continue  # 3,000 rows of reference data, written by nothing here
            for row in model._default_manager.order_by("pk").values_list():
                digest.update(repr(row).encode())
    return digest.hexdigest()
