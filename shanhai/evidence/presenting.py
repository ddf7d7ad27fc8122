"""How the review page shows each proposed figure: names, units and numbers as a reader writes them.

Chinese first, English second: indicator names and units come from the catalogue through
`shanhai.web.formatting` (元、人次 … / yuan, person-times …), numbers carry thousands separators, and
the editable value is the plain number the accept form parses back (never 1.2E+8).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shanhai.evidence.models import ProposedFact
from shanhai.indicators.models import Indicator, Qualifier
from shanhai.web.formatting import indicator_name, number, unit_label


def plain(value: Decimal | None) -> str:
    """The number as typed into a form: 120000000, 35.5 (no exponent, no trailing zeros)."""
    if value is None:
        return ""
    if value == value.to_integral_value():
        return str(int(value))
    return format(value.normalize(), "f")


def shown(value: Decimal | None) -> str:
    """The number as read on the page: 120,000,000 or 35.5."""
    return number(value) if value is not None else "—"


def fact_row(fact: ProposedFact, indicator: Indicator | None, duplicates: list[Any]) -> dict[str, Any]:
    """One table row of the review page; the template only lays it out."""
    unit = unit_label(indicator.unit) if indicator is not None else ""
    return {
        "fact": fact,
        "indicator": indicator,
        "name": indicator_name(indicator) if indicator is not None else "",
        "unit": unit,
        "value": shown(fact.value),
        "input": plain(fact.value),
        "baseline": shown(fact.baseline) if fact.baseline is not None else "",
        "stated_rate": f"{plain(fact.stated_rate)}%" if fact.stated_rate is not None else "",
        "duplicates": duplicates,
        "duplicate_refs": _("；").join(str(d.source_ref) for d in duplicates),
        "qualifier": _qualifier_labels().get(fact.qualifier, fact.qualifier) if fact.qualifier != "exact" else "",
        "why": why_line(fact.why or {}),
    }


# Where the reader took a fact's east, west and period from (shanhai/evidence/extractor.py).
WHY_SOURCES = {
    "clause": gettext_lazy("本句"), "sentence": gettext_lazy("本句"), "paragraph": gettext_lazy("本段开头"),
    "lead": gettext_lazy("导语"),
}
WHY_FIELDS = (("east", gettext_lazy("东部")), ("west", gettext_lazy("西部")), ("period", gettext_lazy("时期")))


def why_line(why: dict[str, str]) -> str:
    """东部、西部取自本段开头；时期取自导语 — so a reviewer sees which fields were carried over."""
    parts = [_("%(field)s取自%(source)s") % {"field": label, "source": WHY_SOURCES[why[key]]}
             for key, label in WHY_FIELDS if why.get(key) in WHY_SOURCES and why[key] not in ("clause", "sentence")]
    return _("；").join(parts)


def _qualifier_labels() -> dict[str, str]:
    return {code: str(label) for code, label in Qualifier.choices}


def indicator_options(indicators: list[Indicator]) -> list[tuple[str, str]]:
    """(code, name) for the accept form's indicator choice, in the current language."""
    return [(i.code, indicator_name(i)) for i in indicators]


# Why the cleaner dropped a passage (the reader's codes, shanhai/evidence/cleaner.py) as a reader says it.
DROP_REASONS = {
    "ad": gettext_lazy("广告"), "byline": gettext_lazy("署名、责任编辑"), "image": gettext_lazy("图片说明"),
    "licence": gettext_lazy("版权声明"), "navigation": gettext_lazy("网站导航"),
    "widget": gettext_lazy("分享、评论等页面部件"), "metadata": gettext_lazy("发布时间、来源等信息"),
    "repeated": gettext_lazy("重复内容"), "header": gettext_lazy("页头"), "footer": gettext_lazy("页脚"),
}


def dropped_rows(dropped: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The passages the cleaner dropped, each with its reason in the current language."""
    return [{"reason": str(DROP_REASONS.get(d.get("reason", ""), d.get("reason", ""))), "text": d.get("text", "")}
            for d in dropped]
