"""The indicator grid of one submission: what the data-entry and plan screens show and save.

A report's grid row holds, for one catalogue indicator: the value computed from the pairing's records
(with its sub-pairings), this side's entered figure, the paired side's figure, the target, last year's
actual and target, and the written explanation an outlier needs. Entered figures are `ReportedValue`s
of source kind `form` with one `source_ref` per period and side (`form_ref`), so both sides' figures of
one pairing live side by side; pages add the west side's (the receiving side confirms what arrived).
Every write goes through `indicators.services` (the one door: role, scope, lock).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction

from shanhai.accounts.writes import AnyUser, WriteRefused, guarded_delete, guarded_save
from shanhai.core.errors import ShanhaiError
from shanhai.indicators.models import Indicator, ReportedValue, SourceKind, Target
from shanhai.indicators.rules import RULES
from shanhai.indicators.selectors import indicator_table
from shanhai.indicators.services import completion, reported_value_upsert, target_set
from shanhai.workflow.models import Explanation, Kind, Period, State, Submission

SIDES = {"east": "东部", "west": "西部"}
EDITABLE = (State.DRAFT, State.RETURNED)


class _System:
    """The grid reads as the system (every pairing); who may open a submission is the page's question."""

    is_superuser = is_authenticated = is_active = True
    pk = None

    def has_perm(self, _perm: str) -> bool:
        return True


SYSTEM: Any = _System()


def form_ref(period: Period, side: str) -> str:
    """The source of figures entered on the data-entry screen: one per period and side. A stored key, so
    written out here in Chinese whatever the page's language (not `str(period)`, which is translated)."""
    when = f"{period.year}年" + (f"第{period.quarter}季度" if period.quarter else "")
    return f"{when}工作报告·{SIDES[side]}填报"


def other_side(side: str) -> str:
    return "east" if side == "west" else "west"


@dataclass
class GridRow:
    code: str
    zh: str
    en: str
    unit: str
    category: str
    computable: bool
    entry: bool  # may be entered (pairing counts are read from the network only)
    computed: int | None
    target: Decimal | None
    last_year: Any
    last_target: Decimal | None
    own: ReportedValue | None = None
    other: ReportedValue | None = None
    explanation: str = ""

    @property
    def value(self) -> Any:
        """The figure this side reports: what was entered, else what the records give."""
        if self.own is not None:
            return self.own.value
        return self.computed

    @property
    def completion(self) -> Decimal | None:
        ratio, _basis = completion(self.value, self.target, self.last_year)
        return ratio

    @property
    def stamp(self) -> str:
        """The stored version of this row's figure, sent back with a save (concurrent edits)."""
        return self.own.updated_at.isoformat() if self.own is not None else ""


def _indicators() -> list[Indicator]:
    return [i for i in Indicator.objects.all() if not i.code.endswith(("east_units", "west_units"))]


def report_grid(sub: Submission) -> list[GridRow]:
    period = sub.period
    quarter = period.quarter or None
    table = {r.code: r for r in indicator_table(SYSTEM, pairing=sub.pairing_id, year=period.year, quarter=quarter)}
    last_targets = dict(Target.objects.filter(pairing_id=sub.pairing_id, year=period.year - 1)
                        .values_list("indicator__code", "value"))
    values = ReportedValue.objects.filter(
        pairing_id=sub.pairing_id, year=period.year, quarter=period.quarter, month=0, source_kind=SourceKind.FORM,
        source_ref__in=[form_ref(period, "east"), form_ref(period, "west")]).select_related("indicator")
    by_side: dict[tuple[str, str], ReportedValue] = {(v.side, v.indicator.code): v for v in values}
    notes = dict(Explanation.objects.filter(submission=sub).values_list("indicator__code", "text"))
    rows = []
    for ind in _indicators():
        t = table.get(ind.code)
        rule = RULES.get(ind.code)
        rows.append(GridRow(
            code=ind.code, zh=ind.zh, en=ind.en, unit=ind.unit, category=ind.category,
            computable=rule is not None, entry=not ind.code.startswith("pair."),
            computed=t.computed if t else None, target=t.target if t else None,
            last_year=t.last_year if t else None, last_target=last_targets.get(ind.code),
            own=by_side.get((sub.side, ind.code)), other=by_side.get((other_side(sub.side), ind.code)),
            explanation=notes.get(ind.code, ""),
        ))
    return rows


def plan_grid(sub: Submission) -> list[GridRow]:
    year = sub.period.year
    targets = {(t.year, t.indicator.code): t for t in Target.objects.filter(
        pairing_id=sub.pairing_id, year__in=[year, year - 1]).select_related("indicator")}
    last = {r.code: r for r in indicator_table(SYSTEM, pairing=sub.pairing_id, year=year - 1)}
    rows = []
    for ind in _indicators():
        this, before = targets.get((year, ind.code)), targets.get((year - 1, ind.code))
        lr = last.get(ind.code)
        row = GridRow(
            code=ind.code, zh=ind.zh, en=ind.en, unit=ind.unit, category=ind.category,
            computable=ind.code in RULES, entry=True, computed=None,
            target=this.value if this else None, last_year=lr.actual if lr else None,
            last_target=before.value if before else None)
        row.own = this  # type: ignore[assignment]  # the stored target: its stamp guards concurrent edits
        rows.append(row)
    return rows


def _editable(sub: Submission) -> None:
    if sub.state not in EDITABLE:
        raise ShanhaiError(f"该填报{sub.get_state_display()}，不能修改；如需更正，请由审核人员退回或解除锁定。",
                           code="locked")


def _stale(row: GridRow, seen: str, new: str) -> str | None:
    """The other person's change when the stored figure moved since the page was opened."""
    own = row.own
    now = own.updated_at.isoformat() if own is not None else ""
    if now == seen:
        return None
    stored = "（已删除）" if own is None else f"{own.value.normalize():f}"
    if new.replace(",", "").strip() == stored:
        return None  # both wrote the same figure: nothing is lost
    who = getattr(own, "created_by", None) if own is not None else None
    when = own.updated_at.astimezone().strftime("%H:%M") if own is not None else ""
    return f"「{row.zh}」已被{who or '他人'}{('于' + when) if when else ''}改为 {stored}，您的 {new or '（空）'} 未保存；请核对后重新填写。"


def grid_save(user: AnyUser, sub: Submission, entries: dict[str, str], *, seen: dict[str, str] | None = None,
              explanations: dict[str, str] | None = None) -> int:
    """Save a report grid (code → figure as typed; "" clears) all or nothing; returns how many changed.

    `seen` holds each row's `stamp` as the page showed it: a figure someone else changed meanwhile is
    refused with their value, never silently overwritten. Raises ShanhaiError listing every problem."""
    _editable(sub)
    rows = {r.code: r for r in (report_grid(sub) if sub.kind == Kind.REPORT else plan_grid(sub))}
    seen = seen or {}
    errors: list[str] = []
    changed = 0
    with transaction.atomic():
        for code, typed in entries.items():
            row = rows.get(code)
            if row is None or not row.entry:
                errors.append(f"「{code}」不是可填报的指标。")
                continue
            typed = (typed or "").strip()
            stale = _stale(row, seen.get(code, row.stamp), typed) if code in seen else None
            if stale:
                errors.append(stale)
                continue
            try:
                changed += _save_one(user, sub, row, typed)
            except WriteRefused as e:
                errors.append(e.message)
                break  # the same refusal would repeat on every row
            except ShanhaiError as e:
                errors.append(f"「{row.zh}」：{e.message}")
        for code, text in (explanations or {}).items():
            if code in rows:
                changed += explanation_set(user, sub, code, text)
        if errors:
            transaction.set_rollback(True)
            raise ShanhaiError("；".join(errors[:30]), code="invalid")
    return changed


def _save_one(user: AnyUser, sub: Submission, row: GridRow, typed: str) -> int:
    period = sub.period
    if sub.kind == Kind.PLAN:
        if not typed:
            if row.own is not None:
                guarded_delete(user, row.own, reason="清除目标")
                return 1
            return 0
        if row.own is not None and _same(row.own.value, typed):
            return 0
        target_set(indicator=row.code, year=period.year, value=typed, pairing=sub.pairing_id, user=user)
        return 1
    if not typed:
        if row.own is not None:
            guarded_delete(user, row.own, reason="清除填报数")
            return 1
        return 0
    if row.own is not None and _same(row.own.value, typed):
        return 0
    reported_value_upsert(indicator=row.code, value=typed, year=period.year, quarter=period.quarter,
                          source_kind=SourceKind.FORM, source_ref=form_ref(period, sub.side),
                          pairing=sub.pairing_id, side=sub.side, user=user)
    return 1


def _same(stored: Decimal, typed: str) -> bool:
    try:
        return Decimal(typed.replace(",", "")) == stored
    except ArithmeticError:
        return False


def explanation_set(user: AnyUser, sub: Submission, code: str, text: str) -> int:
    """The written explanation of an outlier (completion far above target, a jump over last year)."""
    _editable(sub)
    text = (text or "").strip()
    current = Explanation.objects.filter(submission=sub, indicator__code=code).first()
    if current is None and not text:
        return 0
    if current is not None and current.text == text:
        return 0
    if current is None:
        current = Explanation(submission=sub, indicator=Indicator.objects.get(code=code))
    if not text:
        guarded_delete(user, current, reason="清除说明")
        return 1
    current.text = text
    guarded_save(user, current, reason="说明")
    return 1


def copy_last_year(user: AnyUser, sub: Submission) -> int:
    """Copy last year's targets into this year's plan where none is set yet; returns how many."""
    _editable(sub)
    year = sub.period.year
    have = set(Target.objects.filter(pairing_id=sub.pairing_id, year=year).values_list("indicator_id", flat=True))
    copied = 0
    with transaction.atomic():
        for t in Target.objects.filter(pairing_id=sub.pairing_id, year=year - 1).select_related("indicator"):
            if t.indicator_id not in have:
                target_set(indicator=t.indicator, year=year, value=t.value, pairing=sub.pairing_id,
                           note=t.note, user=user)
                copied += 1
    if not copied:
        raise ShanhaiError(f"{year - 1}年没有可复制的目标，或本年度目标已全部填写。", code="not_found")
    return copied
