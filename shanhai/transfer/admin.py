from django.contrib import admin

from shanhai.transfer.models import ImportRun


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    list_display = ("filename", "type_key", "status", "user", "created_at", "finished_at")
    list_filter = ("status", "type_key")
    readonly_fields = ("user", "type_key", "filename", "file", "status", "result", "created_at", "finished_at")

    def has_add_permission(self, request) -> bool:  # uploads go through /data/
        return False
