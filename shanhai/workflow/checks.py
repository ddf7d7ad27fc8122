"""The validation rules of a submission, read from `CheckRule` rows (data the national office edits).

Rule kinds: required, min, max, not_above (新增就业 ≤ 就业; 已拨付 ≤ 安排), completion (above N % of
target needs a written explanation), growth (above N × last year needs one), reconcile (east and west
figures may differ by N %, see `reconcile`). A report is checked on the figures its side reports
(entered, else computed from records); a plan on its targets.
"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Q

from shanhai.workflow.grid import GridRow, plan_grid, report_grid
from shanhai.workflow.models import CheckRule, Kind, RuleKind, Submission


def rules_for(sub: Submission) -> list[CheckRule]:
    return list(CheckRule.objects.filter(Q(programme__isnull=True) | Q(programme_id=sub.pairing.programme_id),
                                         applies_to=sub.kind, active=True).select_related("indicator", "other"))


def _fmt(value: object) -> str:
    if isinstance(value, Decimal):
        value = value.normalize()
        return f"{value:,f}"
    return f"{value:,}" if isinstance(value, int) else str(value)


def row_problems(rows: dict[str, GridRow], rules: list[CheckRule], kind: str) -> dict[str, list[str]]:
    """indicator code → what is missing or wrong in it (Chinese, naming the indicator)."""
    out: dict[str, list[str]] = {}

    def add(code: str, message: str) -> None:
        out.setdefault(code, []).append(message)

    def figure(row: GridRow) -> object:
        return row.target if kind == Kind.PLAN else row.value

    for rule, row in ((r, row) for r in rules
                      for row in ([rows.get(r.indicator.code)] if r.indicator else rows.values())):
        if row is None or rule.kind == RuleKind.RECONCILE:
            continue
        value = figure(row)
        name = f"「{row.zh}」"
        if rule.kind == RuleKind.REQUIRED:
            if value is None or (kind == Kind.REPORT and row.own is None and not value):
                add(row.code, rule.message or f"{name}为必填指标，尚未填报。")
            continue
        if value is None:
            continue
        number = rule.number
        if rule.kind == RuleKind.MIN and number is not None and Decimal(value) < number:
            add(row.code, rule.message or f"{name}{_fmt(value)}低于下限{_fmt(number)}。")
        elif rule.kind == RuleKind.MAX and number is not None and Decimal(value) > number:
            add(row.code, rule.message or f"{name}{_fmt(value)}高于上限{_fmt(number)}。")
        elif rule.kind == RuleKind.NOT_ABOVE and rule.other is not None:
            other = rows.get(rule.other.code)
            other_value = figure(other) if other else None
            if other_value is not None and Decimal(value) > Decimal(other_value):
                add(row.code, rule.message or f"{name}{_fmt(value)}不应大于「{other.zh}」{_fmt(other_value)}。")  # type: ignore[union-attr]
        elif kind == Kind.REPORT and rule.kind == RuleKind.COMPLETION and row.target and number is not None:
            rate = Decimal(value) * 100 / Decimal(row.target)
            if rate > number and not row.explanation:
                add(row.code, rule.message or f"{name}完成率{rate:.1f}%超过{_fmt(number)}%，请填写情况说明。")
        elif (kind == Kind.REPORT and rule.kind == RuleKind.GROWTH and row.last_year and number is not None
              and Decimal(value) > number * Decimal(row.last_year) and not row.explanation):
            add(row.code, rule.message or
                f"{name}{_fmt(value)}超过上年（{_fmt(row.last_year)}）的{_fmt(number)}倍，请填写情况说明。")
    return out


def submission_problems(sub: Submission, rows: list[GridRow] | None = None) -> list:
    """Everything that stops `sub` going up: rule problems, and for a plan, no target at all."""
    from shanhai.workflow.services import Problem

    grid = rows if rows is not None else (report_grid(sub) if sub.kind == Kind.REPORT else plan_grid(sub))
    by_code = {r.code: r for r in grid}
    found = [Problem(code, m) for code, messages in row_problems(by_code, rules_for(sub), sub.kind).items()
             for m in messages]
    if sub.kind == Kind.PLAN and not any(r.target is not None for r in grid):
        found.insert(0, Problem("", "尚未填写任何目标。"))
    return found
