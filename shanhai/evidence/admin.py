from django.contrib import admin

from shanhai.accounts.admin_scoping import ScopedAdmin
from shanhai.evidence.models import ProposedFact, SourceDocument


class FactInline(admin.TabularInline):
    model = ProposedFact
    extra = 0
    fields = ("metric", "value", "qualifier", "period", "east", "west", "evidence", "status")
    readonly_fields = fields
    can_delete = False


@admin.register(SourceDocument)
class SourceDocumentAdmin(ScopedAdmin):
    year_field = "published"
    list_display = ("title", "pairing", "published", "format", "created_at")
    search_fields = ("title", "text")
    autocomplete_fields = ("pairing",)
    readonly_fields = ("sha256", "format", "encoding", "dropped")
    inlines = [FactInline]


@admin.register(ProposedFact)
class ProposedFactAdmin(ScopedAdmin):
    pairing_field = "document__pairing"
    list_display = ("metric", "value", "qualifier", "period", "east", "west", "status", "document")
    list_filter = ("status",)
    search_fields = ("metric", "evidence")
    raw_id_fields = ("document", "reported_value")
    autocomplete_fields = ("east_region", "west_region")
