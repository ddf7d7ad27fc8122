"""Read endpoints for indicator values, targets and completion, regions and public programmes (issue 13).

With a token: figures as the token's user sees them (`indicators.selectors.indicator_table`, scoped), any
year. Without one: only what the public portal shows (`portal.selectors`: public programmes, approved
years, no person, small counts of people as "<3"), rate-limited per address (`ANON_RATE`).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Literal

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema
from ninja.throttling import AnonRateThrottle

from shanhai.api.auth import TokenAuth
from shanhai.api.schemas import ErrorOut
from shanhai.api.services import ApiError
from shanhai.indicators.selectors import indicator_table
from shanhai.network.models import Pairing
from shanhai.portal import selectors as public
from shanhai.regions.english import english_name
from shanhai.regions.models import Region

ANON_RATE = "120/m"
ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut, 429: ErrorOut}


class Anonymous:
    """Lets a request without a token through as the anonymous user (after TokenAuth found none)."""

    def __call__(self, request: HttpRequest) -> AnonymousUser:
        return AnonymousUser()


class AnonThrottle(AnonRateThrottle):
    """Counts only requests without a token (the anonymous user is request.auth here, not None)."""

    def get_cache_key(self, request: HttpRequest) -> str | None:
        if getattr(getattr(request, "auth", None), "is_authenticated", False):
            return None
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


router = Router(tags=["公开数据 open data"], auth=[TokenAuth(), Anonymous()], throttle=[AnonThrottle(ANON_RATE)])


class ValueOut(Schema):
    code: str
    zh: str
    en: str
    unit: str
    year: int
    computed: Decimal | None
    reported: Decimal | None
    actual: Decimal | None
    target: Decimal | None
    completion: Decimal | None
    completion_basis: str
    source_kind: str
    withheld: str  # "<3" when a small count of people is not shown (anonymous only), else ""


class ValuesQuery(Schema):
    year: int | None = None  # default: this calendar year with a token, the latest approved year without
    programme: int | None = None
    pairing: int | None = None
    region: str | None = None
    side: Literal["east", "west"] = "west"
    code: str | None = None


class RegionOut(Schema):
    code: str
    name: str
    name_en: str
    level: str
    parent_code: str | None
    lng: float | None
    lat: float | None


class PublicProgrammeOut(Schema):
    id: int
    name: str
    published_years: list[int]


def _signed_in(request: HttpRequest) -> bool:
    return bool(getattr(request.auth, "is_authenticated", False))  # type: ignore[attr-defined]


def _dec(v: Any) -> Decimal | None:
    return None if v is None else Decimal(v)


@router.get("/values", response={200: list[ValueOut], **ERRORS}, summary="指标值、目标与完成率（按结对关系、地区与所在方）")
def values(request: HttpRequest, q: Query[ValuesQuery]) -> Any:
    """有令牌：按令牌用户的数据范围，任意年度；无令牌：仅公开协作项目已审定年度的汇总值（须给出 programme）。"""
    if _signed_in(request):
        year = q.year or timezone.localdate().year
        rows = indicator_table(request.auth, pairing=q.pairing, region=q.region, side=q.side,  # type: ignore[attr-defined]
                               programme=q.programme, year=year)
        return [ValueOut(code=r.code, zh=r.zh, en=r.en, unit=r.unit, year=year, computed=_dec(r.computed),
                         reported=_dec(r.reported), actual=_dec(r.actual),
                         target=_dec(r.target if r.target is not None else r.target_pairings),
                         completion=r.completion, completion_basis=r.completion_basis,
                         source_kind=public._source(r), withheld="")
                for r in rows if q.code is None or r.code == q.code]
    programme = public.public_programme(q.programme) if q.programme else None
    if programme is None:
        raise ApiError(404, [{"field": "programme", "message": "「programme」应为公开的协作项目编号（见 /api/open/programmes）。"}])
    pairing = region = None
    if q.pairing is not None:
        pairing = Pairing.objects.filter(pk=q.pairing, programme=programme).first()
        if pairing is None:
            raise ApiError(404, [{"field": "pairing", "message": "该协作项目中没有这个结对关系。"}])
    elif q.region:
        region = Region.objects.filter(code=q.region).first()
        if region is None:
            raise ApiError(404, [{"field": "region", "message": f"「地区」代码“{q.region}”不存在。"}])
    years = public.published_years(programme)
    vals = public.values(programme=programme, year=q.year or (years[-1] if years else 0), pairing=pairing, region=region, side=q.side,
                         codes=[q.code] if q.code else None)
    return [ValueOut(code=v.code, zh=v.zh, en=v.en, unit=v.unit, year=v.year, computed=_dec(v.computed),
                     reported=_dec(v.reported), actual=_dec(v.actual), target=_dec(v.target), completion=v.completion,
                     completion_basis=v.basis, source_kind=v.source, withheld=v.shown) for v in vals]


@router.get("/regions", response={200: list[RegionOut], **ERRORS}, summary="行政区划（按层级或上级）")
def regions(request: HttpRequest, level: Literal["province", "prefecture", "county"] = "province",
            parent: str | None = None) -> Any:
    """区划是公开的参考数据：省级（默认），或某一上级区划（parent=6位代码）的下一级。"""
    qs = Region.objects.select_related("parent").order_by("code")
    qs = qs.filter(parent__code=parent) if parent else qs.filter(level=level)
    return [RegionOut(code=r.code, name=r.name, name_en=english_name(r.name), level=r.level,
                      parent_code=r.parent.code if r.parent else None, lng=r.lng, lat=r.lat) for r in qs]


@router.get("/programmes", response={200: list[PublicProgrammeOut], **ERRORS}, summary="公开的协作项目及其已审定年度")
def programmes(request: HttpRequest) -> Any:
    return [PublicProgrammeOut(id=p.pk, name=p.name, published_years=public.published_years(p))
            for p in public.public_programmes()]
