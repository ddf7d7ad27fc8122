"""Reads of the assessment, every one scoped through `accounts.scoping.visible`: results with rank,
distribution and change from last year, the same per city and province, one unit's draft."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet

from shanhai.accounts.scoping import visible
from shanhai.assessment import rules
from shanhai.assessment.models import GRADE_ORDER, Assessment, Objection, Scheme, Score, Subject
from shanhai.assessment.services import subject_regions, unit_label
from shanhai.core.errors import ShanhaiError
from shanhai.regions.models import Region


@dataclass
class ResultRow:
    assessment: Assessment
    unit: str
    rank: int
    total: Decimal
    grade: str
    last_total: Decimal | None
    last_grade: str
    change: Decimal | None
    province: str
    city: str


@dataclass
class GroupRow:
    """A city or province: the mean of its county pairs' totals, graded by the same bands."""

    code: str
    name: str
    count: int
    mean: Decimal
    grade: str
    rank: int
    distribution: dict[str, int]
    last_mean: Decimal | None = None
    change: Decimal | None = None


@dataclass
class Results:
    scheme: Scheme
    rows: list[ResultRow]
    distribution: dict[str, int]
    cities: list[GroupRow]
    provinces: list[GroupRow]
    total: int  # assessments in the scheme, seen or not
    last_scheme: Scheme | None = None
    states: dict[str, int] = field(default_factory=dict)


def schemes(user: Any) -> QuerySet[Scheme]:
    """Schemes are the programme's public rules: every signed-in user reads them."""
    return Scheme.objects.select_related("programme").order_by("programme_id", "-year", "subject")


def scheme_get(scheme_id: int) -> Scheme:
    scheme = Scheme.objects.select_related("programme").filter(pk=scheme_id).first()
    if scheme is None:
        raise ShanhaiError("没有找到该考核方案。", code="not_found")
    return scheme


def assessment_get(user: Any, pk: int) -> Assessment:
    """One assessment the user may see (a Chinese 404 otherwise)."""
    a = visible(user, Assessment.objects.select_related(
        "scheme__programme", "pairing__east_region", "pairing__west_region")).filter(pk=pk).first()
    if a is None:
        raise ShanhaiError("没有找到该考核结果，或它不在您的数据范围内。", code="not_found")
    return a


def scores(a: Assessment) -> list[Score]:
    """The items of one assessment in scheme order, each with its objection (if any) on `.objection_or_none`."""
    rows = list(a.scores.select_related("item__indicator", "reviewer").order_by("item__position", "item_id"))
    objections = {o.score_id: o for o in Objection.objects.filter(score__assessment=a).select_related(
        "created_by", "decided_by")}
    for s in rows:
        s.objection_or_none = objections.get(s.pk)  # type: ignore[attr-defined]
    return rows


def _unit_region(subject: str, a: Assessment) -> Region:
    return subject_regions(subject, a.pairing)[0]


def _ranks(values: list[Decimal]) -> list[int]:
    """Competition ranking (1, 2, 2, 4), highest first; `values` already sorted descending."""
    out: list[int] = []
    for i, v in enumerate(values):
        out.append(out[-1] if i and v == values[i - 1] else i + 1)
    return out


def _group(rows: list[tuple[str, Decimal, str, Decimal | None]], names: dict[str, str],
           bands: list[tuple[str, Decimal]]) -> list[GroupRow]:
    """rows: (region code, total, grade, last total) → one GroupRow per code, ranked by mean."""
    by: dict[str, list[tuple[Decimal, str, Decimal | None]]] = {}
    for code, total, grade, last in rows:
        by.setdefault(code, []).append((total, grade, last))
    out = []
    for code, items in by.items():
        mean = rules.q(sum((t for t, _g, _l in items), Decimal(0)) / len(items))
        lasts = [ly for _t, _g, ly in items if ly is not None]
        last_mean = rules.q(sum(lasts, Decimal(0)) / len(lasts)) if lasts else None
        out.append(GroupRow(code, names.get(code, code), len(items), mean, rules.grade_of(mean, bands), 0,
                            dict(Counter(g for _t, g, _l in items)), last_mean,
                            None if last_mean is None else mean - last_mean))
    out.sort(key=lambda g: (-g.mean, g.code))
    for g, r in zip(out, _ranks([g.mean for g in out]), strict=True):
        g.rank = r
    return out


def results(user: Any, scheme: Scheme) -> Results:
    """Every assessment of the scheme the user may see, ranked nationally (rank among all, seen or not)."""
    everything = list(Assessment.objects.filter(scheme=scheme).select_related(
        "pairing__east_region", "pairing__west_region").order_by("-total", "pairing_id"))
    seen = set(visible(user, Assessment.objects.filter(scheme=scheme)).values_list("pk", flat=True))
    last_scheme = Scheme.objects.filter(programme_id=scheme.programme_id, year=(scheme.year or 0) - 1,
                                        subject=scheme.subject).first()
    last = {}
    if last_scheme is not None:
        last = {pid: (t, g) for pid, t, g in Assessment.objects.filter(scheme=last_scheme).values_list(
            "pairing_id", "total", "grade")}
    ranks = _ranks([a.total for a in everything])
    region_codes: set[str] = set()
    for a in everything:
        region_codes.update(p for p in _unit_region(scheme.subject, a).path.split("/")[:2] if p)
    names = dict(Region.objects.filter(code__in=region_codes).values_list("code", "name"))
    rows, city_rows, province_rows = [], [], []
    for a, rank in zip(everything, ranks, strict=True):
        parts = [p for p in _unit_region(scheme.subject, a).path.split("/") if p]
        province, city = parts[0], parts[1] if len(parts) > 2 else parts[0]
        lt, lg = last.get(a.pairing_id, (None, ""))
        if a.pk in seen:
            rows.append(ResultRow(a, unit_label(scheme.subject, a.pairing), rank, a.total, a.grade, lt, lg,
                                  None if lt is None else a.total - lt, names.get(province, ""), names.get(city, "")))
            city_rows.append((city, a.total, a.grade, lt))
            province_rows.append((province, a.total, a.grade, lt))
    bands = [(b.grade, b.min_points) for b in scheme.grade_bands.all()]
    distribution = {g: 0 for g in GRADE_ORDER}
    distribution.update(Counter(r.grade for r in rows if r.grade))
    return Results(scheme, rows, distribution, _group(city_rows, names, bands), _group(province_rows, names, bands),
                   len(everything), last_scheme, dict(Counter(r.assessment.state for r in rows)))


def subject_label(subject: str) -> str:
    return str(Subject(subject).label)
