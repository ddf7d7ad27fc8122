from django.contrib import admin

from shanhai.accounts.admin_scoping import ScopedAdmin
from shanhai.projects.models import Donation, FundAllocation, Project


class FundInline(admin.TabularInline):
    model = FundAllocation
    extra = 0
    fields = ("year", "source", "sector", "allocated", "disbursed", "pairing")
    autocomplete_fields = ("pairing",)


@admin.register(Project)
class ProjectAdmin(ScopedAdmin):
    year_field = "start_date"
    list_display = ("name", "kind", "sector", "pairing", "location", "status", "budget", "start_date", "end_date")
    list_filter = ("kind", "sector", "status")
    search_fields = ("name",)
    autocomplete_fields = ("pairing", "location")
    inlines = [FundInline]


@admin.register(FundAllocation)
class FundAllocationAdmin(ScopedAdmin):
    year_field = "year"
    year_is_date = False
    list_display = ("pairing", "project", "year", "source", "sector", "allocated", "disbursed")
    list_filter = ("source", "sector")
    search_fields = ("project__name",)
    autocomplete_fields = ("pairing", "project")


@admin.register(Donation)
class DonationAdmin(ScopedAdmin):
    year_field = "date"
    list_display = ("donor", "recipient", "kind", "value", "quantity", "date", "pairing")
    list_filter = ("kind", "sector")
    search_fields = ("donor", "recipient", "purpose")
    autocomplete_fields = ("pairing", "donor_org")
