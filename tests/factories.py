"""factory_boy factories for the domain models; regions come from the real division table."""

import datetime as dt

import factory

from shanhai.activities.models import Activity, ActivityKind, Training, TrainingCategory
from shanhai.economy.models import IndustrialPark, Investment, Placement, PlacementKind, Sale, Workshop
from shanhai.network.models import Organisation, OrgKind, Pairing, PairingKind, Programme, ProgrammeKind
from shanhai.people.models import Direction, Dispatch, DispatchCategory, Person
from shanhai.projects.models import Donation, DonationKind, FundAllocation, Project
from shanhai.regions.lookup import find_region


def region(name: str):
    return factory.LazyFunction(lambda: find_region(name))


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"测试协作项目{n}")
    kind = ProgrammeKind.EAST_WEST
    start_year = 2021
    end_year = 2025


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"测试单位{n}")
    kind = OrgKind.GOVERNMENT
    region = region("广州市南沙区")


class PairingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Pairing

    kind = PairingKind.COUNTY
    programme = factory.SubFactory(ProgrammeFactory)
    east_region = region("广州市南沙区")
    west_region = region("紫云自治县")
    start_date = dt.date(2021, 1, 1)
    end_date = dt.date(2025, 12, 31)


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    name = factory.Sequence(lambda n: f"张{n}")


class DispatchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Dispatch

    person = factory.SubFactory(PersonFactory)
    pairing = factory.SubFactory(PairingFactory)
    direction = Direction.E2W
    category = DispatchCategory.CADRE
    planned_start = dt.date(2023, 3, 1)
    planned_end = dt.date(2025, 3, 1)


class TrainingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Training

    category = TrainingCategory.TALENT
    pairing = factory.SubFactory(PairingFactory)
    title = "专业技术人才培训班"
    start_date = dt.date(2023, 5, 8)
    end_date = dt.date(2023, 5, 12)
    participants = 40


class ActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Activity

    kind = ActivityKind.VISIT
    pairing = factory.SubFactory(PairingFactory)
    title = "调研对接"
    date = dt.date(2023, 4, 1)
    participants = 12


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project

    pairing = factory.SubFactory(PairingFactory)
    name = factory.Sequence(lambda n: f"帮扶项目{n}")
    sector = "education"
    location = factory.LazyAttribute(lambda o: o.pairing.west_region)
    budget = 1_000_000


class FundAllocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FundAllocation

    pairing = factory.SubFactory(PairingFactory)
    year = 2023
    allocated = 500_000
    disbursed = 300_000


class DonationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Donation

    pairing = factory.SubFactory(PairingFactory)
    donor = "南沙区慈善会"
    recipient = "紫云自治县教育局"
    kind = DonationKind.MONEY
    value = 100_000
    date = dt.date(2023, 6, 1)


class SaleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Sale

    pairing = factory.SubFactory(PairingFactory)
    year = 2023
    month = 6
    category = "agriculture"
    channel = "canteen"
    amount = 20_000


class PlacementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Placement

    pairing = factory.SubFactory(PairingFactory)
    year = 2023
    kind = PlacementKind.EAST
    count = 5


class WorkshopFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Workshop

    pairing = factory.SubFactory(PairingFactory)
    name = factory.Sequence(lambda n: f"帮扶车间{n}")
    region = factory.LazyAttribute(lambda o: o.pairing.west_region)
    established = dt.date(2023, 7, 1)
    jobs = 30


class IndustrialParkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IndustrialPark

    pairing = factory.SubFactory(PairingFactory)
    name = factory.Sequence(lambda n: f"共建产业园{n}")
    region = factory.LazyAttribute(lambda o: o.pairing.west_region)
    established = dt.date(2023, 3, 1)


class InvestmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Investment

    pairing = factory.SubFactory(PairingFactory)
    enterprise = factory.SubFactory(OrganisationFactory, kind=OrgKind.ENTERPRISE)
    year = 2023
    amount = 10_000_000
    rural_jobs = 20
