from typing import Any

from django.contrib import admin, messages
from django.http import HttpRequest

from shanhai.api.models import ApiToken, token_digest


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Create a token here: it is shown once in a message; only its digest is kept."""

    list_display = ("prefix", "user", "name", "created_at", "last_used_at", "expires_at", "revoked")
    list_filter = ("revoked",)
    search_fields = ("user__username", "name", "prefix")
    fields = ("user", "name", "expires_at", "revoked", "prefix", "created_at", "last_used_at")
    readonly_fields = ("prefix", "created_at", "last_used_at")
    autocomplete_fields = ("user",)

    def save_model(self, request: HttpRequest, obj: ApiToken, form: Any, change: bool) -> None:
        if not change:
            import secrets

            from shanhai.api.models import TOKEN_PREFIX

            token = TOKEN_PREFIX + secrets.token_urlsafe(32)
            obj.digest, obj.prefix = token_digest(token), token[:14]
            super().save_model(request, obj, form, change)
            messages.warning(request, f"新令牌（只显示这一次，请立即复制保存）：{token}")
            return
        super().save_model(request, obj, form, change)
