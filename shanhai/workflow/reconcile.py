"""East-sent vs west-received: both sides' figures of one indicator side by side, differences flagged.

For every indicator with a `reconcile` rule (tolerance in percent of the larger figure), each side sees
the paired side's figure beside its own and confirms or disputes it with a comment (`Confirmation`).
An answer keeps the two figures as they were: once either changes, the answer lapses and the pair is
open again. A dispute open against a side's figure blocks the approval of that side's report.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.utils import translation

from shanhai.accounts.writes import AnyUser, WriteRefused, guarded_save, is_national
from shanhai.core.errors import ShanhaiError
from shanhai.indicators.models import Indicator, ReportedValue, SourceKind
from shanhai.network.models import Pairing
from shanhai.workflow.grid import SIDES, form_ref, other_side
from shanhai.workflow.models import CheckRule, Confirmation, ConfirmState, Kind, Period, RuleKind, Submission


@dataclass
class Difference:
    pairing: Pairing
    period: Period
    indicator: Indicator
    east: Decimal | None
    west: Decimal | None
    tolerance: Decimal
    answers: dict[str, Confirmation]  # answering side → its answer, if still current

    @property
    def gap(self) -> Decimal | None:
        if self.east is None or self.west is None:
            return None
        return self.east - self.west

    @property
    def gap_pct(self) -> Decimal | None:
        """The difference in percent of the larger figure (0 when both are 0)."""
        if self.east is None or self.west is None:
            return None
        top = max(abs(self.east), abs(self.west))
        return Decimal(0) if not top else (abs(self.east - self.west) * 100 / top).quantize(Decimal("0.1"))

    @property
    def flagged(self) -> bool:
        """Beyond tolerance, or reported by one side only."""
        if self.east is None and self.west is None:
            return False
        pct = self.gap_pct
        return pct is None or pct > self.tolerance

    def disputed_by(self, side: str) -> Confirmation | None:
        answer = self.answers.get(side)
        return answer if answer is not None and answer.state == ConfirmState.DISPUTED else None

    @property
    def open(self) -> bool:
        """Still needs someone: a current dispute, or a flagged gap not confirmed by both sides."""
        if any(a.state == ConfirmState.DISPUTED for a in self.answers.values()):
            return True
        return self.flagged and not all(
            self.answers.get(s) is not None and self.answers[s].state == ConfirmState.CONFIRMED
            for s in ("east", "west"))


def reconcile_rules(programme_ids: Iterable[int]) -> dict[int, dict[int, Decimal]]:
    """programme id → indicator id → tolerance (a programme's own rule wins over the general one)."""
    ids = set(programme_ids)
    rules = CheckRule.objects.filter(kind=RuleKind.RECONCILE, active=True).filter(
        Q(programme__isnull=True) | Q(programme_id__in=ids)).order_by("programme_id")
    general = {r.indicator_id: r.number or Decimal(0) for r in rules if r.programme_id is None}
    out = {pid: dict(general) for pid in ids}
    for r in rules:
        if r.programme_id is not None:
            out[r.programme_id][r.indicator_id] = r.number or Decimal(0)
    return out


def differences(pairings: Iterable[Pairing], period: Period) -> list[Difference]:
    """Every reconciled indicator of these pairings for the period, in catalogue order (three queries)."""
    pairings = list(pairings)
    if not pairings:
        return []
    rules = reconcile_rules({p.programme_id for p in pairings})
    indicators = {i.pk: i for i in Indicator.objects.filter(pk__in={k for r in rules.values() for k in r})}
    refs = {form_ref(period, "east"): "east", form_ref(period, "west"): "west"}
    values: dict[tuple[int, int, str], Decimal] = {}
    for pid, iid, ref, value in ReportedValue.objects.filter(
            pairing__in=pairings, year=period.year, quarter=period.quarter, month=0, source_kind=SourceKind.FORM,
            source_ref__in=list(refs), indicator_id__in=list(indicators)).values_list(
            "pairing_id", "indicator_id", "source_ref", "value"):
        values[(pid, iid, refs[ref])] = value
    answers: dict[tuple[int, int], dict[str, Confirmation]] = {}
    for c in Confirmation.objects.filter(pairing__in=pairings, period=period).select_related("user"):
        answers.setdefault((c.pairing_id, c.indicator_id), {})[c.side] = c
    out = []
    for p in pairings:
        for iid, tolerance in sorted(rules[p.programme_id].items(), key=lambda kv: indicators[kv[0]].position):
            east, west = values.get((p.pk, iid, "east")), values.get((p.pk, iid, "west"))
            current = {side: a for side, a in answers.get((p.pk, iid), {}).items()
                       if a.east_value == east and a.west_value == west}  # a changed figure reopens the question
            out.append(Difference(p, period, indicators[iid], east, west, tolerance, current))
    return out


def disputes_against(sub: Submission) -> list[str]:
    """Current disputes of the paired side against this report's figures: they block its approval."""
    if sub.kind != Kind.REPORT:
        return []
    other = other_side(sub.side)
    return [f"「{d.indicator.zh}」{SIDES[other]}有异议：{d.disputed_by(other).comment}"  # type: ignore[union-attr]
            for d in differences([sub.pairing], sub.period) if d.disputed_by(other) is not None]


def answer(user: AnyUser, pairing: Pairing, period: Period, indicator: str, state: str, *, side: str,
           comment: str = "") -> Confirmation:
    """Confirm or dispute the paired side's figure of one indicator, as `side` (the answering side)."""
    from shanhai.workflow.services import user_side

    if user is not None and not is_national(user) and user_side(user, pairing) != side:
        raise WriteRefused(f"您不是{SIDES[side]}的填报人员，不能代{SIDES[side]}确认或提出异议。")
    if state not in ConfirmState.values:
        raise ShanhaiError("请选择“确认”或“有异议”。", field="state")
    comment = (comment or "").strip()
    if state == ConfirmState.DISPUTED and not comment:
        raise ShanhaiError("提出异议须写明理由（例如对方填报数与本方台账不符之处）。", field="comment")
    diff = next((d for d in differences([pairing], period) if d.indicator.code == indicator), None)
    if diff is None:
        raise ShanhaiError(f"「{indicator}」不是需要东西部对账的指标。", field="indicator")
    target_side = other_side(side)
    locked = Submission.objects.filter(pairing=pairing, period=period, kind=Kind.REPORT, side=target_side,
                                       state__in=("approved", "accepted")).exists()
    if locked:
        raise WriteRefused(f"{SIDES[target_side]}的工作报告已审定锁定，不能再提出确认或异议。")
    with transaction.atomic():
        obj = Confirmation.objects.filter(pairing=pairing, period=period, indicator=diff.indicator, side=side).first()
        obj = obj or Confirmation(pairing=pairing, period=period, indicator=diff.indicator, side=side)
        obj.state, obj.comment = state, comment
        obj.east_value, obj.west_value = diff.east, diff.west
        obj.user = user if getattr(user, "pk", None) else None
        guarded_save(user, obj, reason=("异议：" + comment if comment else "确认")[:100])
        if state == ConfirmState.DISPUTED:
            _notify_dispute(obj, target_side)
    return obj


def _notify_dispute(obj: Confirmation, target_side: str) -> None:
    from shanhai.workflow.selectors import side_officers

    recipients = [u.email for u in side_officers(obj.pairing, target_side) if u.email]
    if recipients:
        with translation.override(settings.LANGUAGE_CODE):  # the site's language, as every notification
            subject = f"【山海】{obj.pairing} {obj.period}「{obj.indicator.zh}」对方有异议"
            body = f"{SIDES[obj.side]}对「{obj.indicator.zh}」提出异议：{obj.comment}\n请登录山海平台“我的待办”核对。"
        transaction.on_commit(lambda: send_mail(subject, body, None, recipients, fail_silently=True))
