"""Which writes an approved (locked) submission forbids; asked by `accounts.writes.WriteGuard` on every write.

An approved or accepted submission of pairing P for period (year, quarter) locks, for P and every
sub-pairing of P:

- a **plan**: the targets of that year;
- a **report** of one side: that side's reported values of the period (and the values no side owns:
  sheet rows, document figures), and every record counted in the period (trainings, dispatches, funds …,
  placed in a period by the same date rule the indicators use, `indicators.rules`). Records are shared by
  both sides, so either side's approved report freezes them. Records dated by year only (funds,
  investment) are locked by the year's report, not by a quarter's.

Pairings, organisations and people are not period data and are never locked.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db import models


@dataclass(frozen=True)
class Lock:
    path: str  # the locked pairing's materialised path: its sub-pairings' paths start with it
    kind: str
    side: str
    quarter: int
    label: str  # "2023年 南沙区→紫云县 工作报告（西部）"
    state_label: str


def _quarter_of(month: int | None) -> int:
    return (month - 1) // 3 + 1 if month else 0


class LockIndex:
    """The locks in force, read once (one query) per guard; lookups by year, then by path prefix."""

    def __init__(self) -> None:
        from shanhai.workflow.models import LOCKED_STATES, Submission

        self.by_year: dict[int, list[Lock]] = defaultdict(list)
        rows = (Submission.objects.filter(state__in=LOCKED_STATES)
                .select_related("pairing__east_region", "pairing__west_region", "pairing__east_org",
                                "pairing__west_org", "period"))
        for s in rows:
            side = {"east": "（东部）", "west": "（西部）"}.get(s.side, "")
            self.by_year[s.period.year].append(Lock(
                s.pairing.path, s.kind, s.side, s.period.quarter,
                f"{s.period}“{s.pairing}”的{s.get_kind_display()}{side}", s.get_state_display()))

    def find(self, path: str, year: int, *, kind: str, side: str = "", quarter: int = 0,
             year_only: bool = False) -> Lock | None:
        """The lock covering a record of `kind` ("plan" targets, "report" values/records) at this pairing path
        and time; `side` "" matches any side's report; `quarter` 0 = the record is not narrowed to a quarter."""
        for lock in self.by_year.get(year, ()):
            if lock.kind != kind or not path.startswith(lock.path):
                continue
            if side and lock.side and lock.side != side:
                continue
            # a quarter's approval freezes that quarter's records only, not year figures
            if lock.quarter and (year_only or quarter != lock.quarter):
                continue
            return lock
        return None


def period_place(obj: models.Model) -> tuple[str, int, int, str, bool] | None:
    """(kind, year, quarter, side, year_only) placing a record in a period, or None if it is never locked."""
    from shanhai.indicators.models import ReportedValue, Target
    from shanhai.indicators.rules import rules_by_model

    model = type(obj)
    if model is Target:
        return ("plan", obj.year, 0, "", True) if obj.pairing_id else None  # type: ignore[attr-defined]
    if model is ReportedValue:
        if not obj.pairing_id or obj.year is None:  # type: ignore[attr-defined]
            return None
        q = obj.quarter or _quarter_of(obj.month)  # type: ignore[attr-defined]
        return ("report", obj.year, q, obj.side, False)  # type: ignore[attr-defined]
    rules = rules_by_model().get(model)
    if not rules or rules[0].pairing == "":
        return None  # not period data (pairings are counted per year they are in force)
    rule = rules[0]
    year = rule.year_of(obj)
    if year is None:
        return None
    if rule.year:
        month = getattr(obj, rule.month) if rule.month else None
        return ("report", year, _quarter_of(month), "", not rule.month or not month)
    date = getattr(obj, rule.date)
    return ("report", year, _quarter_of(date.month), "", False)


def lock_message(lock: Lock, obj: models.Model) -> str:
    label = obj._meta.verbose_name
    return (f"{lock.label}{lock.state_label}，已锁定，不能修改这条{label}；"
            "如需更正，请联系审定单位说明理由后解除锁定。")
