"""Page builders: each page's view makes ONE call here, which asks the indicator selectors.

This module never touches raw records (dispatches, sales, placements …): every figure comes from
`shanhai.indicators.selectors`, which reads the maintained roll-ups and scopes through `visible`.
What it adds is presentation: tables (shared by the HTML and the .xlsx/CSV export), chart
specifications (drawn by static/shanhai/charts.js with ECharts), links between pages, and the
reference data a page needs to label things (regions from the in-memory region index, programmes).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Max, Min
from django.http import QueryDict
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from shanhai.accounts.models import Scope
from shanhai.core.errors import ShanhaiError
from shanhai.indicators import selectors
from shanhai.indicators.models import Indicator
from shanhai.indicators.selectors import IndicatorRow, PairingProfile, RegionSummary, SubPairing
from shanhai.network.models import Programme
from shanhai.regions.lookup import get_index
from shanhai.regions.models import Region
from shanhai.web import records
from shanhai.web.cache import figures
from shanhai.web.formatting import (
    category_label,
    english,
    indicator_name,
    kind_labels,
    level_label,
    pairing_label,
    place,
    side_label,
    status_labels,
    unit_label,
)
from shanhai.web.params import PageParams
from shanhai.web.tables import Col, Table

UserLike = User | AnonymousUser

# Shown as cards on the overview, in this order (catalogue codes).
HEADLINE_CODES = (
    "funds.fiscal", "funds.social", "industry.investment", "consume.sales", "project.count",
    "cadre.e2w", "talent.e2w", "train.labor.people", "labor.employed", "pair.county",
)
# What each headline card counts, shown on the card (the counting rules are in indicators/rules.py).
HEADLINE_COUNTS = {
    "funds.fiscal": gettext_noop("按资金年度安排的财政帮扶资金合计"),
    "funds.social": gettext_noop("当年捐赠的款物（折价）合计"),
    "industry.investment": gettext_noop("当年引导落地企业的实际投资额合计"),
    "consume.sales": gettext_noop("当年消费帮扶销售额合计"),
    "project.count": gettext_noop("当年开工的帮扶项目个数"),
    "cadre.e2w": gettext_noop("当年选派（计划到岗）的东部党政挂职干部人数"),
    "talent.e2w": gettext_noop("当年选派（计划到岗）的东部专业技术人才人数"),
    "train.labor.people": gettext_noop("当年开班的劳动力技能培训人次"),
    "labor.employed": gettext_noop("当年帮助就业的人数"),
}
IN_FORCE_COUNTS = gettext_noop("年内在结对的对数：开始不晚于年末、未在年初前结束（含暂停，不含筹备中）")
DEFAULT_CODE = "funds.fiscal"
RANKING_CHART_ROWS = 20  # the chart shows the top ones; the table below lists every region


# --- small helpers --------------------------------------------------------------------------------


def _chart_number(value: Any) -> int | float | None:
    """A JSON number for a chart (charts only draw; tables and exports keep the exact value)."""
    if value is None:
        return None
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def _url(name: str, *args: object, query: str = "") -> str:
    url = reverse(name, args=args)
    return f"{url}?{query}" if query else url


_SLOT = "987654321"  # stands for the argument in a reversed URL pattern


def _split(name: str) -> tuple[str, str]:
    head, tail = reverse(name, args=[_SLOT]).split(_SLOT)
    return head, tail


@dataclass(frozen=True)
class Links:
    """URL builders for one page build: a page links hundreds of regions and pairings, so each URL
    pattern is reversed once and then filled in."""

    region_at: tuple[str, str]
    pairing_at: tuple[str, str]

    @classmethod
    def make(cls) -> Links:
        return cls(_split("web:region"), _split("web:pairing"))

    def region(self, code: str, side: str, year: int | None = None) -> str:
        head, tail = self.region_at
        return f"{head}{code}{tail}?side={side}" + (f"&year={year}" if year else "")

    def pairing(self, pairing_id: int, year: int | None = None) -> str:
        head, tail = self.pairing_at
        return f"{head}{pairing_id}{tail}" + (f"?year={year}" if year else "")


def year_choices() -> list[int]:
    """The years a page offers, newest first: the programmes' years up to this year."""
    span = Programme.objects.aggregate(lo=Min("start_year"), hi=Max("end_year"))
    this_year = timezone.localdate().year
    hi = min(span["hi"] or this_year, this_year)
    lo = min(span["lo"] or hi - 4, hi)
    return list(range(hi, lo - 1, -1))


class Trends:
    """`selectors.trend` for one page build: picking the default year and drawing the trend chart
    often ask for the same series, and on a partly visible scope each call costs a real query."""

    def __init__(self, user: UserLike, years: list[int]) -> None:
        self.user, self.years = user, sorted(years)
        self.note = ""  # why the default year was chosen (set by `default_year`)
        self._series: dict[tuple[Any, ...], list[tuple[int, Any]]] = {}

    def points(self, code: str, **scope: Any) -> list[tuple[int, Any]]:
        key = (code, *sorted(scope.items()))
        if key not in self._series:
            self._series[key] = list(selectors.trend(self.user, code=code, years=self.years, **scope))
        return self._series[key]

    def default_year(self, **scope: Any) -> int:
        """The programme's current reporting year for the scope, never a future one; `self.note` then
        says which year is shown and why.

        Of the offered years (up to this calendar year), the latest whose data cover at least half
        as many indicators as the broadest year (pairing counts left out): a year with only a few
        early or imported rows does not turn every figure into zero. Without data: the latest
        offered year.
        """
        self.note = ""
        if not self.years:
            return timezone.localdate().year
        offered = set(self.years)
        breadth = selectors.data_by_year(self.user, **scope)
        later = sorted(y for y in breadth if y > max(self.years))
        with_data = {y: n for y, n in breadth.items() if y in offered}
        if not with_data:
            year = max(self.years)
            self.note = _("显示 %(year)s 年（本范围尚无数据，显示最近的年度）") % {"year": year}
            return year
        widest = max(with_data.values())
        year = max(y for y, n in with_data.items() if 2 * n >= widest)
        thin = sorted(y for y in with_data if y > year)
        if thin:
            self.note = _("显示 %(year)s 年（最近一个数据较完整的年度；%(thin)s 年目前只有少量指标有数据，可在“年度”中选看）") % {
                "year": year, "thin": "、".join(map(str, thin))}
        else:
            self.note = _("显示 %(year)s 年（最近一个有数据的年度）") % {"year": year}
        if later:
            self.note += _("；%(later)s 年的记录晚于可选的年度，默认不显示") % {"later": "、".join(map(str, later))}
        return year


def on_post_day(year: int) -> dt.date:
    """The day whose people on post a page for `year` lists: today in the current year, else the
    year's last day."""
    today = timezone.localdate()
    return today if year == today.year else dt.date(year, 12, 31)


def programme_choices() -> list[tuple[int, str]]:
    return list(Programme.objects.order_by("name").values_list("id", "name"))


def scope_label(user: UserLike) -> str:
    """What the user's pages cover: the country for a superuser, else their scopes."""
    if user.is_superuser:
        return _("全国")
    scopes = list(Scope.objects.filter(user=user).select_related(
        "region", "pairing__east_region", "pairing__west_region", "pairing__east_org", "pairing__west_org"))
    if not scopes:
        return _("无数据范围")
    return _("、").join(place(s.region.name) if s.region else pairing_label(str(s.pairing)) for s in scopes)


def region_ref(code: str) -> Region:
    """A region of the table by code (reference data, from the in-memory index), or a 404-type error."""
    region = get_index().by_code.get(code)
    if region is None:
        raise ShanhaiError(_("没有代码为“%(code)s”的行政区划。") % {"code": code}, code="not_found")
    return region


def ancestors(region: Region) -> list[Region]:
    chain: list[Region] = []
    node = region.parent
    while node is not None:
        chain.append(node)
        node = node.parent
    return list(reversed(chain))


# --- charts ---------------------------------------------------------------------------------------


def bar_chart(*, title: str, unit: str, names: list[str], values: list[Any], links: list[str],
              series_name: str, horizontal: bool = True, empty: str = "") -> dict[str, Any]:
    return {
        "type": "bar", "horizontal": horizontal, "title": title, "unit": unit,
        "categories": names, "links": links,
        "series": [{"name": series_name, "data": [_chart_number(v) for v in values]}],
        "empty": empty or _("暂无数据"),
    }


def line_chart(*, title: str, unit: str, points: list[tuple[int, Any]], series_name: str) -> dict[str, Any]:
    return {
        "type": "line", "horizontal": False, "title": title, "unit": unit,
        "categories": [str(year) for year, _v in points], "links": [],
        "series": [{"name": series_name, "data": [_chart_number(v) for _y, v in points]}],
        "empty": _("暂无数据"),
    }


# --- the indicator table, shared by every page ----------------------------------------------------


_YEAR_PARAM = re.compile(r"([?&](?:year|in_force)=)\d+")


def _is_in_force(code: str) -> bool:
    """A pairing count (`pair.<kind>`): the pairings in force in the year, not those set up in it."""
    return code.startswith("pair.") and code.count(".") == 1


def _with_year(url: str, year: int) -> str:
    """The same admin list for another year (the records behind last year's value)."""
    changed, found = _YEAR_PARAM.subn(rf"\g<1>{year}", url) if url else ("", 0)
    return changed if found else ""


def _target_url(code: str, year: int, scope: dict[str, Any]) -> str:
    """The admin list of targets behind a target figure (searched by indicator code, filtered by scope)."""
    params = QueryDict(mutable=True)
    params["q"] = code
    params["year"] = str(year)
    for key in ("pairing", "region", "side"):
        if scope.get(key):
            params[key] = str(scope[key])
    return f"{reverse('admin:indicators_target_changelist')}?{params.urlencode()}"


def indicator_rows_table(rows: list[IndicatorRow], *, title: str, filename: str, year: int,
                         scope: dict[str, Any] | None = None) -> Table:
    columns = [
        Col("name", _("指标")),
        Col("code", _("指标代码")),
        Col("category", _("类别")),
        Col("unit", _("单位")),
        Col("target", _("目标"), "int"),
        Col("computed", _("实际（记录计算）"), "int", link_key="records_url"),
        Col("reported", _("实际（填报）"), "int", link_key="sources_anchor"),
        Col("target_pairings", _("各结对目标合计"), "int"),
        Col("reported_pairings", _("各结对上报合计"), "int"),
        Col("last_year", _("上年同期"), "int"),
        Col("completion", _("完成率"), "percent"),
        Col("basis", _("完成率依据")),
        Col("flags", _("提示")),
    ]
    table_rows = []
    for row in rows:
        name = indicator_name(row)
        if _is_in_force(row.code):
            name = _("%(indicator)s（年内在结对）") % {"indicator": name}
        flags = []
        if row.differs:
            flags.append(_("计算值与填报值不一致"))
        if row.stated_rate_flag:
            flags.append(_("文中完成率与计算不符"))
        table_rows.append({
            "name": name, "code": row.code, "category": category_label(row.category),
            "unit": unit_label(row.unit), "target": row.target, "computed": row.computed,
            "reported": row.reported, "last_year": row.last_year, "completion": row.completion,
            "basis": _basis(row.completion_basis), "target_pairings": row.target_pairings,
            "reported_pairings": row.reported_pairings, "flags": "；".join(flags), "records_url": row.records_url,
            "last_year_url": _with_year(row.records_url, year - 1) if row.computed is not None else "",
            "target_url": _target_url(row.code, year, scope or {}) if row.target is not None else "",
            "sources_anchor": f"#src-{row.code}" if row.reported_sources else "",
            "agg": row.agg, "computable": row.computable, "sources": row.reported_sources,
            "differs": row.differs, "stated_rate_flag": row.stated_rate_flag,
        })
    return Table("indicators", title, columns, table_rows, filename=filename)


def _quarter_label(params: PageParams) -> str:
    """Appended to an indicator table's title in a quarter or month view (cards and table follow it;
    rankings, trends and the map stay yearly)."""
    if params.month:
        return _("（%(month)s月；只按年度记录的指标和结对数不分月份，不显示）") % {"month": params.month}
    if not params.quarter:
        return ""
    return _("（第%(quarter)s季度；只按年度记录的指标和结对数不分季度，不显示）") % {"quarter": params.quarter}


def _basis(basis: str) -> str:
    return {"target": _("对比目标"), "pairing_targets": _("对比各结对目标合计"),
            "last_year": _("对比上年")}.get(basis, "")


def _headlines(rows: list[IndicatorRow]) -> list[dict[str, Any]]:
    by_code = {row.code: row for row in rows}
    cards = []
    for code in HEADLINE_CODES:
        row = by_code.get(code)
        if row is None:
            continue
        completion = row.completion
        new = by_code.get(f"{code}.new") if code.startswith("pair.") else None
        cards.append({
            "counts": _(IN_FORCE_COUNTS) if code.startswith("pair.") else _(HEADLINE_COUNTS.get(code, "")),
            "new": new.computed if new is not None else None, "new_url": new.records_url if new is not None else "",
            "code": code, "name": indicator_name(row), "unit": unit_label(row.unit),
            "value": row.actual, "computed": row.computed, "reported": row.reported, "target": row.target,
            "target_pairings": row.target_pairings, "reported_pairings": row.reported_pairings,
            "completion": completion,
            "bar": min(int((completion or 0) * 100), 100) if completion is not None else None,
            "basis": _basis(row.completion_basis),
            "records_url": row.records_url,
        })
    return cards


def _code_meta(rows: list[IndicatorRow], code: str) -> IndicatorRow:
    for row in rows:
        if row.code == code:
            return row
    raise ShanhaiError(_("没有代码为“%(code)s”的指标。") % {"code": code}, field="code")


def _trend_parts(trends: Trends, meta: IndicatorRow, year: int, scope_title: str,
                 **scope: Any) -> tuple[Table, dict[str, Any]]:
    points = list(trends.points(meta.code, **scope))
    # Years after the one shown that have no records yet would read as a collapse: leave them off.
    while len(points) > 1 and points[-1][0] > year and not points[-1][1]:
        points.pop()
    name, unit = indicator_name(meta), unit_label(meta.unit)
    title = _("%(scope)s%(indicator)s历年走势") % {"scope": scope_title, "indicator": name}
    table = Table("trend", title, [Col("year", _("年度")), Col("value", name, "int")],
                  [{"year": str(year), "value": value} for year, value in points], filename=title)
    chart = line_chart(title=title, unit=unit, points=points, series_name=name)
    return table, chart


def _rankable(rows: list[IndicatorRow]) -> list[tuple[str, str]]:
    # `last` indicators (stocks and rates) are never summed over regions, so never ranked.
    return [(row.code, indicator_name(row)) for row in rows if row.agg == "sum" and row.computable]


# --- pages ----------------------------------------------------------------------------------------


@dataclass
class Page:
    params: PageParams
    year: int
    years: list[int]
    tables: dict[str, Table] = field(default_factory=dict)
    charts: dict[str, dict[str, Any]] = field(default_factory=dict)
    year_note: str = ""  # which year is shown and why, when the page picked it
    month_choices: tuple[int, ...] = tuple(range(1, 13))  # the month view (?month=1–12)

    def table(self, name: str) -> Table:
        try:
            return self.tables[name]
        except KeyError:
            names = "、".join(self.tables)
            raise ShanhaiError(
                _("本页没有名为“%(name)s”的表格；可导出的表格：%(names)s。") % {"name": name, "names": names},
                field="export",
            ) from None


@dataclass
class OverviewPage(Page):
    scope_label: str = ""
    programmes: list[tuple[int, str]] = field(default_factory=list)
    code: str = DEFAULT_CODE
    code_name: str = ""
    rank_options: list[tuple[str, str]] = field(default_factory=list)
    headlines: list[dict[str, Any]] = field(default_factory=list)
    ranking_note: str = ""


def overview_page(user: UserLike, params: PageParams) -> OverviewPage:
    """The user's whole scope for a year: headline cards, every indicator, a ranking and a trend."""
    years = year_choices()
    trends = Trends(user, years)
    year = params.year or trends.default_year(programme=params.programme)
    code = params.code or DEFAULT_CODE
    scope = scope_label(user)
    args = {"programme": params.programme, "year": year, "quarter": params.quarter, "month": params.month}
    rows = figures(user, "indicator_table", args, lambda: selectors.indicator_table(user, **args))
    meta = _code_meta(rows, code)
    page = OverviewPage(params=params, year=year, years=years, scope_label=scope, programmes=programme_choices(),
                        code=code, code_name=indicator_name(meta), rank_options=_rankable(rows),
                        headlines=_headlines(rows), year_note=trends.note)
    title = _("%(scope)s%(year)s年指标完成情况") % {"scope": scope, "year": year} + _quarter_label(params)
    page.tables["indicators"] = indicator_rows_table(rows, title=title, filename=title, year=year)

    ranked = selectors.ranking(user, code=code, year=year, level=params.level, side=params.side,
                               programme=params.programme)
    name, unit = indicator_name(meta), unit_label(meta.unit)
    rank_title = _("%(year)s年各%(level)s地区%(indicator)s排名（%(side)s）") % {
        "year": year, "level": level_label(params.level), "indicator": name, "side": side_label(params.side)}
    links = Links.make()
    rank_rows = [{"rank": i, "name": place(r.name), "code": r.code, "value": r.value,
                  "url": links.region(r.code, params.side, year)} for i, r in enumerate(ranked, start=1)]
    page.tables["ranking"] = Table("ranking", rank_title, [
        Col("rank", _("名次"), "int"), Col("name", _("地区"), link_key="url"), Col("code", _("区划代码")),
        Col("value", _("%(indicator)s（%(unit)s）") % {"indicator": name, "unit": unit}, "int"),
    ], rank_rows, filename=rank_title)
    top = rank_rows[:RANKING_CHART_ROWS]
    page.charts["ranking"] = bar_chart(
        title=rank_title, unit=unit, names=[r["name"] for r in top], values=[r["value"] for r in top],
        links=[r["url"] for r in top], series_name=name)
    if meta.agg != "sum":
        page.ranking_note = _("该指标为存量或比率，不跨地区累加，因此不排名。")

    page.tables["trend"], page.charts["trend"] = _trend_parts(trends, meta, year, scope, programme=params.programme)
    return page


@dataclass
class MapPage(Page):
    province: Region | None = None
    programmes: list[tuple[int, str]] = field(default_factory=list)
    config: dict[str, Any] = field(default_factory=dict)
    map_script: str = ""
    code: str = DEFAULT_CODE
    rank_options: list[tuple[str, str]] = field(default_factory=list)


def home_province(user: UserLike) -> str | None:
    """The province a user's whole data scope lies in (a region scope, or a pairing's west side), for
    opening the map there; None for the national office or a scope spanning provinces."""
    if user.is_superuser or not user.is_authenticated:
        return None
    provinces = set()
    for region_path, pairing_path in Scope.objects.filter(user=user).values_list(
            "region__path", "pairing__west_region__path"):
        path = region_path or pairing_path
        if not path:
            return None
        provinces.add(path.split("/", 1)[0])
    return provinces.pop() if len(provinces) == 1 else None


def province_bounds(province: Region) -> list[float]:
    """[west, south, east, north] of the province's regions (their table coordinates) with a margin:
    where the map draws the outside end of a line coming from another province."""
    prefix = province.code[:2]
    points = [(r.lng, r.lat) for r in get_index().by_code.values()
              if r.code.startswith(prefix) and r.lng is not None and r.lat is not None]
    if not points:
        return [province.lng - 2, province.lat - 2, province.lng + 2, province.lat + 2]
    lngs, lats = [p[0] for p in points], [p[1] for p in points]
    margin = 0.15
    return [min(lngs) - margin, min(lats) - margin, max(lngs) + margin, max(lats) + margin]


def _outside_name(code: str) -> str:
    """A region named with its province (广东省广州市南沙区): a line's end outside the shown province."""
    index = get_index().by_code
    region = index.get(code)
    if region is None:
        return code
    names = []
    for upper in (f"{code[:2]}0000", f"{code[:4]}00"):
        node = index.get(upper)
        if node is not None and node.code != code and node.name not in names:
            names.append(node.name)
    if english():
        return ", ".join([place(region.name), *(place(n) for n in reversed(names))])
    return "".join(names) + region.name


def province_ref(code: str) -> Region:
    region = region_ref(code)
    if region.level != "province":
        raise ShanhaiError(_("“%(name)s”（%(code)s）不是省级行政区，无法显示省级地图。")
                           % {"name": region.name, "code": code}, code="not_found")
    return region


def map_page(user: UserLike, params: PageParams, province_code: str | None = None) -> MapPage:
    """The map shell: the map itself and its pair list are drawn in the browser from `map_payload`."""
    province = province_ref(province_code) if province_code else None
    years = year_choices()
    trends = Trends(user, years)
    year = params.year or trends.default_year(programme=params.programme)
    index = get_index()
    provinces = sorted((r for r in index.by_code.values() if r.level == "province"), key=lambda r: r.code)
    links = Links.make()
    data_query = params.query(year=year, code=params.code or DEFAULT_CODE, side=None, level=None)
    if province is not None:
        data_query += f"&province={province.code}"
    name = province.short_name if province is not None else "china"
    scope = place(province.name) if province is not None else scope_label(user)
    shown = Indicator.objects.filter(code=params.code or DEFAULT_CODE).first()  # what the colours stand for
    map_name, map_unit = (indicator_name(shown), unit_label(shown.unit)) if shown is not None else ("", "")
    config = {
        "dataUrl": _url("web:map_data", query=data_query),
        "mapName": name,
        "title": _("%(scope)s%(year)s年结对关系图") % {"scope": scope, "year": year},
        "provinceUrls": {r.short_name: _url("web:map_province", r.code, query=params.query(year=year))
                         for r in provinces},
        "provinceNames": {r.code: r.short_name for r in provinces},
        # On a province map the outlines are prefectures (or a municipality's districts): link them by name.
        "regionUrls": {r.name: links.region(r.code, params.side, year) for r in index.by_code.values()
                       if province is not None and r.parent_id == province.id},
        "labels": {"lines": _("结对关系"), "east": _("东部（支援方）"), "west": _("西部（受援方）"),
                   "value": _("数值"), "noData": _("暂无数据"), "open": _("点击打开结对页面"),
                   "count": _("共 %(n)s 条结对关系"), "failed": _("地图数据加载失败，请刷新重试。"),
                   "legend": _("颜色深浅：%(indicator)s（%(unit)s，%(year)s年，西部受援地区）") % {
                       "indicator": map_name, "unit": map_unit, "year": year},
                   "none": _("无数值"), "outside": _("省外结对方"),
                   "from": _("来自省外：%(name)s"), "to": _("连到省外：%(name)s")},
        "bounds": province_bounds(province) if province is not None else None,
        "indicator": map_name, "unit": map_unit,
    }
    script = static(f"shanhai/vendor/maps/province/{province.code}.js") if province is not None else \
        static("shanhai/vendor/maps/china.js")
    code = params.code or DEFAULT_CODE
    options = [(i.code, indicator_name(i)) for i in Indicator.objects.filter(code__in=HEADLINE_CODES)]
    return MapPage(params=params, year=year, years=years, province=province, programmes=programme_choices(),
                   config=config, map_script=script, code=code, rank_options=options, year_note=trends.note)


def map_payload(user: UserLike, params: PageParams, province_code: str | None = None) -> tuple[dict[str, Any], Page]:
    """The map's data (JSON for the browser), and, when an export is asked for, the same lines and
    regions as tables."""
    province = province_ref(province_code) if province_code else None
    years = year_choices()
    year = params.year or Trends(user, years).default_year(programme=params.programme)
    code = params.code or DEFAULT_CODE
    data = selectors.map_data(user, year=year, province=province.code if province else None,
                              programme=params.programme, code=code)
    links, kinds = Links.make(), kind_labels()
    regions = [{**region, "value": _chart_number(region.get("value")),
                "url": links.region(region["code"], "west", year)} for region in data.get("regions", [])]
    lines = []
    prefix = province.code[:2] if province is not None else ""
    for line in data.get("lines", []):
        east, west = line["east"], line["west"]
        # On a province map, the end of a line that lies in another province is named (广东省广州市南沙区):
        # the map draws it at the province's edge and labels it.
        outside = ""
        if prefix and not east["code"].startswith(prefix):
            outside = "east"
        elif prefix and not west["code"].startswith(prefix):
            outside = "west"
        lines.append({
            **line, "kind_label": kinds.get(line.get("kind", ""), line.get("kind", "")),
            "label": pairing_label(line.get("label", "")),
            "outside": outside, "outside_name": _outside_name(line[outside]["code"]) if outside else "",
            "url": links.pairing(line["id"], year),  # the pairing page opens on the map's year
            "east": {**east, "name": place(east["name"]), "url": links.region(east["code"], "east", year)},
            "west": {**west, "name": place(west["name"]), "url": links.region(west["code"], "west", year)},
        })
    payload = {
        "year": year, "code": data.get("code", code), "province": province.code if province else None,
        "regions": regions, "lines": lines,
    }
    page = Page(params=params, year=year, years=years)
    if params.export:
        scope = place(province.name) if province is not None else scope_label(user)
        pairs_title = _("%(scope)s结对关系清单（%(year)s年）") % {"scope": scope, "year": year}
        page.tables["pairs"] = Table("pairs", pairs_title, [
            Col("kind_label", _("结对类型")), Col("east_name", _("东部（支援方）")),
            Col("west_name", _("西部（受援方）")), Col("label", _("结对关系"), link_key="url"),
        ], [{"kind_label": line["kind_label"], "east_name": line["east"]["name"], "west_name": line["west"]["name"],
             "label": line.get("label", ""), "url": line["url"]} for line in lines], filename=pairs_title)
        regions_title = _("%(scope)s各地区数值（%(year)s年）") % {"scope": scope, "year": year}
        page.tables["regions"] = Table("regions", regions_title, [
            Col("name", _("地区"), link_key="url"), Col("code", _("区划代码")), Col("value", _("数值"), "int"),
        ], [{"name": r["name"], "code": r["code"], "value": r.get("value"), "url": links.region(r["code"], "west", year)}
            for r in data.get("regions", [])], filename=regions_title)
    return payload, page


@dataclass
class RegionPage(Page):
    summary: RegionSummary | None = None
    region: Region | None = None
    lineage: list[Region] = field(default_factory=list)
    code: str = DEFAULT_CODE
    headline: list[dict[str, Any]] = field(default_factory=list)
    headline_codes: list[tuple[str, str, str]] = field(default_factory=list)
    rank_options: list[tuple[str, str]] = field(default_factory=list)
    programmes: list[tuple[int, str]] = field(default_factory=list)
    former_names: list[str] = field(default_factory=list)


def former_names(region: Region) -> list[str]:
    """Names the region had before (水城县 for 水城区), as reports and sheets still write them."""
    from shanhai.regions.models import AliasKind, RegionAlias

    return sorted(set(RegionAlias.objects.filter(region=region, kind=AliasKind.FORMER_NAME)
                      .values_list("alias", flat=True)))


def current_code(code: str) -> str | None:
    """The current code of a region known by a former code (e.g. a county turned district), if exactly one."""
    from shanhai.regions.models import AliasKind, RegionAlias

    if code in get_index().by_code:
        return None
    found = {c for c in RegionAlias.objects.filter(kind=AliasKind.FORMER_CODE, alias=code)
             .values_list("region__code", flat=True)}
    return found.pop() if len(found) == 1 else None


def _headline_columns(rows: list[IndicatorRow]) -> list[tuple[str, str, str]]:
    """(code, name, unit) of the summary's headline indicators, in the selector's order."""
    by_code = {row.code: row for row in rows}
    return [(code, indicator_name(by_code[code]), unit_label(by_code[code].unit))
            for code in selectors.HEADLINE if code in by_code]


def region_page(user: UserLike, code: str, params: PageParams) -> RegionPage:
    """One region on one side: its indicators, its child regions and the pairings touching it."""
    region = region_ref(code)
    side = params.side
    if not selectors.region_in_view(user, code=code, side=side):
        raise ShanhaiError(_("“%(region)s”（%(side)s）不在您的数据范围内，本页不显示该地区的数字。您的数据范围：%(scope)s。") % {
            "region": place(region.name), "side": side_label(side), "scope": scope_label(user)}, code="forbidden")
    years = year_choices()
    trends = Trends(user, years)
    year = params.year or trends.default_year(region=code, side=side, programme=params.programme)
    # The page's heaviest reads, once per data version and scope (web/cache.py).
    summary = figures(user, "region_summary", {"code": code, "side": side, "year": year},
                      lambda: selectors.region_summary(user, code=code, side=side, year=year))
    args = {"region": code, "side": side, "programme": params.programme, "year": year, "quarter": params.quarter,
            "month": params.month}
    rows = figures(user, "indicator_table", args, lambda: selectors.indicator_table(user, **args))
    heads = _headline_columns(rows)
    metric = params.code or DEFAULT_CODE
    meta = _code_meta(rows, metric)
    page = RegionPage(params=params, year=year, years=years, summary=summary, region=region,
                      lineage=ancestors(region), code=metric, headline_codes=heads, rank_options=_rankable(rows),
                      programmes=programme_choices(), year_note=trends.note, former_names=former_names(region))
    title = _("%(region)s（%(side)s）%(year)s年指标完成情况") % {
        "region": place(region.name), "side": side_label(side), "year": year} + _quarter_label(params)
    page.tables["indicators"] = indicator_rows_table(rows, title=title, filename=title, year=year,
                                                     scope={"region": code, "side": side})
    head_cols = [Col(c, _("%(indicator)s（%(unit)s）") % {"indicator": n, "unit": u}, "int") for c, n, u in heads]

    links, kinds = Links.make(), kind_labels()
    child_rows = [{"name": place(c.name), "code": c.code, "level": level_label(c.level),
                   "url": links.region(c.code, side, year), **{k: c.values.get(k) for k, _n, _u in heads}}
                  for c in summary.children]
    children_title = _("%(region)s下级地区（%(year)s年，%(side)s）") % {
        "region": place(region.name), "year": year, "side": side_label(side)}
    page.tables["children"] = Table("children", children_title, [
        Col("name", _("地区"), link_key="url"), Col("code", _("区划代码")), Col("level", _("级别")), *head_cols,
    ], child_rows, filename=children_title)
    chart_name, chart_unit = indicator_name(meta), unit_label(meta.unit)
    chart_rows = sorted((r for r in child_rows if r.get(metric) is not None), key=lambda r: r[metric], reverse=True)
    if metric in dict((c, n) for c, n, _u in heads):
        chart_title = _("%(region)s下级地区%(indicator)s（%(year)s年）") % {
            "region": place(region.name), "indicator": chart_name, "year": year}
        page.charts["children"] = bar_chart(
            title=chart_title, unit=chart_unit, names=[r["name"] for r in chart_rows[:RANKING_CHART_ROWS]],
            values=[r[metric] for r in chart_rows[:RANKING_CHART_ROWS]],
            links=[r["url"] for r in chart_rows[:RANKING_CHART_ROWS]], series_name=chart_name)

    # Ranked by the completion rate of the chosen indicator (the headline one by default), so a
    # small pairing that met its target is not hidden below a large one that did not.
    rate_code = metric if metric in {c for c, _n, _u in heads} else (heads[0][0] if heads else "")
    pairing_rows = [{"label": pairing_label(p.label), "kind": kinds.get(p.kind, p.kind), "east": place(p.east_name),
                     "west": place(p.west_name),
                     "url": links.pairing(p.id, year), **{k: p.values.get(k) for k, _n, _u in heads},
                     "completion": p.completion.get(rate_code), "basis": _basis(p.completion_basis.get(rate_code, ""))}
                    for p in summary.pairings]
    pairing_rows.sort(key=lambda r: (r["completion"] is None, -(r["completion"] or 0)))
    for rank, r in enumerate(pairing_rows, start=1):
        r["rate_rank"] = rank if r["completion"] is not None else None
    rate_name = dict((c, n) for c, n, _u in heads).get(rate_code, "")
    pairings_title = _("%(region)s的结对关系（%(year)s年，按%(indicator)s完成率排名）") % {
        "region": place(region.name), "year": year, "indicator": rate_name}
    page.tables["pairings"] = Table("pairings", pairings_title, [
        Col("rate_rank", _("完成率名次"), "int"), Col("label", _("结对关系"), link_key="url"), Col("kind", _("结对类型")),
        Col("east", _("东部（支援方）")), Col("west", _("西部（受援方）")), *head_cols,
        Col("completion", _("%(indicator)s完成率") % {"indicator": rate_name}, "percent"),
        Col("basis", _("完成率依据")),
    ], pairing_rows, filename=pairings_title)
    page.headline = [{"code": c, "name": n, "unit": u, "value": summary.headline.get(c)} for c, n, u in heads]
    page.tables["trend"], page.charts["trend"] = _trend_parts(
        trends, meta, year, place(region.name), region=code, side=side, programme=params.programme)
    return page


@dataclass
class PairingPage(Page):
    profile: PairingProfile | None = None
    code: str = DEFAULT_CODE
    rank_options: list[tuple[str, str]] = field(default_factory=list)
    tree: list[dict[str, Any]] = field(default_factory=list)
    record_lists: dict[str, records.RecordList] = field(default_factory=dict)  # totals and admin links

    @property
    def record_tables(self) -> list[tuple[Table, records.RecordList]]:
        """The record tables below the counts, in page order, each with its total and admin link."""
        return [(self.tables[name], self.record_lists[name]) for name in RECORD_TABLES if name in self.tables]


RECORD_TABLES = ("trainings", "sales", "placements", "workshops")


def _period_text(year: int, params: PageParams) -> str:
    if params.month:
        return _("%(year)s年%(month)s月") % {"year": year, "month": params.month}
    if params.quarter:
        return _("%(year)s年第%(quarter)s季度") % {"year": year, "quarter": params.quarter}
    return _("%(year)s年") % {"year": year}


def _record_tables(page: PairingPage, user: UserLike, pairing: Any, label: str, year: int,
                   params: PageParams) -> None:
    """The trainings, sales, placements and workshops behind the pairing's counts (itself and its
    sub-pairings, in the page's year, quarter or month), capped at `records.CAP` rows each."""
    period = {"year": year, "quarter": params.quarter, "month": params.month}
    when = _period_text(year, params)
    specs = (
        ("trainings", _("%(pairing)s 培训（%(period)s）"), records.trainings, [
            Col("title", _("培训名称")), Col("category", _("培训类别")), Col("start", _("开始日期"), "date"),
            Col("end", _("结束日期"), "date"), Col("sessions", _("期数"), "int"),
            Col("participants", _("培训人次"), "int"), Col("pairing", _("结对关系"))]),
        ("sales", _("%(pairing)s 消费帮扶销售（%(period)s）"), records.sales, [
            Col("month", _("月份"), "int"), Col("category", _("产品类别")), Col("channel", _("销售渠道")),
            Col("supplier", _("供货方")), Col("buyer", _("采购方")), Col("amount", _("金额（元）"), "money")]),
        ("placements", _("%(pairing)s 帮助就业（%(period)s）"), records.placements, [
            Col("month", _("月份"), "int"), Col("kind", _("就业去向")), Col("count", _("人数"), "int"),
            Col("newly_employed", _("新增就业")), Col("employer", _("就业单位"))]),
        ("workshops", _("%(pairing)s 帮扶车间（%(period)s建成）"), records.workshops, [
            Col("name", _("车间名称")), Col("region", _("所在地区")), Col("established", _("建成日期"), "date"),
            Col("jobs", _("吸纳就业（人）"), "int"), Col("at_relocation_site", _("位于易地搬迁安置点"))]),
    )
    for name, title, read, columns in specs:
        found = read(user, pairing, **period)
        text = title % {"pairing": label, "period": when}
        page.tables[name] = Table(name, text, columns, found.rows, filename=text)
        page.record_lists[name] = found


def _tree(nodes: Iterable[SubPairing], year: int, links: Links) -> list[dict[str, Any]]:
    kinds, statuses = kind_labels(), status_labels()

    def node(n: SubPairing) -> dict[str, Any]:
        return {"id": n.id, "kind": kinds.get(n.kind, n.kind_label or n.kind), "label": pairing_label(n.label),
                "status": statuses.get(n.status, n.status), "url": links.pairing(n.id, year),
                "children": [node(c) for c in n.children]}

    return [node(n) for n in nodes]


def _flatten(tree: list[dict[str, Any]], depth: int = 1) -> Iterable[dict[str, Any]]:
    for node in tree:
        yield {**node, "depth": depth}
        yield from _flatten(node["children"], depth + 1)


def pairing_page(user: UserLike, pairing_id: int, params: PageParams) -> PairingPage:
    """One pairing: its profile, sub-pairings, people on post, projects, and every indicator."""
    pairing = selectors.visible_pairing(user, pairing_id)  # checked once, passed to every read below
    years = year_choices()
    trends = Trends(user, years)
    year = params.year or trends.default_year(pairing=pairing)
    profile = selectors.pairing_profile(user, pairing, on=on_post_day(year))
    rows = selectors.indicator_table(user, pairing=pairing, year=year, quarter=params.quarter, month=params.month)
    metric = params.code or DEFAULT_CODE
    meta = _code_meta(rows, metric)
    links = Links.make()
    page = PairingPage(params=params, year=year, years=years, profile=profile, code=metric,
                       rank_options=_rankable(rows), tree=_tree(profile.sub_pairings, year, links),
                       year_note=trends.note)
    label = pairing_label(profile.label)
    title = _("%(pairing)s %(year)s年指标完成情况") % {"pairing": label, "year": year} + _quarter_label(params)
    page.tables["indicators"] = indicator_rows_table(rows, title=title, filename=title, year=year,
                                                     scope={"pairing": pairing_id})

    subs_title = _("%(pairing)s 下级结对") % {"pairing": label}
    page.tables["subpairings"] = Table("subpairings", subs_title, [
        Col("depth", _("层级"), "int"), Col("kind", _("结对类型")), Col("label", _("结对关系"), link_key="url"),
        Col("status", _("状态")),
    ], list(_flatten(page.tree)), filename=subs_title)

    people_title = _("%(pairing)s 在岗人员") % {"pairing": label}
    people = records.people_on_post(user, pairing, on=on_post_day(year))
    page.tables["people"] = Table("people", people_title, [
        Col("name", _("姓名")), Col("category", _("类别")), Col("direction", _("方向")), Col("post", _("岗位")),
        Col("host", _("接收单位")), Col("start", _("到岗日期"), "date"), Col("end", _("离岗日期"), "date"),
    ], people.rows, filename=people_title)
    page.record_lists["people"] = people
    _record_tables(page, user, pairing, label, year, params)

    projects_title = _("%(pairing)s 帮扶项目及资金") % {"pairing": label}
    project_head, project_tail = _split("admin:projects_project_change")  # each project opens its record
    page.tables["projects"] = Table("projects", projects_title, [
        Col("name", _("项目名称"), link_key="url"), Col("kind", _("项目类型")), Col("sector", _("行业领域")),
        Col("status", _("状态")), Col("budget", _("总投资"), "money"), Col("allocated", _("安排资金"), "money"),
        Col("disbursed", _("已拨付"), "money"),
    ], [{"name": p.name, "kind": p.kind, "sector": p.sector, "status": p.status, "budget": p.budget,
         "allocated": p.allocated, "disbursed": p.disbursed,
         "url": f"{project_head}{p.id}{project_tail}"} for p in profile.projects],
        filename=projects_title)

    agreements_title = _("%(pairing)s 协议") % {"pairing": label}
    page.tables["agreements"] = Table("agreements", agreements_title, [
        Col("title", _("协议名称")), Col("signed_on", _("签订日期"), "date"), Col("domains", _("涉及领域")),
    ], [{"title": a.get("title", ""), "signed_on": a.get("signed_on"),
         "domains": "、".join(str(d) for d in a.get("domains", []))} for a in profile.agreements],
        filename=agreements_title)

    page.tables["trend"], page.charts["trend"] = _trend_parts(trends, meta, year, label, pairing=pairing)
    return page
