from django.contrib import admin

from shanhai.transfer.models import ImportRun


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    list_display = ("filename", "type_key", "status", "user", "created_at", "finished_at")
    list_filter = ("status", "type_key")
    # The stored file is encrypted (transfer/uploads.py): shown as its state, never as a download link.
    readonly_fields = ("user", "type_key", "filename", "status", "file_masked", "file_removed_at", "result",
                       "created_at", "finished_at")
    exclude = ("file",)

    def has_add_permission(self, request) -> bool:  # uploads go through /data/
        return False
