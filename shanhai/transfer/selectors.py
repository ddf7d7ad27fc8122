"""Reads for imports, exports and the API: every one goes through `visible(user, …)`.

`records` is the one filtered, scoped queryset of a record type (programme, pairing with its
sub-pairings, region with side, year); `export_rows` turns records into rows in the same columns
as the import template, so an exported sheet can be corrected and imported back.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.db import models
from django.db.models import Q, QuerySet

from shanhai.accounts.scoping import visible
from shanhai.core.errors import ShanhaiError
from shanhai.core.fields import Domain
from shanhai.network.models import Pairing
from shanhai.regions.models import Region
from shanhai.transfer.exports import Column
from shanhai.transfer.models import ImportRun
from shanhai.transfer.specs import Col, TypeSpec

_PAIRING_RELATED = ("programme", "east_region", "west_region", "east_org", "west_org")


def _prefix(field: str | None) -> str:
    return f"{field}__" if field else ""


def records(
    user: User | AnonymousUser,
    spec: TypeSpec,
    *,
    programme: int | None = None,
    pairing: int | None = None,
    region: str | None = None,
    side: str | None = None,
    year: int | None = None,
) -> QuerySet:
    """The records of `spec` the user may see, filtered; unknown pairing/region codes give a ShanhaiError."""
    model = spec.model
    qs = visible(user, model._default_manager.all())
    pf = spec.pairing_field
    if pf is not None:
        p = _prefix(pf)
        qs = qs.select_related(*(f"{p}{r}" for r in _PAIRING_RELATED))
        if programme is not None:
            qs = qs.filter(**{f"{p}programme_id": programme})
        if pairing is not None:
            root = visible(user, Pairing.objects.filter(pk=pairing)).first()
            if root is None:
                raise ShanhaiError(f"「结对关系」{pairing}不存在，或不在您的数据范围内。", field="pairing", code="not_found")
            qs = qs.filter(**{f"{p}path__startswith": root.path})
    if region:
        found = Region.objects.filter(code=region).first()
        if found is None:
            raise ShanhaiError(f"「地区」代码{region}不存在。", field="region", code="not_found")
        if side not in (None, "", "east", "west"):
            raise ShanhaiError("「地区所在方」只能是 east（东部）或 west（西部）。", field="side")
        if pf is not None:
            sides = [side] if side else ["east", "west"]
            condition = Q()
            for s in sides:
                condition |= Q(**{f"{_prefix(pf)}{s}_region__path__startswith": found.path})
        else:
            condition = Q(**{f"{f}__path__startswith": found.path for f in getattr(model, "scope_region_fields", ())})
        qs = qs.filter(condition)
    if year is not None and spec.year_field:
        field = model._meta.get_field(spec.year_field)
        lookup = f"{spec.year_field}__year" if isinstance(field, models.DateField) else spec.year_field
        qs = qs.filter(**{lookup: year})
    return qs.order_by("pk")


# ---- rows in template columns ----------------------------------------------------------------

_EXPORT_KIND = {"money": "money", "int": "int", "year": "int", "month": "int", "decimal": "decimal",
                "percent": "decimal", "date": "date"}


def export_columns(spec: TypeSpec) -> list[Column]:
    """The template's columns (secret ones left out: identity numbers never leave in clear)."""
    return [
        Column(c.name, c.header, _EXPORT_KIND.get(c.kind, "text"))  # type: ignore[arg-type]
        for c in spec.columns if not c.secret
    ]


def _pairing_of(spec: TypeSpec, obj: models.Model) -> Pairing | None:
    if spec.pairing_field == "":
        return obj  # type: ignore[return-value]
    if spec.pairing_field:
        return getattr(obj, spec.pairing_field)
    return None


def _cell(c: Col, obj: models.Model, pairing: Pairing | None, spec: TypeSpec) -> Any:
    name = c.name
    if pairing is not None:
        if name == "pairing_no":
            return pairing.pk
        if name == "programme":
            return pairing.programme.name
        if name == "pairing_kind":
            return pairing.get_kind_display()
        if name in ("east_region", "west_region"):
            return getattr(pairing, name).full_name
        if name in ("east_org", "west_org"):
            org = getattr(pairing, name)
            return org.name if org else ""
        if name in ("east_place", "west_place"):
            return getattr(pairing, name)
    if spec.key == "dispatch":
        person = obj.person  # type: ignore[attr-defined]
        if name in ("name", "gender", "title"):
            value = getattr(person, name)
            return person.get_gender_display() if name == "gender" and value else value
        if name == "person_org":
            return person.organisation.name if person.organisation_id else ""
    prefix, _, part = name.rpartition("_")
    if prefix in spec.people and part in ("name", "org"):  # 师傅姓名, 团队负责人工作单位 …
        person = getattr(obj, prefix)
        if person is None:
            return ""
        if part == "name":
            return person.name
        return person.organisation.name if person.organisation_id else ""
    try:
        field = obj._meta.get_field(name)
    except Exception:  # a column resolved by name rather than a model field
        return ""
    value = getattr(obj, name)
    if field.many_to_many:  # a programme's provinces
        return "、".join(r.name for r in value.all())
    if isinstance(field, models.ForeignKey):
        if value is None:
            return ""
        return value.full_name if isinstance(value, Region) else str(value)
    if field.choices:
        return getattr(obj, f"get_{name}_display")() if value not in (None, "") else ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list):
        labels = dict(Domain.choices)
        return "、".join(str(labels.get(v, v)) for v in value)
    return value


def export_rows(spec: TypeSpec, qs: QuerySet) -> Iterator[dict[str, Any]]:
    columns = [c for c in spec.columns if not c.secret]
    if spec.key == "dispatch":
        qs = qs.select_related("person__organisation", "host")
    for obj in qs.iterator(chunk_size=2000):
        pairing = _pairing_of(spec, obj)
        yield {c.name: _cell(c, obj, pairing, spec) for c in columns}


def runs_for(user: User) -> QuerySet[ImportRun]:
    qs = ImportRun.objects.all()
    return qs if user.is_superuser else qs.filter(user=user)
