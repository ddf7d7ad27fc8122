"""The figures an assessment is computed from, read for many pairings at once (a fixed number of queries
per 500 pairings, whatever the catalogue): computed values (roll-ups), both sides' report figures and
other reported values with their sources, targets, the reports' states and steps, and reconciliation
differences. Only reads; `services.assessments_compute` turns them into scores."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q

from shanhai.indicators.models import PairingValue, ReportedValue, SourceKind, Target, TreeValue
from shanhai.indicators.rollups import catalogue
from shanhai.network.models import Pairing
from shanhai.workflow.grid import form_ref
from shanhai.workflow.models import LOCKED_STATES, Action, Kind, Period, Step, Submission
from shanhai.workflow.reconcile import differences

CHUNK = 500


@dataclass
class Figures:
    """Everything about one pairing's year the scoring needs."""

    computed: dict[tuple[int, int], int] = field(default_factory=dict)  # (indicator, year) → value
    form: dict[tuple[int, int, str], Decimal] = field(default_factory=dict)  # (indicator, year, side) → value
    other: dict[tuple[int, int], list[dict[str, Any]]] = field(default_factory=dict)  # sheet/document values
    targets: dict[tuple[int, int], Decimal] = field(default_factory=dict)  # (indicator, year) → target
    reports: dict[str, Submission] = field(default_factory=dict)  # side → this year's report
    plan: Submission | None = None
    returned: dict[str, int] = field(default_factory=dict)  # side → times returned
    disputes: dict[int, list[str]] = field(default_factory=dict)  # indicator → open disputes (text)
    open_differences: dict[str, int] = field(default_factory=dict)  # side → unresolved flagged differences


def _chunks(ids: list[int]) -> list[list[int]]:
    return [ids[i:i + CHUNK] for i in range(0, len(ids), CHUNK)]


def figures_for(pairings: list[Pairing], period: Period, indicator_ids: list[int]) -> dict[int, Figures]:
    """pairing id → Figures for `period`'s year and the year before."""
    year = period.year
    out = {p.pk: Figures() for p in pairings}
    last = catalogue().last
    refs = {form_ref(period, "east"): "east", form_ref(period, "west"): "west"}
    prev = Period.objects.filter(programme_id=period.programme_id, year=year - 1, quarter=0).first()
    if prev is not None:
        refs.update({form_ref(prev, "east"): "east", form_ref(prev, "west"): "west"})
    years = [year, year - 1]
    for ids in _chunks([p.pk for p in pairings]):
        base = {"pairing_id__in": ids, "year__in": years, "indicator_id__in": indicator_ids}
        for model in (PairingValue, TreeValue):
            qs = model.objects.filter(**base, period=0)
            if model is TreeValue:
                qs = qs.exclude(indicator_id__in=last)
            for pid, iid, y, value in qs.values_list("pairing_id", "indicator_id", "year", "value"):
                key = (iid, y)
                out[pid].computed[key] = out[pid].computed.get(key, 0) + value
        rows = (ReportedValue.objects.filter(**base, quarter=0, month=0)
                .filter(Q(since_year__isnull=True) | Q(since_year=year) | Q(since_year=year - 1))
                .values_list("pairing_id", "indicator_id", "year", "source_kind", "source_ref", "source_url",
                             "value", "evidence", "since_year"))
        for pid, iid, y, kind, ref, url, value, evidence, since in rows:
            if since and since != y:
                continue  # cumulative figures are never a single year's
            if kind == SourceKind.FORM and ref in refs:
                out[pid].form[(iid, y, refs[ref])] = value
            else:
                out[pid].other.setdefault((iid, y), []).append(
                    {"value": str(value), "source": ref, "url": url, "kind": kind, "evidence": evidence[:200]})
        for pid, iid, y, value in Target.objects.filter(**base).values_list("pairing_id", "indicator_id", "year",
                                                                             "value"):
            out[pid].targets[(iid, y)] = value
        subs = list(Submission.objects.filter(pairing_id__in=ids, period=period))
        returned = dict(Step.objects.filter(submission_id__in=[s.pk for s in subs], action=Action.RETURN).values("submission_id")
                        .annotate(n=Count("id")).values_list("submission_id", "n"))
        for s in subs:
            f = out[s.pairing_id]
            if s.kind == Kind.PLAN:
                f.plan = s
            else:
                f.reports[s.side] = s
                f.returned[s.side] = returned.get(s.pk, 0)
    for d in differences(pairings, period):
        f = out[d.pairing.pk]
        for side in ("east", "west"):
            answer = d.disputed_by(side)
            if answer is not None:
                f.disputes.setdefault(d.indicator.pk, []).append(
                    f"{'东部' if side == 'east' else '西部'}有异议：{answer.comment}")
        if d.open:
            for side in ("east", "west"):
                f.open_differences[side] = f.open_differences.get(side, 0) + 1
    return out


def locked(sub: Submission | None) -> bool:
    return sub is not None and sub.state in LOCKED_STATES


def by_pairing(rows: list[Any], key: str) -> dict[int, list[Any]]:
    grouped: dict[int, list[Any]] = defaultdict(list)
    for r in rows:
        grouped[getattr(r, key)].append(r)
    return grouped
