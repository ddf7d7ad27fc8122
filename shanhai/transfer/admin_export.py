"""The "导出 Excel / CSV" actions on every admin list (mixed into ScopedAdmin).

The action receives the admin's queryset, which ScopedAdmin already narrows through `visible`, so
an export never holds a row the list would not show.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, Literal

from django.contrib import admin
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shanhai.transfer.exports import Column, Kind, export_response

# Internal bookkeeping that a reader of the sheet has no use for (hashes never leave the database).
_SKIPPED = {"path", "created_at", "updated_at"}
_PAIRING_LABEL_RELATIONS = ("east_region", "west_region", "east_org", "west_org")


def _kind(field: models.Field) -> Kind:
    if field.choices or isinstance(field, models.ForeignKey | models.BooleanField):
        return "text"
    if isinstance(field, models.BigIntegerField) and "元" in str(field.help_text or ""):
        return "money"
    if isinstance(field, models.IntegerField):
        return "int"
    if isinstance(field, models.DecimalField):
        return "decimal"
    if isinstance(field, models.DateField):
        return "date"
    return "text"


def model_export_fields(model: type[models.Model]) -> list[models.Field]:
    return [
        f for f in model._meta.concrete_fields
        if f.name not in _SKIPPED and not f.name.endswith("_hash") and not isinstance(f, models.FileField)
    ]


def model_columns(model: type[models.Model]) -> list[Column]:
    columns = [Column("id", "ID", "int")]
    for field in model_export_fields(model):
        if field.primary_key:
            continue
        columns.append(Column(field.name, str(field.verbose_name), _kind(field)))
    return columns


def model_rows(qs: QuerySet, fields: list[models.Field]) -> Iterator[Mapping[str, Any]]:
    """Rows as {field name: exportable value}: labels for choices and foreign keys, raw numbers and dates."""
    for obj in qs.iterator(chunk_size=2000):
        row: dict[str, Any] = {"id": obj.pk}
        for field in fields:
            if isinstance(field, models.ForeignKey):
                related = getattr(obj, field.name)
                row[field.name] = str(related) if related is not None else None
            elif field.choices:
                row[field.name] = getattr(obj, f"get_{field.name}_display")()
            elif isinstance(field, models.JSONField):
                value = getattr(obj, field.name)
                row[field.name] = "、".join(map(str, value)) if isinstance(value, list) else value
            else:
                row[field.name] = getattr(obj, field.name)
        yield row


def export_queryset(qs: QuerySet, fmt: Literal["xlsx", "csv"]) -> HttpResponse:
    model = qs.model
    fields = model_export_fields(model)
    related: list[str] = []
    for field in fields:
        if isinstance(field, models.ForeignKey):
            related.append(field.name)
            # A pairing prints as "东部单位/地区 — 西部单位/地区": fetch those in the same query.
            if field.related_model._meta.label == "network.Pairing":
                related += [f"{field.name}__{r}" for r in _PAIRING_LABEL_RELATIONS]
    if model._meta.label == "network.Pairing":
        related += list(_PAIRING_LABEL_RELATIONS)
    qs = qs.select_related(*dict.fromkeys(related)) if related else qs
    name = f"{model._meta.verbose_name_plural}_{timezone.localdate():%Y%m%d}"
    return export_response(
        rows=model_rows(qs.order_by("pk"), fields), columns=model_columns(model), filename=name, fmt=fmt,
        sheet_title=str(model._meta.verbose_name_plural),
    )


class ExportActionsMixin:
    """Adds the two export actions to a ModelAdmin; works on the (scoped) selected rows."""

    actions = ["export_xlsx", "export_csv"]

    @admin.action(description=_("导出 Excel（.xlsx）"), permissions=["view"])
    def export_xlsx(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse:
        return export_queryset(queryset, "xlsx")

    @admin.action(description=_("导出 CSV"), permissions=["view"])
    def export_csv(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse:
        return export_queryset(queryset, "csv")
