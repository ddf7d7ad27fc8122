from django.contrib import admin

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


class AgreementInline(admin.TabularInline):
    model = Agreement
    extra = 0


@admin.register(Pairing)
class PairingAdmin(ScopedAdmin):
    pairing_field = ""
    year_field = "start_date"
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
