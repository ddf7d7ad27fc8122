from django.contrib import admin

from shanhai.accounts.admin_scoping import ScopedAdmin
from shanhai.indicators.models import Indicator, ReportedValue, Target


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    """The catalogue is read-only here: it changes in catalogue.csv (then `shanhai indicators sync`)."""

    list_display = ("code", "zh", "en", "unit", "agg", "category", "records")
    list_filter = ("category", "agg", "unit")
    search_fields = ("code", "zh", "en")

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Target)
class TargetAdmin(ScopedAdmin):
    year_field = "year"
    year_is_date = False
    list_display = ("indicator", "year", "pairing", "region", "side", "value", "note")
    list_filter = ("indicator__category",)
    search_fields = ("indicator__code", "indicator__zh", "note")
    autocomplete_fields = ("pairing", "region")
    list_select_related = ("indicator", "region", "pairing__east_region", "pairing__west_region",
                           "pairing__east_org", "pairing__west_org")


@admin.register(ReportedValue)
class ReportedValueAdmin(ScopedAdmin):
    year_field = "year"
    year_is_date = False
    list_display = ("indicator", "period_label", "pairing", "region", "side", "value", "qualifier", "source_kind",
                    "source_ref")
    list_filter = ("source_kind", "qualifier", "indicator__category")
    search_fields = ("indicator__code", "indicator__zh", "source_ref", "evidence")
    autocomplete_fields = ("pairing", "region")
    readonly_fields = ("created_by",)
    list_select_related = ("indicator", "region", "pairing__east_region", "pairing__west_region",
                           "pairing__east_org", "pairing__west_org")

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        if not change and request.user.is_authenticated:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
