"""Reads of the yearly cycle: each user's work (我的待办), who to tell about a step, which pairings one reports.

Every list is narrowed by `accounts.scoping.visible` first; which step a user may take is
`services.may`, the same answer the step itself checks.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from shanhai.accounts.scoping import visible
from shanhai.accounts.writes import AnyUser, is_national
from shanhai.network.models import Pairing, PairingKind
from shanhai.regions.models import Region
from shanhai.workflow.models import LOCKED_STATES, Action, Kind, Period, State, Step, Submission
from shanhai.workflow.services import _prefixes, may, side_region, user_side

MAX_LISTED = 200


@dataclass
class WorkItem:
    pairing: Pairing
    period: Period
    kind: str
    side: str
    submission: Submission | None
    due: dt.date | None = None
    reason: str = ""  # a return's comment, a dispute's text
    actions: list[str] = field(default_factory=list)

    @property
    def overdue(self) -> bool:
        return self.due is not None and self.due < timezone.localdate()

    @property
    def state_label(self) -> str:
        return self.submission.get_state_display() if self.submission else State.DRAFT.label


@dataclass
class MyWork:
    due: list[WorkItem]
    review: list[WorkItem]
    returned: list[WorkItem]
    disputes: list[WorkItem]
    review_total: int = 0

    @property
    def empty(self) -> bool:
        return not (self.due or self.review or self.returned or self.disputes)


ADMIN_KINDS = (PairingKind.PROVINCE, PairingKind.PREFECTURE, PairingKind.COUNTY)


def reporting_pairings(user: AnyUser) -> list[Pairing]:
    """The pairings a user reports for: the top-most pairings of their scopes (a county officer's county
    pairs, a school reporter's school pair), not every sub-pairing below them."""
    if user is None or not user.is_authenticated or is_national(user):
        return []
    scopes = list(user.scopes.select_related("region", "pairing"))
    out: dict[int, Pairing] = {}
    for s in scopes:
        if s.pairing is not None:
            out[s.pairing_id] = s.pairing
    paths = [s.region.path for s in scopes if s.region is not None]
    if paths:
        under = Q()
        for path in paths:
            under |= Q(path__startswith=path)
        ids = list(Region.objects.filter(under).values_list("id", flat=True))
        inside = Q(east_region_id__in=ids) | Q(west_region_id__in=ids)
        parent_inside = Exists(Pairing.objects.filter(inside, pk=OuterRef("parent_id")))
        # Top-most within the scope: no parent, or a parent outside it (a province's county pairs are not
        # reported by the province office: their parent, the province pair, is in its scope). A region
        # reports for the administrative pairs (province, prefecture, county); the units' pairs below
        # are reported by their own pairing scopes — and leaving them out spares a scan of every pairing.
        rows = (Pairing.objects.filter(inside).exclude(status="planned")
                .filter(Q(parent__isnull=True) | Q(kind__in=ADMIN_KINDS) & ~parent_inside)
                .select_related("programme", "east_region", "west_region"))
        for p in rows:
            out[p.pk] = p
    return sorted(out.values(), key=lambda p: p.path)


def current_periods(programme_ids: Iterable[int]) -> list[Period]:
    """Per programme, the periods of its current reporting year: the latest year with a period whose
    due date is not more than a year away (a planned far year does not hide this one)."""
    today = timezone.localdate()
    periods = list(Period.objects.filter(programme_id__in=set(programme_ids),
                                         due__lte=today + dt.timedelta(days=400)).order_by("-year", "quarter"))
    latest: dict[int, int] = {}
    for p in periods:
        latest.setdefault(p.programme_id, p.year)
    return [p for p in periods if p.year == latest[p.programme_id]]


def my_work(user: AnyUser) -> MyWork:
    work = MyWork([], [], [], [])
    if user is None or not user.is_authenticated:
        return work
    pairings = reporting_pairings(user)
    periods = current_periods({p.programme_id for p in pairings})
    subs = {(s.pairing_id, s.period_id, s.kind, s.side): s for s in Submission.objects.filter(
        pairing__in=pairings, period__in=periods).select_related("period")}
    last_return = _last_comments([s.pk for s in subs.values() if s.state == State.RETURNED])
    for p in pairings:
        side = user_side(user, p)
        for period in (x for x in periods if x.programme_id == p.programme_id):
            for kind in (Kind.PLAN, Kind.REPORT):
                if kind == Kind.PLAN and period.quarter:
                    continue
                key_side = "" if kind == Kind.PLAN else side
                sub = subs.get((p.pk, period.pk, kind, key_side))
                due = period.plan_due if kind == Kind.PLAN else period.due
                item = WorkItem(p, period, kind, key_side, sub, due)
                if sub is not None and sub.state == State.RETURNED:
                    item.reason = last_return.get(sub.pk, "")
                    work.returned.append(item)
                elif sub is None or sub.state == State.DRAFT:
                    work.due.append(item)
    work.due.sort(key=lambda i: (i.due or dt.date.max, i.pairing.path))
    work.review, work.review_total = _to_review(user)
    work.disputes = _disputes(user, pairings, periods)
    return work


def _last_comments(ids: list[int]) -> dict[int, str]:
    out: dict[int, str] = {}
    for sid, comment in Step.objects.filter(submission_id__in=ids, action__in=[Action.RETURN, Action.UNLOCK]
                                            ).order_by("at", "pk").values_list("submission_id", "comment"):
        out[sid] = comment
    return out


def _to_review(user: Any) -> tuple[list[WorkItem], int]:
    """Submissions waiting for a step this user may take (review, approve, accept)."""
    national = is_national(user)
    perms = [user.has_perm(f"workflow.{p}_submission") for p in ("review", "approve", "accept")]
    if not (national or any(perms)):
        return [], 0
    states = [State.SUBMITTED, State.REVIEWED] + ([State.APPROVED] if national else [])
    qs = visible(user, Submission.objects.filter(state__in=states)).select_related(
        "pairing__east_region", "pairing__west_region", "period").order_by("period__due", "pairing__path")
    items = []
    total = 0
    reviews = user.has_perm("workflow.review_submission")
    allowed: dict[tuple[str, int, str], bool] = {}  # `may` per (state, side region, step), as queues.review_queue

    def may_take(sub: Submission, step: str) -> bool:
        key = (sub.state, sub.pairing.east_region_id if sub.side == "east" else sub.pairing.west_region_id, step)
        if key not in allowed:
            allowed[key] = may(user, sub, step) is None
        return allowed[key]

    for sub in qs.iterator(chunk_size=500):
        action = {State.SUBMITTED: Action.REVIEW if reviews else Action.APPROVE,
                  State.REVIEWED: Action.APPROVE, State.APPROVED: Action.ACCEPT}[State(sub.state)]
        options = [a for a in ((action, Action.APPROVE, Action.RETURN) if sub.state == State.SUBMITTED
                               else (action, Action.RETURN) if sub.state == State.REVIEWED else (action, Action.UNLOCK))
                   if may_take(sub, a)]
        if not options:
            continue
        total += 1
        if len(items) < MAX_LISTED:
            items.append(WorkItem(sub.pairing, sub.period, sub.kind, sub.side, sub, sub.period.due,
                                  actions=list(dict.fromkeys(options))))
    return items, total


def _disputes(user: Any, pairings: list[Pairing], periods: list[Period]) -> list[WorkItem]:
    """Open disputes of the paired side against this user's figures."""
    from shanhai.workflow.reconcile import differences

    items = []
    for period in periods:
        mine = [p for p in pairings if p.programme_id == period.programme_id and not period.quarter]
        for d in differences(mine, period):
            side = user_side(user, d.pairing)
            other = "east" if side == "west" else "west"
            answer = d.disputed_by(other)
            if answer is not None:
                items.append(WorkItem(d.pairing, period, Kind.REPORT, side, None, period.due,
                                      reason=f"「{d.indicator.zh}」：{answer.comment}"))
    return items


def side_officers(pairing: Pairing, side: str) -> list[Any]:
    """The users who report for one side of a pairing (region scope on that side's region, or a pairing scope)."""
    region = pairing.east_region if side == "east" else pairing.west_region
    return list(get_user_model().objects.filter(is_active=True).filter(
        Q(scopes__region__path=region.path) | Q(scopes__pairing=pairing)).distinct())


def people_to_notify(sub: Submission, step: Step) -> list[Any]:
    """Whose 'my work' a step lands in: the next level up after a submit or review, the reporters after a
    return, unlock or approval."""
    region = side_region(sub)
    User = get_user_model()
    if step.action in (Action.SUBMIT, Action.REVIEW):
        ancestors = [p + "/" for p in _prefixes(region.path) if p + "/" != region.path]
        perm = "workflow.review_submission" if step.action == Action.SUBMIT else "workflow.approve_submission"
        candidates = User.objects.filter(is_active=True, scopes__region__path__in=ancestors).distinct()
        return [u for u in candidates if u.has_perm(perm)]
    if sub.kind == Kind.PLAN:
        return side_officers(sub.pairing, "west") + side_officers(sub.pairing, "east")
    return side_officers(sub.pairing, sub.side)


def locked(sub: Submission) -> bool:
    return sub.state in LOCKED_STATES
