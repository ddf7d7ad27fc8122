"""The scoring rules, as plain functions of a scheme's rows and the figures: no queries here.

- an indicator item's **completion** is actual ÷ target, or actual ÷ last year's actual where no target
  was set (`indicators.services.completion`, the same ratio the dashboards show);
- below the item's `min_rate` it scores nothing; in `bands` mode the highest band whose threshold the
  completion reaches (a completion exactly on a threshold reaches it) gives that percent of the weight;
  in `linear` mode the weight × completion; either way never above `cap` percent of the weight (100);
- a deduction takes `weight` points per occurrence, at most `cap` points;
- the **grade** is the best band whose minimum the total reaches; an item's own grade compares its
  share of its weight with the bands' share of the scheme's full marks; a cap rule then limits the grade.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from shanhai.assessment.models import GRADE_ORDER, Mode, parse_bands
from shanhai.indicators.services import completion

CENT = Decimal("0.01")
HUNDRED = Decimal(100)


def q(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class IndicatorScore:
    points: Decimal
    rate: Decimal | None
    basis: str  # "target" | "last_year" | ""
    band: str  # what the points came from, in Chinese


def indicator_points(item: Any, actual: Decimal | int | None, target: Decimal | int | None,
                     last_year: Decimal | int | None) -> IndicatorScore:
    """Points of one indicator item (`item` has weight, mode, bands, min_rate, cap)."""
    weight = Decimal(item.weight)
    cap_pct = Decimal(item.cap) if item.cap is not None else HUNDRED
    rate, basis = completion(actual, target, last_year)
    if rate is None:
        why = "无实际数" if actual is None else "未设目标且无上年数据"
        return IndicatorScore(Decimal(0), None, "", f"{why}，不得分（可由评审调整）")
    if item.min_rate is not None and rate < Decimal(item.min_rate):
        return IndicatorScore(Decimal(0), rate, basis, f"完成率低于最低完成率{pct(item.min_rate)}，不得分")
    if item.mode == Mode.LINEAR:
        share = rate * HUNDRED
        band = f"按完成率{pct(rate)}折算"
    else:
        share, band = Decimal(0), f"未达最低分档（{pct(parse_bands(item.bands)[-1][0])}）"
        for threshold, percent in parse_bands(item.bands):
            if rate >= threshold:
                share, band = percent, f"完成率≥{pct(threshold)}，得分值的{percent.normalize():f}%"
                break
    if share > cap_pct:
        share, band = cap_pct, band + f"；封顶为分值的{cap_pct.normalize():f}%"
    return IndicatorScore(q(weight * share / HUNDRED), rate, basis, band)


def deduction_points(item: Any, occurrences: int) -> Decimal:
    """Negative points (or 0) for `occurrences` of a deduction rule."""
    off = Decimal(item.weight) * occurrences
    if item.cap is not None:
        off = min(off, Decimal(item.cap))
    return -q(off)


def grade_of(points: Decimal, bands: list[tuple[str, Decimal]]) -> str:
    """The best grade whose minimum `points` reaches (`bands` as (grade, min points)); "" without bands."""
    for grade, minimum in sorted(bands, key=lambda b: b[1], reverse=True):
        if points >= minimum:
            return grade
    return GRADE_ORDER[-1] if bands else ""


def item_grade(points: Decimal, weight: Decimal, full: Decimal, bands: list[tuple[str, Decimal]]) -> str:
    """An item's own grade: its share of its weight against the bands' share of the full marks."""
    if not weight or not full:
        return ""
    return grade_of(points * full / weight, bands)


def capped(grade: str, item_grades: list[tuple[str, bool, str]], caps: list[tuple[str, bool, str]]) -> tuple[str, str]:
    """Apply cap rules: `item_grades` (label, required, grade), `caps` (when grade, required only, cap grade).
    Returns (grade, why it was capped or "")."""
    notes = []
    for when, required_only, cap in caps:
        hits = [label for label, required, g in item_grades if g == when and (required or not required_only)]
        if hits and grade and GRADE_ORDER.index(grade) < GRADE_ORDER.index(cap):
            grade = cap
            notes.append(f"{'必考项' if required_only else '单项'}“{'、'.join(hits)}”为“{when}”，总等次最高为“{cap}”")
    return grade, "；".join(notes)


def pct(ratio: Decimal | int | float) -> str:
    """1.075 → "107.5%"."""
    value = (Decimal(ratio) * HUNDRED).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return f"{value.normalize():f}%"
