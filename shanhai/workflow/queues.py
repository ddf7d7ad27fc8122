"""Reads behind the review and reconciliation pages (/work/review/, /work/reconcile/), user first.

- `review_queue`: the submissions a coordinator may act on, filtered (state, programme, year,
  prefecture), each with the steps `services.may` allows and the paired side's open disputes. A
  province has hundreds of pairings: the list is one query, `may` is asked once per (state, side region,
  action) — for review, approve, accept, return and unlock its answer depends on nothing else of a
  submission (`test_review_queue_actions_match_may` holds the two together) — and disputes are read
  in one `reconcile.differences` call per period.
- `reconciliation`: every reconciled indicator of the pairings between two provinces (or of one
  pairing) for a year, open ones first, with the side the user answers for where they may answer.

Steps and answers themselves go through `services.move` / `move_many` and `reconcile.answer`.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.utils import timezone

from shanhai.accounts.scoping import visible
from shanhai.accounts.writes import AnyUser, WriteGuard, is_national
from shanhai.core.errors import ShanhaiError
from shanhai.network.models import Pairing, Programme
from shanhai.regions.models import Region
from shanhai.workflow.grid import SIDES, other_side
from shanhai.workflow.models import Action, Confirmation, Kind, Period, State, Submission
from shanhai.workflow.reconcile import Difference, differences
from shanhai.workflow.services import _region_scopes, may, user_side

QUEUE_LIMIT = 1000
# the steps offered for a submission in each state, in the order the buttons show them
STEPS = {
    State.SUBMITTED: (Action.REVIEW, Action.APPROVE, Action.RETURN),
    State.REVIEWED: (Action.APPROVE, Action.RETURN),
    State.APPROVED: (Action.ACCEPT, Action.UNLOCK),
    State.ACCEPTED: (Action.UNLOCK,),
}
# what the bulk form offers (unlocking needs a reason per submission: one at a time)
BULK_ACTIONS = (Action.REVIEW, Action.APPROVE, Action.ACCEPT, Action.RETURN)
WAITING = (State.SUBMITTED, State.REVIEWED)


def reviewer(user: AnyUser) -> bool:
    """Whether the user holds any step of the way up (review, approve, accept)."""
    return bool(user is not None and user.is_authenticated and user.is_active and (
        is_national(user) or any(user.has_perm(f"workflow.{p}_submission") for p in ("review", "approve", "accept"))))


@dataclass
class QueueItem:
    submission: Submission
    actions: list[str]
    disputes: list[str] = field(default_factory=list)

    @property
    def pairing(self) -> Pairing:
        return self.submission.pairing

    @property
    def year(self) -> int:
        return self.submission.period.year


@dataclass
class Queue:
    items: list[QueueItem]
    total: int  # before the display limit
    states: list[str]  # the states shown
    programmes: list[Programme]
    years: list[int]
    prefectures: list[Region]

    @property
    def actions(self) -> list[str]:
        """The bulk actions worth offering: those some listed submission allows."""
        found = {a for i in self.items for a in i.actions}
        return [a for a in BULK_ACTIONS if a in found]


def _side_region_q(paths: list[str], *, strictly_below: bool) -> Q:
    """Submissions whose side region (east for an east report, west otherwise) lies under one of `paths`."""
    q = Q(pk__in=[])
    for path in paths:
        east = Q(side="east", pairing__east_region__path__startswith=path)
        west = ~Q(side="east") & Q(pairing__west_region__path__startswith=path)
        if strictly_below:
            east &= ~Q(pairing__east_region__path=path)
            west &= ~Q(pairing__west_region__path=path)
        q |= east | west
    return q


def _actions(user: AnyUser, sub: Submission, cache: dict[tuple[str, int, str], bool]) -> list[str]:
    region_id = sub.pairing.east_region_id if sub.side == "east" else sub.pairing.west_region_id
    out = []
    for action in STEPS.get(State(sub.state), ()):
        key = (sub.state, region_id, action)
        if key not in cache:
            cache[key] = may(user, sub, action) is None
        if cache[key]:
            out.append(str(action))
    return out


def review_queue(user: AnyUser, *, states: list[str] | None = None, programme: int | None = None,
                 year: int | None = None, prefecture: str | None = None, limit: int = QUEUE_LIMIT) -> Queue:
    """The submissions `user` may take a step on, with their allowed steps and open disputes."""
    national = is_national(user)
    wanted = [State(s) for s in (states or [])] or list(WAITING) + ([State.APPROVED] if national else [])
    base = visible(user, Submission.objects.all())
    if not national:
        paths = [r.path for r in _region_scopes(user)]
        base = base.filter(_side_region_q(paths, strictly_below=False)) if paths else base.none()
    qs = base.filter(state__in=wanted)
    if programme:
        qs = qs.filter(period__programme_id=programme)
    if year:
        qs = qs.filter(period__year=year)
    if prefecture:
        region = Region.objects.filter(code=prefecture).first()
        qs = qs.filter(_side_region_q([region.path], strictly_below=False)) if region else qs.none()
    qs = qs.select_related("pairing__east_region", "pairing__west_region", "pairing__east_org",
                           "pairing__west_org", "pairing__programme", "period").order_by(
        "period__due", "pairing__path", "kind", "side")
    cache: dict[tuple[str, int, str], bool] = {}
    items: list[QueueItem] = []
    total = 0
    for sub in qs.iterator(chunk_size=500):
        actions = _actions(user, sub, cache)
        if not actions:
            continue
        total += 1
        if len(items) < limit:
            items.append(QueueItem(sub, actions))
    _add_disputes(items)
    return Queue(items, total, [str(s) for s in wanted], *_queue_options(user, base))


def _add_disputes(items: list[QueueItem]) -> None:
    by_period: dict[int, list[QueueItem]] = defaultdict(list)
    for item in items:
        if item.submission.kind == Kind.REPORT:
            by_period[item.submission.period_id].append(item)
    for group in by_period.values():
        period = group[0].submission.period
        pairings = list({i.submission.pairing_id: i.submission.pairing for i in group}.values())
        found: dict[tuple[int, str], list[str]] = defaultdict(list)
        for d in differences(pairings, period):
            for side in ("east", "west"):
                answer = d.disputed_by(other_side(side))
                if answer is not None:
                    found[(d.pairing.pk, side)].append(
                        f"「{d.indicator.zh}」{SIDES[other_side(side)]}有异议：{answer.comment}")
        for item in group:
            item.disputes = found.get((item.submission.pairing_id, item.submission.side), [])


def _queue_options(user: AnyUser, base: Any) -> tuple[list[Programme], list[int], list[Region]]:
    programmes = list(Programme.objects.filter(pk__in=base.values("period__programme_id")).order_by("name"))
    years = sorted(set(base.values_list("period__year", flat=True).distinct()), reverse=True)
    if is_national(user):
        prefectures = Region.objects.filter(level="prefecture", pk__in=base.values("pairing__west_region__parent_id"))
    else:
        q = Q(pk__in=[])
        for r in _region_scopes(user):
            q |= Q(path__startswith=r.path) if r.level != "county" else Q(pk=r.parent_id)
        prefectures = Region.objects.filter(q, level="prefecture")
    return programmes, years, list(prefectures.order_by("code")[:200])


def queue_submissions(user: AnyUser, ids: list[int]) -> list[Submission]:
    """The submissions a bulk form names, narrowed to those the user sees (the rest are not named back)."""
    return list(visible(user, Submission.objects.filter(pk__in=ids)).select_related(
        "pairing__east_region", "pairing__west_region", "period").order_by("pairing__path", "kind", "side"))


# ---- reconciliation ----------------------------------------------------------------------------------

PAIRING_LIMIT = 2000


@dataclass
class ReconRow:
    diff: Difference
    side: str  # the side the user answers for, "" when they may not answer

    @property
    def mine(self) -> Confirmation | None:
        return self.diff.answers.get(self.side) if self.side else None

    @property
    def answers(self) -> list[tuple[str, Confirmation]]:
        return [(SIDES[s], a) for s, a in sorted(self.diff.answers.items())]


@dataclass
class Reconciliation:
    rows: list[ReconRow]
    year: int | None
    east: Region | None
    west: Region | None
    pairing: Pairing | None
    east_options: list[Region]
    west_options: list[Region]
    years: list[int]
    hidden: int = 0  # indicators without a figure on either side and nothing open
    missing_periods: list[str] = field(default_factory=list)
    more: bool = False

    @property
    def open_count(self) -> int:
        return sum(1 for r in self.rows if r.diff.open)


def _province(path: str) -> str:
    return path.split("/", 1)[0]


def reconciliation(user: AnyUser, *, east: str = "", west: str = "", year: int | None = None,
                   pairing: int | None = None) -> Reconciliation:
    """The east/west figures of the pairings between two provinces (or of one pairing) for a year."""
    pairs = visible(user, Pairing.objects.exclude(status="planned"))
    sides = set(pairs.values_list("east_region__path", "west_region__path").distinct()[:20_000])
    east_codes = sorted({_province(e) for e, _w in sides})
    west_codes = sorted({_province(w) for _e, w in sides})
    regions = {r.code: r for r in Region.objects.filter(code__in=east_codes + west_codes)}
    chosen: Pairing | None = None
    if pairing:
        chosen = pairs.select_related("east_region", "west_region").filter(pk=pairing).first()
        if chosen is None:
            raise ShanhaiError("该结对关系不存在或不在您的数据范围内。", code="forbidden")
        east, west = _province(chosen.east_region.path), _province(chosen.west_region.path)
    else:
        if not east and len(east_codes) == 1:
            east = east_codes[0]
        if not west and len(west_codes) == 1:
            west = west_codes[0]
    east_region, west_region = regions.get(east), regions.get(west)
    if (east and east_region is None) or (west and west_region is None):
        raise ShanhaiError("所选省份不在您的数据范围内，或代码不正确。", code="forbidden")
    if chosen is not None:
        selected = [chosen]
    elif east_region and west_region:
        selected = list(pairs.filter(east_region__path__startswith=east_region.path,
                                     west_region__path__startswith=west_region.path).select_related(
            "east_region", "west_region", "east_org", "west_org").order_by("path")[:PAIRING_LIMIT + 1])
    else:
        selected = []
    more = len(selected) > PAIRING_LIMIT
    selected = selected[:PAIRING_LIMIT]
    programme_ids = {p.programme_id for p in selected}
    periods = Period.objects.filter(programme_id__in=programme_ids, quarter=0)
    years = sorted(set(periods.values_list("year", flat=True)), reverse=True)
    if year is None:
        soon = timezone.localdate() + dt.timedelta(days=400)
        year = max((p.year for p in periods if p.due <= soon), default=years[0] if years else None)
    out = Reconciliation([], year, east_region, west_region, chosen,
                         [regions[c] for c in east_codes if c in regions],
                         [regions[c] for c in west_codes if c in regions], years, more=more)
    if year is None or not selected:
        return out
    by_programme = {p.programme_id: p for p in periods.filter(year=year).select_related("programme")}
    guard = WriteGuard(user)
    may_answer = guard.role_error(Confirmation, "add") is None
    rows = []
    for pid in sorted(programme_ids):
        period = by_programme.get(pid)
        mine = [p for p in selected if p.programme_id == pid]
        if period is None:
            out.missing_periods.append(str(mine[0].programme))
            continue
        for d in differences(mine, period):
            if d.east is None and d.west is None and not d.open:
                out.hidden += 1
                continue
            side = user_side(user, d.pairing) if may_answer and guard.pairing_open(d.pairing.pk) else ""
            rows.append(ReconRow(d, side))
    rows.sort(key=lambda r: (not r.diff.open, not r.diff.flagged, r.diff.pairing.path, r.diff.indicator.position))
    out.rows = rows
    return out
