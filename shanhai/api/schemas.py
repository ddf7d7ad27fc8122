"""Request and response schemas built from the models (so the API cannot drift from them).

For each model: `Out` (every stored field, foreign keys as `<name>_id`, choices as enums),
`In` (what a client may write; required as the model requires) and `Patch` (all optional).
Integers are bounded to 64 bits and text refuses NUL characters, so no input reaches the
database in a form it would choke on: such input is a 422 with the field named.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.db import models
from ninja import Schema
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, create_model

from shanhai.core.fields import Domain

INT64 = 2**63 - 1
_SKIP = {"path"}


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("不能包含空字符（\\x00）")
    return value


Text = Annotated[str, AfterValidator(_no_nul)]
Id = Annotated[int, Field(ge=1, le=INT64)]


class ErrorItem(Schema):
    field: str | None = Field(None, description="出错的字段；为空表示整条记录")
    message: str = Field(description="中文说明")


class ErrorOut(Schema):
    errors: list[ErrorItem]


def non_negative_fields(model: type[models.Model]) -> set[str]:
    """Fields a check constraint keeps ≥ 0 (core.constraints.non_negative) or that are positive by type."""
    names = {f.name for f in model._meta.concrete_fields
             if isinstance(f, models.PositiveIntegerField | models.PositiveSmallIntegerField
                           | models.PositiveBigIntegerField)}
    for c in model._meta.constraints:
        condition = getattr(c, "condition", None)
        children = getattr(condition, "children", [])
        if len(children) == 1 and isinstance(children[0], tuple) and children[0][0].endswith("__gte") \
                and children[0][1] == 0 and not getattr(condition, "negated", False):
            names.add(children[0][0][: -len("__gte")])
    return names


def _python_type(f: models.Field, *, for_input: bool) -> Any:
    if isinstance(f, models.ForeignKey):
        return Id
    if f.choices:
        values = tuple(str(v) for v, _ in f.choices) + (("",) if f.blank else ())
        return Literal[values]  # type: ignore[misc]
    if isinstance(f, models.BooleanField):
        return bool
    low = 0 if f.name in non_negative_fields(f.model) else -INT64  # the same bound as the model states
    if isinstance(f, models.IntegerField | models.AutoField):
        return Annotated[int, Field(ge=low, le=INT64)]
    if isinstance(f, models.DecimalField):
        if for_input:
            return Annotated[Decimal, Field(max_digits=f.max_digits, decimal_places=f.decimal_places,
                                            **({"ge": 0} if low == 0 else {}))]
        return Decimal
    if isinstance(f, models.DateTimeField):
        return dt.datetime
    if isinstance(f, models.DateField):
        return dt.date
    if isinstance(f, models.JSONField):
        return list[Literal[tuple(Domain.values)]]  # type: ignore[misc]
    if isinstance(f, models.CharField) and f.max_length and for_input:
        return Annotated[str, Field(max_length=f.max_length), AfterValidator(_no_nul)]
    return Text if for_input else str


def field_name(f: models.Field) -> str:
    return f.attname if isinstance(f, models.ForeignKey) else f.name


def writable_fields(model: type[models.Model]) -> list[models.Field]:
    return [
        f for f in model._meta.concrete_fields
        if not f.primary_key and f.editable and f.name not in _SKIP and not isinstance(f, models.FileField)
        and not f.name.endswith(("_hash", "_masked")) and not getattr(f, "auto_now", False)
        and not getattr(f, "auto_now_add", False)
    ]


def _description(f: models.Field) -> str:
    text = str(f.verbose_name)
    if f.choices:
        text += "：" + "；".join(f"{v}={label}" for v, label in f.choices)
    if f.help_text:
        text += f"（{f.help_text}）"
    return text


class _Codes:
    """id → code for regions (division codes) and indicators (catalogue codes), read once and again
    only when an id is missing, so a page of records costs no query per row."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.codes: dict[int, str] = {}

    def get(self, pk: int | None) -> str | None:
        if pk is None:
            return None
        if pk not in self.codes:
            from django.apps import apps

            self.codes = dict(apps.get_model(self.label)._default_manager.values_list("pk", "code"))
        return self.codes.get(pk)


_CODES = {"regions.region": _Codes("regions.region"), "indicators.indicator": _Codes("indicators.indicator")}


def _code_resolver(attname: str, codes: _Codes) -> Any:
    return staticmethod(lambda obj: codes.get(getattr(obj, attname, None)))


def out_schema(model: type[models.Model], name: str) -> type[Schema]:
    """Every stored field; beside a region's or an indicator's id, its code (`east_region_code`,
    `indicator_code`), so records can be joined with other systems without our internal ids."""
    fields: dict[str, Any] = {}
    resolvers: dict[str, Any] = {}
    for f in model._meta.concrete_fields:
        if f.name in _SKIP or f.name.endswith("_hash") or isinstance(f, models.FileField):
            continue
        kind = _python_type(f, for_input=False)
        if f.null:
            kind = kind | None
        fields[field_name(f)] = (kind, Field(description=_description(f)))
        codes = _CODES.get(f.related_model._meta.label_lower) if isinstance(f, models.ForeignKey) else None
        if codes is not None:
            what = "区划代码" if codes.label == "regions.region" else "指标代码"
            fields[f"{f.name}_code"] = (str | None, Field(None, description=f"{f.verbose_name}的{what}"))
            resolvers[f"resolve_{f.name}_code"] = _code_resolver(f.attname, codes)
    base = type(f"{name}Base", (Schema,), resolvers)
    return create_model(name, __base__=base, **fields)


class InputBase(BaseModel):
    """Request bodies: a JSON object with known fields only (a typo is a 422, not silently ignored)."""

    model_config = ConfigDict(extra="forbid")


def in_schema(model: type[models.Model], name: str, *, partial: bool, extra: dict[str, Any] | None = None) -> type[BaseModel]:
    fields: dict[str, Any] = {}
    for f in writable_fields(model):
        kind = _python_type(f, for_input=True)
        optional = partial or f.null or f.blank or f.has_default()
        if f.null or partial:
            kind = kind | None
        fields[field_name(f)] = (kind, Field(None if optional else ..., description=_description(f)))
    for key, value in (extra or {}).items():
        fields[key] = value
    return create_model(name, __base__=InputBase, **fields)


def page_schema(item: type[Schema], name: str) -> type[Schema]:
    return create_model(name, __base__=Schema, count=(int, ...), items=(list[item], ...))  # type: ignore[valid-type]
