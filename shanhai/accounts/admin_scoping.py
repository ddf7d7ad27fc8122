"""The admin side of scoping: lists, lookups, autocompletes and history go through `visible`; every
save, delete and history revert goes through `accounts.writes` (the one door for writes)."""

from typing import Any

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Model, Q, QuerySet
from django.db.models.fields.related import ForeignKey, ManyToManyField
from django.forms import ModelChoiceField, ModelMultipleChoiceField
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from shanhai.accounts.scoping import scope_filter, visible
from shanhai.accounts.writes import (
    WriteGuard,
    WriteRefused,
    guarded_delete,
    guarded_save,
    is_national,
    is_reference,
    pairing_children_errors,
    pairing_shape_changed,
    stored_state,
)
from shanhai.network.models import Pairing, PairingKind, Programme
from shanhai.regions.models import Level, Region
from shanhai.transfer.admin_export import ExportActionsMixin


def _prefix(field: str) -> str:
    return f"{field}__" if field else ""


def programme_filter(pairing_field: str) -> type[admin.SimpleListFilter]:
    class ProgrammeFilter(admin.SimpleListFilter):
        title = _("协作项目")
        parameter_name = "programme"

        def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[Any, str]]:
            return [(p.pk, p.name) for p in Programme.objects.all()]

        def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
            if self.value():
                return queryset.filter(**{f"{_prefix(pairing_field)}programme_id": self.value()})
            return queryset

    return ProgrammeFilter


def pairing_filter(pairing_field: str) -> type[admin.SimpleListFilter]:
    class PairingFilter(admin.SimpleListFilter):
        title = _("结对关系（含下级）")
        parameter_name = "pairing"

        def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[Any, str]]:
            top = Pairing.objects.filter(
                kind__in=[PairingKind.PROVINCE, PairingKind.PREFECTURE, PairingKind.COUNTY]
            ).select_related("east_region", "west_region", "east_org", "west_org")
            return [(p.pk, str(p)) for p in visible(request.user, top)[:200]]

        def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
            if self.value():
                pairing = Pairing.objects.filter(pk=self.value()).first()
                if pairing is None:
                    return queryset.none()
                return queryset.filter(**{f"{_prefix(pairing_field)}path__startswith": pairing.path})
            return queryset

    return PairingFilter


class SideFilter(admin.SimpleListFilter):
    """Which side the region filter looks at: east (支援方), west (受援方) or either."""

    title = _("地区所在方")
    parameter_name = "side"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [("east", _("东部（支援方）")), ("west", _("西部（受援方）"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        return queryset  # read by RegionFilter


def region_filter(pairing_field: str | None, region_fields: tuple[str, ...] = ()) -> type[admin.SimpleListFilter]:
    class RegionFilter(admin.SimpleListFilter):
        """Provinces are listed; any region code works in the URL (?region=520425&side=west)."""

        title = _("地区")
        parameter_name = "region"

        def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
            return [(r.code, r.name) for r in Region.objects.filter(level=Level.PROVINCE)]

        def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
            if not self.value():
                return queryset
            region = Region.objects.filter(code=self.value()).first()
            if region is None:
                return queryset.none()
            side = request.GET.get("side")
            sides = [side] if side in ("east", "west") else ["east", "west"]
            lookups = [f"{f}__path__startswith" for f in region_fields]
            if pairing_field is not None:
                lookups += [f"{_prefix(pairing_field)}{s}_region__path__startswith" for s in sides]
            condition = Q()
            for lookup in lookups:
                condition |= Q(**{lookup: region.path})
            return queryset.filter(condition)

    return RegionFilter


def year_filter(field: str, is_date: bool) -> type[admin.SimpleListFilter]:
    class YearFilter(admin.SimpleListFilter):
        title = _("年度")
        parameter_name = "year"

        def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
            qs = model_admin.get_queryset(request)
            if is_date:
                years = sorted({d.year for d in qs.dates(field, "year")}, reverse=True)
            else:
                years = sorted(set(qs.order_by().values_list(field, flat=True).distinct()), reverse=True)
            return [(str(y), f"{y}年") for y in years if y]

        def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
            if self.value() and self.value().isdigit():
                lookup = f"{field}__year" if is_date else field
                return queryset.filter(**{lookup: int(self.value())})
            return queryset

    return YearFilter


def guarded_form(form_class: type[Any], user: Any) -> type[Any]:
    """The admin's model form, refusing (as a form error, nothing saved) what `accounts.writes` refuses."""

    class GuardedForm(form_class):  # type: ignore[misc, valid-type]
        def _post_clean(self) -> None:
            super()._post_clean()
            if self.errors:
                return  # the instance is incomplete; the form is refused anyway
            instance = self.instance
            before = None if instance._state.adding else stored_state(instance)
            action = "add" if before is None else "change"
            for message in WriteGuard(user).errors(instance, action=action, before=before):
                self.add_error(None, message)
            if before is not None and pairing_shape_changed(before, instance):
                for message in pairing_children_errors(instance):
                    self.add_error(None, message)

    GuardedForm.__name__ = form_class.__name__
    return GuardedForm


class ScopedAdmin(ExportActionsMixin, SimpleHistoryAdmin):
    """Base admin for programme data: every queryset, choice list and object lookup is scoped, and
    every write (form, inline, delete, bulk delete, history revert) goes through `accounts.writes`."""

    pairing_field: str | None = "pairing"
    year_field: str | None = None
    year_is_date = True
    extra_filters: tuple[Any, ...] = ()

    def get_list_filter(self, request: HttpRequest) -> list[Any]:
        filters: list[Any] = []
        region_fields = getattr(self.model, "scope_region_fields", ())
        if self.pairing_field is not None:
            filters += [programme_filter(self.pairing_field), pairing_filter(self.pairing_field)]
        if self.pairing_field is not None or region_fields:
            filters.append(region_filter(self.pairing_field, region_fields))
        if self.pairing_field is not None:
            filters.append(SideFilter)
        if self.year_field:
            filters.append(year_filter(self.year_field, self.year_is_date))
        return filters + list(self.extra_filters) + list(self.list_filter)

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return visible(request.user, super().get_queryset(request))

    # ---- writes: reference data for the national office only; every save through the guard ----

    def _reference_locked(self, request: HttpRequest) -> bool:
        return is_reference(self.model) and not is_national(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return not self._reference_locked(request) and super().has_add_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not self._reference_locked(request) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not self._reference_locked(request) and super().has_delete_permission(request, obj)

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        return guarded_form(super().get_form(request, obj, change, **kwargs), request.user)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        try:
            guarded_save(request.user, obj, validate=False)  # the form has validated it
        except WriteRefused as e:
            raise PermissionDenied(e.message) from e

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        try:
            guarded_delete(request.user, obj)
        except WriteRefused as e:
            raise PermissionDenied(e.message) from e

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        for obj in queryset:  # one by one: each is checked, and signals keep the roll-ups right
            self.delete_model(request, obj)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            self.delete_model(request, obj)
        for obj in instances:
            try:
                guarded_save(request.user, obj, validate=False)
            except WriteRefused as e:
                raise PermissionDenied(e.message) from e
        formset.save_m2m()

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = tuple(super().get_readonly_fields(request, obj))
        if is_national(request.user):
            return fields
        # Who uploaded, reviewed or confirmed a record is set by the system. Offered as a choice, it would
        # list every account in the country (user accounts have no programme scope): shown, not chosen.
        users = tuple(f.name for f in self.model._meta.concrete_fields
                      if isinstance(f, ForeignKey) and f.related_model is get_user_model() and f.editable)
        return fields + tuple(f for f in users if f not in fields)

    def formfield_for_dbfield(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if isinstance(db_field, ForeignKey | ManyToManyField) and isinstance(
            field, ModelChoiceField | ModelMultipleChoiceField
        ):
            related: type[Model] = db_field.related_model
            if scope_filter(request.user, related) is not None:
                field.queryset = visible(request.user, field.queryset)
        return field

    def history_view(self, request: HttpRequest, object_id: str, extra_context: Any = None) -> HttpResponse:
        # simple-history falls back to the history rows of an object the queryset hides: refuse first.
        if not self.get_queryset(request).filter(pk=unquote(object_id)).exists():
            raise Http404
        if not hasattr(self.model._meta, "simple_history_manager_attribute"):
            # No recorded versions (report documents): the admin's own change log, not a server error.
            return admin.ModelAdmin.history_view(self, request, object_id, extra_context)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request: HttpRequest, object_id: str, version_id: str, extra_context: Any = None) -> HttpResponse:
        if not hasattr(self.model._meta, "simple_history_manager_attribute"):
            raise Http404  # a model without recorded versions (report documents): no version to show
        if not self.get_queryset(request).filter(pk=unquote(object_id)).exists():
            raise Http404
        return super().history_form_view(request, object_id, version_id, extra_context)
