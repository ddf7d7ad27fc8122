"""The named part of the demo: programmes, pairings and organisations taken from the reference
reports (广州市南沙区–紫云自治县, 大连市中山区–水城区) and the kinds of pair such reports describe.

Names of regions are resolved through the region lookup, so the fixture also exercises it.
District–banner pairs under 北京市–内蒙古自治区 and the 京津冀 school pair are illustrative.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction

from shanhai.network.models import Organisation, OrgKind, Pairing, PairingKind, Programme, ProgrammeKind
from shanhai.regions.lookup import find_region
from shanhai.regions.models import Region


@dataclass(frozen=True)
class Side:
    region: str
    org: str = ""
    org_kind: str = ""
    place: str = ""


@dataclass(frozen=True)
class PairSpec:
    kind: str
    east: Side
    west: Side
    start: dt.date = dt.date(2021, 1, 1)
    domains: tuple[str, ...] = ()
    children: tuple["PairSpec", ...] = field(default_factory=tuple)


PROGRAMMES = [
    ("东西部协作（2021—2025年）", ProgrammeKind.EAST_WEST, 2021, 2025,
     ["广东省", "辽宁省", "北京市"], ["贵州省", "内蒙古自治区"]),
    ("南水北调中线工程对口协作", ProgrammeKind.COUNTERPART, 2021, 2025, ["北京市"], ["河南省"]),
    ("京津冀教育协同发展", ProgrammeKind.JJJ, 2021, 2025, ["北京市"], ["河北省"]),
]

S = Side
NANSHA, ZIYUN = "广州市南沙区", "紫云自治县"
ZHONGSHAN, SHUICHENG = "大连市中山区", "水城区"

NANSHA_ZIYUN = PairSpec(
    PairingKind.COUNTY, S(NANSHA), S(ZIYUN), domains=("education", "health", "industry", "labour", "consumption"),
    children=(
        PairSpec(PairingKind.TOWNSHIP, S(NANSHA, place="东涌镇"), S(ZIYUN, place="坝羊镇")),
        PairSpec(PairingKind.TOWNSHIP, S(NANSHA, place="黄阁镇"), S(ZIYUN, place="猫营镇")),
        PairSpec(PairingKind.TOWNSHIP, S(NANSHA, place="横沥镇"), S(ZIYUN, place="四大寨乡")),
        PairSpec(PairingKind.TOWNSHIP, S(NANSHA, place="大岗镇"), S(ZIYUN, place="格凸河镇")),
        PairSpec(PairingKind.TOWNSHIP, S(NANSHA, place="榄核镇"), S(ZIYUN, place="板当镇")),
        PairSpec(PairingKind.VILLAGE, S(NANSHA, place="东涌镇大稳村"), S(ZIYUN, place="坝羊镇坝羊村")),
        PairSpec(PairingKind.SCHOOL, S(NANSHA, "广州市南沙区东涌中学", OrgKind.HIGH_SCHOOL),
                 S(ZIYUN, "紫云自治县民族高级中学", OrgKind.HIGH_SCHOOL), domains=("education",)),
        PairSpec(PairingKind.SCHOOL, S(NANSHA, "广州市南沙区黄阁中学", OrgKind.SECONDARY),
                 S(ZIYUN, "紫云自治县民族中学", OrgKind.SECONDARY), domains=("education",)),
        PairSpec(PairingKind.HOSPITAL, S(NANSHA, "广州市第一人民医院南沙医院", OrgKind.HOSPITAL),
                 S(ZIYUN, "紫云自治县人民医院", OrgKind.HOSPITAL), domains=("health",)),
        PairSpec(PairingKind.ENTERPRISE_VILLAGE, S(NANSHA, "广州南沙农业发展有限公司", OrgKind.ENTERPRISE),
                 S(ZIYUN, "紫云自治县格凸河镇大河村村民委员会", OrgKind.VILLAGE), domains=("industry",)),
        PairSpec(PairingKind.SOCIAL_VILLAGE, S(NANSHA, "南沙区慈善会", OrgKind.SOCIAL),
                 S(ZIYUN, "紫云自治县板当镇板当村村民委员会", OrgKind.VILLAGE), domains=("rural",)),
    ),
)

ZHONGSHAN_SHUICHENG = PairSpec(
    PairingKind.COUNTY, S(ZHONGSHAN), S(SHUICHENG), domains=("education", "health", "labour"),
    children=(
        PairSpec(PairingKind.SCHOOL, S(ZHONGSHAN, "大连市第十九中学", OrgKind.HIGH_SCHOOL),
                 S(SHUICHENG, "水城区第二中学", OrgKind.HIGH_SCHOOL), domains=("education",)),
        PairSpec(PairingKind.SCHOOL, S(ZHONGSHAN, "大连市第八中学", OrgKind.HIGH_SCHOOL),
                 S(SHUICHENG, "水城区民族中学", OrgKind.HIGH_SCHOOL), domains=("education",)),
        PairSpec(PairingKind.SCHOOL, S(ZHONGSHAN, "大连市中山区尖山小学", OrgKind.PRIMARY),
                 S(SHUICHENG, "水城区第一小学", OrgKind.PRIMARY), domains=("education",)),
        PairSpec(PairingKind.HOSPITAL, S(ZHONGSHAN, "大连市中山区人民医院", OrgKind.HOSPITAL),
                 S(SHUICHENG, "水城区人民医院", OrgKind.HOSPITAL), domains=("health",)),
        PairSpec(PairingKind.TOWNSHIP, S(ZHONGSHAN, place="青泥洼桥街道"), S(SHUICHENG, place="米箩镇")),
    ),
)

TOP = [
    ("东西部协作（2021—2025年）", PairSpec(
        PairingKind.PROVINCE, S("广东省"), S("贵州省"), domains=("industry", "labour", "consumption"),
        children=(PairSpec(PairingKind.PREFECTURE, S("广州市"), S("安顺市"), children=(NANSHA_ZIYUN,)),),
    )),
    ("东西部协作（2021—2025年）", PairSpec(
        PairingKind.PREFECTURE, S("大连市"), S("六盘水市"), domains=("education", "health"), children=(ZHONGSHAN_SHUICHENG,),
    )),
    ("东西部协作（2021—2025年）", PairSpec(
        PairingKind.PROVINCE, S("北京市"), S("内蒙古自治区"), domains=("industry", "consumption", "labour"),
        children=(
            PairSpec(PairingKind.COUNTY, S("北京市海淀区"), S("察哈尔右翼后旗"), children=(
                PairSpec(PairingKind.HOSPITAL, S("北京市海淀区", "北京市海淀医院", OrgKind.HOSPITAL),
                         S("察哈尔右翼后旗", "察哈尔右翼后旗医院", OrgKind.HOSPITAL)),
            )),
            PairSpec(PairingKind.COUNTY, S("北京市朝阳区"), S("科尔沁左翼后旗")),
            PairSpec(PairingKind.COUNTY, S("北京市丰台区"), S("兴和县")),
        ),
    )),
    ("南水北调中线工程对口协作", PairSpec(
        PairingKind.COUNTY, S("北京市延庆区"), S("河南省内乡县"), domains=("ecology", "industry", "education"),
        children=(
            PairSpec(PairingKind.SCHOOL, S("北京市延庆区", "北京市延庆区第一中学", OrgKind.HIGH_SCHOOL),
                     S("河南省内乡县", "内乡县高级中学", OrgKind.HIGH_SCHOOL)),
        ),
    )),
    ("京津冀教育协同发展", PairSpec(
        PairingKind.SCHOOL, S("北京市朝阳区", "北京市第八十中学", OrgKind.HIGH_SCHOOL),
        S("保定市容城县", "容城县容城中学", OrgKind.HIGH_SCHOOL), start=dt.date(2021, 9, 1), domains=("education",),
    )),
]


def _region(name: str) -> Region:
    return find_region(name, label="演示数据地区")


def _org(side: Side, region: Region) -> Organisation | None:
    if not side.org:
        return None
    org, _ = Organisation.objects.get_or_create(name=side.org, region=region, defaults={"kind": side.org_kind})
    return org


def _pairing(spec: PairSpec, programme: Programme, parent: Pairing | None) -> Pairing:
    east, west = _region(spec.east.region), _region(spec.west.region)
    east_org, west_org = _org(spec.east, east), _org(spec.west, west)
    # Organisations sit in the county, the pairing in the county too (the lowest region level).
    pairing = Pairing.objects.filter(
        programme=programme, kind=spec.kind, east_region=east, west_region=west, east_org=east_org, west_org=west_org,
        east_place=spec.east.place, west_place=spec.west.place,
    ).first()
    if pairing is None:
        pairing = Pairing(
            programme=programme, kind=spec.kind, parent=parent, east_region=east, west_region=west,
            east_org=east_org, west_org=west_org, east_place=spec.east.place, west_place=spec.west.place,
            start_date=spec.start, end_date=dt.date(2025, 12, 31), domains=list(spec.domains),
        )
        pairing.full_clean()
        pairing.save()
    for child in spec.children:
        _pairing(child, programme, pairing)
    return pairing


@transaction.atomic
def demo_network_load() -> list[Pairing]:
    """Create (or find) the demo programmes and pairings; returns the top pairings."""
    programmes = {}
    for name, kind, start, end, east, west in PROGRAMMES:
        programme, created = Programme.objects.get_or_create(
            name=name, defaults={"kind": kind, "start_year": start, "end_year": end}
        )
        if created:
            programme.east_provinces.set([_region(n) for n in east])
            programme.west_provinces.set([_region(n) for n in west])
        programmes[name] = programme
    return [_pairing(spec, programmes[name], None) for name, spec in TOP]


@transaction.atomic
def demo_teams_load() -> None:
    """Agreements, a 组团式 education team and 师带徒 pairs on the named pairings (idempotent)."""
    from shanhai.network.models import Agreement
    from shanhai.people.models import Mentorship, Person, Profession, Team

    county = Pairing.objects.filter(kind=PairingKind.COUNTY, east_region__code="440115", west_region__code="520425").first()
    school = Pairing.objects.filter(kind=PairingKind.SCHOOL, west_org__name="紫云自治县民族高级中学").first()
    hospital = Pairing.objects.filter(kind=PairingKind.HOSPITAL, west_org__name="紫云自治县人民医院").first()
    if county is None or school is None or hospital is None or Team.objects.filter(pairing=school).exists():
        return
    for pairing, title, signed, domains in (
        (county, "广州市南沙区—紫云自治县东西部协作框架协议（2021—2025年）", dt.date(2021, 4, 20), ["industry", "labour", "consumption"]),
        (school, "东涌中学—紫云自治县民族高级中学结对帮扶协议", dt.date(2021, 9, 1), ["education"]),
        (hospital, "广州市第一人民医院南沙医院—紫云自治县人民医院“组团式”帮扶协议", dt.date(2021, 7, 19), ["health"]),
    ):
        Agreement.objects.create(pairing=pairing, title=title, signed_on=signed, domains=domains)
    assert school.east_org is not None and school.west_org is not None
    assert hospital.east_org is not None and hospital.west_org is not None
    teachers = [
        Person.objects.create(name=name, gender=g, organisation=school.east_org, profession=Profession.TEACHER, title=t)
        for name, g, t in (("陈志远", "male", "高级教师、挂职副校长"), ("林晓敏", "female", "英语高级教师"),
                           ("黄家豪", "male", "数学一级教师"), ("吴静怡", "female", "化学一级教师"))
    ]
    team = Team.objects.create(pairing=school, name="南沙区教育“组团式”帮扶团队", domain="education",
                               host=school.west_org, leader=teachers[0], start_date=dt.date(2023, 2, 20))
    team.members.set(teachers)
    doctors = [
        Person.objects.create(name=name, gender=g, organisation=hospital.east_org, profession=Profession.MEDICAL, title=t)
        for name, g, t in (("郑国栋", "male", "主任医师、挂职副院长"), ("何丽华", "female", "副主任护师"))
    ]
    med_team = Team.objects.create(pairing=hospital, name="医疗“组团式”帮扶队", domain="health", host=hospital.west_org,
                                   leader=doctors[0], start_date=dt.date(2022, 7, 19))
    med_team.members.set(doctors)
    apprentices = [
        Person.objects.create(name=name, gender=g, organisation=org, profession=prof)
        for name, g, org, prof in (("罗文斌", "male", school.west_org, Profession.TEACHER),
                                   ("杨秀兰", "female", school.west_org, Profession.TEACHER),
                                   ("韦明亮", "male", hospital.west_org, Profession.MEDICAL))
    ]
    for mentor, apprentice, pairing, domain in ((teachers[1], apprentices[0], school, "education"),
                                                (teachers[2], apprentices[1], school, "education"),
                                                (doctors[0], apprentices[2], hospital, "health")):
        Mentorship.objects.create(pairing=pairing, mentor=mentor, apprentice=apprentice, domain=domain,
                                  start_date=dt.date(2023, 3, 1))
