from django.contrib import admin

from shanhai.accounts.admin_scoping import ScopedAdmin
from shanhai.matching.models import Match, Need, Offer


class ListingAdmin(ScopedAdmin):
    year_field = "start_date"
    list_display = ("title", "kind", "subject", "level", "quantity", "unit", "region", "organisation", "expires_on",
                    "state")
    list_filter = ("kind", "state", "visibility", "domain")
    search_fields = ("title", "subject")
    autocomplete_fields = ("region", "organisation", "pairing")


@admin.register(Need)
class NeedAdmin(ListingAdmin):
    pass


@admin.register(Offer)
class OfferAdmin(ListingAdmin):
    pass


@admin.register(Match)
class MatchAdmin(ScopedAdmin):
    list_display = ("__str__", "quantity", "score", "state", "pairing")
    list_filter = ("state",)
    search_fields = ("need__title", "offer__title")
    autocomplete_fields = ("need", "offer", "pairing")
    readonly_fields = ("records",)
