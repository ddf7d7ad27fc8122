"""Import types for needs (需求清单) and offers (资源清单), registered in `transfer.specs.TYPES` (issue 12).

Same sheet rules as every type (columns from the model fields, template, 填写说明, all-or-nothing,
the write guard per row). A row names its place (所在地区) and optionally its unit and the pairing it
is posted through (结对编号); the natural key is 所在地区 + 类别 + 标题, so a re-imported sheet updates.
"""

from __future__ import annotations

from typing import Any

from shanhai.matching.models import Need, Offer
from shanhai.transfer.resolve import Resolver
from shanhai.transfer.specs import Col, RowValues, TypeSpec, _ref, col, register

_PLAIN = ("kind", "title", "subject", "level", "quantity", "unit", "amount", "start_date", "end_date", "domain",
          "visibility", "expires_on", "description")


def _build(row: RowValues, r: Resolver) -> dict[str, Any]:
    out: dict[str, Any] = {}
    row.put(out, *_PLAIN)
    # 结对编号 when given (a school pair's reporter posts through their pairing); else a stored record keeps
    # its pairing. Whether the row may be written is the write guard's answer, per row.
    if row.get("pairing_no") is not None:
        out["pairing"] = _ref(row, lambda: r.pairing_by_id(int(row.get("pairing_no")), "pairing_no"))
    region = _ref(row, lambda: r.region(row.text("region"), "region", "所在地区"))
    if region is not None:
        out["region"] = region
        if row.text("organisation"):
            out["organisation"] = _ref(row, lambda: r.org(row.text("organisation"), "organisation", "单位",
                                                          within=region))
        else:
            out["organisation"] = None
    if row.text("programme"):
        out["programme"] = _ref(row, lambda: r.programme(row.text("programme"), "programme"))
    return out


def _spec(model: type[Need] | type[Offer], key: str, label: str, example: dict[str, str]) -> TypeSpec:
    return TypeSpec(
        key=key, label=label, model=model,
        columns=(
            Col("region", "所在地区", required=True, max_length=64, aliases=("地区",),
                help="区划全称、简称或曾用名均可", example=example["region"]),
            Col("organisation", "单位", max_length=128, aliases=("单位名称", "学校", "医院", "企业"),
                help="所在地区内的单位；可不填", example=example["org"]),
            Col("pairing_no", "结对编号", "int", help="通过某个结对关系发布时填写（学校、医院结对的填报员）", example=""),
            Col("programme", "协作项目", max_length=128, help="不填则取所在地区的结对所属协作项目", example=""),
            col(model, "kind", example=example["kind"]),
            col(model, "title", example=example["title"]),
            col(model, "subject", example=example["subject"], aliases=("学科", "专业")),
            col(model, "level", example=example["level"], aliases=("学段",)),
            col(model, "quantity", example=example["quantity"]),
            col(model, "unit", example="人"),
            col(model, "amount", example=""),
            col(model, "start_date", example="2024-09-01"),
            col(model, "end_date", example="2025-01-31"),
            col(model, "domain", example="教育"),
            col(model, "visibility", example="同一协作项目"),
            col(model, "expires_on", example="2024-08-31"),
            col(model, "description", example=""),
        ),
        natural_key=("region", "kind", "title"), natural_key_doc="所在地区 + 类别 + 标题",
        build=_build, pairing_field=None, year_field="start_date",
        notes=("过了「有效期至」的条目不再出现在对接市场中。",),
    )


NEED = _spec(Need, "need", "需求清单", {"region": "紫云自治县", "org": "紫云自治县民族高级中学", "kind": "教师",
                                     "title": "初中数学教师支教一学期", "subject": "数学", "level": "初中",
                                     "quantity": "2"})
OFFER = _spec(Offer, "offer", "资源清单", {"region": "广州市南沙区", "org": "广州市南沙区东涌中学", "kind": "教师",
                                      "title": "数学骨干教师赴西部支教", "subject": "数学", "level": "初中",
                                      "quantity": "3"})


def register_types() -> None:
    register(NEED)
    register(OFFER)
