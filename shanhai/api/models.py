"""API tokens: only a SHA-256 digest of the token is stored; the token is shown once when created.

Every new token expires: `SHANHAI_API_TOKEN_DAYS` (default 90) days after it is issued, unless the
command's `--days` or the admin's 过期时间 says otherwise. An expired token answers 401 saying so.
"""

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from shanhai.core.errors import ShanhaiError

TOKEN_PREFIX = "shanhai_"


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def default_days() -> int:
    return int(getattr(settings, "SHANHAI_API_TOKEN_DAYS", 90))


def default_expiry(days: int | None = None) -> dt.datetime:
    """When a token issued now expires: `days` (default `SHANHAI_API_TOKEN_DAYS`) from now."""
    days = default_days() if days is None else days
    if days < 1:
        raise ShanhaiError(f"令牌有效天数至少为1天（收到{days}）。", field="days")
    return timezone.now() + dt.timedelta(days=days)


class ApiToken(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.CASCADE,
                             related_name="api_tokens")
    name = models.CharField(_("用途"), max_length=64, blank=True)
    digest = models.CharField(_("摘要"), max_length=64, unique=True, editable=False)
    prefix = models.CharField(_("前缀"), max_length=16, editable=False, help_text=_("令牌开头几位，便于辨认"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True, editable=False)
    expires_at = models.DateTimeField(
        _("过期时间"), null=True, blank=True,
        help_text=_("过期后令牌不能再使用；新建时留空则按系统设置在若干天后过期（默认90天）。"),
    )
    revoked = models.BooleanField(_("已停用"), default=False)

    class Meta:
        verbose_name = _("接口令牌")
        verbose_name_plural = pgettext_lazy("plural", "接口令牌")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"

    @classmethod
    def issue(cls, user: models.Model, name: str = "", days: int | None = None) -> tuple["ApiToken", str]:
        """Create a token for `user` valid for `days` (default `SHANHAI_API_TOKEN_DAYS`); returns the
        row and the clear token (shown once, never stored)."""
        token = new_token()
        row = cls.objects.create(user=user, name=name, digest=token_digest(token), prefix=token[:14],
                                 expires_at=default_expiry(days))
        return row, token

    def expired(self, now: dt.datetime | None = None) -> bool:
        return self.expires_at is not None and self.expires_at <= (now or timezone.now())
