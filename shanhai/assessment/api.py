"""Read endpoints of the assessment under /api/assessment/ (django-ninja, bearer tokens): schemes (public
rules for every token), results and one unit's scores scoped through `accounts.scoping.visible`."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.http import Http404, HttpRequest
from ninja import Router, Schema

from shanhai.api.auth import api_user
from shanhai.api.schemas import ErrorOut
from shanhai.assessment import selectors
from shanhai.assessment.models import Scheme
from shanhai.core.errors import ShanhaiError

router = Router(tags=["年度考核"])
ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


class ItemOut(Schema):
    code: str
    label: str
    kind: str
    indicator_code: str | None
    weight: Decimal
    mode: str
    bands: str
    min_rate: Decimal | None
    cap: Decimal | None
    min_points: Decimal | None
    rule: str
    required: bool
    province_code: str | None


class BandOut(Schema):
    grade: str
    min_points: Decimal


class CapOut(Schema):
    when_grade: str
    required_only: bool
    cap_grade: str


class SchemeOut(Schema):
    id: int
    programme_id: int | None
    year: int | None
    subject: str
    name: str
    state: str
    items: list[ItemOut]
    grade_bands: list[BandOut]
    cap_rules: list[CapOut]


class ResultOut(Schema):
    id: int
    pairing_id: int
    unit: str
    province: str
    city: str
    rank: int
    total: Decimal
    computed: Decimal
    grade: str
    state: str
    last_total: Decimal | None
    change: Decimal | None


class GroupOut(Schema):
    code: str
    name: str
    count: int
    mean: Decimal
    grade: str
    rank: int
    distribution: dict[str, int]


class ResultsOut(Schema):
    scheme_id: int
    year: int | None
    total: int
    distribution: dict[str, int]
    results: list[ResultOut]
    cities: list[GroupOut]
    provinces: list[GroupOut]


class ScoreOut(Schema):
    item_code: str
    label: str
    weight: Decimal
    computed: Decimal | None
    adjusted: Decimal | None
    points: Decimal | None
    reason: str
    level: str
    self_points: Decimal | None
    block: str
    trace: dict[str, Any]
    objection: dict[str, Any] | None


class AssessmentOut(Schema):
    id: int
    scheme_id: int
    pairing_id: int
    unit: str
    state: str
    computed: Decimal
    total: Decimal
    grade: str
    grade_note: str
    self_evaluation: str
    scores: list[ScoreOut]


def _scheme(s: Scheme) -> dict[str, Any]:
    return {
        "id": s.pk, "programme_id": s.programme_id, "year": s.year, "subject": s.subject, "name": s.name,
        "state": s.state, "grade_bands": list(s.grade_bands.values("grade", "min_points")),
        "cap_rules": list(s.cap_rules.values("when_grade", "required_only", "cap_grade")),
        "items": [{"code": i.code, "label": i.label, "kind": i.kind,
                   "indicator_code": i.indicator.code if i.indicator else None, "weight": i.weight, "mode": i.mode,
                   "bands": i.bands, "min_rate": i.min_rate, "cap": i.cap, "min_points": i.min_points,
                   "rule": i.rule, "required": i.required, "province_code": i.province.code if i.province else None}
                  for i in s.items.select_related("indicator", "province")],
    }


def _get_scheme(pk: int) -> Scheme:
    try:
        return selectors.scheme_get(pk)
    except ShanhaiError:
        raise Http404 from None


@router.get("/schemes", response={200: list[SchemeOut], **ERRORS}, operation_id="assessment_scheme_list",
            summary="考核方案（含项目、等次分档、封顶规则）")
def scheme_list(request: HttpRequest) -> Any:
    return [_scheme(s) for s in selectors.schemes(api_user(request))]


@router.get("/schemes/{pk}", response={200: SchemeOut, **ERRORS}, operation_id="assessment_scheme_get",
            summary="一个考核方案")
def scheme_get(request: HttpRequest, pk: int) -> Any:
    return _scheme(_get_scheme(pk))


@router.get("/schemes/{pk}/results", response={200: ResultsOut, **ERRORS}, operation_id="assessment_results",
            summary="考核结果：排名、等次分布、按市州和省汇总（按令牌用户的数据范围）")
def results(request: HttpRequest, pk: int) -> Any:
    r = selectors.results(api_user(request), _get_scheme(pk))
    groups = lambda rows: [{"code": g.code, "name": g.name, "count": g.count, "mean": g.mean, "grade": g.grade,  # noqa: E731
                            "rank": g.rank, "distribution": g.distribution} for g in rows]
    return {
        "scheme_id": r.scheme.pk, "year": r.scheme.year, "total": r.total,
        "distribution": {str(k): v for k, v in r.distribution.items()},
        "results": [{"id": x.assessment.pk, "pairing_id": x.assessment.pairing_id, "unit": x.unit,
                     "province": x.province, "city": x.city, "rank": x.rank, "total": x.total,
                     "computed": x.assessment.computed, "grade": x.grade, "state": x.assessment.state,
                     "last_total": x.last_total, "change": x.change} for x in r.rows],
        "cities": groups(r.cities), "provinces": groups(r.provinces),
    }


@router.get("/results/{pk}", response={200: AssessmentOut, **ERRORS}, operation_id="assessment_get",
            summary="一个单位的考核：逐项得分、计分依据、评审与异议")
def assessment_get(request: HttpRequest, pk: int) -> Any:
    try:
        a = selectors.assessment_get(api_user(request), pk)
    except ShanhaiError:
        raise Http404 from None
    from shanhai.assessment.services import unit_label

    scores = []
    for s in selectors.scores(a):
        o = s.objection_or_none  # type: ignore[attr-defined]
        scores.append({
            "item_code": s.item.code, "label": s.item.label, "weight": s.item.weight, "computed": s.computed,
            "adjusted": s.adjusted, "points": s.points, "reason": s.reason, "level": s.level,
            "self_points": s.self_points, "block": s.block, "trace": s.trace,
            "objection": None if o is None else {"text": o.text, "evidence": o.evidence, "state": o.state,
                                                 "decision": o.decision},
        })
    return {"id": a.pk, "scheme_id": a.scheme_id, "pairing_id": a.pairing_id,
            "unit": unit_label(a.scheme.subject, a.pairing), "state": a.state, "computed": a.computed,
            "total": a.total, "grade": a.grade, "grade_note": a.grade_note, "self_evaluation": a.self_evaluation,
            "scores": scores}
