"""How the review page shows each proposed figure: names, units and numbers as a reader writes them.

Chinese first, English second: indicator names and units come from the catalogue through
`shanhai.web.formatting` (元、人次 … / yuan, person-times …), numbers carry thousands separators, and
the editable value is the plain number the accept form parses back (never 1.2E+8).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from shanhai.evidence.models import ProposedFact
from shanhai.indicators.models import Indicator
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
    }


def indicator_options(indicators: list[Indicator]) -> list[tuple[str, str]]:
    """(code, name) for the accept form's indicator choice, in the current language."""
    return [(i.code, indicator_name(i)) for i in indicators]
