from typing import Any

from django.contrib import admin, messages
from django.http import HttpRequest
from django.utils import timezone

from shanhai.api.models import ApiToken, default_expiry, new_token, token_digest


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Create a token here: it is shown once in a message; only its digest is kept."""

    list_display = ("prefix", "user", "name", "created_at", "last_used_at", "expires_at", "revoked")
    list_filter = ("revoked",)
    search_fields = ("user__username", "name", "prefix")
    fields = ("user", "name", "expires_at", "revoked", "prefix", "created_at", "last_used_at")
    readonly_fields = ("prefix", "created_at", "last_used_at")
    autocomplete_fields = ("user",)

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        return {**super().get_changeform_initial_data(request), "expires_at": default_expiry()}

    def save_model(self, request: HttpRequest, obj: ApiToken, form: Any, change: bool) -> None:
        if not change:
            token = new_token()
            obj.digest, obj.prefix = token_digest(token), token[:14]
            if obj.expires_at is None:  # every new token expires (SHANHAI_API_TOKEN_DAYS)
                obj.expires_at = default_expiry()
            super().save_model(request, obj, form, change)
            expires = timezone.localtime(obj.expires_at).strftime("%Y-%m-%d %H:%M")
            messages.warning(request, f"新令牌（只显示这一次，请立即复制保存；有效期至{expires}）：{token}")
            return
        super().save_model(request, obj, form, change)
