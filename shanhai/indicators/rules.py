"""How each computable indicator is counted from records: the ONE place that says so.

Each rule names a record model, a filter, what is added up (a count of rows or a field's sum), and
which date puts a record in a period. The same rule drives the roll-up maintenance (rollups.py),
the full rebuild, the signals that watch the record models, and the admin link to the records
behind a number (`records_url`), so the link always lists exactly the rows that were counted.

Period choice per model (the same field the admin's 年度 filter uses):
Activity.date, Training.start_date, Dispatch.planned_start, Project.start_date, Donation.date,
Workshop.established, IndustrialPark.established, Pairing.start_date; FundAllocation.year,
Investment.year (year only), Sale.year/month, Placement.year/month. A record without that date
(a project with no start date) is counted in no period until it gets one.

Pairing counts (`pair.<kind>`) count the pairings IN FORCE in a year (`in_force_q`): started by the
year's end, not ended before its start, not planned (筹备中); one without an end date runs to its
programme's last year (this year if the programme has none), one marked ended without an end date
only in its start year. They are year figures (no month). `pair.<kind>.new` counts those started in
the period (其中新增).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import Any
from urllib.parse import urlencode

from django.apps import apps
from django.db.models import Count, F, IntegerField, Model, Q, QuerySet, Sum, Value
from django.db.models.functions import ExtractMonth, ExtractYear
from django.urls import NoReverseMatch, reverse

# (pairing id, year, month or None, value)
RuleRow = tuple[int, int, int | None, int]


@dataclass(frozen=True)
class Rule:
    code: str
    model: str  # "app_label.Model"
    filters: dict[str, Any] = field(default_factory=dict)
    total: str = ""  # field to sum; "" counts rows
    date: str = ""  # a DateField giving year and month …
    year: str = ""  # … or a year field, with an optional month field
    month: str = ""
    pairing: str = "pairing"  # "" for Pairing itself
    python: Callable[[QuerySet], Iterable[RuleRow]] | None = None  # for values SQL can't sum portably
    in_force: bool = False  # pairings in force per year (`in_force_q`), not per start date

    @property
    def model_class(self) -> type[Model]:
        return apps.get_model(self.model)

    @property
    def pairing_id_field(self) -> str:
        return f"{self.pairing}_id" if self.pairing else "id"

    def q(self) -> Q:
        return Q(**{(f"{k}__in" if isinstance(v, list | tuple) else k): v for k, v in self.filters.items()})

    def year_q(self, years: Iterable[int]) -> Q:
        years = sorted(set(years))
        if self.year:
            return Q(**{f"{self.year}__in": years})
        q = Q()
        for y in years:
            q |= Q(**{f"{self.date}__gte": dt.date(y, 1, 1), f"{self.date}__lt": dt.date(y + 1, 1, 1)})
        return q

    def year_of(self, obj: Model) -> int | None:
        """The year a record counts in (for the signals), or None when it has no date yet or counts
        in several years (a pairing in force)."""
        if self.in_force:
            return None
        if self.year:
            return getattr(obj, self.year)
        value = getattr(obj, self.date)
        return value.year if value else None

    def rows(self, *, pairing_ids: Iterable[int] | None = None, id_range: tuple[int, int] | None = None,
             years: Iterable[int] | None = None) -> Iterable[RuleRow]:
        """(pairing id, year, month, value) grouped per pairing and month, for the chosen pairings/years."""
        qs = self.model_class._default_manager.filter(self.q())
        pid = self.pairing_id_field
        if pairing_ids is not None:
            qs = qs.filter(**{f"{pid}__in": list(pairing_ids)})
        if id_range is not None:
            qs = qs.filter(**{f"{pid}__gte": id_range[0], f"{pid}__lte": id_range[1]})
        if self.in_force:
            return _in_force_rows(qs, years)
        if years is not None:
            qs = qs.filter(self.year_q(years))
        if self.python is not None:
            return self.python(qs)
        if self.year:
            y, m = F(self.year), (F(self.month) if self.month else Value(None, output_field=IntegerField()))
            qs = qs.filter(**{f"{self.year}__isnull": False})
        else:
            y, m = ExtractYear(self.date), ExtractMonth(self.date)
            qs = qs.filter(**{f"{self.date}__isnull": False})
        agg = Sum(self.total) if self.total else Count("pk")
        grouped = qs.order_by().values(rp=F(pid), ry=y, rm=m).annotate(rv=agg).values_list("rp", "ry", "rm", "rv")
        return ((p, yy, mm, int(v or 0)) for p, yy, mm, v in grouped)

    def admin_params(self) -> dict[str, str]:
        """The admin list filters that select this rule's records (besides pairing/year/region)."""
        params = {}
        for k, v in self.filters.items():
            if isinstance(v, list | tuple):
                params[f"{k}__in"] = ",".join(map(str, v))
            elif isinstance(v, bool):
                params[f"{k}__exact"] = "1" if v else "0"
            else:
                params[f"{k}__exact"] = str(v)
        return params

    def records_url(self, *, pairing: int | None = None, year: int | None = None, region: str | None = None,
                    side: str | None = None, programme: int | None = None) -> str:
        base = _changelist(self.model)
        if not base:
            return ""
        params: dict[str, Any] = {}
        if pairing is not None:
            params["pairing"] = pairing
        if year is not None:
            params["in_force" if self.in_force else "year"] = year
        if region:
            params["region"] = region
            if side:
                params["side"] = side
        if programme is not None:
            params["programme"] = programme
        params.update(self.admin_params())
        return f"{base}?{urlencode(params)}"


@cache
def _changelist(label: str) -> str:
    model = apps.get_model(label)
    try:
        return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    except NoReverseMatch:
        return ""


def _shadow_days(qs: QuerySet) -> Iterable[RuleRow]:
    """Days of west→east shadowing: (end − start) per dispatch, counted in its planned start month."""
    totals: dict[tuple[int, int, int], int] = {}
    fields = ("pairing_id", "planned_start", "planned_end", "actual_start", "actual_end")
    for pid, p_start, p_end, a_start, a_end in qs.order_by().values_list(*fields):
        start, end = a_start or p_start, a_end or p_end
        if start is None or end is None or p_start is None:
            continue
        key = (pid, p_start.year, p_start.month)
        totals[key] = totals.get(key, 0) + max(0, (end - start).days)
    return ((p, y, m, v) for (p, y, m), v in totals.items())


def _this_year() -> int:
    from django.utils import timezone

    return timezone.localdate().year


def in_force_q(year: int, prefix: str = "") -> Q:
    """Pairings in force at some time in `year` (the admin's 在结对年度 filter; the same test as
    `_in_force_rows`)."""
    f = prefix
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    runs_on = Q(**{f"{f}programme__end_year__gte": year})
    if year <= _this_year():
        runs_on |= Q(**{f"{f}programme__end_year__isnull": True})
    return (Q(**{f"{f}start_date__lte": end}) & ~Q(**{f"{f}status": "planned"}) & (
        Q(**{f"{f}end_date__gte": start})
        | Q(**{f"{f}end_date__isnull": True, f"{f}status": "ended", f"{f}start_date__gte": start})
        | (Q(**{f"{f}end_date__isnull": True}) & ~Q(**{f"{f}status": "ended"}) & runs_on)))


def _in_force_rows(qs: QuerySet, years: Iterable[int] | None) -> Iterable[RuleRow]:
    """(pairing, year, None, 1) for every year each pairing is in force (see `in_force_q`)."""
    wanted = None if years is None else set(years)
    qs = qs.filter(start_date__isnull=False).exclude(status="planned")
    if wanted:
        lo, hi = min(wanted), max(wanted)
        qs = qs.filter(start_date__lte=dt.date(hi, 12, 31)).filter(
            Q(end_date__isnull=True) | Q(end_date__gte=dt.date(lo, 1, 1)))
    this_year = _this_year()
    out: list[RuleRow] = []
    for pid, start, end, status, last in qs.order_by().values_list(
            "id", "start_date", "end_date", "status", "programme__end_year"):
        if end is not None:
            until = end.year
        elif status == "ended":
            until = start.year
        else:
            until = last if last is not None else this_year
        out += [(pid, y, None, 1) for y in range(start.year, until + 1) if wanted is None or y in wanted]
    return out


_CADRE, _TALENT = "cadre", "talent"
ACT, TRAIN, DISP = "activities.Activity", "activities.Training", "people.Dispatch"
PROJ, FUND, DON = "projects.Project", "projects.FundAllocation", "projects.Donation"
INV, SALE, PLACE = "economy.Investment", "economy.Sale", "economy.Placement"
WORK, PARK, PAIR = "economy.Workshop", "economy.IndustrialPark", "network.Pairing"
PAIR_KINDS = ("county", "township", "village", "enterprise_village", "social_village", "hospital", "school",
              "university", "vocational")
# 跟岗学习 (trainee) is how shadowing west→east is recorded, so it counts as talent.w2e.
W2E_TALENT = {"category": ["talent", "trainee"], "direction": "w2e"}

RULES: dict[str, Rule] = {r.code: r for r in [
    Rule("lead.visit", ACT, {"kind": "visit"}, date="date"),
    Rule("lead.meeting", ACT, {"kind": "meeting"}, date="date"),
    Rule("project.count", PROJ, date="start_date"),
    Rule("funds.fiscal", FUND, {"source": "fiscal"}, total="allocated", year="year"),
    Rule("funds.social", DON, total="value", date="date"),
    Rule("funds.education", FUND, {"sector": "education"}, total="allocated", year="year"),
    Rule("funds.medical", FUND, {"sector": "health"}, total="allocated", year="year"),
    Rule("cadre.e2w", DISP, {"category": _CADRE, "direction": "e2w"}, date="planned_start"),
    Rule("cadre.mutual", DISP, {"category": _CADRE}, date="planned_start"),
    Rule("cadre.w2e", DISP, {"category": _CADRE, "direction": "w2e"}, date="planned_start"),
    Rule("talent.e2w", DISP, {"category": _TALENT, "direction": "e2w"}, date="planned_start"),
    Rule("talent.e2w.teacher", DISP, {"category": _TALENT, "direction": "e2w", "profession": "teacher"},
         date="planned_start"),
    Rule("talent.e2w.medical", DISP, {"category": _TALENT, "direction": "e2w", "profession": "medical"},
         date="planned_start"),
    Rule("talent.mutual", DISP, {"category": _TALENT}, date="planned_start"),
    Rule("talent.w2e", DISP, W2E_TALENT, date="planned_start"),
    Rule("talent.w2e.days", DISP, W2E_TALENT, date="planned_start", python=_shadow_days),
    Rule("train.cadre.people", TRAIN, {"category": "cadre"}, total="participants", date="start_date"),
    Rule("train.talent.sessions", TRAIN, {"category": "talent"}, total="sessions", date="start_date"),
    Rule("train.talent.people", TRAIN, {"category": "talent"}, total="participants", date="start_date"),
    Rule("train.labor.sessions", TRAIN, {"category": "labor"}, total="sessions", date="start_date"),
    Rule("train.labor.people", TRAIN, {"category": "labor"}, total="participants", date="start_date"),
    Rule("train.leader.people", TRAIN, {"category": "leader"}, total="participants", date="start_date"),
    Rule("train.school.people", TRAIN, {"category": "school_management"}, total="participants", date="start_date"),
    Rule("labor.employed", PLACE, total="count", year="year", month="month"),
    Rule("labor.employed.new", PLACE, {"newly_employed": True}, total="count", year="year", month="month"),
    Rule("labor.job_fair", ACT, {"kind": "job_fair"}, date="date"),
    Rule("workshop.count", WORK, date="established"),
    Rule("workshop.jobs", WORK, total="jobs", date="established"),
    Rule("industry.park", PARK, date="established"),
    Rule("industry.enterprise", INV, year="year"),
    Rule("industry.investment", INV, total="amount", year="year"),
    Rule("industry.jobs", INV, total="rural_jobs", year="year"),
    Rule("consume.sales", SALE, total="amount", year="year", month="month"),
    *[Rule(f"pair.{kind}", PAIR, {"kind": kind}, date="start_date", pairing="", in_force=True)
      for kind in PAIR_KINDS],
    *[Rule(f"pair.{kind}.new", PAIR, {"kind": kind, "status": ["active", "suspended", "ended"]}, date="start_date",
           pairing="") for kind in PAIR_KINDS],
    Rule("edu.study_tour", ACT, {"kind": "study_tour"}, total="participants", date="date"),
    Rule("edu.facility.kindergarten", PROJ, {"kind": "kindergarten"}, date="start_date"),
    Rule("edu.seats", PROJ, total="new_seats", date="start_date"),
    Rule("med.equipment", DON, {"kind": "equipment"}, total="quantity", date="date"),
]}


@cache
def rules_by_model() -> dict[type[Model], list[Rule]]:
    """Record model → its rules (the signals watch exactly these models)."""
    out: dict[type[Model], list[Rule]] = {}
    for rule in RULES.values():
        out.setdefault(rule.model_class, []).append(rule)
    return out
