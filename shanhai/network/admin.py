from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from shanhai.accounts.admin_scoping import ScopedAdmin
from shanhai.network.models import Agreement, Organisation, Pairing, Programme


@admin.register(Programme)
class ProgrammeAdmin(ScopedAdmin):
    pairing_field = None
    list_display = ("name", "kind", "start_year", "end_year")
    list_filter = ("kind",)
    search_fields = ("name",)
    filter_horizontal = ("east_provinces", "west_provinces")


@admin.register(Organisation)
class OrganisationAdmin(ScopedAdmin):
    pairing_field = None
    list_display = ("name", "kind", "region")
    list_filter = ("kind",)
    search_fields = ("name", "region__name")
    autocomplete_fields = ("region",)
    list_select_related = ("region",)


class InForceFilter(admin.SimpleListFilter):
    """Pairings in force in a year (?in_force=2024): what the pairing counts (pair.*) on the pages count."""

    title = _("在结对年度")
    parameter_name = "in_force"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[Any, str]]:
        years = {d.year for d in model_admin.get_queryset(request).dates("start_date", "year")}
        return [(str(y), f"{y}年") for y in sorted(years, reverse=True)]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        from shanhai.indicators.rules import in_force_q

        if self.value() and self.value().isdigit():
            return queryset.filter(in_force_q(int(self.value())))
        return queryset


class AgreementInline(admin.TabularInline):
    model = Agreement
    extra = 0


@admin.register(Pairing)
class PairingAdmin(ScopedAdmin):
    pairing_field = ""
    year_field = "start_date"
    extra_filters = (InForceFilter,)
    list_display = ("__str__", "kind", "programme", "east_region", "west_region", "start_date", "end_date", "status")
    list_filter = ("kind", "status")
    search_fields = (
        "east_region__name", "west_region__name", "east_org__name", "west_org__name", "east_place", "west_place",
    )
    autocomplete_fields = ("parent", "east_region", "west_region", "east_org", "west_org")
    list_select_related = ("programme", "east_region", "west_region", "east_org", "west_org")
    inlines = [AgreementInline]



@admin.register(Agreement)
class AgreementAdmin(ScopedAdmin):
    year_field = "signed_on"
    list_display = ("title", "pairing", "signed_on")
    search_fields = ("title",)
    autocomplete_fields = ("pairing",)
