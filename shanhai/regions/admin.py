from django.contrib import admin
from django.http import HttpRequest

from shanhai.accounts.writes import is_national
from shanhai.regions.models import Region, RegionAlias


class AliasInline(admin.TabularInline):
    model = RegionAlias
    extra = 0


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "short_name", "level", "parent", "lng", "lat")
    list_filter = ("level",)
    search_fields = ("code", "name", "short_name", "aliases__alias")
    list_select_related = ("parent",)
    autocomplete_fields = ("parent",)
    inlines = [AliasInline]

    # Reference data: everyone signed in may read it, only the national office changes it.
    def has_view_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return request.user.is_active and request.user.is_staff

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return is_national(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return is_national(request.user)

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return is_national(request.user)
