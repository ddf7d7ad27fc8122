"""What lies between needs and offers, read from the records in a few queries (issue 12).

For every (need, offer) pair: the pairing between the two sides (the deepest pairing whose west side
holds the need and whose east side holds the offer — a school pair before the county pair; a pairing of
units only when they are the two units), else whether they share a programme; how many records that
pairing already holds (past cooperation); the offer's capacity not yet promised. `scoring` turns these
into points; this module only reads.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Sum

from shanhai.matching.models import OPEN_MATCH_STATES, MatchState, Need, Offer
from shanhai.matching.scoring import Context, Listing
from shanhai.network.models import Pairing, PairingStatus

# The records that show two sides already work together (counted on their pairing).
COOPERATION = (("people", "Dispatch"), ("activities", "Training"), ("activities", "Activity"),
               ("projects", "Project"), ("economy", "Sale"), ("economy", "Placement"))


def listing_view(obj: Need | Offer) -> Listing:
    region = obj.region
    return Listing(kind=obj.kind, domain=obj.domain, subject=obj.subject, level=obj.level, quantity=obj.quantity,
                   start=obj.start_date, end=obj.end_date, lat=region.lat, lng=region.lng,
                   expires_on=obj.expires_on, open=obj.state == "open")


@dataclass(frozen=True)
class _Pair:
    pk: int
    path: str
    programme_id: int
    east_path: str
    west_path: str
    east_org_id: int | None
    west_org_id: int | None
    label: str


def _ancestor_codes(paths: Iterable[str]) -> set[str]:
    return {code for path in paths for code in path.strip("/").split("/") if code}


class Between:
    """Reads once for a set of needs and offers, then answers `context(need, offer)` from memory."""

    def __init__(self, needs: list[Need], offers: list[Offer]) -> None:
        west = _ancestor_codes(n.region.path for n in needs)
        east = _ancestor_codes(o.region.path for o in offers)
        rows = (Pairing.objects.exclude(status=PairingStatus.ENDED)
                .filter(west_region__code__in=west, east_region__code__in=east)
                .select_related("east_region", "west_region", "east_org", "west_org"))
        self.pairs = [_Pair(p.pk, p.path, p.programme_id, p.east_region.path, p.west_region.path, p.east_org_id,
                            p.west_org_id, str(p)) for p in rows]
        # programmes each side takes part in (through any pairing touching its region)
        self.west_programmes: dict[str, set[int]] = defaultdict(set)
        for path, programme in (Pairing.objects.filter(west_region__code__in=west)
                                .values_list("west_region__path", "programme_id").distinct()):
            self.west_programmes[path].add(programme)
        self.east_programmes: dict[str, set[int]] = defaultdict(set)
        for path, programme in (Pairing.objects.filter(east_region__code__in=east)
                                .values_list("east_region__path", "programme_id").distinct()):
            self.east_programmes[path].add(programme)
        self.cooperation = cooperation_counts([p.pk for p in self.pairs])
        self.promised = promised([o.pk for o in offers])

    def pairing(self, need: Need, offer: Offer) -> _Pair | None:
        best = None
        for p in self.pairs:
            if not (need.region.path.startswith(p.west_path) and offer.region.path.startswith(p.east_path)):
                continue
            if p.west_org_id is not None and p.west_org_id != need.organisation_id:
                continue  # a pairing of two other units
            if p.east_org_id is not None and p.east_org_id != offer.organisation_id:
                continue
            if best is None or len(p.path) > len(best.path):
                best = p
        return best

    def _programmes(self, table: dict[str, set[int]], path: str, own: int | None) -> set[int]:
        found = {own} if own else set()
        for prefix, programmes in table.items():
            if path.startswith(prefix):
                found |= programmes
        return found

    def context(self, need: Need, offer: Offer) -> tuple[Context, int | None]:
        """The scoring context and the pairing id the match's records would go to."""
        left = offer.quantity - self.promised.get(offer.pk, 0)
        pair = self.pairing(need, offer)
        if pair is not None:
            return Context("own", pair.label, self.cooperation.get(pair.pk, 0), left), pair.pk
        shared = (self._programmes(self.west_programmes, need.region.path, need.programme_id)
                  & self._programmes(self.east_programmes, offer.region.path, offer.programme_id))
        return Context("programme" if shared else "none", "", 0, left), None


def cooperation_counts(pairing_ids: list[int]) -> dict[int, int]:
    """Records per pairing (its own, not its sub-pairings'), over the record types in COOPERATION."""
    from django.apps import apps

    counts: dict[int, int] = defaultdict(int)
    if not pairing_ids:
        return counts
    for app, name in COOPERATION:
        model = apps.get_model(app, name)
        for pk, n in (model._default_manager.filter(pairing_id__in=pairing_ids).values("pairing_id")
                      .annotate(n=Count("pk")).values_list("pairing_id", "n")):
            counts[pk] += n
    return counts


def promised(offer_ids: list[int]) -> dict[int, int]:
    """Per offer: the quantity already in open or accepted matches (declined ones free it again)."""
    if not offer_ids:
        return {}
    from shanhai.matching.models import Match

    states = [*OPEN_MATCH_STATES, MatchState.ACCEPTED]
    return dict(Match.objects.filter(offer_id__in=offer_ids, state__in=states).values("offer_id")
                .annotate(q=Sum("quantity")).values_list("offer_id", "q"))


def need_promised(need_ids: list[int]) -> dict[int, int]:
    if not need_ids:
        return {}
    from shanhai.matching.models import Match

    states = [*OPEN_MATCH_STATES, MatchState.ACCEPTED]
    return dict(Match.objects.filter(need_id__in=need_ids, state__in=states).values("need_id")
                .annotate(q=Sum("quantity")).values_list("need_id", "q"))


