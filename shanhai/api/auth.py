"""Bearer-token authentication: the token's SHA-256 digest is looked up; the token itself is never stored."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.models import User
from django.http import HttpRequest
from django.utils import timezone
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer

from shanhai.api.models import ApiToken, token_digest

_TOUCH_EVERY = dt.timedelta(minutes=5)


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        if not token or len(token) > 200:
            return None
        row = ApiToken.objects.select_related("user").filter(digest=token_digest(token), revoked=False).first()
        if row is None or not row.user.is_active:
            return None
        now = timezone.now()
        if row.expired(now):
            expired = timezone.localtime(row.expires_at).strftime("%Y-%m-%d %H:%M")
            raise AuthenticationError(message=(
                f"接口令牌（{row.prefix}…）已于{expired}过期；请让管理员重新创建令牌"
                "（shanhai api_token 用户名，或管理后台“接口令牌”）。"
            ))
        if row.last_used_at is None or now - row.last_used_at > _TOUCH_EVERY:
            ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
        request.user = row.user  # so simple-history and scoping see the token's user
        return row.user


def api_user(request: HttpRequest) -> Any:
    return request.auth  # type: ignore[attr-defined]
