"""Every write of the matching app, each through the one write door (`accounts.writes`) (issue 12).

- `listing_save` / `listing_withdraw`: a need or an offer, by the side that posts it;
- `match_propose`: a proposal between a need and an offer (from a ranking or an assignment);
- `match_decide`: one side accepts or declines; when both have accepted, `_records_create` writes the
  records the match implies (a dispatch, a training, a sale, a placement, a project) with
  `guarded_save`, as the user who gave the second acceptance, with "对接匹配#N" as each record's change
  reason, and lists them on the match. Roll-ups refresh as for any record write (indicator signals).
- `assignment_propose`: the best overall assignment for a programme (optionally one province) as
  proposals.

Everything is one transaction: a refusal or a validation error leaves nothing half-saved.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.db.models import Model
from django.utils.timezone import localdate

from shanhai.accounts.writes import AnyUser, WriteGuard, WriteRefused, guarded_save
from shanhai.core.errors import ShanhaiError
from shanhai.matching import scoring
from shanhai.matching.assignment import Edge, assign
from shanhai.matching.context import Between, listing_view, need_promised
from shanhai.matching.models import Kind, Listing, ListingState, Match, MatchState, Need, Offer


def side_ok(user: AnyUser, listing: Listing, guard: WriteGuard | None = None) -> bool:
    """Whether the user answers for the side that posted `listing`: the national office; a region
    scope holding its place; a pairing scope holding the pairing it was posted through."""
    guard = guard or WriteGuard(user)
    if guard.national:
        return True
    if guard.region_paths and listing.region.path.startswith(guard.region_paths):
        return True
    return bool(listing.pairing_id and guard.pairing_paths and listing.pairing is not None
                and listing.pairing.path.startswith(guard.pairing_paths))


def listing_save(user: AnyUser, listing: Listing) -> Listing:
    """Create or change a need or an offer (the write door checks role and scope; this checks the side)."""
    if listing.region_id is not None and not side_ok(user, listing):
        what = "需求" if isinstance(listing, Need) else "资源"
        raise WriteRefused(f"只有发布方可以发布或修改这条{what}：所在地区不在您的数据范围内。", field="region")
    return guarded_save(user, listing)  # type: ignore[return-value]


def listing_withdraw(user: AnyUser, listing: Listing) -> Listing:
    """Withdraw: it no longer shows as available; open proposals on it are declined."""
    with transaction.atomic():
        if not side_ok(user, listing):
            raise WriteRefused("只有发布方可以撤回。")
        listing.state = ListingState.WITHDRAWN
        guarded_save(user, listing, reason="撤回")
        field = "need" if isinstance(listing, Need) else "offer"
        for match in Match.objects.filter(**{field: listing}, state__in=[MatchState.PROPOSED, MatchState.NEED_ACCEPTED,
                                                                           MatchState.OFFER_ACCEPTED]):
            match.state = MatchState.DECLINED
            guarded_save(user, match, reason="发布方撤回")
    return listing


def match_propose(user: AnyUser, need: Need, offer: Offer, *, quantity: int | None = None,
                  today: datetime.date | None = None) -> Match:
    """Propose this offer for this need, scored now; refuses what is not a candidate."""
    today = today or localdate()
    with transaction.atomic():
        existing = Match.objects.filter(need=need, offer=offer).exclude(state=MatchState.DECLINED).first()
        if existing is not None:
            return existing
        between = Between([need], [offer])
        ctx, pairing_id = between.context(need, offer)
        why = scoring.candidate(listing_view(need), listing_view(offer), ctx, today)
        if why:
            raise ShanhaiError(f"不能提议对接：{why}。")
        left_need = need.quantity - need_promised([need.pk]).get(need.pk, 0)
        if left_need <= 0:
            raise ShanhaiError("不能提议对接：需求数量已全部有对接提议。")
        got = scoring.score(listing_view(need), listing_view(offer), ctx)
        amount = min(left_need, scoring.remaining(listing_view(offer), ctx))
        match = Match(need=need, offer=offer, pairing_id=pairing_id, quantity=quantity or amount,
                      score=got.total, reasons=got.reasons)
        return guarded_save(user, match, reason="提议对接")  # type: ignore[return-value]


def decider_sides(user: AnyUser, match: Match) -> set[str]:
    """Which sides of the match the user answers for: "need", "offer" (both for the national office)."""
    guard = WriteGuard(user)
    return {side for side, listing in (("need", match.need), ("offer", match.offer)) if side_ok(user, listing, guard)}


def match_decide(user: AnyUser, match: Match, *, accept: bool, side: str | None = None,
                 names: list[str] | None = None) -> Match:
    """One side accepts or declines. `side` picks one when the user answers for both (the national office).
    `names` are the people an offer of teachers or doctors sends (else named after the offer)."""
    with transaction.atomic():
        match = Match.objects.select_for_update().select_related("need", "offer").get(pk=match.pk)
        sides = decider_sides(user, match)
        if side is not None:
            sides &= {side}
        if not sides:
            raise WriteRefused("您不是这项对接的需求方或资源方，不能确认。")
        if match.state in (MatchState.ACCEPTED, MatchState.DECLINED):
            raise ShanhaiError(f"这项对接已是“{match.get_state_display()}”，不能再确认。")
        for s in sides:
            setattr(match, f"{s}_decided_by", user if getattr(user, "pk", None) else None)
        if not accept:
            match.state = MatchState.DECLINED
            return guarded_save(user, match, reason="谢绝对接")  # type: ignore[return-value]
        accepted = set(sides)
        if match.state == MatchState.NEED_ACCEPTED:
            accepted.add("need")
        elif match.state == MatchState.OFFER_ACCEPTED:
            accepted.add("offer")
        if accepted == {"need", "offer"}:
            match.state = MatchState.ACCEPTED
            match.records = _records_create(user, match, names or [])
            return guarded_save(user, match, reason="双方接受对接")  # type: ignore[return-value]
        match.state = MatchState.NEED_ACCEPTED if "need" in accepted else MatchState.OFFER_ACCEPTED
        return guarded_save(user, match, reason="一方接受对接")  # type: ignore[return-value]


# ---- an accepted match becomes records --------------------------------------------------------------

def _window(match: Match) -> tuple[datetime.date, datetime.date | None]:
    need, offer = match.need, match.offer
    starts = [d for d in (need.start_date, offer.start_date) if d]
    ends = [d for d in (need.end_date, offer.end_date) if d]
    start = max(starts) if starts else localdate()
    end = min(ends) if ends else None
    return start, (end if end is None or end >= start else start)


def _save(user: AnyUser, obj: Model, match: Match, out: list[dict[str, Any]]) -> None:
    guarded_save(user, obj, reason=f"对接匹配#{match.pk}")
    out.append({"model": obj._meta.label_lower, "id": obj.pk, "label": str(obj)})


def _records_create(user: AnyUser, match: Match, names: list[str]) -> list[dict[str, Any]]:
    from shanhai.activities.models import Training, TrainingCategory
    from shanhai.economy.models import Placement, PlacementKind, ProductCategory, Sale, SaleChannel
    from shanhai.people.models import Direction, Dispatch, DispatchCategory, Person, Profession
    from shanhai.projects.models import Project, ProjectKind

    if match.pairing_id is None:
        raise ShanhaiError("双方之间还没有结对关系：对接生成的记录须挂在结对关系下，请先建立结对关系再接受。")
    need, offer, pairing = match.need, match.offer, match.pairing
    start, end = _window(match)
    giver = offer.organisation.name if offer.organisation_id else offer.region.name  # type: ignore[union-attr]
    taker = need.organisation.name if need.organisation_id else need.region.name  # type: ignore[union-attr]
    out: list[dict[str, Any]] = []
    if need.kind in (Kind.TEACHER, Kind.DOCTOR):
        if offer.organisation_id is None:
            raise ShanhaiError("资源未填写派出单位，无法生成选派记录：请先在资源中填写「单位」。")
        profession = Profession.TEACHER if need.kind == Kind.TEACHER else Profession.MEDICAL
        word = "教师" if need.kind == Kind.TEACHER else "医生"
        wanted = [n.strip() for n in names if n.strip()][: match.quantity]
        wanted += [f"{giver}{offer.subject or ''}{word}{i}（对接#{match.pk}）"
                   for i in range(len(wanted) + 1, match.quantity + 1)]
        for name in wanted:
            person = Person(name=name[:64], organisation=offer.organisation, profession=profession)
            _save(user, person, match, [])
            dispatch = Dispatch(person=person, pairing=pairing, direction=Direction.E2W,
                                category=DispatchCategory.TALENT, profession=profession,
                                host=need.organisation, post=f"{need.subject or ''}{word}"[:128],
                                planned_start=start, planned_end=end)
            _save(user, dispatch, match, out)
    elif need.kind == Kind.TRAINING:
        _save(user, Training(category=TrainingCategory.TALENT, pairing=pairing, title=need.title, start_date=start,
                             end_date=end, participants=match.quantity), match, out)
    elif need.kind == Kind.PURCHASE:
        amount = min(a for a in (need.amount, offer.amount) if a) if (need.amount or offer.amount) else 0
        _save(user, Sale(pairing=pairing, year=start.year, month=start.month, category=ProductCategory.AGRICULTURE,
                         supplier=taker[:128], channel=SaleChannel.ENTERPRISE, buyer=giver[:128], amount=amount),
              match, out)
    elif need.kind == Kind.JOBS:
        _save(user, Placement(pairing=pairing, year=start.year, month=start.month, kind=PlacementKind.EAST,
                              count=match.quantity, newly_employed=True, employer=giver[:128]), match, out)
    else:  # equipment, funding: a project in the west
        amount = min(a for a in (need.amount, offer.amount) if a) if (need.amount or offer.amount) else 0
        kind = ProjectKind.OTHER
        _save(user, Project(pairing=pairing, name=need.title, kind=kind, sector=need.domain, location=need.region,
                            budget=amount, start_date=start, end_date=end,
                            outputs=f"由对接匹配#{match.pk}生成：{giver}提供"), match, out)
    return out


# ---- the best overall assignment -------------------------------------------------------------------

def assignment_propose(user: AnyUser, *, programme_id: int, province_code: str = "",
                       today: datetime.date | None = None, commit: bool = False) -> dict[str, Any]:
    """The best assignment of the programme's available offers to its available needs (in one province
    when given), with capacities, solved by `assignment.assign`; with `commit`, written as proposals."""
    from shanhai.matching.selectors import market

    today = today or localdate()
    needs = list(market(user, Need, today).filter(programme_id=programme_id))
    offers = list(market(user, Offer, today).filter(programme_id=programme_id))
    if province_code:
        needs = [n for n in needs if n.region.path.startswith(f"{province_code}/")]
    between = Between(needs, offers)
    taken = need_promised([n.pk for n in needs])
    demand = [max(0, n.quantity - taken.get(n.pk, 0)) for n in needs]
    capacity = [max(0, o.quantity - between.promised.get(o.pk, 0)) for o in offers]
    edges, facts = [], {}
    for i, need in enumerate(needs):
        view = listing_view(need)
        for j, offer in enumerate(offers):
            if offer.kind != need.kind:
                continue
            ctx, pairing_id = between.context(need, offer)
            if scoring.candidate(view, listing_view(offer), ctx, today):
                continue
            got = scoring.score(view, listing_view(offer), ctx)
            edges.append(Edge(i, j, got.total))
            facts[(i, j)] = (got, pairing_id)
    result = assign(demand, capacity, edges)
    rows = [(needs[i], offers[j], q, *facts[(i, j)]) for i, j, q in result.pairs]
    created: list[Match] = []
    if commit:
        with transaction.atomic():
            for need, offer, q, got, pairing_id in rows:
                if Match.objects.filter(need=need, offer=offer).exclude(state=MatchState.DECLINED).exists():
                    continue
                created.append(guarded_save(user, Match(need=need, offer=offer, pairing_id=pairing_id, quantity=q,
                                                        score=got.total, reasons=got.reasons),
                                            reason="整体分配提议"))  # type: ignore[arg-type]
    return {"rows": rows, "total": result.total, "needs": len(needs), "offers": len(offers), "created": created}
