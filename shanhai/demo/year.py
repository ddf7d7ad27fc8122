"""The demo's programme year: 2022 closed and locked, 2023 under way at every stage, one login per role.

2023 南沙→紫云 carries the agreement's targets for every headline indicator (set from the seed article's
figures, so its pages show completion against target beside completion against last year); its plan is
approved (targets locked), 紫云's report is entered and ready to submit, 南沙's is submitted and 南沙
disputes one of 紫云's figures. The other county pairs show the remaining stages: submitted, reviewed,
returned with a comment, approved (locked) and accepted. Every step goes through `workflow.services`
as the person who would take it, so the steps, e-mails and locks are the real ones.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib.auth.models import Group, User
from django.db import transaction

from shanhai.accounts.models import Scope
from shanhai.accounts.roles import CITY, DATA_ENTRY, NATIONAL, PROVINCE, VIEWER
from shanhai.indicators.models import Target
from shanhai.indicators.selectors import indicator_table
from shanhai.indicators.services import target_set
from shanhai.network.models import Pairing, PairingKind, Programme
from shanhai.regions.lookup import find_region
from shanhai.workflow import grid, reconcile, services
from shanhai.workflow.checks import rules_for
from shanhai.workflow.models import Kind, Period, RuleKind, Submission

YEAR = 2023
# 2023 targets of 南沙→紫云 (the yearly agreement's 目标任务), chosen below the seed article's figures.
TARGETS_2023 = {
    "funds.fiscal": 18_000_000, "cadre.e2w": 5, "talent.e2w": 40, "talent.w2e": 300,
    "train.cadre.people": 500, "train.talent.people": 1_400, "train.labor.people": 500,
    "labor.employed": 4_500, "labor.employed.new": 3_000, "workshop.count": 10, "workshop.jobs": 600,
    "industry.enterprise": 8, "industry.investment": 900_000_000, "industry.jobs": 400,
    "consume.sales": 8_000_000, "lead.visit": 2, "edu.study_tour": 300,
}
# last year's, for the plan page's "上年目标" column
TARGETS_2022 = {code: int(Decimal(v) * Decimal("0.9")) for code, v in TARGETS_2023.items()}


def _user(username: str, password: str, role: str, email: str, **scope: object) -> User:
    user, created = User.objects.get_or_create(username=username, defaults={"email": email})
    if not user.email:
        user.email = email
        user.save(update_fields=["email"])
    if created:
        user.set_password(password)
        user.save()
        user.groups.add(Group.objects.get(name=role))
        if scope:
            Scope.objects.create(user=user, **scope)
    return user


def demo_people(password: object) -> list[tuple[str, str, str]]:
    """(username, password, note) of one demo login per role of the cycle; `password(name)` gives each."""
    school = Pairing.objects.filter(kind=PairingKind.SCHOOL, west_org__name="紫云自治县民族高级中学").first()
    people = [
        ("guojia", NATIONAL, {}, "全国东西部协作办公室（全国管理员，兼全国考核评审）：基础数据、确认省级审定、"
         "开启与评审年度考核"),
        ("guangdong", PROVINCE, {"region": find_region("广东省")}, "广东省协作办（省级协调员）：审定东部报告、管理账号"),
        ("guizhou", PROVINCE, {"region": find_region("贵州省")}, "贵州省协作办（省级协调员）：审定、锁定与解锁，"
         "调整考核得分"),
        ("anshun", CITY, {"region": find_region("安顺市")}, "安顺市协作办（市州协调员）：审核紫云的报告，"
         "裁定紫云的考核异议"),
        ("nansha", DATA_ENTRY, {"region": find_region("广州市南沙区")}, "南沙区填报员：东部报告、对账异议"),
        ("ziyun", DATA_ENTRY, {"region": find_region("紫云自治县")}, "紫云自治县填报员：西部报告、年度协议目标"),
        ("viewer", VIEWER, {"region": find_region("紫云自治县")}, "紫云自治县查看员：只读"),
    ]
    if school is not None:
        people.append(("school", DATA_ENTRY, {"pairing": school}, "东涌中学—紫云民族高级中学结对的学校填报员"))
    out = []
    for username, role, scope, note in people:
        pw = password(username)  # type: ignore[operator]
        _user(username, pw, role, f"{username}@demo.shanhai.local", **scope)
        out.append((username, pw, note))
    return out


def _figures(sub: Submission, extra: dict[str, object] | None = None) -> dict[str, str]:
    """The figures a side would type: the records' computed value for every required indicator and
    every reconciled one (0 where none), plus `extra`."""
    rules = rules_for(sub)
    codes = {r.indicator.code for r in rules if r.indicator and r.kind in (RuleKind.REQUIRED, RuleKind.RECONCILE)}
    codes |= {r.indicator.code for r in reconcile.CheckRule.objects.filter(kind=RuleKind.RECONCILE)}
    rows = {r.code: r for r in grid.report_grid(sub)}
    out = {code: str(rows[code].computed or 0) for code in codes if code in rows}
    out.update({k: str(v) for k, v in (extra or {}).items()})
    return out


def _explain(sub: Submission) -> None:
    """Outliers the rules flag get the explanation an officer would write."""
    for problem in services.problems(sub):
        if "情况说明" in problem.message:
            grid.explanation_set(None, sub, problem.indicator, "含上年结转项目当年到位部分，已附拨付凭证。")


def _report(pairing: Pairing, period: Period, side: str, extra: dict[str, object] | None = None) -> Submission:
    sub = services.submission_for(pairing, period, Kind.REPORT, side)
    grid.grid_save(None, sub, _figures(sub, extra))
    _explain(sub)
    return sub


def _walk(sub: Submission, steps: list[tuple[User | None, str, str]]) -> None:
    for user, action, comment in steps:
        services.move(user, sub, action, comment=comment, notify=False)


@transaction.atomic
def demo_year_load(people: dict[str, User]) -> None:
    """Idempotent: does nothing once the demo's 2023 period exists."""
    programme = Programme.objects.filter(name__startswith="东西部协作").order_by("id").first()
    if programme is None or Period.objects.filter(programme=programme, year=YEAR).exists():
        return
    for prog in Programme.objects.all():
        Period.objects.get_or_create(programme=prog, year=YEAR - 1, quarter=0,
                                     defaults={"plan_due": dt.date(YEAR - 1, 3, 31), "due": dt.date(YEAR, 1, 31)})
        Period.objects.get_or_create(programme=prog, year=YEAR, quarter=0,
                                     defaults={"plan_due": dt.date(YEAR, 3, 31), "due": dt.date(YEAR + 1, 1, 31)})
    nansha_ziyun = Pairing.objects.filter(kind=PairingKind.COUNTY, east_region=find_region("广州市南沙区"),
                                          west_region=find_region("紫云自治县")).first()
    counties = list(Pairing.objects.filter(kind=PairingKind.COUNTY).select_related("programme").order_by("pk"))
    if nansha_ziyun is None:
        return
    nation, gz, gd, anshun = people["guojia"], people["guizhou"], people["guangdong"], people["anshun"]
    nansha, ziyun = people["nansha"], people["ziyun"]

    # 2022: closed — every county pair's two reports accepted (locked)
    for pairing in counties:
        period = Period.objects.get(programme=pairing.programme, year=YEAR - 1, quarter=0)
        for side in ("west", "east"):
            sub = _report(pairing, period, side)
            _walk(sub, [(None, "submit", ""), (None, "approve", ""), (nation, "accept", "")])

    # 2023 南沙→紫云: targets (last year's too), the plan approved and locked
    for code, value in TARGETS_2022.items():
        if not Target.objects.filter(pairing=nansha_ziyun, year=YEAR - 1, indicator__code=code).exists():
            target_set(indicator=code, year=YEAR - 1, value=value, pairing=nansha_ziyun)
    period = Period.objects.get(programme=nansha_ziyun.programme, year=YEAR, quarter=0)
    plan = services.submission_for(nansha_ziyun, period, Kind.PLAN)
    grid.grid_save(ziyun, plan, {code: str(v) for code, v in TARGETS_2023.items()})
    _walk(plan, [(ziyun, "submit", ""), (gz, "approve", "")])
    # 紫云 has entered its figures (the seed article's, where it states them) and not yet submitted;
    # 南沙 submitted its own and disputes 紫云's job figure.
    stated = {r.code: r.reported for r in indicator_table(nation, pairing=nansha_ziyun.pk, year=YEAR)
              if r.reported is not None and r.code in TARGETS_2023}
    if "cadre.e2w" in stated:  # the article gives both directions: their sum is the exchange
        w2e = next((r.reported for r in indicator_table(nation, pairing=nansha_ziyun.pk, year=YEAR)
                    if r.code == "cadre.w2e"), 0) or 0
        stated["cadre.mutual"] = stated["cadre.e2w"] + w2e
    west = _report(nansha_ziyun, period, "west", stated)
    east_jobs = int(Decimal(stated.get("labor.employed", 0) or 0)) - 205
    east = _report(nansha_ziyun, period, "east", {**stated, "labor.employed": max(east_jobs, 0)})
    _walk(east, [(nansha, "submit", "")])
    reconcile.answer(nansha, nansha_ziyun, period, "labor.employed", "disputed", side="east",
                     comment="南沙台账2023年帮助紫云农村劳动力就业比紫云填报数少205人，请核对是否含2022年已转移人数。")
    assert west.state == "draft"

    # the other county pairs, one stage each
    stages = [
        [(None, "submit", "")],
        [(None, "submit", ""), (None, "review", "")],
        [(None, "submit", ""), (nation, "return", "请补充消费帮扶销售额的佐证材料，并核对培训人次。")],
        [(None, "submit", ""), (None, "approve", "")],
        [(None, "submit", ""), (None, "approve", ""), (nation, "accept", "")],
    ]
    others = [p for p in counties if p.pk != nansha_ziyun.pk]
    for pairing, steps in zip(others, stages, strict=False):
        period = Period.objects.get(programme=pairing.programme, year=YEAR, quarter=0)
        _walk(_report(pairing, period, "west"), steps)
    del gd, anshun  # logins of the story; their work is in their "my work" lists
