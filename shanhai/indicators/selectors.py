"""Reads for the dashboards: every function takes the user first and scopes through `visible`.

INTERFACE (for the page engineer, shanhai/web/): the dataclasses and signatures below are stable.
Values come from the maintained roll-up tables (never from raw records per request):

- `computed` is what the records say (dispatches, trainings, sales …), summed over the pairing and
  its sub-pairings, or over every pairing whose chosen side lies in the region;
- `reported` is what a form, a sheet row or a document sentence said for exactly that pairing
  (or that region and side); it is never added to `computed` — both are shown, `differs` marks a gap;
- numbers are `int` for whole units (yuan, persons …) and `Decimal` where the catalogue unit is a
  percent; `None` means "no value" (not computable, nothing reported, or a `last` indicator over
  several pairings: stocks and rates are never summed).

Periods: `year`, optionally narrowed to `quarter` (1–4) or `month` (1–12). Records dated only by
year (fund allocations, investments, sales without a month) count in the year but in no quarter/month.
`side` is "east" (支援方) or "west" (受援方): which side of a pairing must lie in `region`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Exists, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from shanhai.accounts.models import Scope
from shanhai.accounts.scoping import scope_filter, visible
from shanhai.core.errors import ShanhaiError
from shanhai.core.fields import Domain
from shanhai.core.reads import once, page_reads  # noqa: F401 - page_reads re-exported
from shanhai.indicators.models import (
    Agg,
    Indicator,
    PairingValue,
    RegionValue,
    ReportedValue,
    Target,
    TreeValue,
)
from shanhai.indicators.rollups import catalogue
from shanhai.indicators.rules import RULES
from shanhai.indicators.services import completion, stated_rate_mismatch
from shanhai.network.models import Organisation, Pairing, PairingKind, PairingStatus
from shanhai.people.models import Direction, Dispatch, DispatchCategory, Person
from shanhai.projects.models import FundAllocation, Project, ProjectKind, ProjectStatus
from shanhai.regions.lookup import get_index
from shanhai.regions.models import Region

Number = int | Decimal
UserLike = User | AnonymousUser


@dataclass(frozen=True)
class ReportedSource:
    """One reported figure behind `IndicatorRow.reported`, with where it came from."""

    value: Number
    source_ref: str  # "file · sheet · row" or the document title
    source_url: str
    evidence: str  # the sentence, for document sources
    source_kind: str = ""  # form / sheet / document
    qualifier: str = "exact"  # exact / at_least / about
    period_label: str = ""  # "2023年", "2023年第2季度", "2021—2023年累计"
    cumulative: bool = False  # covers several years: listed, never added into `reported`
    stated_rate: Decimal | None = None  # completion rate the source states (percent)
    rate_flag: bool = False  # the stated rate disagrees with value ÷ baseline (or ÷ target)


@dataclass(frozen=True)
class IndicatorRow:
    code: str
    zh: str
    en: str
    unit: str
    agg: str  # "sum" | "last"
    category: str
    computable: bool  # has a record rule (else only reported values exist)
    target: Number | None
    computed: Number | None
    reported: Number | None
    reported_sources: list[ReportedSource]
    last_year: Number | None  # computed value of the same period a year earlier, else the reported one
    completion: Decimal | None  # ratio (1.075 = 107.5 %): actual ÷ target, or ÷ last year without target
    completion_basis: str  # "target" | "last_year" | ""
    differs: bool  # computed and reported both present and not equal
    stated_rate_flag: bool  # a reported stated completion rate disagrees with the computed one
    records_url: str  # admin changelist filtered to the records behind `computed` ("" if none)
    # A region or the country: what was reported for, and the targets set for, the pairings in it
    # (on `side`), summed over the outermost pairings that have one; None for a pairing or a `last`
    # indicator. Shown apart, never added into `computed` or `reported`.
    target_pairings: Number | None = None
    reported_pairings: Number | None = None
    official: bool = False  # `reported` holds a figure entered in the pairing's report (workflow)

    @property
    def actual(self) -> Number | None:
        """The figure completion is measured on: the report's own figure where one was entered (`official`),
        else computed where records exist, else reported."""
        if self.official:
            return self.reported
        return self.computed if self.computed else (self.reported if self.reported is not None else self.computed)


@dataclass(frozen=True)
class RankRow:
    code: str  # region code
    name: str
    value: Number


@dataclass(frozen=True)
class MapPoint:
    code: str
    name: str
    lng: float
    lat: float


@dataclass(frozen=True)
class SubPairing:
    id: int
    kind: str
    kind_label: str
    label: str  # "东部单位 — 西部单位"
    status: str
    children: list[SubPairing] = field(default_factory=list)


@dataclass(frozen=True)
class PersonOnPost:
    name: str
    category: str  # display label
    direction: str  # display label
    post: str
    host: str
    start: dt.date | None
    end: dt.date | None


@dataclass(frozen=True)
class ProjectMoney:
    id: int
    name: str
    kind: str
    sector: str
    status: str
    budget: int
    allocated: int
    disbursed: int


@dataclass(frozen=True)
class PairingProfile:
    id: int
    label: str
    programme: str
    programme_id: int
    kind: str
    kind_label: str
    east: dict[str, Any]  # {"region_code", "region_name", "org", "place", "label"}
    west: dict[str, Any]
    parent_id: int | None
    start_date: dt.date | None
    end_date: dt.date | None
    status: str
    status_label: str
    domains: list[str]  # display labels
    agreements: list[dict[str, Any]]  # {"title", "signed_on", "domains"}
    sub_pairings: list[SubPairing]  # the tree below this pairing
    people_on_post: list[PersonOnPost]
    projects: list[ProjectMoney]
    parent_visible: bool = False  # the parent pairing is in the user's view (a page may link it)


@dataclass(frozen=True)
class ChildSummary:
    code: str
    name: str
    level: str
    values: dict[str, Number | None]  # headline indicator code → computed value


@dataclass(frozen=True)
class PairingSummary:
    id: int
    kind: str
    label: str
    east_name: str
    west_name: str
    values: dict[str, Number | None]
    # headline code → completion ratio (actual ÷ the pairing's target, else ÷ last year) and its basis
    completion: dict[str, Decimal | None] = field(default_factory=dict)
    completion_basis: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class RegionSummary:
    code: str
    name: str
    level: str
    side: str
    year: int
    parent_code: str | None
    headline: dict[str, Number | None]  # headline code → computed value for the region
    children: list[ChildSummary]
    pairings: list[PairingSummary]  # county-level (and above) pairings whose `side` lies in the region


# The indicators a summary shows per child region / pairing (codes of the catalogue).
HEADLINE = ("funds.fiscal", "cadre.e2w", "talent.e2w", "train.labor.people", "labor.employed", "consume.sales")


LEVELS = ("province", "prefecture", "county")
TOP_KINDS = ("province", "prefecture", "county")


# --- one page build: shanhai.core.reads (page_reads, once), re-exported for the pages that import it here


def _who(user: UserLike) -> tuple[Any, bool]:
    return (user.pk, bool(user.is_superuser))


def _scope_paths(user: UserLike) -> list[tuple[str | None, str | None]]:
    """(region path, pairing path) of each of the user's scopes."""
    if not user.is_authenticated:
        return []
    return once(("scopes", *_who(user)), lambda: list(
        Scope.objects.filter(user=user).values_list("region__path", "pairing__path")))


# --- scope ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Where:
    pairing: Pairing | None
    region: Region | None
    side: str
    programme: int | None
    fast: bool  # the whole scope is visible to the user: the pre-aggregated rows can be read as they are


def _check_side(side: str) -> None:
    if side not in ("east", "west"):
        raise ShanhaiError(f"「地区所在方」“{side}”应为 east（东部）或 west（西部）。", field="side")


def _region(code: str) -> Region:
    region = get_index().by_code.get(str(code))
    if region is None:
        raise ShanhaiError(f"「地区」代码“{code}”不存在。", field="region", code="not_found")
    return region


def _within_scope(user: UserLike, region: Region | None) -> bool:
    """True when every pairing with a side in `region` is visible to the user."""
    if user.is_superuser:
        return True
    if region is None or not user.is_authenticated:
        return False
    return any(path and region.path.startswith(path) for path, _p in _scope_paths(user))


_SEEN = "_shanhai_visible_to"  # set on a Pairing resolved through `visible` for a user


def _pairing_visible(user: UserLike, pairing_id: int) -> Pairing:
    def read() -> Pairing | None:
        return visible(user, Pairing.objects.filter(pk=pairing_id)).select_related(
            "programme", "east_region", "west_region", "east_org", "west_org").first()

    pairing = once(("pairing", *_who(user), int(pairing_id)), read)
    if pairing is None:
        raise ShanhaiError("结对关系不存在，或不在您的数据范围内。", field="pairing", code="not_found")
    setattr(pairing, _SEEN, _who(user))
    return pairing


def visible_pairing(user: UserLike, pairing_id: int) -> Pairing:
    """The pairing if `user` may see it (ShanhaiError "not_found" otherwise), to pass to the other
    selectors (`pairing=`) so that one page checks its visibility once."""
    return _pairing_visible(user, pairing_id)


def _resolve(user: UserLike, pairing: int | Pairing) -> Pairing:
    """A pairing id, or a Pairing `visible_pairing` resolved for this same user, as a visible Pairing."""
    if isinstance(pairing, Pairing):
        if getattr(pairing, _SEEN, None) == _who(user):
            return pairing
        pairing = pairing.pk
    return _pairing_visible(user, pairing)


def _where(user: UserLike, *, pairing: int | Pairing | None, region: str | None, side: str,
           programme: int | None) -> _Where:
    _check_side(side)
    if pairing is not None:
        # Visibility is closed under sub-pairings, so a visible pairing's subtree is wholly visible.
        return _Where(_resolve(user, pairing), None, side, programme, True)
    reg = _region(region) if region else None
    return _Where(None, reg, side, programme, _within_scope(user, reg))


def _periods(quarter: int | None, month: int | None) -> list[int]:
    if month:
        if not 1 <= month <= 12:
            raise ShanhaiError(f"「月份」{month}应在1到12之间。", field="month")
        return [month]
    if quarter:
        if not 1 <= quarter <= 4:
            raise ShanhaiError(f"「季度」{quarter}应在1到4之间。", field="quarter")
        return [3 * quarter - 2, 3 * quarter - 1, 3 * quarter]
    return [0]


# --- computed values from the roll-up tables ----------------------------------------------------------------
def _combine(rows: Any, last_ids: frozenset[int]) -> dict[tuple[int, int], int]:
    """(indicator, year, period, value) rows → value per (indicator, year): summed, or the latest period."""
    out: dict[tuple[int, int], int] = {}
    latest: dict[tuple[int, int], int] = {}
    for ind, year, period, value in rows:
        key = (ind, year)
        if ind in last_ids:
            if period >= latest.get(key, -1):
                latest[key], out[key] = period, int(value)
        else:
            out[key] = out.get(key, 0) + int(value)
    return out


def _visible_pairings(user: UserLike, w: _Where) -> QuerySet[Pairing]:
    qs = visible(user, Pairing.objects.all())
    if w.region is not None:
        qs = qs.filter(**{f"{w.side}_region__path__startswith": w.region.path})
    if w.programme is not None:
        qs = qs.filter(programme_id=w.programme)
    return qs


def _computed(user: UserLike, w: _Where, years: list[int], periods: list[int],
              indicator_ids: list[int] | None = None) -> dict[tuple[int, int], int]:
    cat = catalogue()
    filters: dict[str, Any] = {"year__in": years, "period__in": periods}
    if indicator_ids is not None:
        filters["indicator_id__in"] = indicator_ids
    cols = ("indicator_id", "year", "period")
    if w.pairing is not None:
        if w.programme is not None and w.pairing.programme_id != w.programme:
            return {}
        own = PairingValue.objects.filter(pairing_id=w.pairing.pk, **filters).order_by().values_list(*cols, "value")
        below = TreeValue.objects.filter(pairing_id=w.pairing.pk, **filters).order_by().values_list(*cols, "value")
        return _combine(own.union(below, all=True), cat.last)
    if w.fast:
        qs = RegionValue.objects.filter(node=w.region.pk if w.region else 0,
                                        side=w.side if w.region else "all", **filters)
        if w.programme is not None:
            qs = qs.filter(programme_id=w.programme)
        return _combine(qs.order_by().values(*cols).annotate(v=Sum("value")).values_list(*cols, "v"), cat.last)
    # Partly visible scope: the user's own regions inside it are read whole from RegionValue; the
    # other visible pairings (seen through their other side, or a pairing scope) from PairingValue.
    pieces, rest = _pieces(user, w)
    rows: list[Any] = []
    if pieces:
        qs = RegionValue.objects.filter(node__in=[r.pk for r in pieces], side=w.side, **filters)
        if w.programme is not None:
            qs = qs.filter(programme_id=w.programme)
        rows += qs.order_by().values(*cols).annotate(v=Sum("value")).values_list(*cols, "v")
    for i in range(0, len(rest), 2000):
        qs = PairingValue.objects.filter(pairing_id__in=rest[i:i + 2000], **filters).exclude(indicator_id__in=cat.last)
        rows += qs.order_by().values(*cols).annotate(v=Sum("value")).values_list(*cols, "v")
    return _combine(rows, cat.last)


def _ids_within(prefixes: list[str]) -> list[int]:
    """Ids of the regions in these subtrees (memoised on the region index, which is rebuilt on change)."""
    index = get_index()
    memo: dict[str, list[int]] = index.__dict__.setdefault("_subtree_ids", {})
    out: list[int] = []
    for prefix in prefixes:
        if prefix not in memo:
            memo[prefix] = [r.pk for r in index.by_id.values() if r.path.startswith(prefix)]
        out += memo[prefix]
    return out


def _narrow(scopes: list[tuple[str | None, str | None]], sides: tuple[str, ...] = ("east", "west")) -> Q:
    """An index-friendly condition every pairing visible under `scopes` meets (region ids, path ranges).

    It only narrows the search so SQLite need not scan every pairing; `visible` still decides.
    `sides`: the sides through which a region scope can still make a pairing visible.
    """
    seen = _ids_within([r for r, _p in scopes if r])
    narrow = Q(pk__in=[])
    for side in sides:
        narrow |= Q(**{f"{side}_region_id__in": seen})
    for _r, pairing_path in scopes:
        if pairing_path:
            narrow |= _subtree(pairing_path)
    return narrow


def _visible_top(user: UserLike, qs: QuerySet[Pairing]) -> QuerySet[Pairing]:
    qs = visible(user, qs)
    if user.is_superuser or not user.is_authenticated:
        return qs
    return qs.filter(_narrow(_scope_paths(user)))


def _pieces(user: UserLike, w: _Where) -> tuple[list[Region], list[int]]:
    """Split what the user sees of scope `w` into whole regions and the remaining visible pairing ids.

    Whole regions: the user's scope regions lying inside `w.region` (or anywhere, for the whole
    country), outermost only; every pairing whose `w.side` lies in one is visible. The rest are the
    visible pairings of `w` outside those regions, found through `visible`.
    """
    if not user.is_authenticated:
        return [], []
    key = ("pieces", *_who(user), w.region.pk if w.region else None, w.side, w.programme)
    return once(key, lambda: _read_pieces(user, w))


def _read_pieces(user: UserLike, w: _Where) -> tuple[list[Region], list[int]]:
    scopes = _scope_paths(user)
    paths = sorted({r for r, _p in scopes if r})
    inside = [p for p in paths if w.region is None or p.startswith(w.region.path)]
    outer = [p for p in inside if not any(p != q and p.startswith(q) for q in inside)]
    index = get_index()
    pieces = [index.by_code[p.rstrip("/").rsplit("/", 1)[-1]] for p in outer]

    # Pairings whose `w.side` lies in a scope region are either in a piece or outside `w` (regions
    # nest or are disjoint): what is left is seen through its other side, or through a pairing scope.
    other = "east" if w.side == "west" else "west"
    rest = _visible_pairings(user, w).filter(_narrow(scopes, (other,))).order_by()
    if pieces:
        rest = rest.exclude(**{f"{w.side}_region_id__in": _ids_within([r.path for r in pieces])})
    return pieces, list(rest.values_list("id", flat=True))


# --- reported values and targets -----------------------------------------------------------------------------
def _scope_filter(w: _Where) -> dict[str, Any] | None:
    if w.pairing is not None:
        return {"pairing_id": w.pairing.pk}
    if w.region is not None:
        return {"region_id": w.region.pk, "side": w.side}
    return None  # values are reported for a pairing or a region, not for the whole country


Seen = Callable[[QuerySet], QuerySet]


def _seen(user: UserLike) -> Seen:
    """`visible` for targets and reported values (both reach a pairing or a region the same way),
    with the user's scopes read once for the several reads of one table."""
    condition = scope_filter(user, ReportedValue)
    return lambda qs: qs if condition is None else qs.filter(condition)


# Both sides of a pairing report on the data-entry screen (workflow.grid); the receiving (west) side's
# figure is the pairing's, the east side's is shown beside it for reconciliation, never added in.
# A figure entered in a report (source "form") is the pairing's official one: it supersedes what a sheet
# or a document said for the same pairing, indicator and period, rather than adding to it.
_TWIN = {"pairing_id": OuterRef("pairing_id"), "indicator_id": OuterRef("indicator_id"), "year": OuterRef("year"),
         "quarter": OuterRef("quarter"), "month": OuterRef("month")}
_SUPERSEDED = (Q(pairing__isnull=False, side="east") & Exists(ReportedValue.objects.filter(
    **_TWIN, source_kind=OuterRef("source_kind"), side="west"))) | (
    Q(pairing__isnull=False) & ~Q(source_kind="form") & Exists(ReportedValue.objects.filter(**_TWIN, source_kind="form")))


def _reported(user: UserLike, w: _Where, years: list[int], quarter: int | None,
              month: int | None, seen: Seen | None = None) -> dict[tuple[int, int], list[ReportedValue]]:
    scope = _scope_filter(w)
    if scope is None or (w.pairing is not None and w.programme not in (None, w.pairing.programme_id)):
        return {}
    qs = ReportedValue.objects.filter(year__in=years, **scope).exclude(_SUPERSEDED)
    qs = qs.filter(month=month) if month else qs.filter(quarter=quarter or 0, month=0)
    out: dict[tuple[int, int], list[ReportedValue]] = {}
    for r in (seen or _seen(user))(qs).order_by("created_at", "id"):
        out.setdefault((r.indicator_id, r.year), []).append(r)
    return out


def _targets(user: UserLike, w: _Where, year: int, seen: Seen | None = None) -> dict[int, Decimal]:
    scope = _scope_filter(w)
    if scope is None:
        return {}
    qs = (seen or _seen(user))(Target.objects.filter(year=year, **scope))
    return dict(qs.order_by().values_list("indicator_id", "value"))


def _in_pairings(w: _Where) -> Q | None:
    """Values set for a pairing that roll up into the region (or country) scope `w`; None for a pairing."""
    if w.pairing is not None:
        return None
    q = Q(pairing__isnull=False)
    if w.region is not None:
        q &= Q(**{f"pairing__{w.side}_region__path__startswith": w.region.path})
    if w.programme is not None:
        q &= Q(pairing__programme_id=w.programme)
    return q


def _outermost_sum(rows: list[tuple[int, int, str, Decimal]], last_ids: frozenset[int]) -> dict[tuple[int, int], Number]:
    """(indicator, year, pairing path, value) → sum per (indicator, year) over the pairings that have a
    value and no ancestor with one (a county pair's figure already covers its school pairs);
    `last` indicators are never summed."""
    per: dict[tuple[int, int], dict[str, Decimal]] = {}
    for ind, year, path, value in rows:
        if ind in last_ids:
            continue
        paths = per.setdefault((ind, year), {})
        paths[path] = paths.get(path, Decimal(0)) + value
    out: dict[tuple[int, int], Number] = {}
    for key, paths in per.items():
        ordered = sorted(paths)  # an ancestor's path sorts before its descendants'
        kept: list[str] = []
        total = Decimal(0)
        for path in ordered:
            if kept and path.startswith(kept[-1]):
                continue
            kept.append(path)
            total += paths[path]
        out[key] = _num(total)  # type: ignore[assignment]
    return out


def _pairing_rollups(user: UserLike, w: _Where, year: int, quarter: int | None, month: int | None,
                     seen: Seen | None = None) -> tuple[dict[tuple[int, int], Number], dict[tuple[int, int], Number]]:
    """(targets, reported) of the pairings in a region or country scope, per (indicator, year): one query."""
    q = _in_pairings(w)
    if q is None or not user.is_authenticated:
        return {}, {}
    seen = seen or _seen(user)
    cols = ("indicator_id", "year", "pairing__path", "value")
    targets = seen(Target.objects.filter(q, year=year)).order_by().values_list(
        Value(0, output_field=IntegerField()), *cols)
    reported = ReportedValue.objects.filter(q, year=year).filter(Q(since_year__isnull=True) | Q(since_year=year))
    reported = reported.exclude(_SUPERSEDED)
    reported = reported.filter(month=month) if month else reported.filter(quarter=quarter or 0, month=0)
    reported = seen(reported).order_by().values_list(Value(1, output_field=IntegerField()), *cols)
    rows: tuple[list[Any], list[Any]] = ([], [])
    for kind, *row in targets.union(reported, all=True):
        rows[kind].append(row)
    last = catalogue().last
    return _outermost_sum(rows[0], last), _outermost_sum(rows[1], last)


def _num(value: Decimal | int | None) -> Number | None:
    if value is None:
        return None
    if isinstance(value, Decimal) and value == value.to_integral_value():
        return int(value)
    return value


def _reported_total(values: list[ReportedValue], agg: str) -> Number | None:
    single = [r for r in values if not _cumulative(r)]
    if not single:
        return None
    if agg == Agg.LAST:
        return _num(single[-1].value)
    return _num(sum((r.value for r in single), Decimal(0)))


def _cumulative(r: ReportedValue) -> bool:
    return bool(r.since_year and r.since_year != r.year)


# --- the table ---------------------------------------------------------------------------------------------------
def indicator_table(
    user: UserLike, *, pairing: int | Pairing | None = None, region: str | None = None, side: str = "west",
    programme: int | None = None, year: int, quarter: int | None = None, month: int | None = None,
) -> list[IndicatorRow]:
    """Every catalogue indicator for one scope and period, in catalogue order.

    Scope: `pairing` (id, or the Pairing `visible_pairing` gave; with its sub-pairings), else `region` (6-digit code) on `side`, else the
    whole country (what the user may see of it). `programme` narrows to one programme's pairings.
    Raises ShanhaiError (code "not_found") for an unknown or invisible pairing/region.
    The query count does not grow with the data (roll-ups only).
    """
    w = _where(user, pairing=pairing, region=region, side=side, programme=programme)
    periods = _periods(quarter, month)
    years = [year, year - 1]
    computed = _computed(user, w, years, periods)
    seen = _seen(user)
    reported = _reported(user, w, years, quarter, month, seen)
    targets = _targets(user, w, year, seen)
    pair_targets, pair_reported = _pairing_rollups(user, w, year, quarter, month, seen)
    url_scope = {"pairing": w.pairing.pk if w.pairing else None, "year": year,
                 "region": w.region.code if w.region else None, "side": w.side if w.region else None,
                 "programme": programme}
    rows = []
    for ind in Indicator.objects.all():
        rule = RULES.get(ind.code)
        multi = w.pairing is None  # several pairings: a `last` value is not summed over them
        # Pairings in force, and records dated only by year (fund allocations, investments), are year
        # figures: a quarter or month view has none for them rather than a misleading zero.
        by_year_only = periods != [0] and rule is not None and (rule.in_force or (rule.year and not rule.month))
        if rule is None or (ind.agg == Agg.LAST and multi) or by_year_only:
            comp = comp_ly = None
        else:
            comp, comp_ly = computed.get((ind.pk, year), 0), computed.get((ind.pk, year - 1), 0)
        reps = reported.get((ind.pk, year), [])
        rep = _reported_total(reps, ind.agg)
        rep_ly = _reported_total(reported.get((ind.pk, year - 1), []), ind.agg)
        baselines = [r.baseline for r in reps if r.baseline is not None]
        last_year = comp_ly if comp_ly else (rep_ly if rep_ly is not None else (_num(baselines[0]) if baselines else comp_ly))
        target = _num(targets.get(ind.pk))
        target_pairings, reported_pairings = pair_targets.get((ind.pk, year)), pair_reported.get((ind.pk, year))
        # A figure entered in the pairing's report is its official one; otherwise records come first.
        official = rep is not None and any(r.source_kind == "form" for r in reps)
        actual = rep if official else comp if comp else (
            rep if rep is not None else (reported_pairings if reported_pairings is not None else comp))
        # A region without a target of its own is measured against its pairings' targets.
        ratio, basis = completion(actual, target if target is not None else target_pairings, last_year)
        if basis == "target" and target is None:
            basis = "pairing_targets"
        sources = []
        for r in reps:
            base = r.baseline if r.baseline is not None else (target if target else last_year)
            sources.append(ReportedSource(
                value=_num(r.value) or 0, source_ref=r.source_ref, source_url=r.source_url, evidence=r.evidence,
                source_kind=r.source_kind, qualifier=r.qualifier, period_label=r.period_label, cumulative=_cumulative(r),
                stated_rate=r.stated_rate, rate_flag=stated_rate_mismatch(r.stated_rate, r.value, base),
            ))
        rows.append(IndicatorRow(
            code=ind.code, zh=ind.zh, en=ind.en, unit=ind.unit, agg=ind.agg, category=ind.category,
            computable=rule is not None, target=target, computed=comp, reported=rep, reported_sources=sources,
            last_year=last_year, completion=ratio, completion_basis=basis,
            differs=comp is not None and rep is not None and Decimal(comp) != Decimal(rep),
            stated_rate_flag=any(s.rate_flag for s in sources),
            records_url=rule.records_url(**url_scope) if rule else "",
            target_pairings=target_pairings, reported_pairings=reported_pairings, official=official,
        ))
    return rows


@dataclass(frozen=True)
class _Ind:
    pk: int
    code: str
    agg: str


def _indicator(code: str) -> _Ind:
    """An indicator's id and aggregation, from the catalogue held in memory."""
    cat = catalogue()
    pk = cat.ids.get(code)
    if pk is None:
        raise ShanhaiError(f"「指标」“{code}”不在指标目录中。", field="code", code="not_found")
    return _Ind(pk, code, Agg.LAST if pk in cat.last else Agg.SUM)


def _network_ids() -> list[int]:
    """Ids of the pairing counts (`pair.*`): pairings in force are no sign that a year has data."""
    return [i for c, i in catalogue().ids.items() if c.startswith("pair.")]


def data_by_year(
    user: UserLike, *, pairing: int | Pairing | None = None, region: str | None = None, side: str = "west",
    programme: int | None = None,
) -> dict[int, int]:
    """Year → how many indicators the scope has a non-zero computed value of (pairing counts left out).

    Same scope rules as `indicator_table`; read from the roll-ups (year totals), one query for a
    pairing or a wholly visible region, two for a partly visible one. The count tells a year with
    data across the board from one with a few early rows (the default year of a page).
    """
    w = _where(user, pairing=pairing, region=region, side=side, programme=programme)
    base: dict[str, Any] = {"period": 0}
    skip = _network_ids()
    pairs: set[tuple[int, int]] = set()  # (year, indicator)
    cols = ("year", "indicator_id")
    if w.pairing is not None:
        if w.programme is not None and w.pairing.programme_id != w.programme:
            return {}
        own = PairingValue.objects.filter(pairing_id=w.pairing.pk, **base).exclude(value=0).exclude(
            indicator_id__in=skip)
        below = TreeValue.objects.filter(pairing_id=w.pairing.pk, **base).exclude(value=0).exclude(
            indicator_id__in=skip)
        pairs.update(own.order_by().values_list(*cols).distinct().union(
            below.order_by().values_list(*cols).distinct()))
    elif w.fast:
        qs = RegionValue.objects.filter(node=w.region.pk if w.region else 0,
                                        side=w.side if w.region else "all", **base).exclude(value=0)
        if w.programme is not None:
            qs = qs.filter(programme_id=w.programme)
        pairs.update(qs.exclude(indicator_id__in=skip).order_by().values_list(*cols).distinct())
    else:
        pieces, rest = _pieces(user, w)
        if pieces:
            qs = RegionValue.objects.filter(node__in=[r.pk for r in pieces], side=w.side, **base).exclude(value=0)
            if w.programme is not None:
                qs = qs.filter(programme_id=w.programme)
            pairs.update(qs.exclude(indicator_id__in=skip).order_by().values_list(*cols).distinct())
        for i in range(0, len(rest), 2000):
            qs = PairingValue.objects.filter(pairing_id__in=rest[i:i + 2000], **base).exclude(value=0)
            pairs.update(qs.exclude(indicator_id__in=skip).order_by().values_list(*cols).distinct())
    out: dict[int, int] = {}
    for year, _ind in pairs:
        out[year] = out.get(year, 0) + 1
    return dict(sorted(out.items()))


def years_with_data(
    user: UserLike, *, pairing: int | Pairing | None = None, region: str | None = None, side: str = "west",
    programme: int | None = None,
) -> list[int]:
    """The years (ascending) in which the scope has a non-zero computed value of any indicator
    other than the pairing counts (`data_by_year`)."""
    return list(data_by_year(user, pairing=pairing, region=region, side=side, programme=programme))


def trend(
    user: UserLike, *, code: str, years: list[int] | range, pairing: int | Pairing | None = None,
    region: str | None = None,
    side: str = "west", programme: int | None = None,
) -> list[tuple[int, Number | None]]:
    """(year, computed value) for each year, for the same scope rules as `indicator_table`."""
    ind = _indicator(code)
    w = _where(user, pairing=pairing, region=region, side=side, programme=programme)
    years = list(years)
    if ind.code not in RULES or (ind.agg == Agg.LAST and w.pairing is None):
        return [(y, None) for y in years]
    values = _computed(user, w, years, [0], [ind.pk])
    return [(y, values.get((ind.pk, y), 0)) for y in years]


# --- regions ------------------------------------------------------------------------------------------------------
def _ancestor_at(path: str, level: str) -> Region | None:
    by_code = get_index().by_code
    for code in path.split("/"):
        region = by_code.get(code)
        if region is not None and region.level == level:
            return region
    return None


def _values_by_region(user: UserLike, *, indicator_ids: list[int], year: int, side: str, programme: int | None,
                      within: Region | None, level: str | None = None,
                      nodes: list[Region] | None = None) -> dict[tuple[int, int], int]:
    """(region id, indicator id) → computed value for `year`, for regions of `level` (or the given nodes)."""
    cat = catalogue()
    indicator_ids = [i for i in indicator_ids if i not in cat.last]
    if user.is_superuser or _within_scope(user, within):
        qs = RegionValue.objects.filter(indicator_id__in=indicator_ids, side=side, year=year, period=0)
        if nodes is not None:
            qs = qs.filter(node__in=[r.pk for r in nodes])
        if programme is not None:
            qs = qs.filter(programme_id=programme)
        by_id = get_index().by_id
        out: dict[tuple[int, int], int] = {}
        for node, ind, v in qs.order_by().values("node", "indicator_id").annotate(v=Sum("value")).values_list(
                "node", "indicator_id", "v"):
            region = by_id.get(node)
            if region is None or (level is not None and region.level != level):
                continue
            if within is not None and not region.path.startswith(within.path):
                continue
            out[(node, ind)] = out.get((node, ind), 0) + int(v)
        return out
    # Partly visible: whole scope regions from RegionValue, the other visible pairings from PairingValue.
    w = _Where(None, within, side, programme, False)
    pieces, rest = _pieces(user, w)
    index = get_index()
    depth = {lvl: i for i, lvl in enumerate(LEVELS)}
    out = {}

    def add(region: Region | None, ind: int, v: int) -> None:
        if region is not None and (nodes is None or region in nodes):
            out[(region.pk, ind)] = out.get((region.pk, ind), 0) + int(v)

    wanted: dict[int, Region] = {}  # RegionValue node → the region its value counts for
    for piece in pieces:
        if nodes is not None:
            for n in nodes:
                if n.path.startswith(piece.path):
                    wanted[n.pk] = n
                elif piece.path.startswith(n.path):
                    wanted[piece.pk] = n
        elif level is not None and depth[piece.level] >= depth[level]:
            wanted[piece.pk] = _ancestor_at(piece.path, level)  # type: ignore[assignment]
        else:
            for rid in _ids_within([piece.path]):
                if index.by_id[rid].level == level:
                    wanted[rid] = index.by_id[rid]
    if wanted:
        qs = RegionValue.objects.filter(node__in=list(wanted), indicator_id__in=indicator_ids, side=side, year=year,
                                        period=0)
        if programme is not None:
            qs = qs.filter(programme_id=programme)
        for node, ind, v in qs.order_by().values("node", "indicator_id").annotate(v=Sum("value")).values_list(
                "node", "indicator_id", "v"):
            add(wanted[node], ind, v)
    field = f"pairing__{side}_region__path"
    for i in range(0, len(rest), 2000):
        qs = PairingValue.objects.filter(pairing_id__in=rest[i:i + 2000], indicator_id__in=indicator_ids, year=year,
                                         period=0)
        for path, ind, v in qs.order_by().values(field, "indicator_id").annotate(v=Sum("value")).values_list(
                field, "indicator_id", "v"):
            if level:
                add(_ancestor_at(path, level), ind, v)
            else:
                for n in nodes or []:
                    if path.startswith(n.path):
                        add(n, ind, v)
    return out


def ranking(
    user: UserLike, *, code: str, year: int, level: str = "province", side: str = "west",
    programme: int | None = None,
) -> list[RankRow]:
    """Regions of `level` ranked by the computed value of `code` for `year`, largest first.

    Only regions with a value for the user's visible pairings appear. A `last` indicator is not
    ranked (stocks and rates are not summed over pairings): an empty list.
    """
    _check_side(side)
    if level not in LEVELS:
        raise ShanhaiError(f"「级别」“{level}”应为 province、prefecture 或 county。", field="level")
    ind = _indicator(code)
    if ind.agg == Agg.LAST or ind.code not in RULES:
        return []
    values = _values_by_region(user, indicator_ids=[ind.pk], year=year, side=side, programme=programme,
                               within=None, level=level)
    by_id = get_index().by_id
    rows = [RankRow(by_id[node].code, by_id[node].name, v) for (node, _i), v in values.items() if v]
    return sorted(rows, key=lambda r: (-r.value, r.code))


def _web_url(name: str, *args: Any) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def map_data(user: UserLike, *, year: int, province: str | None = None, programme: int | None = None,
             code: str = "funds.fiscal") -> dict[str, Any]:
    """Data for the China map: who is paired with whom, and a value per western region.

    Returns {"year", "code", "regions": [{"code","name","lng","lat","level","value"}],
             "lines": [{"id","kind","east":{code,name,lng,lat},"west":{…},"label","url"}]}.
    `regions` are provinces (or, with `province`, the counties of that province) on the west side
    with the value of `code`; `lines` are the visible county-level and higher pairings (one line
    east→west each), narrowed to pairings with either side in `province` when given.
    """
    ind = _indicator(code)
    prov = _region(province) if province else None
    level = "county" if prov else "province"
    values = _values_by_region(user, indicator_ids=[ind.pk], year=year, side="west", programme=programme,
                               within=prov, level=level)
    by_id = get_index().by_id
    regions = [{"code": by_id[n].code, "name": by_id[n].name, "lng": by_id[n].lng, "lat": by_id[n].lat,
                "level": by_id[n].level, "value": v} for (n, _i), v in sorted(values.items())]
    qs = _visible_top(user, Pairing.objects.filter(kind__in=TOP_KINDS))
    if prov is not None:
        qs = qs.filter(Q(east_region__path__startswith=prov.path) | Q(west_region__path__startswith=prov.path))
    if programme is not None:
        qs = qs.filter(programme_id=programme)
    base = _web_url("web:pairing", 0)
    lines = []
    kinds = {k: str(v) for k, v in PairingKind.choices}
    for pid, kind, e_id, w_id in qs.order_by("id").values_list("id", "kind", "east_region_id", "west_region_id"):
        east, west = by_id[e_id], by_id[w_id]
        lines.append({
            "id": pid, "kind": kind,
            "east": {"code": east.code, "name": east.name, "lng": east.lng, "lat": east.lat},
            "west": {"code": west.code, "name": west.name, "lng": west.lng, "lat": west.lat},
            "label": f"{east.name} — {west.name}（{kinds.get(kind, kind)}）",
            "url": base.replace("/0/", f"/{pid}/") if base else "",
        })
    return {"year": year, "code": code, "regions": regions, "lines": lines}


def region_in_view(user: UserLike, *, code: str, side: str = "west") -> bool:
    """Whether the user sees anything of the region on `side`: a scope region containing it, or a
    visible pairing whose `side` lies in it. Outside it, a page shows no figures (they would all be
    zero and read as "nothing happened there")."""
    _check_side(side)
    region = _region(code)
    if user.is_superuser or _within_scope(user, region):
        return True
    if not user.is_authenticated:
        return False
    return _visible_top(user, Pairing.objects.filter(**{f"{side}_region__path__startswith": region.path})).exists()


def region_summary(user: UserLike, *, code: str, side: str = "west", year: int) -> RegionSummary:
    """A region with its child regions' headline values and the pairings touching it on `side`."""
    _check_side(side)
    region = _region(code)
    index = get_index()
    ids_by_code = catalogue().ids
    headline = [(c, ids_by_code[c]) for c in HEADLINE if c in ids_by_code]
    ids = [i for _c, i in headline]
    children = sorted((r for r in index.by_id.values() if r.parent_id == region.pk), key=lambda r: r.code)
    values = _values_by_region(user, indicator_ids=ids, year=year, side=side, programme=None, within=region,
                               nodes=[region, *children])
    pairings = list(_visible_top(user, Pairing.objects.filter(
        kind__in=TOP_KINDS, **{f"{side}_region__path__startswith": region.path})).order_by("kind", "id").values_list(
        "id", "kind", "east_region_id", "west_region_id"))
    pids = [p[0] for p in pairings]
    per_pairing: dict[tuple[int, int], int] = {}
    before: dict[tuple[int, int], int] = {}  # the year before, for completion without a target
    for model in (PairingValue, TreeValue):
        for pid, ind, y, v in model.objects.filter(pairing_id__in=pids, indicator_id__in=ids, year__in=[year, year - 1],
                                                   period=0).values_list("pairing_id", "indicator_id", "year", "value"):
            into = per_pairing if y == year else before
            into[(pid, ind)] = into.get((pid, ind), 0) + v
    targets = {(pid, ind): _num(v) for pid, ind, v in Target.objects.filter(
        pairing_id__in=pids, indicator_id__in=ids, year=year).values_list("pairing_id", "indicator_id", "value")}

    def rates(pid: int) -> tuple[dict[str, Decimal | None], dict[str, str]]:
        ratio, basis = {}, {}
        for c, i in headline:
            ratio[c], basis[c] = completion(per_pairing.get((pid, i), 0), targets.get((pid, i)), before.get((pid, i)))
        return ratio, basis

    kinds = {k: str(v) for k, v in PairingKind.choices}
    return RegionSummary(
        code=region.code, name=region.name, level=region.level, side=side, year=year,
        parent_code=index.by_id[region.parent_id].code if region.parent_id else None,
        headline={c: values.get((region.pk, i), 0) for c, i in headline},
        children=[ChildSummary(r.code, r.name, r.level, {c: values.get((r.pk, i), 0) for c, i in headline})
                  for r in children],
        pairings=[PairingSummary(pid, kind, f"{index.by_id[e].name} — {index.by_id[wr].name}（{kinds.get(kind, kind)}）",
                                 index.by_id[e].name, index.by_id[wr].name,
                                 {c: per_pairing.get((pid, i), 0) for c, i in headline}, *rates(pid))
                  for pid, kind, e, wr in pairings],
    )


# --- one pairing ----------------------------------------------------------------------------------------------------
def _side(p: Pairing, side: str) -> dict[str, Any]:
    region: Region = getattr(p, f"{side}_region")
    org = getattr(p, f"{side}_org")
    return {"region_code": region.code, "region_name": region.name, "org": org.name if org else "",
            "place": getattr(p, f"{side}_place"), "label": getattr(p, f"{side}_label")}


def _subtree(path: str) -> Q:
    """Pairings whose path starts with `path`, as a range the B-tree index serves on SQLite too ('/' < '0')."""
    return Q(path__gte=path, path__lt=path[:-1] + "0")


def _label(org: str | None, place: str, region: str) -> str:
    return org or place or region  # as Pairing.east_label / west_label


def _dispatch_labels() -> dict[str, dict[str, str]]:
    return {"category": {k: str(v) for k, v in DispatchCategory.choices},
            "direction": {k: str(v) for k, v in Direction.choices}}


def _on_post(pairing_filter: Q, on: dt.date, labels: dict[str, dict[str, str]]) -> list[PersonOnPost]:
    """People whose dispatch (actual dates, else planned ones) covers the day `on`: one query."""
    rows = Dispatch.objects.filter(pairing_filter).filter(
        Q(actual_start__lte=on) | Q(actual_start__isnull=True, planned_start__lte=on)).filter(
        Q(actual_end__gte=on) | Q(actual_end__isnull=True, planned_end__gte=on)
        | Q(actual_end__isnull=True, planned_end__isnull=True)).order_by("planned_start", "id").annotate(
        # Names looked up per row found (an index probe each) rather than joined: PostgreSQL, expecting
        # thousands of dispatches, would otherwise hash-join the whole people table for a few dozen rows.
        person_name=Subquery(Person.objects.filter(pk=OuterRef("person_id")).order_by().values("name")[:1]),
        host_name=Subquery(Organisation.objects.filter(pk=OuterRef("host_id")).order_by().values("name")[:1]),
    ).values_list("person_name", "category", "direction", "post", "host_name", "actual_start", "planned_start",
                  "actual_end", "planned_end")[:500]
    return [PersonOnPost(name, labels["category"].get(cat, cat), labels["direction"].get(dr, dr), post, host or "",
                         a_start or p_start, a_end or p_end)
            for name, cat, dr, post, host, a_start, p_start, a_end, p_end in rows]


def people_on_post(user: UserLike, pairing: int | Pairing, *, on: dt.date | None = None) -> list[PersonOnPost]:
    """The people on post in the pairing and its sub-pairings on the day `on` (today by default)."""
    p = _resolve(user, pairing)
    return _on_post(Q(pairing_id=p.pk) | Q(pairing__in=Pairing.objects.filter(_subtree(p.path)).values("id")),
                    on or timezone.localdate(), _dispatch_labels())


def pairing_profile(user: UserLike, pairing: int | Pairing, *, on: dt.date | None = None) -> PairingProfile:
    """Everything a pairing page shows besides indicators; ShanhaiError("not_found") if not visible.

    `pairing`: an id, or the Pairing `visible_pairing` gave. `on`: the day whose people on post are
    listed (today by default; a page showing a past year passes that year's last day).
    """
    p = _resolve(user, pairing)
    # Labels resolved once (get_FOO_display re-hashes the choices on every call).
    domains = {k: str(v) for k, v in Domain.choices}
    kinds = {k: str(v) for k, v in PairingKind.choices}
    statuses = {k: str(v) for k, v in PairingStatus.choices}
    labels = {"kind": {k: str(v) for k, v in ProjectKind.choices}, "status": {k: str(v) for k, v in ProjectStatus.choices},
              **_dispatch_labels()}
    subs = list(Pairing.objects.filter(_subtree(p.path)).exclude(pk=p.pk).order_by("path").values_list(
        "id", "parent_id", "kind", "status", "path", "east_org__name", "east_place", "east_region__name",
        "west_org__name", "west_place", "west_region__name"))
    nodes: dict[int, SubPairing] = {}
    roots: list[SubPairing] = []
    for sid, parent_id, kind, status, _path, e_org, e_place, e_reg, w_org, w_place, w_reg in sorted(
            subs, key=lambda s: (s[4].count("/"), s[2], s[0])):
        node = SubPairing(sid, kind, str(kinds.get(kind, kind)),
                          f"{_label(e_org, e_place, e_reg)} — {_label(w_org, w_place, w_reg)}", status)
        nodes[sid] = node
        (nodes[parent_id].children if parent_id in nodes else roots).append(node)
    ids = [p.pk, *(s[0] for s in subs)]
    funds = FundAllocation.objects.filter(pairing_id__in=ids, project__isnull=False).values("project_id").annotate(
        a=Sum("allocated"), d=Sum("disbursed")).values_list("project_id", "a", "d")
    money = {pid: (a or 0, d or 0) for pid, a, d in funds}
    projects = Project.objects.filter(pairing_id__in=ids).order_by("-start_date", "name").values_list(
        "id", "name", "kind", "sector", "status", "budget")[:500]
    return PairingProfile(
        id=p.pk, label=str(p), programme=p.programme.name, programme_id=p.programme_id, kind=p.kind,
        kind_label=str(kinds.get(p.kind, p.kind)), east=_side(p, "east"), west=_side(p, "west"), parent_id=p.parent_id,
        start_date=p.start_date, end_date=p.end_date, status=p.status, status_label=str(statuses.get(p.status, p.status)),
        domains=[str(domains.get(d, d)) for d in p.domains or []],
        agreements=[{"title": title, "signed_on": signed_on, "domains": [str(domains.get(d, d)) for d in ds or []]}
                    for title, signed_on, ds in p.agreements.values_list("title", "signed_on", "domains")],
        sub_pairings=roots,
        people_on_post=_on_post(Q(pairing_id__in=ids), on or timezone.localdate(), labels),
        projects=[ProjectMoney(pid, name, labels["kind"].get(kind, kind), domains.get(sector, sector),
                               labels["status"].get(status, status), budget, *money.get(pid, (0, 0)))
                  for pid, name, kind, sector, status, budget in projects],
        parent_visible=bool(p.parent_id) and visible(user, Pairing.objects.filter(pk=p.parent_id)).exists(),
    )
