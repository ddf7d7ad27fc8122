"""List, read, create, update and delete for each record type, generated from the models.

Every read goes through `shanhai.transfer.selectors.records`, i.e. through `visible(user, …)`;
every write through `shanhai.api.services.record_save` / `record_delete`. One router per app area.
"""


from dataclasses import dataclass
from typing import Any, Literal

from django.db import models
from django.http import HttpRequest
from ninja import Path, Query, Router
from ninja.responses import Status

from shanhai.accounts.scoping import visible
from shanhai.api.auth import api_user
from shanhai.api.schemas import INT64, ErrorOut, Text, in_schema, out_schema, page_schema
from shanhai.api.services import ApiError, record_delete, record_save, require_perm
from shanhai.network.models import Programme
from shanhai.people.models import Person
from shanhai.transfer.selectors import records
from shanhai.transfer.specs import TYPES, TypeSpec

ERRORS: dict[int, Any] = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
Side = Literal["east", "west"]


@dataclass(frozen=True)
class Resource:
    """What the API needs of a record type (a TypeSpec, or a model the importer does not cover)."""

    key: str
    path: str
    model: type[models.Model]
    pairing_field: str | None
    year_field: str | None
    spec: TypeSpec | None = None
    extra_in: tuple[str, ...] = ()
    read_only: bool = False

    @property
    def label(self) -> str:
        return str(self.model._meta.verbose_name)


def from_spec(key: str, path: str) -> Resource:
    spec = TYPES[key]
    return Resource(key, path, spec.model, spec.pairing_field, spec.year_field, spec)


AREAS: dict[str, tuple[str, list[Resource]]] = {
    "network": ("结对与单位", [
        Resource("programme", "programmes", Programme, None, None, read_only=True),
        from_spec("organisation", "organisations"),
        from_spec("pairing", "pairings"),
    ]),
    "people": ("人员与选派", [
        Resource("person", "persons", Person, None, None, extra_in=("id_number", "phone")),
        from_spec("dispatch", "dispatches"),
    ]),
    "activities": ("交流与培训", [from_spec("activity", "activities"), from_spec("training", "trainings")]),
    "projects": ("项目与资金", [from_spec("project", "projects"), from_spec("fund", "funds"), from_spec("donation", "donations")]),
    "economy": ("产业、消费与就业", [
        from_spec("investment", "investments"), from_spec("sale", "sales"), from_spec("workshop", "workshops"),
        from_spec("placement", "placements"),
    ]),
}
if "reported" in TYPES:
    AREAS["indicators"] = ("指标上报与目标", [from_spec("reported", "reported-values")]
                           + ([from_spec("target", "targets")] if "target" in TYPES else []))
if "need" in TYPES:  # needs and offers (issue 12; registered by the matching app)
    AREAS["matching"] = ("需求与资源对接", [from_spec("need", "needs"), from_spec("offer", "offers")])


def _get(request: HttpRequest, res: Resource, pk: int) -> models.Model:
    obj = visible(api_user(request), res.model._default_manager.filter(pk=pk)).first()
    if obj is None:
        raise ApiError(404, [{"field": None, "message": f"「{res.label}」编号{pk}不存在，或不在您的数据范围内。"}])
    return obj


def add_resource(router: Router, res: Resource) -> None:
    name = res.model.__name__
    out = out_schema(res.model, f"{name}Out")
    page = page_schema(out, f"{name}Page")
    extra = {k: (Text | None, None) for k in res.extra_in}
    create = in_schema(res.model, f"{name}In", partial=False, extra=extra)
    patch = in_schema(res.model, f"{name}Patch", partial=True, extra=extra)
    label = res.label

    if res.key == "reported":
        add_reported_list(router, res, page)
    else:
        add_list(router, res, page)

    @router.get(f"/{res.path}/{{pk}}", response={200: out, **ERRORS}, operation_id=f"{res.key}_get",
                summary=f"读取{label}")
    def get_item(request: HttpRequest, pk: int = Path(..., ge=1, le=INT64)) -> Any:
        require_perm(api_user(request), res.model, "view")
        return Status(200, _get(request, res, pk))

    if res.read_only:
        return

    @router.post(f"/{res.path}", response={201: out, **ERRORS}, operation_id=f"{res.key}_create",
                 summary=f"新增{label}")
    def create_item(request: HttpRequest, payload: create) -> Any:  # type: ignore[valid-type]
        data = payload.model_dump(exclude_unset=True)  # type: ignore[attr-defined]
        obj = record_save(user=api_user(request), spec_model=res.model, obj=None, data=data, spec=res.spec)
        return Status(201, obj)

    @router.patch(f"/{res.path}/{{pk}}", response={200: out, **ERRORS}, operation_id=f"{res.key}_update",
                  summary=f"修改{label}（只改所给字段）")
    def update_item(request: HttpRequest, payload: patch, pk: int = Path(..., ge=1, le=INT64)) -> Any:  # type: ignore[valid-type]
        obj = _get(request, res, pk)
        data = payload.model_dump(exclude_unset=True)  # type: ignore[attr-defined]
        obj = record_save(user=api_user(request), spec_model=res.model, obj=obj, data=data, spec=res.spec)
        return Status(200, obj)

    @router.delete(f"/{res.path}/{{pk}}", response={204: None, 409: ErrorOut, **ERRORS},
                   operation_id=f"{res.key}_delete", summary=f"删除{label}")
    def delete_item(request: HttpRequest, pk: int = Path(..., ge=1, le=INT64)) -> Any:
        obj = _get(request, res, pk)
        record_delete(user=api_user(request), obj=obj, spec=res.spec)
        return Status(204, None)


_LIST_FILTERS = frozenset({"programme", "pairing", "region", "side", "year", "page", "page_size"})


def _known_filters(request: HttpRequest, known: frozenset[str] | set[str]) -> None:
    """A misspelt filter (?yaer=2023) would silently list everything: refuse it, naming the ones there are."""
    unknown = sorted(set(request.GET) - set(known))
    if unknown:
        raise ApiError(422, [{"field": name, "message": f"未知的筛选条件“{name}”；可用：{'、'.join(sorted(known))}。"}
                             for name in unknown])


def _page(qs: Any, page: int, page_size: int) -> dict[str, Any]:
    offset = (page - 1) * page_size
    return {"count": qs.count(), "items": list(qs[offset: offset + page_size])}


def add_list(router: Router, res: Resource, page_schema_: Any) -> None:
    @router.get(f"/{res.path}", response={200: page_schema_, **ERRORS}, operation_id=f"{res.key}_list",
                summary=f"{res.label}列表")
    def list_items(
        request: HttpRequest,
        programme: int | None = Query(None, ge=1, le=INT64, description="协作项目编号"),
        pairing: int | None = Query(None, ge=1, le=INT64, description="结对关系编号（含其下级结对）"),
        region: str | None = Query(None, pattern=r"^\d{6}$", description="地区代码（6位），含其下级地区"),
        side: Side | None = Query(None, description="地区所在方：east 东部（支援方）/ west 西部（受援方）；不填为任一方"),  # noqa: B008
        year: int | None = Query(None, ge=1900, le=2100, description="年度"),
        page: int = Query(1, ge=1, le=1_000_000),
        page_size: int = Query(100, ge=1, le=1000),
    ) -> Any:
        _known_filters(request, _LIST_FILTERS)
        user = api_user(request)
        require_perm(user, res.model, "view")
        spec: Any = res.spec or res
        qs = records(user, spec, programme=programme, pairing=pairing, region=region, side=side, year=year)
        return Status(200, _page(qs, page, page_size))



def add_reported_list(router: Router, res: Resource, page_schema_: Any) -> None:
    @router.get(f"/{res.path}", response={200: page_schema_, **ERRORS}, operation_id=f"{res.key}_list",
                summary=f"{res.label}列表")
    def list_reported(
        request: HttpRequest,
        indicator: str | None = Query(None, pattern=r"^[a-z0-9_.]{1,64}$", description="指标代码，如 train.talent.people"),
        programme: int | None = Query(None, ge=1, le=INT64, description="协作项目编号"),
        pairing: int | None = Query(None, ge=1, le=INT64, description="结对关系编号（含其下级结对）"),
        region: str | None = Query(None, pattern=r"^\d{6}$", description="地区代码（6位），含其下级地区"),
        side: Side | None = Query(None, description="地区所在方：east / west"),  # noqa: B008
        year: int | None = Query(None, ge=1900, le=2100, description="年度"),
        quarter: int | None = Query(None, ge=0, le=4, description="季度（0为全年）"),
        month: int | None = Query(None, ge=0, le=12, description="月份（0为不分月）"),
        page: int = Query(1, ge=1, le=1_000_000),
        page_size: int = Query(100, ge=1, le=1000),
    ) -> Any:
        _known_filters(request, _LIST_FILTERS | {"indicator", "quarter", "month"})
        user = api_user(request)
        require_perm(user, res.model, "view")
        qs = records(user, res.spec or res, programme=programme, pairing=pairing, region=region, side=side, year=year)  # type: ignore[arg-type]
        if indicator:
            qs = qs.filter(indicator__code=indicator)
        if quarter is not None:
            qs = qs.filter(quarter=quarter)
        if month is not None:
            qs = qs.filter(month=month)
        return Status(200, _page(qs, page, page_size))


def routers() -> list[tuple[str, Router]]:
    out = []
    for area, (tag, resources) in AREAS.items():
        router = Router(tags=[tag])
        for res in resources:
            add_resource(router, res)
        out.append((area, router))
    return out
