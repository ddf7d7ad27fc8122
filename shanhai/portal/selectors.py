"""The public data layer: everything the portal, the open-data downloads, the anonymous API and the
interchange files show passes through here, and nothing else reads programme data for them.

What is public (one rule each, here):
- **Programmes** the national office marks public (`Publication.public`).
- **Years** whose yearly reporting is closed: the programme's year period (quarter 0) has report
  submissions and every one of them is approved or accepted (`workflow.models.LOCKED_STATES`), so the
  figures are the locked, approved ones (`published_years`). Other years show no figure at all.
- **Aggregates only**: roll-ups and reported figures per pairing (county level and above), per
  province and side, and for the country; targets and completion; projects and their money; the
  network's structure with units by name (schools, hospitals, enterprises). Never a person: no query
  here reads `people`, dispatches, trainees or anyone's name.
- **Small counts of people** follow `portal.disclosure` (shown as "<3").

Figures come from `indicators.selectors.indicator_table` (the same roll-ups and the same "which figure
counts" rule as the signed-in pages), read with an unsaved national reader, then filtered here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User
from django.db.models import Count, Max, Q, Sum

from shanhai.indicators.selectors import HEADLINE, IndicatorRow, indicator_table
from shanhai.network.models import Pairing, PairingKind, Programme
from shanhai.portal.disclosure import WITHHELD, shown, withheld
from shanhai.portal.models import Publication
from shanhai.projects.models import FundAllocation, Project
from shanhai.regions.models import Region
from shanhai.workflow.models import LOCKED_STATES, Kind, Submission

Number = int | Decimal
TOP_KINDS = (PairingKind.PROVINCE, PairingKind.PREFECTURE, PairingKind.COUNTY)
SUB_KINDS_SHOWN = tuple(k for k in PairingKind.values if k not in TOP_KINDS)

# Reads everything (superuser) and is never saved: the public layer filters what it returns.
_READER = User(username="portal-reader", is_superuser=True, is_active=True)


# ---- what is public ----------------------------------------------------------------------------

def public_programmes() -> list[Programme]:
    return list(Programme.objects.filter(publication__public=True).order_by("name"))


def public_programme(programme_id: int) -> Programme | None:
    return Programme.objects.filter(pk=programme_id, publication__public=True).first()


def published_years(programme: Programme | int) -> list[int]:
    """Years of a public programme whose reports are all approved or accepted (ascending)."""
    pid = programme if isinstance(programme, int) else programme.pk
    if not Publication.objects.filter(programme_id=pid, public=True).exists():
        return []
    rows = (Submission.objects.filter(period__programme_id=pid, period__quarter=0, kind=Kind.REPORT)
            .values("period__year")
            .annotate(n=Count("id"), locked=Count("id", filter=Q(state__in=LOCKED_STATES))))
    return sorted(r["period__year"] for r in rows if r["n"] and r["n"] == r["locked"])


def last_modified() -> dt.datetime | None:
    stamps = [m for m in (
        Submission.objects.aggregate(m=Max("updated_at"))["m"],
        Publication.objects.aggregate(m=Max("updated_at"))["m"],
        Pairing.objects.aggregate(m=Max("updated_at"))["m"],
        Project.objects.aggregate(m=Max("updated_at"))["m"],
    ) if m is not None]
    return max(stamps) if stamps else None


# ---- figures -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Value:
    """One indicator's public figures for one scope and year."""

    code: str
    zh: str
    en: str
    unit: str
    category: str
    year: int
    computed: Number | None
    reported: Number | None
    actual: Number | None
    target: Number | None
    completion: Decimal | None
    basis: str  # "target", "pairing_targets", "last_year" or ""
    source: str  # "records" (computed from records), "form" / "sheet" / "document" (reported), "" (none)
    withheld: bool  # a small count of people (portal.disclosure): figures not shown

    @property
    def shown(self) -> str:
        return WITHHELD if self.withheld else ""


def _source(row: IndicatorRow) -> str:
    if row.official:
        return "form"
    if row.computed:
        return "records"
    kinds = sorted({s.source_kind for s in row.reported_sources if not s.cumulative})
    if row.reported is not None and kinds:
        return kinds[0] if len(kinds) == 1 else "+".join(kinds)
    return "records" if row.computed is not None else ""


def _value(row: IndicatorRow, year: int) -> Value:
    actual = row.actual
    hide = any(withheld(v, row.unit) for v in (actual, row.computed, row.reported))
    return Value(
        code=row.code, zh=row.zh, en=row.en, unit=row.unit, category=row.category, year=year,
        computed=None if hide else shown(row.computed, row.unit),
        reported=None if hide else shown(row.reported, row.unit),
        actual=None if hide else actual,
        target=row.target if row.target is not None else row.target_pairings,
        completion=None if hide else row.completion, basis=row.completion_basis,
        source=_source(row), withheld=hide,
    )


def values(*, programme: Programme, year: int, pairing: Pairing | None = None, region: Region | None = None,
           side: str = "west", codes: Iterable[str] | None = None) -> list[Value]:
    """Public figures of one scope (a pairing of the programme, a region on a side, else the
    country) for one published year; [] when the year is not published."""
    if year not in published_years(programme):
        return []
    if pairing is not None and pairing.programme_id != programme.pk:
        return []
    rows = indicator_table(_READER, pairing=pairing.pk if pairing else None,
                           region=region.code if region is not None and pairing is None else None,
                           side=side, programme=programme.pk, year=year)
    wanted = set(codes) if codes is not None else None
    return [_value(r, year) for r in rows if wanted is None or r.code in wanted]


def headline(*, programme: Programme, pairing: Pairing | None = None, region: Region | None = None,
             side: str = "west") -> list[tuple[int, list[Value]]]:
    """The headline indicators over the published years, newest first."""
    return [(y, values(programme=programme, year=y, pairing=pairing, region=region, side=side, codes=HEADLINE))
            for y in reversed(published_years(programme))]


# ---- the network -------------------------------------------------------------------------------

@dataclass(frozen=True)
class PublicPairing:
    id: int
    kind: str
    label: str
    east: Region
    west: Region
    east_unit: str
    west_unit: str
    parent_id: int | None
    status: str
    children: list[PublicPairing] = field(default_factory=list)


def _label(org: str | None, place: str, region: str) -> str:
    return org or (f"{region}{place}" if place else region)


def pairings(programme: Programme, *, kinds: Iterable[str] = TOP_KINDS, province: Region | None = None,
             ids: Iterable[int] | None = None) -> list[PublicPairing]:
    """Pairings of a public programme (county level and above by default), optionally with a side in
    `province`."""
    qs = Pairing.objects.filter(programme=programme, kind__in=list(kinds)).select_related(
        "east_region", "west_region", "east_org", "west_org")
    if province is not None:
        qs = qs.filter(Q(east_region__path__startswith=province.path) | Q(west_region__path__startswith=province.path))
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return [_public(p) for p in qs.order_by("path", "id")]


def _public(p: Pairing) -> PublicPairing:
    return PublicPairing(
        id=p.pk, kind=p.kind, label=str(p), east=p.east_region, west=p.west_region,
        east_unit=_label(p.east_org.name if p.east_org else None, p.east_place, p.east_region.name),
        west_unit=_label(p.west_org.name if p.west_org else None, p.west_place, p.west_region.name),
        parent_id=p.parent_id, status=p.status)


def public_pairing(programme: Programme, pairing_id: int) -> Pairing | None:
    return Pairing.objects.filter(pk=pairing_id, programme=programme).select_related(
        "east_region", "west_region", "east_org", "west_org", "programme").first()


def sub_pairings(pairing: Pairing) -> list[PublicPairing]:
    """The pairings below (schools, hospitals, enterprises, townships, villages …) by their units' names."""
    rows = Pairing.objects.filter(path__startswith=pairing.path).exclude(pk=pairing.pk).select_related(
        "east_region", "west_region", "east_org", "west_org")
    return [_public(p) for p in rows.order_by("kind", "path")]


# ---- projects and funds ------------------------------------------------------------------------

@dataclass(frozen=True)
class PublicProject:
    id: int
    name: str
    kind: str
    sector: str
    status: str
    location: Region
    pairing_id: int
    budget: int
    start_date: dt.date | None
    end_date: dt.date | None
    funds: dict[int, tuple[int, int]]  # year → (allocated, disbursed), published years only

    @property
    def allocated(self) -> int:
        return sum(a for a, _d in self.funds.values())

    @property
    def disbursed(self) -> int:
        return sum(d for _a, d in self.funds.values())


@dataclass(frozen=True)
class PublicFund:
    pairing_id: int
    project_id: int | None
    year: int
    source: str
    sector: str
    allocated: int
    disbursed: int


def _pairing_ids(programme: Programme, pairing: Pairing | None) -> Q:
    if pairing is None:
        return Q(pairing__programme=programme)
    return Q(pairing__path__startswith=pairing.path, pairing__programme=programme)


def projects(programme: Programme, *, pairing: Pairing | None = None, year: int | None = None) -> list[PublicProject]:
    """Projects of a public programme (below `pairing`) with their money in published years; with
    `year`, only those with money allocated that year."""
    years = published_years(programme)
    if year is not None:
        years = [y for y in years if y == year]
    if not years:
        return []
    funds: dict[int, dict[int, tuple[int, int]]] = {}
    for pid, y, a, d in (FundAllocation.objects.filter(_pairing_ids(programme, pairing), year__in=years,
                                                       project__isnull=False)
                         .values("project_id", "year").annotate(a=Sum("allocated"), d=Sum("disbursed"))
                         .values_list("project_id", "year", "a", "d")):
        funds.setdefault(pid, {})[y] = (a or 0, d or 0)
    qs = Project.objects.filter(_pairing_ids(programme, pairing)).select_related("location")
    if year is not None:
        qs = qs.filter(pk__in=list(funds))
    return [PublicProject(id=p.pk, name=p.name, kind=p.kind, sector=p.sector, status=p.status, location=p.location,
                          pairing_id=p.pairing_id, budget=p.budget, start_date=p.start_date, end_date=p.end_date,
                          funds=funds.get(p.pk, {}))
            for p in qs.order_by("pairing_id", "-start_date", "name", "id")]


def funds(programme: Programme, *, year: int) -> Iterator[PublicFund]:
    """Fund allocations of a published year (with or without a project)."""
    if year not in published_years(programme):
        return iter(())
    rows = (FundAllocation.objects.filter(pairing__programme=programme, year=year)
            .order_by("pairing_id", "project_id", "source", "id")
            .values_list("pairing_id", "project_id", "year", "source", "sector", "allocated", "disbursed"))
    return (PublicFund(*r) for r in rows.iterator(chunk_size=2000))


# ---- the map -----------------------------------------------------------------------------------

def provinces_of(programme: Programme) -> dict[str, list[Region]]:
    """The provinces on each side of a public programme's pairings."""
    out: dict[str, list[Region]] = {"east": [], "west": []}
    paths = Pairing.objects.filter(programme=programme, kind__in=TOP_KINDS).values_list(
        "east_region__path", "west_region__path")
    codes = {"east": set(), "west": set()}  # type: dict[str, set[str]]
    for e, w in paths:
        codes["east"].add(e.split("/", 1)[0])
        codes["west"].add(w.split("/", 1)[0])
    for side in ("east", "west"):
        out[side] = list(Region.objects.filter(code__in=codes[side], level="province").order_by("code"))
    return out


def map_lines(programme: Programme, *, province: Region | None = None) -> list[dict[str, Any]]:
    """One east→west line per pairing of county level and above (the web map's shape, map.js)."""
    kinds = {k: str(v) for k, v in PairingKind.choices}
    lines = []
    for p in pairings(programme, province=province):
        lines.append({
            "id": p.id, "kind": p.kind, "kind_label": kinds.get(p.kind, p.kind),
            "east": {"code": p.east.code, "name": p.east.name, "lng": p.east.lng, "lat": p.east.lat},
            "west": {"code": p.west.code, "name": p.west.name, "lng": p.west.lng, "lat": p.west.lat},
            "label": f"{p.east.name} — {p.west.name}",
        })
    return lines


def province_values(programme: Programme, *, year: int, code: str, side: str = "west") -> dict[str, Number | None]:
    """One indicator per province on `side` (for shading the map), from published years only."""
    out: dict[str, Number | None] = {}
    for prov in provinces_of(programme)[side]:
        vals = values(programme=programme, year=year, region=prov, side=side, codes=[code])
        out[prov.code] = vals[0].actual if vals else None
    return out
