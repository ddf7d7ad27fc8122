"""How numbers, units and indicator names read on the pages (Chinese first, English second)."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from shanhai.network.models import PairingKind, PairingStatus
from shanhai.regions.english import english_name

_UNITS = {
    "person": gettext_lazy("人"),
    "person_time": gettext_lazy("人次"),
    "session": gettext_lazy("期"),
    "yuan": gettext_lazy("元"),
    "pair": gettext_lazy("对"),
    "unit": gettext_lazy("个"),
    "time": gettext_lazy("次"),
    "percent": "%",
    "sqm": gettext_lazy("平方米"),
    "day": gettext_lazy("天"),
    "seat": gettext_lazy("个学位"),
}
_CATEGORIES = {
    "leadership": gettext_lazy("组织领导"),
    "funds": gettext_lazy("资金与项目"),
    "talent": gettext_lazy("干部人才"),
    "training": gettext_lazy("培训"),
    "labour": gettext_lazy("劳务协作"),
    "industry": gettext_lazy("产业合作"),
    "consumption": gettext_lazy("消费帮扶"),
    "network": gettext_lazy("结对网络"),
    "education": gettext_lazy("教育"),
}
_SIDES = {"east": gettext_lazy("东部（支援方）"), "west": gettext_lazy("西部（受援方）")}
_LEVELS = {"province": gettext_lazy("省级"), "prefecture": gettext_lazy("地级"), "county": gettext_lazy("县级")}
_PAIRING_KINDS = dict(PairingKind.choices)
_PAIRING_STATUSES = dict(PairingStatus.choices)
# Labels resolved once per language: a page labels hundreds of cells, and each gettext costs a lookup.
_resolved: dict[tuple[str, int], dict[str, str]] = {}


def _label(table: dict[str, Any], key: str) -> str:
    return _labels(table).get(key, key)


def _labels(table: dict[str, Any]) -> dict[str, str]:
    language = get_language() or ""
    labels = _resolved.get((language, id(table)))
    if labels is None:
        labels = _resolved[(language, id(table))] = {k: str(v) for k, v in table.items()}
    return labels


def kind_labels() -> dict[str, str]:
    """Pairing kind → label (县（区、旗）结对 …) in the current language, for labelling many rows."""
    return _labels(_PAIRING_KINDS)


def status_labels() -> dict[str, str]:
    return _labels(_PAIRING_STATUSES)


def unit_label(unit: str) -> str:
    """The unit as a reader writes it after a number: yuan → 元, person_time → 人次."""
    return _label(_UNITS, unit)


def category_label(category: str) -> str:
    return _label(_CATEGORIES, category)


def side_label(side: str) -> str:
    return _label(_SIDES, side if side == "east" else "west")


def level_label(level: str) -> str:
    return _label(_LEVELS, level)


def english() -> bool:
    return (get_language() or "").startswith("en")


def place(name: str) -> str:
    """A division's name in the current language: 紫云苗族布依族自治县, or in English Ziyun Miao and Buyi
    Autonomous County (regions/data/names_en.csv; a name the table lacks stays as written)."""
    return english_name(name) if name and english() else name


_KIND_TAIL = re.compile(r"（([^（）]*(?:（[^（）]*）[^（）]*)*)）$")


def pairing_label(text: str) -> str:
    """A pairing's label ("南沙区 — 紫云苗族布依族自治县（县（区、旗）结对）") in the current language:
    division names in English, the kind in brackets translated; unit names (schools, companies) are
    data and stay as written."""
    if not text or not english():
        return text
    kind = ""
    match = _KIND_TAIL.search(text)
    if match:
        text, kind = text[: match.start()], match.group(1)
        kinds = {str(v): label for v, label in zip(_zh_kind_labels(), kind_labels().values(), strict=False)}
        kind = kinds.get(kind, kind)
    main = " — ".join(place(part.strip()) for part in text.split(" — "))
    return f"{main} ({kind})" if kind else main


def _zh_kind_labels() -> list[str]:
    from django.utils import translation

    with translation.override("zh-hans"):
        return [str(v) for v in _PAIRING_KINDS.values()]


def indicator_name(row: Any) -> str:
    """An IndicatorRow's (or any object with zh/en) name in the current language."""
    return (row.en or row.zh) if english() else row.zh


def number(value: Any) -> str:
    """Whole numbers with thousands separators; decimals keep their written fraction; None is a dash."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, Decimal):
        if value == value.to_integral_value():
            return f"{int(value):,}"
        return f"{value.normalize():,f}"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.2f}"
    return str(value)


def percent(ratio: Any) -> str:
    """A ratio (1.075) as a percent with one decimal (107.5%)."""
    if ratio is None:
        return "—"
    return f"{Decimal(str(ratio)) * 100:.1f}%"


def sort_key(value: Any) -> str:
    """The raw value the table sorter compares (numbers as plain digits, empty for none)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, Decimal | int | float):
        return str(value)
    return str(value)
