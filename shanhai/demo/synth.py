"""The seeded generator of operational records: `shanhai synth --scale demo|province|national`.

The same seed gives the same data: every pairing draws from its own `random.Random` seeded with
the seed and the pairing's natural key, so the output does not depend on ids or insertion order.
Rows go in with `bulk_create` in batches (no per-row validation or history): the generator only
produces values the models' constraints accept, and the database enforces them.
"""

import datetime as dt
import random
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Model

from shanhai.activities.models import Activity, ActivityKind, Training, TrainingCategory
from shanhai.core.progress import Progress
from shanhai.economy.models import (
    IndustrialPark,
    Investment,
    Placement,
    PlacementKind,
    ProductCategory,
    Sale,
    SaleChannel,
    Workshop,
)
from shanhai.indicators.rollups import insert_rows, rollups_paused
from shanhai.network.models import Organisation, OrgKind, Pairing, PairingKind, Programme, ProgrammeKind
from shanhai.people.models import Direction, Dispatch, DispatchCategory, Gender, Person, Profession
from shanhai.projects.models import (
    Donation,
    DonationKind,
    FundAllocation,
    FundSource,
    Project,
    ProjectKind,
    ProjectStatus,
)
from shanhai.regions.models import Level, Region

BATCH = 5000
SALE_COLS = ("pairing_id", "year", "month", "category", "supplier", "channel", "buyer", "amount")
PLACEMENT_COLS = ("pairing_id", "year", "month", "kind", "count", "newly_employed", "person_id", "employer")
CHUNK_PAIRS = 40  # county pairs generated per round (keeps every IN list short)
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红建文辉兰云志国鹏宇浩凯欣雪梅琳晨阳丹亮斌波宁峰海燕林"
PLACE = "新和平安兴隆丰富东西南北中大小上下石河山水龙凤青金银花田坝岭坪沟湾桥堡寨庄"


@dataclass(frozen=True)
class Scale:
    """Rows per county-level pairing per year, and the shape of the network below it."""

    years: tuple[int, ...]
    sub_pairs: dict[str, int]  # generated sub-pairings per county pair, by kind
    dispatches: int
    trainings: int
    activities: int
    projects: int
    donations: int
    sales: int
    placements: int
    sub_dispatches: int = 2  # per school/hospital pair per year
    sub_activities: int = 3


SCALES = {
    "demo": Scale(
        years=(2021, 2022, 2023, 2024),
        sub_pairs={PairingKind.VILLAGE: 6, PairingKind.SCHOOL: 4, PairingKind.HOSPITAL: 2},
        dispatches=14, trainings=16, activities=10, projects=5, donations=4, sales=36, placements=48,
    ),
    # The demo network with a few rows per pairing: for tests of the generator itself.
    "mini": Scale(
        years=(2022, 2023),
        sub_pairs={PairingKind.VILLAGE: 1, PairingKind.SCHOOL: 1},
        dispatches=2, trainings=2, activities=2, projects=1, donations=1, sales=3, placements=3,
        sub_dispatches=1, sub_activities=1,
    ),
    "province": Scale(
        years=(2021, 2022, 2023, 2024),
        sub_pairs={PairingKind.TOWNSHIP: 6, PairingKind.VILLAGE: 8, PairingKind.ENTERPRISE_VILLAGE: 4,
                   PairingKind.SCHOOL: 7, PairingKind.HOSPITAL: 2, PairingKind.SOCIAL_VILLAGE: 2},
        dispatches=20, trainings=30, activities=20, projects=20, donations=10, sales=300, placements=400,
    ),
    "national": Scale(
        years=(2021, 2022, 2023, 2024, 2025),
        sub_pairs={PairingKind.TOWNSHIP: 25, PairingKind.VILLAGE: 50, PairingKind.ENTERPRISE_VILLAGE: 25,
                   PairingKind.SCHOOL: 35, PairingKind.HOSPITAL: 12, PairingKind.SOCIAL_VILLAGE: 4,
                   PairingKind.VOCATIONAL: 1},
        dispatches=30, trainings=45, activities=30, projects=20, donations=15, sales=800, placements=800,
        sub_dispatches=0, sub_activities=1,
    ),
}

# The 2021 East–West arrangement, province by province (used by the province and national scales).
PROVINCE_PAIRS = [
    ("北京市", "内蒙古自治区", 31), ("北京市", "河北省", 20), ("天津市", "甘肃省", 60), ("上海市", "云南省", 75),
    ("江苏省", "陕西省", 56), ("江苏省", "青海省", 30), ("浙江省", "四川省", 68), ("福建省", "宁夏回族自治区", 9),
    ("山东省", "重庆市", 14), ("山东省", "甘肃省", 40), ("广东省", "广西壮族自治区", 33), ("广东省", "贵州省", 66),
    ("辽宁省", "贵州省", 14), ("广东省", "云南省", 25), ("浙江省", "吉林省", 8), ("广东省", "四川省", 20),
    ("上海市", "新疆维吾尔自治区", 12), ("江苏省", "西藏自治区", 7), ("福建省", "四川省", 10), ("天津市", "新疆维吾尔自治区", 12),
    ("北京市", "西藏自治区", 8), ("山东省", "青海省", 10), ("广东省", "西藏自治区", 8), ("浙江省", "新疆维吾尔自治区", 16),
]


def _batched(rows: Iterable[Model], model: type[Model]) -> int:
    buf: list[Model] = []
    n = 0
    for row in rows:
        buf.append(row)
        if len(buf) >= BATCH:
            model.objects.bulk_create(buf)
            n += len(buf)
            buf = []
    if buf:
        model.objects.bulk_create(buf)
        n += len(buf)
    return n


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def _date(rng: random.Random, year: int, start: dt.date | None = None) -> dt.date:
    first = max(dt.date(year, 1, 1), start or dt.date(year, 1, 1))
    return first + dt.timedelta(days=rng.randrange(max(1, (dt.date(year, 12, 31) - first).days)))


class Generator:
    def __init__(self, scale: str, seed: int) -> None:
        self.scale_name = scale
        self.scale = SCALES[scale]
        self.seed = seed
        self.counts: dict[str, int] = {}

    def rng(self, *key: object) -> random.Random:
        return random.Random(f"{self.seed}:" + ":".join(map(str, key)))

    def _count(self, label: str, n: int) -> None:
        self.counts[label] = self.counts.get(label, 0) + n

    # --- the network -------------------------------------------------------------------------------
    def national_network(self, programme: Programme, only: list[tuple[str, str, int]]) -> list[Pairing]:
        """Province pairs with their county pairs drawn from the region table (deterministically)."""
        provinces = {r.name: r for r in Region.objects.filter(level=Level.PROVINCE)}
        counties_by_province: dict[str, list[Region]] = {}
        for r in Region.objects.filter(level=Level.COUNTY).order_by("code"):
            counties_by_province.setdefault(r.path.split("/", 1)[0], []).append(r)
        county_pairs: list[Pairing] = []
        for east_name, west_name, n in only:
            east_p, west_p = provinces[east_name], provinces[west_name]
            top, _ = Pairing.objects.get_or_create(
                programme=programme, kind=PairingKind.PROVINCE, east_region=east_p, west_region=west_p,
                defaults={"start_date": dt.date(2021, 1, 1), "end_date": dt.date(2025, 12, 31)},
            )
            rng = self.rng("network", east_p.code, west_p.code)
            easts = counties_by_province[east_p.code]
            wests = [c for c in counties_by_province[west_p.code] if c.name.endswith(("县", "旗"))] or \
                counties_by_province[west_p.code]
            wests = rng.sample(wests, min(n, len(wests)))
            for west in wests:
                east = rng.choice(easts)
                pairing, created = Pairing.objects.get_or_create(
                    programme=programme, kind=PairingKind.COUNTY, east_region=east, west_region=west, parent=top,
                    defaults={"start_date": dt.date(2021, 1, 1), "end_date": dt.date(2025, 12, 31),
                              "domains": ["industry", "labour", "education", "health"]},
                )
                county_pairs.append(pairing)
        return county_pairs

    def sub_network(self, county_pairs: list[Pairing]) -> list[Pairing]:
        """School, hospital, village … pairs below each county pair, with their organisations."""
        kinds_org = {
            PairingKind.SCHOOL: (OrgKind.SECONDARY, OrgKind.SECONDARY, "中学"),
            PairingKind.HOSPITAL: (OrgKind.HOSPITAL, OrgKind.HEALTH_CENTRE, "医院"),
            PairingKind.VOCATIONAL: (OrgKind.VOCATIONAL, OrgKind.VOCATIONAL, "职业技术学校"),
            PairingKind.ENTERPRISE_VILLAGE: (OrgKind.ENTERPRISE, OrgKind.VILLAGE, ""),
            PairingKind.SOCIAL_VILLAGE: (OrgKind.SOCIAL, OrgKind.VILLAGE, ""),
        }
        orgs: list[Organisation] = []
        specs: list[tuple[Pairing, str, int, str, str]] = []
        for parent in county_pairs:
            east_short = parent.east_region.short_name or parent.east_region.name
            west_short = parent.west_region.short_name or parent.west_region.name
            for kind, n in self.scale.sub_pairs.items():
                for i in range(n):
                    rng = self.rng("sub", parent.east_region.code, parent.west_region.code, kind, i)
                    place = "".join(rng.choice(PLACE) for _ in range(2))
                    unit = "镇" if kind == PairingKind.TOWNSHIP else "村"
                    specs.append((parent, kind, i, f"{east_short}{place}{unit}", f"{west_short}{place}{unit}"))
                    if kind in kinds_org:
                        east_kind, west_kind, suffix = kinds_org[kind]
                        e_name = {
                            OrgKind.ENTERPRISE: f"{east_short}{place}实业有限公司",
                            OrgKind.SOCIAL: f"{east_short}{place}公益基金会",
                        }.get(east_kind, f"{east_short}第{i + 1}{suffix}")
                        w_name = {
                            OrgKind.VILLAGE: f"{west_short}{place}村村民委员会",
                            OrgKind.HEALTH_CENTRE: f"{west_short}{place}镇卫生院",
                        }.get(west_kind, f"{west_short}第{i + 1}{suffix}")
                        orgs.append(Organisation(name=e_name, kind=east_kind, region=parent.east_region))
                        orgs.append(Organisation(name=w_name, kind=west_kind, region=parent.west_region))
        Organisation.objects.bulk_create(orgs, batch_size=BATCH, ignore_conflicts=True)
        org_ids = {(o.name, o.region_id): o.id for o in Organisation.objects.filter(name__in=[o.name for o in orgs])}
        pairings: list[Pairing] = []
        org_iter = iter(orgs)
        for parent, kind, _i, east_place, west_place in specs:
            east_org = west_org = None
            if kind in kinds_org:
                e, w = next(org_iter), next(org_iter)
                east_org, west_org = org_ids[(e.name, e.region_id)], org_ids[(w.name, w.region_id)]
            pairings.append(Pairing(
                programme_id=parent.programme_id, kind=kind, parent=parent, east_region_id=parent.east_region_id,
                west_region_id=parent.west_region_id, east_org_id=east_org, west_org_id=west_org,
                east_place="" if east_org else east_place, west_place="" if west_org else west_place,
                start_date=parent.start_date, end_date=parent.end_date, domains=[],
            ))
        Pairing.objects.bulk_create(pairings, batch_size=BATCH)
        for p in pairings:
            p.path = f"{p.parent.path}{p.pk}/"
        Pairing.objects.bulk_update(pairings, ["path"], batch_size=BATCH)
        self._count("pairings", len(pairings))
        return pairings

    # --- the records ---------------------------------------------------------------------------------
    def records(self, county_pairs: list[Pairing]) -> None:
        for pairing in county_pairs:
            subs = list(Pairing.objects.filter(path__startswith=pairing.path).exclude(pk=pairing.pk)
                        .select_related("east_org", "west_org").order_by("kind", "east_place", "east_org__name"))
            self._pairing_records(pairing, subs)

    def _pairing_records(self, pairing: Pairing, subs: list[Pairing]) -> None:
        s = self.scale
        key = (pairing.east_region.code, pairing.west_region.code, pairing.kind)
        persons: list[Person] = []
        dispatch_rows: list[tuple[Pairing, random.Random, int, int]] = []
        for year in s.years:
            rng = self.rng("dispatch", *key, year)
            for i in range(s.dispatches):
                dispatch_rows.append((pairing, rng, year, i))
            for sub in subs:
                if sub.kind in (PairingKind.SCHOOL, PairingKind.HOSPITAL):
                    # One generator per school or hospital pair and year, shared by its dispatches: a
                    # fresh one per dispatch drew the same person twice.
                    sub_rng = self.rng("dispatch", sub.east_org.name if sub.east_org_id else "",
                                       sub.west_org.name if sub.west_org_id else "", year)
                    for i in range(s.sub_dispatches):
                        dispatch_rows.append((sub, sub_rng, year, i))
        plans = []
        names: set[str] = set()  # one county pair's people: no two alike on its pages
        for p, rng, year, i in dispatch_rows:
            plan = self._dispatch_plan(p, rng, year, i)
            name = _name(rng)
            while name in names:
                name = _name(rng)
            names.add(name)
            persons.append(Person(name=name, gender=rng.choice(Gender.values), profession=plan["profession"],
                                  title=plan.pop("title")))
            plans.append(plan)
        Person.objects.bulk_create(persons, batch_size=BATCH)
        self._count("people", len(persons))
        self._count("dispatches", _batched(
            (Dispatch(person=person, pairing=p, **plan) for person, plan, (p, *_r) in zip(persons, plans, dispatch_rows, strict=True)),
            Dispatch))
        self._count("trainings", _batched(self._trainings(pairing, key), Training))
        self._count("activities", _batched(self._activities(pairing, subs, key), Activity))
        projects = list(self._projects(pairing, key))
        Project.objects.bulk_create(projects, batch_size=BATCH)
        self._count("projects", len(projects))
        self._count("funds", _batched(self._funds(pairing, projects, key), FundAllocation))
        self._count("donations", _batched(self._donations(pairing, key), Donation))
        self._economy(pairing, key)

    def _dispatch_plan(self, pairing: Pairing, rng: random.Random, year: int, i: int) -> dict:
        if pairing.kind == PairingKind.SCHOOL:
            category, profession, direction = DispatchCategory.TALENT, Profession.TEACHER, Direction.E2W
        elif pairing.kind == PairingKind.HOSPITAL:
            category, profession, direction = DispatchCategory.TALENT, Profession.MEDICAL, Direction.E2W
        else:
            category = rng.choices(list(DispatchCategory), weights=(2, 5, 4))[0]
            direction = Direction.E2W if category != DispatchCategory.TRAINEE and rng.random() < 0.75 else Direction.W2E
            profession = Profession.CADRE if category == DispatchCategory.CADRE else rng.choice(
                [Profession.TEACHER, Profession.MEDICAL, Profession.AGRICULTURE, Profession.ENGINEERING])
        start = _date(rng, year, pairing.start_date)
        months = 24 if category == DispatchCategory.CADRE else rng.choice((1, 3, 6, 12))
        end = min(start + dt.timedelta(days=30 * months), pairing.end_date or dt.date(2099, 1, 1))
        posts = {DispatchCategory.CADRE: "挂职副县长" if i == 0 else "挂职干部",
                 DispatchCategory.TALENT: "支教/驻点帮扶", DispatchCategory.TRAINEE: "跟岗学习"}
        return {
            "direction": direction, "category": category, "profession": profession, "post": posts[category],
            "planned_start": start, "planned_end": end, "actual_start": start,
            "actual_end": end if end < dt.date(2025, 1, 1) else None,
            "title": "副县长" if category == DispatchCategory.CADRE and i == 0 else "",
        }

    def _trainings(self, pairing: Pairing, key: tuple) -> Iterator[Training]:
        titles = {
            TrainingCategory.CADRE: "党政干部能力提升培训班", TrainingCategory.TALENT: "专业技术人才培训班",
            TrainingCategory.LABOR: "农村劳动力技能培训班", TrainingCategory.LEADER: "乡村致富带头人培训班",
            TrainingCategory.SCHOOL_MANAGEMENT: "中小学校长跟岗培训",
        }
        for year in self.scale.years:
            rng = self.rng("training", *key, year)
            for i in range(self.scale.trainings):
                category = rng.choices(list(TrainingCategory), weights=(2, 5, 4, 1, 1))[0]
                start = _date(rng, year, pairing.start_date)
                yield Training(
                    category=category, pairing=pairing, title=f"{year}年{titles[category]}（第{i + 1}期）",
                    start_date=start, end_date=start + dt.timedelta(days=rng.randint(0, 10)),
                    sessions=1, participants=rng.randint(15, 120), online=rng.random() < 0.2,
                )

    def _activities(self, pairing: Pairing, subs: list[Pairing], key: tuple) -> Iterator[Activity]:
        for year in self.scale.years:
            rng = self.rng("activity", *key, year)
            for _i in range(self.scale.activities):
                kind = rng.choice([ActivityKind.VISIT, ActivityKind.MEETING, ActivityKind.JOB_FAIR,
                                   ActivityKind.EXHIBITION, ActivityKind.STUDY_TOUR])
                yield Activity(kind=kind, pairing=pairing, title=f"{year}年{ActivityKind(kind).label}",
                               date=_date(rng, year, pairing.start_date), participants=rng.randint(5, 300))
            for sub in subs:
                if sub.kind not in (PairingKind.SCHOOL, PairingKind.HOSPITAL):
                    continue
                kind = ActivityKind.TEACHING_RESEARCH if sub.kind == PairingKind.SCHOOL else ActivityKind.REMOTE_CONSULTATION
                for _i in range(self.scale.sub_activities):
                    yield Activity(kind=kind, pairing=sub, title=f"{year}年{ActivityKind(kind).label}",
                                   date=_date(rng, year, sub.start_date), participants=rng.randint(5, 80),
                                   online=rng.random() < 0.5)

    def _projects(self, pairing: Pairing, key: tuple) -> Iterator[Project]:
        sectors = [("education", ProjectKind.SCHOOL), ("education", ProjectKind.KINDERGARTEN),
                   ("health", ProjectKind.HOSPITAL), ("industry", ProjectKind.INDUSTRY),
                   ("rural", ProjectKind.INFRASTRUCTURE), ("industry", ProjectKind.AGRICULTURE)]
        for year in self.scale.years:
            rng = self.rng("project", *key, year)
            for i in range(self.scale.projects):
                sector, kind = rng.choice(sectors)
                start = _date(rng, year, pairing.start_date)
                done = year < 2024
                yield Project(
                    pairing=pairing, name=f"{pairing.west_region.short_name}{year}年{ProjectKind(kind).label}项目{i + 1}",
                    kind=kind, sector=sector, location=pairing.west_region,
                    status=ProjectStatus.COMPLETED if done else ProjectStatus.UNDERWAY,
                    budget=rng.randint(20, 2000) * 10_000, start_date=start,
                    end_date=start + dt.timedelta(days=rng.randint(60, 360)) if done else None,
                    new_seats=rng.choice((0, 90, 180, 270, 360)) if kind in (ProjectKind.SCHOOL, ProjectKind.KINDERGARTEN) else 0,
                    beneficiaries=rng.randint(100, 5000),
                )

    def _funds(self, pairing: Pairing, projects: list[Project], key: tuple) -> Iterator[FundAllocation]:
        for project in projects:
            assert project.start_date is not None
            rng = self.rng("fund", *key, project.name)
            allocated = project.budget * rng.randint(50, 100) // 100
            disbursed = allocated if project.status == ProjectStatus.COMPLETED else allocated * rng.randint(0, 90) // 100
            yield FundAllocation(pairing=pairing, project=project, year=project.start_date.year, source=FundSource.FISCAL,
                                 sector=project.sector, allocated=allocated, disbursed=disbursed)

    def _donations(self, pairing: Pairing, key: tuple) -> Iterator[Donation]:
        for year in self.scale.years:
            rng = self.rng("donation", *key, year)
            for _i in range(self.scale.donations):
                kind = rng.choice(list(DonationKind))
                yield Donation(
                    pairing=pairing, donor=f"{pairing.east_region.short_name}{rng.choice(['慈善会', '商会', '爱心企业', '教育基金会'])}",
                    recipient=f"{pairing.west_region.short_name}{rng.choice(['教育局', '卫健局', '民政局', '第一中学'])}",
                    kind=kind, sector=rng.choice(["education", "health", "rural"]),
                    value=rng.randint(1, 200) * 5_000, quantity=rng.randint(1, 20) if kind == DonationKind.EQUIPMENT else 0,
                    date=_date(rng, year, pairing.start_date), purpose="助学助医、改善基础设施",
                )

    def _economy(self, pairing: Pairing, key: tuple) -> None:
        rng = self.rng("economy", *key)
        park = IndustrialPark.objects.create(
            pairing=pairing, name=f"{pairing.east_region.short_name}—{pairing.west_region.short_name}产业园",
            region=pairing.west_region, established=dt.date(self.scale.years[0], 6, 1), area_mu=rng.randint(200, 3000),
        )
        self._count("parks", 1)
        enterprises = Organisation.objects.bulk_create([
            Organisation(name=f"{pairing.east_region.short_name}{rng.choice(PLACE)}{rng.choice(PLACE)}科技有限公司{i + 1}",
                         kind=OrgKind.ENTERPRISE, region=pairing.east_region)
            for i in range(3)
        ], ignore_conflicts=True)
        enterprises = list(Organisation.objects.filter(name__in=[e.name for e in enterprises], region=pairing.east_region))
        investments, workshops, sales, placements = [], [], [], []
        for year in self.scale.years:
            yr = self.rng("economy", *key, year)
            for ent in yr.sample(enterprises, k=min(len(enterprises), yr.randint(1, 2))):
                investments.append(Investment(pairing=pairing, enterprise=ent, park=park if yr.random() < 0.6 else None,
                                              year=year, amount=yr.randint(100, 30000) * 10_000, rural_jobs=yr.randint(10, 200)))
            if yr.random() < 0.6:
                workshops.append(Workshop(pairing=pairing, name=f"{pairing.west_region.short_name}{year}年帮扶车间",
                                          region=pairing.west_region, established=_date(yr, year, pairing.start_date),
                                          jobs=yr.randint(20, 150), at_relocation_site=yr.random() < 0.4))
            # Sales and placements are the bulk of a national run (≈5 M rows): plain tuples, fast insert.
            supplier, buyer = f"{pairing.west_region.short_name}农特产品合作社", f"{pairing.east_region.short_name}采购单位"
            for _i in range(self.scale.sales):
                month, category, channel = yr.randint(1, 12), yr.choice(ProductCategory.values), yr.choice(SaleChannel.values)
                sales.append((pairing.pk, year, month, category, supplier, channel, buyer, yr.randint(1, 500) * 1_000))
            for _i in range(self.scale.placements):
                month, kind = yr.randint(1, 12), yr.choice(PlacementKind.values)
                count = yr.randint(1, 40)
                placements.append((pairing.pk, year, month, kind, count, yr.random() < 0.6, None, ""))
        for rows, model, label in ((investments, Investment, "investments"), (workshops, Workshop, "workshops")):
            self._count(label, _batched(rows, model))
        self._count("sales", insert_rows(Sale._meta.db_table, SALE_COLS, sales))
        self._count("placements", insert_rows(Placement._meta.db_table, PLACEMENT_COLS, placements))


@transaction.atomic
def synth(scale: str = "demo", seed: int = 2021, progress: Progress | None = None) -> dict[str, int]:
    """Generate the network below the county pairs and their records; returns row counts by kind.
    `progress` counts the county pairs done."""
    from shanhai.demo.fixture import demo_network_load

    gen = Generator(scale, seed)
    if scale in ("demo", "mini"):
        demo_network_load()
        county_pairs = list(Pairing.objects.filter(kind=PairingKind.COUNTY).select_related("east_region", "west_region")
                            .order_by("east_region__code", "west_region__code"))
    else:
        programme, _ = Programme.objects.get_or_create(
            name="东西部协作（合成数据）", defaults={"kind": ProgrammeKind.EAST_WEST, "start_year": 2021, "end_year": 2025}
        )
        pairs = PROVINCE_PAIRS[4:5] if scale == "province" else PROVINCE_PAIRS
        county_pairs = gen.national_network(programme, pairs)
    fresh = [p for p in county_pairs if not p.dispatches.exists()]
    # Roll-ups are rebuilt once afterwards (`indicators rebuild`), not maintained row by row here.
    progress = progress or Progress()
    progress.start(len(fresh))
    with rollups_paused():
        for i in range(0, len(fresh), CHUNK_PAIRS):
            chunk = fresh[i:i + CHUNK_PAIRS]
            gen.sub_network(chunk)
            gen.records(chunk)
            progress.update(i + len(chunk))
    progress.finish()
    return gen.counts
