"""Periods and validation rules are reference data the national office edits here; submissions, steps,
confirmations and explanations are read-only here: they change only through `workflow.services`
(the data-entry, approval and reconciliation pages), where the cycle's rules are checked."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from shanhai.accounts.admin_scoping import ScopedAdmin
from shanhai.workflow.models import CheckRule, Confirmation, Explanation, Period, Step, Submission


@admin.register(Period)
class PeriodAdmin(ScopedAdmin):
    list_display = ("programme", "year", "quarter", "plan_due", "due")
    list_filter = ("programme", "year")


@admin.register(CheckRule)
class CheckRuleAdmin(ScopedAdmin):
    list_display = ("indicator", "kind", "other", "number", "applies_to", "programme", "active")
    list_filter = ("kind", "applies_to", "active", "programme")
    search_fields = ("indicator__code", "indicator__zh", "message")


class ReadOnlyAdmin(ScopedAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class StepInline(admin.TabularInline):
    model = Step
    extra = 0
    can_delete = False
    fields = ("at", "action", "from_state", "to_state", "user", "comment")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Submission)
class SubmissionAdmin(ReadOnlyAdmin):
    list_display = ("pairing", "period", "kind", "side", "state", "submitted_at", "updated_at")
    list_filter = ("state", "kind", "side", "period__year")
    list_select_related = ("pairing__east_region", "pairing__west_region", "pairing__east_org",
                           "pairing__west_org", "period")
    inlines = [StepInline]


@admin.register(Confirmation)
class ConfirmationAdmin(ReadOnlyAdmin):
    list_display = ("pairing", "period", "indicator", "side", "state", "east_value", "west_value", "user")
    list_filter = ("state", "side")


@admin.register(Explanation)
class ExplanationAdmin(ReadOnlyAdmin):
    list_display = ("submission", "indicator", "text")
