"""The records behind a pairing page's counts: trainings, sales, placements, workshops, and the people
on post with their receiving unit.

Reads only through `accounts.scoping.visible` (the pairing itself was checked by
`selectors.visible_pairing`), for one pairing and its sub-pairings and one year (or one quarter or
month of it), newest first, at most `CAP` rows each; `RecordList.total` says how many there are and
`admin_url` opens the full admin list (same pairing and year filters as the indicator links).
Labels (choices) are resolved here, so the page builder only lays the rows out.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.db.models import Q, QuerySet
from django.urls import reverse

from shanhai.accounts.scoping import visible
from shanhai.activities.models import Training
from shanhai.core.reads import once
from shanhai.economy.models import Placement, Sale, Workshop
from shanhai.network.models import Pairing
from shanhai.people.models import Direction, Dispatch
from shanhai.web.formatting import number, place

CAP = 50  # rows listed per table; the admin list has them all


@dataclass(frozen=True)
class RecordList:
    rows: list[dict[str, Any]] = field(default_factory=list)
    total: int = 0
    admin_url: str = ""

    @property
    def capped(self) -> bool:
        return self.total > len(self.rows)


def months(quarter: int | None, month: int | None) -> list[int] | None:
    """The months a period view covers (None: the whole year)."""
    if month:
        return [month]
    if quarter:
        return [3 * quarter - 2, 3 * quarter - 1, 3 * quarter]
    return None


def _subtree(pairing: Pairing) -> Q:
    """The pairing and its sub-pairings, as a list of ids read once a page (a path range on the pairings'
    index): records are then found through their own pairing index, where a join on the path made SQLite
    scan every sale of the year at national scale (seconds a page)."""
    ids = once(("records_subtree", pairing.pk), lambda: list(Pairing.objects.filter(
        path__gte=pairing.path, path__lt=pairing.path[:-1] + "0").values_list("id", flat=True)))
    return Q(pairing_id__in=ids or [pairing.pk])


def _admin(model: type, pairing: Pairing, year: int, period: list[int] | None) -> str:
    params: dict[str, Any] = {"pairing": pairing.pk, "year": year}
    if period and len(period) == 1 and model in (Sale, Placement):
        params["month__exact"] = period[0]
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    return f"{url}?{urlencode(params)}"


def _listed(qs: QuerySet, build: Any, model: type, pairing: Pairing, year: int,
            period: list[int] | None) -> RecordList:
    total = qs.count()
    return RecordList(rows=[build(r) for r in qs[:CAP]], total=total,
                      admin_url=_admin(model, pairing, year, period))


def _dated(qs: QuerySet, date: str, year: int, period: list[int] | None) -> QuerySet:
    qs = qs.filter(**{f"{date}__year": year})
    return qs.filter(**{f"{date}__month__in": period}) if period else qs


def _yearly(qs: QuerySet, year: int, period: list[int] | None) -> QuerySet:
    qs = qs.filter(year=year)
    return qs.filter(month__in=period) if period else qs


def _side(org: Any, place_name: str, region: Any) -> str:
    """A side as a pairing names it: its unit, else its place, else its region (in the page's language)."""
    return str(org or place_name or place(region.name))


def _pairing_label(p: Pairing) -> str:
    return f"{_side(p.east_org, p.east_place, p.east_region)} — {_side(p.west_org, p.west_place, p.west_region)}"


def trainings(user: Any, pairing: Pairing, *, year: int, quarter: int | None = None,
              month: int | None = None) -> RecordList:
    period = months(quarter, month)
    qs = _dated(visible(user, Training.objects.filter(_subtree(pairing))), "start_date", year, period)
    qs = qs.select_related("pairing__east_region", "pairing__west_region", "pairing__east_org", "pairing__west_org")
    return _listed(qs.order_by("-start_date", "-id"), lambda t: {
        "title": t.title, "category": t.get_category_display(), "start": t.start_date, "end": t.end_date,
        "sessions": t.sessions, "participants": t.participants, "pairing": _pairing_label(t.pairing),
    }, Training, pairing, year, period)


def sales(user: Any, pairing: Pairing, *, year: int, quarter: int | None = None,
          month: int | None = None) -> RecordList:
    period = months(quarter, month)
    qs = _yearly(visible(user, Sale.objects.filter(_subtree(pairing))), year, period)
    return _listed(qs.order_by("-month", "-amount", "-id"), lambda s: {
        "month": s.month, "category": s.get_category_display(), "channel": s.get_channel_display(),
        "supplier": s.supplier, "buyer": s.buyer, "amount": s.amount,
    }, Sale, pairing, year, period)


def placements(user: Any, pairing: Pairing, *, year: int, quarter: int | None = None,
               month: int | None = None) -> RecordList:
    period = months(quarter, month)
    qs = _yearly(visible(user, Placement.objects.filter(_subtree(pairing))), year, period)
    return _listed(qs.order_by("-month", "-count", "-id"), lambda p: {
        "month": p.month, "kind": p.get_kind_display(), "count": p.count,
        "newly_employed": number(p.newly_employed), "employer": p.employer,
    }, Placement, pairing, year, period)


def workshops(user: Any, pairing: Pairing, *, year: int, quarter: int | None = None,
              month: int | None = None) -> RecordList:
    period = months(quarter, month)
    qs = _dated(visible(user, Workshop.objects.filter(_subtree(pairing))), "established", year, period)
    return _listed(qs.select_related("region").order_by("-established", "-id"), lambda w: {
        "name": w.name, "region": place(w.region.name), "established": w.established, "jobs": w.jobs,
        "at_relocation_site": number(w.at_relocation_site),
    }, Workshop, pairing, year, period)


def receiving_unit(dispatch: Dispatch) -> str:
    """Where a dispatched person works: the dispatch's host, else the receiving side of its pairing
    (the west unit for east→west, the east unit for west→east), its place, else its region."""
    if dispatch.host_id is not None:
        return dispatch.host.name
    p = dispatch.pairing
    if dispatch.direction == Direction.W2E:
        return _side(p.east_org, p.east_place, p.east_region)
    return _side(p.west_org, p.west_place, p.west_region)


def people_on_post(user: Any, pairing: Pairing, *, on: dt.date) -> RecordList:
    """The people whose dispatch (actual dates, else planned ones) covers the day `on`, in the pairing
    and its sub-pairings, each with the unit receiving them; one query."""
    qs = visible(user, Dispatch.objects.filter(_subtree(pairing))).filter(
        Q(actual_start__lte=on) | Q(actual_start__isnull=True, planned_start__lte=on)).filter(
        Q(actual_end__gte=on) | Q(actual_end__isnull=True, planned_end__gte=on)
        | Q(actual_end__isnull=True, planned_end__isnull=True))
    qs = qs.select_related("person", "host", "pairing__east_region", "pairing__west_region", "pairing__east_org",
                           "pairing__west_org").order_by("planned_start", "id")
    total = qs.count()
    rows = [{"name": d.person.name, "category": d.get_category_display(), "direction": d.get_direction_display(),
             "post": d.post, "host": receiving_unit(d), "start": d.actual_start or d.planned_start,
             "end": d.actual_end or d.planned_end} for d in qs[:500]]
    url = reverse("admin:people_dispatch_changelist")
    return RecordList(rows=rows, total=total, admin_url=f"{url}?{urlencode({'pairing': pairing.pk})}")
