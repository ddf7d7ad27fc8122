"""Every figure a report prints, gathered once from the platform's own selectors (issue 11).

`report_data` is the one read behind the tables (.xlsx), the summary (.docx) and their PDF: the
indicator rows come from `indicators.selectors.indicator_table` (computed and reported values,
targets, last year, completion), trends from `selectors.trend`, rankings from
`selectors.region_summary` / `selectors.ranking`, and the approval state from the yearly cycle
(`workflow.models.Submission`). Nothing here recomputes a figure.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth.models import User
from django.utils import timezone

from shanhai.accounts.writes import is_national
from shanhai.core.errors import ShanhaiError
from shanhai.indicators import selectors as sel
from shanhai.network.models import Pairing, Programme
from shanhai.workflow.models import LOCKED_STATES, Kind, Period, Submission

Number = int | Decimal

# The sheets and sections of a report, in the order offices use (组织领导 … 教育/医疗).
DOMAINS: tuple[tuple[str, str, str], ...] = (
    ("leadership", "组织领导", "Leadership"),
    ("funds", "资金与项目", "Funds and projects"),
    ("talent", "干部人才", "Cadres and professionals"),
    ("training", "培训", "Training"),
    ("labour", "劳务协作", "Labour cooperation"),
    ("industry", "产业合作", "Industrial cooperation"),
    ("consumption", "消费帮扶", "Consumption assistance"),
    ("social", "社会帮扶", "Social assistance"),
    ("education", "教育/医疗", "Education and health"),
)
# Catalogue categories that do not name a domain of their own.
_DOMAIN_OF_CODE = {"funds.social": "social", "funds.education": "education", "funds.medical": "education",
                   "med.equipment": "education", "pair.enterprise_village": "social",
                   "pair.social_village": "social"}
_DOMAIN_OF_CATEGORY = {"network": "leadership"}

# The figures the opening paragraph leads with.
HEADLINE = ("funds.fiscal", "cadre.e2w", "talent.e2w", "train.cadre.people", "labor.employed", "consume.sales")
TREND_CODES = ("funds.fiscal", "labor.employed", "consume.sales")


def domain_of(code: str, category: str) -> str:
    if code in _DOMAIN_OF_CODE:
        return _DOMAIN_OF_CODE[code]
    base = code.rsplit(".", 1)[0] if code.endswith((".east_units", ".west_units", ".new")) else code
    return _DOMAIN_OF_CODE.get(base) or _DOMAIN_OF_CATEGORY.get(category, category)


@dataclass(frozen=True)
class Figure:
    """One indicator of the report: the selector's row, with its domain and where each number came from."""

    code: str
    zh: str
    en: str
    unit: str  # catalogue unit (yuan, person, …)
    agg: str
    domain: str
    target: Number | None
    computed: Number | None
    reported: Number | None
    actual: Number | None
    last_year: Number | None
    completion: Decimal | None  # ratio
    completion_basis: str
    official: bool
    records_url: str
    sources: list[str]  # "记录：…" / "报表：文件·表·行" / "报告：句子"

    @property
    def has_value(self) -> bool:
        return bool(self.actual)


@dataclass(frozen=True)
class Ranked:
    label: str
    value: Number
    completion: Decimal | None = None


@dataclass(frozen=True)
class Ranking:
    code: str
    title: str
    rows: list[Ranked]


@dataclass
class ReportData:
    kind: str  # pairing | region | programme
    scope_label: str  # "南沙区 — 紫云自治县", "贵州省（西部）", a programme's name
    east: str | None  # the parties as the prose names them
    west: str | None
    programme: str
    year: int
    quarter: int | None
    status: str  # approved | draft | no_cycle
    status_note: str  # Chinese, printed on the cover and the first page
    figures: list[Figure]
    trends: dict[str, list[tuple[int, Number | None]]] = field(default_factory=dict)
    rankings: list[Ranking] = field(default_factory=list)
    generated_at: dt.datetime = field(default_factory=timezone.now)
    generated_by: str = ""
    pairing_id: int | None = None
    region_code: str | None = None
    side: str | None = None
    programme_id: int | None = None

    @property
    def period_label(self) -> str:
        return f"{self.year}年第{self.quarter}季度" if self.quarter else f"{self.year}年"

    def figure(self, code: str) -> Figure | None:
        return next((f for f in self.figures if f.code == code), None)

    def by_domain(self) -> list[tuple[str, str, str, list[Figure]]]:
        return [(key, zh, en, [f for f in self.figures if f.domain == key]) for key, zh, en in DOMAINS]


def system_user() -> User:
    """The system (a command run without --user): sees everything, like `user=None` for writes."""
    return User(username="system", is_superuser=True, is_active=True)


def _sources(row: sel.IndicatorRow) -> list[str]:
    out = []
    if row.computed and row.records_url:
        out.append(f"记录：{row.records_url}")
    for s in row.reported_sources:
        what = {"form": "填报", "sheet": "报表", "document": "报告"}.get(s.source_kind, "来源")
        # The sentence is named by its link, not quoted: a quoted figure would be read back as a new fact.
        out.append(f"{what}：{s.source_ref}" + (f"（原句：{s.source_url}）" if s.evidence and s.source_url else ""))
    return out


def _actual(r: sel.IndicatorRow) -> Number | None:
    """The figure completion was measured on, as `indicator_table` chose it (a region falls back to its
    pairings' reported figures, which `IndicatorRow.actual` does not know)."""
    return r.actual or (r.reported_pairings if r.reported_pairings is not None else r.actual)


def _figures(rows: list[sel.IndicatorRow]) -> list[Figure]:
    return [Figure(code=r.code, zh=r.zh, en=r.en, unit=r.unit, agg=r.agg, domain=domain_of(r.code, r.category),
                   target=r.target if r.target is not None else r.target_pairings, computed=r.computed,
                   reported=r.reported if r.reported is not None else r.reported_pairings, actual=_actual(r),
                   last_year=r.last_year,
                   completion=r.completion, completion_basis=r.completion_basis, official=r.official,
                   records_url=r.records_url, sources=_sources(r)) for r in rows]


def _status(pairings: list[int], programme_ids: set[int], year: int, quarter: int | None) -> tuple[str, str, int, int]:
    """(status, note, approved, total) of the reports of `pairings` for the period in the yearly cycle."""
    periods = list(Period.objects.filter(programme_id__in=programme_ids, year=year, quarter=quarter or 0)
                   .values_list("pk", flat=True))
    if not periods:
        return "no_cycle", f"{year}年未纳入年度填报审定流程，数据为平台现有记录。", 0, 0
    subs = Submission.objects.filter(period_id__in=periods, kind=Kind.REPORT, pairing_id__in=pairings)
    total = len(pairings) * 2  # both sides report
    approved = subs.filter(state__in=LOCKED_STATES).count()
    if total and approved >= total:
        return "approved", "数据已经省级审定锁定。", approved, total
    return "draft", f"草稿：{approved}/{total} 份工作报告已审定，其余数据尚未审定，仅供参考。", approved, total


def report_data(user: User | None, *, pairing: int | None = None, region: str | None = None, side: str = "west",
                programme: int | None = None, year: int, quarter: int | None = None,
                draft: bool = False) -> ReportData:
    """Gather one report's figures for what `user` may see.

    Exactly one of `pairing`, `region` (+ `side`) or `programme`. An unapproved period is refused unless
    `draft` (then every page is marked 草稿); a scope the user cannot see, an unknown year or a period
    without data are refused with a Chinese `ShanhaiError`.
    """
    if sum(x is not None for x in (pairing, region, programme)) != 1:
        raise ShanhaiError("请只指定一个范围：结对关系（--pairing）、地区（--region 与 --side）或协作项目（--programme）。",
                           field="scope")
    if quarter is not None and quarter not in (1, 2, 3, 4):
        raise ShanhaiError(f"「季度」“{quarter}”应为 1–4。", field="quarter")
    who = user if user is not None else system_user()
    by = who.get_username() if user is not None else "系统"
    if pairing is not None:
        p: Pairing = sel.visible_pairing(who, pairing)
        rows = sel.indicator_table(who, pairing=p, year=year, quarter=quarter)
        kids = list(Pairing.objects.filter(parent_id=p.pk).select_related(
            "east_region", "west_region", "east_org", "west_org").order_by("id"))
        status = _status([p.pk], {p.programme_id}, year, quarter)
        data = ReportData("pairing", f"{p.east_label} — {p.west_label}", p.east_label, p.west_label, p.programme.name,
                          year, quarter, status[0], status[1], _figures(rows), pairing_id=p.pk,
                          programme_id=p.programme_id, generated_by=by)
        data.trends = {c: sel.trend(who, code=c, years=range(year - 3, year + 1), pairing=p) for c in TREND_CODES}
        data.rankings = _child_rankings(who, kids, year, quarter)
    elif region is not None:
        if side not in ("east", "west"):
            raise ShanhaiError(f"「地区所在方」“{side}”应为 east（东部）或 west（西部）。", field="side")
        if not sel.region_in_view(who, code=region, side=side):
            raise ShanhaiError(f"地区“{region}”不在您的数据范围内，不能生成报告。", field="region", code="forbidden")
        summary = sel.region_summary(who, code=region, side=side, year=year)
        rows = sel.indicator_table(who, region=region, side=side, year=year, quarter=quarter)
        pids = [ps.id for ps in summary.pairings]
        programmes = set(Pairing.objects.filter(pk__in=pids).values_list("programme_id", flat=True))
        status = _status(pids, programmes, year, quarter)
        side_zh = "东部" if side == "east" else "西部"
        data = ReportData("region", f"{summary.name}（{side_zh}）", summary.name if side == "east" else None,
                          summary.name if side == "west" else None,
                          "、".join(Programme.objects.filter(pk__in=programmes).values_list("name", flat=True)),
                          year, quarter, status[0], status[1], _figures(rows), region_code=region, side=side,
                          generated_by=by)
        data.trends = {c: sel.trend(who, code=c, years=range(year - 3, year + 1), region=region, side=side)
                       for c in TREND_CODES}
        data.rankings = [Ranking(c, "", sorted(
            (Ranked(ps.label, ps.values.get(c) or 0, ps.completion.get(c)) for ps in summary.pairings
             if ps.values.get(c)), key=lambda r: (-r.value, r.label))) for c in sel.HEADLINE]
    else:
        if user is not None and not is_national(user):
            raise ShanhaiError("协作项目的全国报告只有全国协作办可以生成；请按地区生成（--region）。",
                               field="programme", code="forbidden")
        prog = Programme.objects.filter(pk=programme).first()
        if prog is None:
            raise ShanhaiError(f"协作项目“{programme}”不存在。", field="programme", code="not_found")
        rows = sel.indicator_table(who, programme=prog.pk, year=year, quarter=quarter)
        pids = list(Pairing.objects.filter(programme=prog, kind="county").values_list("pk", flat=True))
        status = _status(pids, {prog.pk}, year, quarter)
        data = ReportData("programme", prog.name, None, None, prog.name, year, quarter, status[0], status[1],
                          _figures(rows), programme_id=prog.pk, generated_by=by)
        data.trends = {c: sel.trend(who, code=c, years=range(year - 3, year + 1), programme=prog.pk)
                       for c in TREND_CODES}
        data.rankings = [Ranking(c, "", [Ranked(r.name, r.value) for r in sel.ranking(
            who, code=c, year=year, level="province", side="west", programme=prog.pk)]) for c in sel.HEADLINE]
    names = {f.code: f.zh for f in data.figures}
    data.rankings = [Ranking(r.code, names.get(r.code, r.code), r.rows) for r in data.rankings if r.rows]
    if not any(f.has_value for f in data.figures if not f.code.startswith("pair.")):
        raise ShanhaiError(f"{data.scope_label} {data.period_label}没有任何数据，不能生成报告。", field="year",
                           code="empty")
    if data.status == "draft" and not draft:
        raise ShanhaiError(f"{data.scope_label} {data.period_label}的工作报告尚未审定（{data.status_note}）"
                           "不能生成正式报告；如需草稿，请选择“草稿”（命令行加 --draft）。", field="year", code="unapproved")
    return data


def _child_rankings(user: User, kids: list[Pairing], year: int, quarter: int | None) -> list[Ranking]:
    """The direct sub-pairings ranked by each headline figure, read through the same indicator table."""
    values: dict[str, list[Ranked]] = {c: [] for c in sel.HEADLINE}
    for kid in kids[:12]:  # a county pair's schools, villages …; the annex lists the rest through the records
        rows = {r.code: r for r in sel.indicator_table(user, pairing=kid.pk, year=year, quarter=quarter)
                if r.code in values}
        for c, r in rows.items():
            if r.actual:
                values[c].append(Ranked(f"{kid.east_label} — {kid.west_label}", r.actual, r.completion))
    return [Ranking(c, "", sorted(v, key=lambda r: (-r.value, r.label))) for c, v in values.items()]
