"""Reads for the matching pages: every one starts from `accounts.scoping.visible` (issue 12).

Two kinds of read:

- **own** (`visible`): the needs and offers in the user's scope, as for every record — what the admin,
  the API and the edit pages use;
- **market**: what the user may see to find a partner — their own, plus others' *available* listings
  (open, not expired) whose visibility admits them: 全部单位 (any signed-in unit), 同一协作项目 (the
  listing's programme is one of the user's, i.e. of a pairing they see), 仅结对双方 (posted through a
  pairing they see, or placed on the far side of a region-level pairing they see). An expired or
  withdrawn listing never shows.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Q, QuerySet
from django.utils.timezone import localdate

from shanhai.accounts.scoping import scope_filter, visible
from shanhai.matching import scoring
from shanhai.matching.context import Between, listing_view, need_promised
from shanhai.matching.models import Listing, ListingState, Match, Need, Offer, Visibility
from shanhai.network.models import Pairing

AnyUser = User | AnonymousUser


def available_q(today: datetime.date | None = None) -> Q:
    return Q(state=ListingState.OPEN, expires_on__gte=today or localdate())


def _partner_q(user: AnyUser, model: type[Listing]) -> Q:
    """The visibility rule for others' listings (see the module docstring)."""
    condition = scope_filter(user, Pairing)
    if condition is None:
        return Q()  # the national office sees every listing
    if not user.is_authenticated:
        return Q(pk__in=[])
    pairings = Pairing.objects.filter(condition)
    programmes = set(pairings.values_list("programme_id", flat=True).distinct())
    # 仅结对双方: posted through a pairing the user sees, or (posted without one) placed on the far side of a
    # region-level pairing the user sees (南沙's officer sees 紫云's needs; a school pair's reporter does not
    # see the county's, whose pairing is above theirs)
    side = "west" if model is Need else "east"
    regional = pairings.filter(**{f"{side}_org": None})
    paths = set(regional.values_list(f"{side}_region__path", flat=True).distinct()[:5000])
    partner = Q(pairing__in=pairings.values("pk"))
    for path in paths:
        partner |= Q(pairing=None, region__path__startswith=path)
    return (Q(visibility=Visibility.PUBLIC) | Q(visibility=Visibility.PROGRAMME, programme_id__in=programmes)
            | Q(visibility__in=[Visibility.PROGRAMME, Visibility.PAIRING]) & partner)


def market(user: AnyUser, model: type[Listing], today: datetime.date | None = None) -> QuerySet[Any]:
    """Available listings the user may see to find a partner (their own and others' as their visibility
    allows); expired and withdrawn ones never."""
    if not user.is_authenticated:
        return model._default_manager.none()
    own = scope_filter(user, model)
    seen = Q() if own is None else own | _partner_q(user, model)
    return (model._default_manager.filter(available_q(today)).filter(seen)
            .select_related("region", "organisation", "programme").distinct())


def own(user: AnyUser, model: type[Listing]) -> QuerySet[Any]:
    return visible(user, model._default_manager.all()).select_related("region", "organisation")


def matches(user: AnyUser) -> QuerySet[Match]:
    return visible(user, Match.objects.all()).select_related(
        "need__region", "need__organisation", "offer__region", "offer__organisation", "pairing")


@dataclass(frozen=True)
class Ranked:
    offer: Offer
    score: scoring.Score
    relation: str
    pairing_id: int | None


def rank_offers(user: AnyUser, need: Need, *, limit: int = 20, today: datetime.date | None = None) -> list[Ranked]:
    """The offers the user may see for this need, best first, each with its score and reasons."""
    today = today or localdate()
    offers = list(market(user, Offer, today).filter(kind=need.kind)[:2000])
    between = Between([need], offers)
    view = listing_view(need)
    items = []
    for offer in offers:
        ctx, pairing_id = between.context(need, offer)
        items.append(((offer, ctx.relation, pairing_id), listing_view(offer), ctx))
    ranked = scoring.rank(view, items, today)
    return [Ranked(key[0], s, key[1], key[2]) for key, s in ranked[:limit]]  # type: ignore[index]


def need_open_quantity(needs: list[Need]) -> dict[int, int]:
    promised = need_promised([n.pk for n in needs])
    return {n.pk: n.quantity - promised.get(n.pk, 0) for n in needs}
