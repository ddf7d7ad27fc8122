from django.contrib import admin

from shanhai.accounts.admin_scoping import ScopedAdmin
from shanhai.activities.models import Activity, Training


@admin.register(Activity)
class ActivityAdmin(ScopedAdmin):
    year_field = "date"
    list_display = ("title", "kind", "pairing", "date", "participants", "online")
    list_filter = ("kind", "online")
    search_fields = ("title",)
    autocomplete_fields = ("pairing",)


@admin.register(Training)
class TrainingAdmin(ScopedAdmin):
    year_field = "start_date"
    list_display = ("title", "category", "pairing", "start_date", "end_date", "sessions", "participants")
    list_filter = ("category", "online")
    search_fields = ("title",)
    autocomplete_fields = ("pairing",)
