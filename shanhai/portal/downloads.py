"""Open data: the rows of each bulk download (indicator values, projects, funds) for one published year
of a public programme, and the data dictionary that describes their columns. CSV and JSON carry the
same rows; every figure comes from `portal.selectors` (approved years, no person, the small-count rule).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_noop

from shanhai.network.models import Programme
from shanhai.portal import selectors
from shanhai.portal.disclosure import WITHHELD

NAMES = ("indicators", "projects", "funds")
FORMATS = ("csv", "json")

# column → Chinese description (translated on the dictionary page)
COLUMNS: dict[str, list[tuple[str, str]]] = {
    "indicators": [
        ("programme", gettext_noop("协作项目名称")),
        ("year", gettext_noop("年度（仅已审定锁定的年度）")),
        ("scope", gettext_noop("范围：country 全国、province 省份（按所在方）、pairing 结对关系（县级及以上）")),
        ("scope_code", gettext_noop("省份的6位区划代码，或结对关系编号")),
        ("scope_name", gettext_noop("范围名称")),
        ("side", gettext_noop("east 东部（支援方）或 west 西部（受援方）；结对关系为空")),
        ("indicator", gettext_noop("指标代码（指标目录）")),
        ("indicator_zh", gettext_noop("指标中文名称")),
        ("indicator_en", gettext_noop("指标英文名称")),
        ("unit", gettext_noop("计量单位：yuan 元、person 人、person_time 人次、unit 个、pair 对 等")),
        ("value", gettext_noop("采用值：报告填报数优先，其次由记录计算，其次其他上报数")),
        ("computed", gettext_noop("由明细记录汇总计算的值")),
        ("reported", gettext_noop("上报值（表单填报、表格导入或文档摘录）")),
        ("source_kind", gettext_noop("采用值来源：form 表单填报、records 记录计算、sheet 表格导入、document 文档摘录")),
        ("target", gettext_noop("年度目标（地区无自身目标时为其结对关系目标之和）")),
        ("completion", gettext_noop("完成率（比值，1.075 即 107.5%）：采用值 ÷ 目标，无目标时 ÷ 上年值")),
        ("completion_basis", gettext_noop("完成率的比较基准：target、pairing_targets、last_year")),
        ("withheld", gettext_noop("人数小于3时不公布具体数值，此列为“<3”，数值列为空")),
    ],
    "projects": [
        ("programme", gettext_noop("协作项目名称")),
        ("year", gettext_noop("年度")),
        ("project_id", gettext_noop("项目编号")),
        ("name", gettext_noop("项目名称")),
        ("kind", gettext_noop("项目类型代码")),
        ("sector", gettext_noop("行业领域代码")),
        ("status", gettext_noop("状态代码：planned、underway、completed、cancelled")),
        ("location_code", gettext_noop("实施地点区划代码")),
        ("location", gettext_noop("实施地点")),
        ("pairing_id", gettext_noop("所属结对关系编号")),
        ("pairing", gettext_noop("所属结对关系")),
        ("budget", gettext_noop("总投资（元）")),
        ("allocated", gettext_noop("当年安排资金（元）")),
        ("disbursed", gettext_noop("当年已拨付（元）")),
    ],
    "funds": [
        ("programme", gettext_noop("协作项目名称")),
        ("year", gettext_noop("年度")),
        ("pairing_id", gettext_noop("结对关系编号")),
        ("pairing", gettext_noop("结对关系")),
        ("project_id", gettext_noop("项目编号（可空）")),
        ("source", gettext_noop("资金来源代码：fiscal 财政援助、social 社会帮扶、local 地方配套")),
        ("sector", gettext_noop("行业领域代码")),
        ("allocated", gettext_noop("安排资金（元）")),
        ("disbursed", gettext_noop("已拨付（元）")),
    ],
}


def _num(v: Any) -> Any:
    if isinstance(v, Decimal):
        return int(v) if v == v.to_integral_value() else float(v)
    return v


def indicator_rows(programme: Programme, year: int) -> Iterator[dict[str, Any]]:
    scopes: list[tuple[str, str, str, str, dict[str, Any]]] = [("country", "", "全国", "", {})]
    for side, provinces in selectors.provinces_of(programme).items():
        scopes += [("province", p.code, p.name, side, {"region": p, "side": side}) for p in provinces]
    top = {p.id: p for p in selectors.pairings(programme)}
    pairing_rows = {p.pk: p for p in selectors.Pairing.objects.filter(pk__in=list(top))}
    scopes += [("pairing", str(pid), top[pid].label, "", {"pairing": pairing_rows[pid]}) for pid in top]
    for scope, code, name, side, kw in scopes:
        for v in selectors.values(programme=programme, year=year, **kw):
            if v.actual is None and v.target is None and not v.withheld:
                continue  # nothing to say for this indicator here
            yield {
                "programme": programme.name, "year": year, "scope": scope, "scope_code": code, "scope_name": name,
                "side": side, "indicator": v.code, "indicator_zh": v.zh, "indicator_en": v.en, "unit": v.unit,
                "value": _num(v.actual), "computed": _num(v.computed), "reported": _num(v.reported),
                "source_kind": v.source, "target": _num(v.target),
                "completion": _num(v.completion), "completion_basis": v.basis,
                "withheld": WITHHELD if v.withheld else "",
            }


def project_rows(programme: Programme, year: int) -> Iterator[dict[str, Any]]:
    labels = {p.id: p.label for p in selectors.pairings(programme, kinds=selectors.PairingKind.values)}
    for p in selectors.projects(programme, year=year):
        allocated, disbursed = p.funds.get(year, (0, 0))
        yield {"programme": programme.name, "year": year, "project_id": p.id, "name": p.name, "kind": p.kind,
               "sector": p.sector, "status": p.status, "location_code": p.location.code, "location": p.location.name,
               "pairing_id": p.pairing_id, "pairing": labels.get(p.pairing_id, ""), "budget": p.budget,
               "allocated": allocated, "disbursed": disbursed}


def fund_rows(programme: Programme, year: int) -> Iterator[dict[str, Any]]:
    labels = {p.id: p.label for p in selectors.pairings(programme, kinds=selectors.PairingKind.values)}
    for f in selectors.funds(programme, year=year):
        yield {"programme": programme.name, "year": year, "pairing_id": f.pairing_id,
               "pairing": labels.get(f.pairing_id, ""), "project_id": f.project_id, "source": f.source,
               "sector": f.sector, "allocated": f.allocated, "disbursed": f.disbursed}


ROWS = {"indicators": indicator_rows, "projects": project_rows, "funds": fund_rows}


def render(name: str, fmt: str, programme: Programme, year: int) -> tuple[bytes, str]:
    """(body, content type) of one download."""
    rows = list(ROWS[name](programme, year))
    columns = [c for c, _d in COLUMNS[name]]
    if fmt == "json":
        body = json.dumps({"programme": programme.name, "year": year, "dataset": name, "columns": columns,
                           "rows": rows}, ensure_ascii=False, separators=(",", ":"))
        return body.encode(), "application/json; charset=utf-8"
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: ("" if v is None else v) for k, v in row.items()})
    return ("\ufeff" + out.getvalue()).encode(), "text/csv; charset=utf-8"  # BOM: Excel reads it as UTF-8
