from django.contrib import admin

from shanhai.accounts.admin_scoping import ScopedAdmin
from shanhai.economy.models import IndustrialPark, Investment, Placement, Sale, Workshop


@admin.register(IndustrialPark)
class IndustrialParkAdmin(ScopedAdmin):
    year_field = "established"
    list_display = ("name", "pairing", "region", "established", "area_mu")
    search_fields = ("name",)
    autocomplete_fields = ("pairing", "region")


@admin.register(Investment)
class InvestmentAdmin(ScopedAdmin):
    year_field = "year"
    year_is_date = False
    list_display = ("enterprise", "pairing", "park", "year", "amount", "rural_jobs")
    search_fields = ("enterprise__name",)
    autocomplete_fields = ("pairing", "enterprise", "park")


@admin.register(Sale)
class SaleAdmin(ScopedAdmin):
    year_field = "year"
    year_is_date = False
    list_display = ("pairing", "year", "month", "category", "channel", "supplier", "buyer", "amount")
    list_filter = ("category", "channel")
    search_fields = ("supplier", "buyer")
    autocomplete_fields = ("pairing",)
    show_full_result_count = False  # a million rows a year: skip the second COUNT(*)


@admin.register(Workshop)
class WorkshopAdmin(ScopedAdmin):
    year_field = "established"
    list_display = ("name", "pairing", "region", "jobs", "at_relocation_site", "established")
    list_filter = ("at_relocation_site",)
    search_fields = ("name",)
    autocomplete_fields = ("pairing", "region")


@admin.register(Placement)
class PlacementAdmin(ScopedAdmin):
    year_field = "year"
    year_is_date = False
    list_display = ("pairing", "year", "month", "kind", "count", "newly_employed", "employer")
    list_filter = ("kind", "newly_employed")
    search_fields = ("employer",)
    autocomplete_fields = ("pairing", "person")
    show_full_result_count = False
