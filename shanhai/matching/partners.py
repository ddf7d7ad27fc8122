"""Partner search: units by place, kind, subject or speciality, each with its pairings and history (issue 12).

What a user may find: the units they see (`visible`: in their scope, or on a side of their pairings) and
the units whose needs or offers the market shows them. A unit's pairings and record counts are read
through `visible` too, so a search shows no pairing the user could not open.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q

from shanhai.accounts.scoping import visible
from shanhai.core.errors import ShanhaiError
from shanhai.matching.context import cooperation_counts
from shanhai.matching.models import Need, Offer
from shanhai.matching.selectors import market
from shanhai.network.models import Organisation, OrgKind, Pairing
from shanhai.regions.lookup import find_region

ORG_KINDS = OrgKind.choices
LIMIT = 50


@dataclass(frozen=True)
class PartnerQuery:
    place: str = ""
    kind: str = ""
    subject: str = ""

    @property
    def given(self) -> bool:
        return bool(self.place or self.kind or self.subject)

    @classmethod
    def from_params(cls, params: Any) -> PartnerQuery:
        kind = params.get("kind", "")
        if kind and kind not in OrgKind.values:
            raise ShanhaiError(f"不认识的单位类别“{kind}”。", field="kind")
        return cls(params.get("place", "").strip()[:64], kind, params.get("subject", "").strip()[:64])


def search(user: Any, q: PartnerQuery) -> list[dict[str, Any]]:
    listed = Q(pk__in=[])
    for model in (Need, Offer):
        ids = market(user, model).exclude(organisation=None).values("organisation_id")
        listed |= Q(pk__in=ids)
    units = Organisation.objects.filter(Q(pk__in=visible(user, Organisation.objects.all()).values("pk")) | listed)
    if q.place:
        region = find_region(q.place, label="地点")
        units = units.filter(region__path__startswith=region.path)
    if q.kind:
        units = units.filter(kind=q.kind)
    if q.subject:
        subject_q = Q(name__icontains=q.subject)
        for model in (Need, Offer):
            subject_q |= Q(pk__in=market(user, model).filter(subject__icontains=q.subject).values("organisation_id"))
        units = units.filter(subject_q)
    found = list(units.select_related("region").order_by("region__path", "name")[:LIMIT])
    ids = [u.pk for u in found]
    pairings = list(visible(user, Pairing.objects.filter(Q(east_org_id__in=ids) | Q(west_org_id__in=ids)))
                    .select_related("east_org", "west_org", "programme"))
    counts = cooperation_counts([p.pk for p in pairings])
    subjects: dict[int, set[str]] = {}
    for model in (Need, Offer):
        for org, subject in market(user, model).filter(organisation_id__in=ids).values_list("organisation_id",
                                                                                            "subject"):
            if subject:
                subjects.setdefault(org, set()).add(subject)
    out = []
    for unit in found:
        own = [p for p in pairings if unit.pk in (p.east_org_id, p.west_org_id)]
        out.append({"unit": unit, "subjects": sorted(subjects.get(unit.pk, ())),
                    "pairings": [{"pairing": p, "records": counts.get(p.pk, 0), "current": p.status == "active"}
                                 for p in own]})
    return out
